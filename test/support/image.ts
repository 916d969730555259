// The toolbox image under test: this repository's Dockerfile, built with the encore test
// double packed as the official release tarball into vendor/encore/ (the Dockerfile's
// offline path, still checksum-verified: the double's sha256 goes in as ENCORE_SHA256).
//
// No cache of our own: `docker buildx build` is always run, and BuildKit's layer cache
// makes it a no-op when nothing changed. Measured on the 2-core machine: 0.3–0.7 s when up
// to date, 5 s after a change under src/, 39 s with --no-cache. A hash label would only
// save that half second per test file.
//
// Builds on one machine are serialised with flock: the Engine 20.10 that CI installs
// panicked ("failed to get edge", dockerd exits) when two builds of this Dockerfile ran
// at once. Anything else that builds this image (bench/) should take the same lock.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { execa } from "execa";
import { ROOT } from "./project.ts";

/** Overridable so that checkouts side by side on one engine do not replace each other's image. */
export const TEST_IMAGE = process.env.STAGECRAFT_TEST_IMAGE ?? "stagecraft-encore:test";
/** The CLI version the double impersonates; the Dockerfile's default ENCORE_VERSION. */
export const ENCORE_VERSION = "1.56.4";
/** The proxy CA the downloading build steps need on these machines (docker-here.md). */
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
export const BUILD_LOCK = join(tmpdir(), "stagecraft-encore-buildx.lock");
/**
 * The arm64 Node base, a STAND-IN (test/stand-ins/build.sh arm64) under the name of Docker's
 * per-architecture official repository: this engine keeps one platform per tag, so the
 * arm64 base cannot share the tag node:24-bookworm-slim with the amd64 one.
 */
export const ARM64_NODE_IMAGE = "arm64v8/node:24-bookworm-slim";

export type Arch = "amd64" | "arm64";

const run = promisify(execFile);

export function targetArch(): Arch {
  if (process.arch === "x64") return "amd64";
  if (process.arch === "arm64") return "arm64";
  throw new Error(`Encore publishes linux_amd64 and linux_arm64 releases only; this machine is ${process.arch}`);
}

/**
 * Packs the double for `arch` (default: this machine's) into
 * vendor/encore/encore-<version>-linux_<arch>.tar.gz and returns its sha256. A tarball there
 * that is not the double (a real release put there for an offline build) is never overwritten.
 */
export async function vendorEncoreDouble(arch: Arch = targetArch()): Promise<string> {
  const name = `encore-${ENCORE_VERSION}-linux_${arch}.tar.gz`;
  const target = join(ROOT, "vendor", "encore", name);
  const work = mkdtempSync(join(tmpdir(), "stagecraft-encore-pack-"));
  try {
    const { stdout } = await run("sh", [
      join(ROOT, "test", "fixtures", "encore", "pack.sh"),
      ENCORE_VERSION,
      arch,
      work,
    ]);
    const sha256 = stdout.trim();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`pack.sh printed ${JSON.stringify(stdout)}, not a sha256`);
    if (existsSync(target)) {
      if (sha256OfFile(target) === sha256) return sha256;
      if (!(await isEncoreDouble(target))) {
        throw new Error(
          `${target} is not the encore test double (a real Encore release?); the container tests will not overwrite it: move it aside`,
        );
      }
    }
    // Atomic, so a build running in another process never sees half a file.
    renameSync(join(work, name), target);
    return sha256;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function sha256OfFile(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

async function isEncoreDouble(tarball: string): Promise<boolean> {
  try {
    const { stdout } = await run("tar", ["-xzOf", tarball, "bin/encore"], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.includes("Test double of the Encore CLI");
  } catch {
    return false;
  }
}

export interface ImageBuild {
  tag: string;
  /** The BuildKit secret `extra_ca`: a file, or null for none. Default: the system bundle, when there is one. */
  extraCa?: string | null;
  /** Stages to run again whatever the cache holds (`--no-cache-filter`). */
  noCacheFilter?: readonly string[];
  /** Another target platform than this machine's (`--platform linux/<arch>`), run under emulation. */
  arch?: Arch;
  /** The NODE_IMAGE build argument; default: the Dockerfile's. */
  nodeImage?: string;
  /** The BUILD_NODE_IMAGE build argument: the base of the JavaScript stages, which run on this machine's platform. */
  buildNodeImage?: string;
}

export interface BuiltImage {
  tag: string;
  encoreSha256: string;
  /** BuildKit's plain progress output. */
  log: string;
  durationMs: number;
}

/** `docker buildx build --load` of this repository with the double vendored. */
export async function buildToolboxImage(build: ImageBuild): Promise<BuiltImage> {
  const encoreSha256 = await vendorEncoreDouble(build.arch);
  const extraCa = build.extraCa === undefined ? (existsSync(SYSTEM_BUNDLE) ? SYSTEM_BUNDLE : null) : build.extraCa;
  const args = [
    "buildx",
    "build",
    "--load",
    "--progress",
    "plain",
    "--build-arg",
    `ENCORE_VERSION=${ENCORE_VERSION}`,
    "--build-arg",
    `ENCORE_SHA256=${encoreSha256}`,
    ...(build.arch ? ["--platform", `linux/${build.arch}`] : []),
    ...(build.nodeImage ? ["--build-arg", `NODE_IMAGE=${build.nodeImage}`] : []),
    ...(build.buildNodeImage ? ["--build-arg", `BUILD_NODE_IMAGE=${build.buildNodeImage}`] : []),
    ...(extraCa ? ["--secret", `id=extra_ca,src=${extraCa}`] : []),
    ...(build.noCacheFilter?.length ? ["--no-cache-filter", build.noCacheFilter.join(",")] : []),
    "--tag",
    build.tag,
    ROOT,
  ];
  const started = performance.now();
  const [file, fileArgs]: [string, string[]] = (await hasFlock())
    ? ["flock", [BUILD_LOCK, "docker", ...args]]
    : ["docker", args];
  const result = await execa(file, fileArgs, { reject: false, all: true, stdin: "ignore" });
  const log = String(result.all ?? "");
  if (result.exitCode !== 0) {
    throw new Error(
      `building the toolbox image failed (docker ${args.join(" ")} exited with ${result.exitCode}):\n${log.split("\n").slice(-40).join("\n")}`,
    );
  }
  return { tag: build.tag, encoreSha256, log, durationMs: Math.round(performance.now() - started) };
}

async function hasFlock(): Promise<boolean> {
  return run("flock", ["--version"]).then(
    () => true,
    () => false,
  );
}

let shared: Promise<BuiltImage> | undefined;
/**
 * stagecraft-encore:test, built once per test process. Test files run in separate
 * processes; each one's build after the first is BuildKit's no-op.
 */
export function testImage(): Promise<BuiltImage> {
  return (shared ??= buildToolboxImage({ tag: TEST_IMAGE }));
}
