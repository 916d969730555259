import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

// The docker CLI, as the bench uses it: build the toolbox image from the snapshot, keep one
// container running for in-image trials, and read image metadata.

const run = promisify(execFile);

/** The system CA bundle, handed to the image build as the `extra_ca` secret (a TLS-intercepting proxy). */
const SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt";

export async function docker(args: readonly string[], options: { input?: string } = {}): Promise<string> {
  if (options.input === undefined) {
    const { stdout } = await run("docker", [...args], { maxBuffer: 256 << 20 });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = spawn("docker", [...args], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`docker ${args.join(" ")} exited ${code}`)),
    );
    child.stdin.end(options.input);
  });
}

export interface BuildResult {
  ms: number;
  /** buildx's plain progress output (stderr). */
  progress: string;
}

/**
 * Waits while another `docker buildx build` runs on this machine (up to maxMs). Engine 20.10's
 * BuildKit can panic on concurrent builds ("failed to get edge", moby/moby#42414), which takes
 * the engine down for everyone; it did once while this bench ran beside other builds.
 * Returns how long it waited. There is no line to await here, so it polls the process list.
 */
export async function waitForQuietBuilder(maxMs = 300_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < maxMs) {
    const others = await run("pgrep", ["-f", "buildx build"]).then(
      ({ stdout }) => stdout.trim().split("\n").filter(Boolean),
      () => [], // pgrep exits 1 when nothing matches
    );
    if (others.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return performance.now() - started;
}

/** `docker buildx build --progress=plain`, timed from spawn to exit (after any other build on the machine has finished). */
export async function buildImage(
  context: string,
  tag: string,
  buildArgs: Record<string, string>,
): Promise<BuildResult> {
  await waitForQuietBuilder();
  const args = ["buildx", "build", "--progress=plain", "-t", tag];
  for (const [key, value] of Object.entries(buildArgs)) args.push("--build-arg", `${key}=${value}`);
  if (existsSync(SYSTEM_CA)) args.push("--secret", `id=extra_ca,src=${SYSTEM_CA}`);
  args.push(context);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("docker", args, { stdio: ["ignore", "ignore", "pipe"] });
    let progress = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (progress += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, progress });
      else reject(new Error(`docker buildx build exited ${code}:\n${progress.slice(-4000)}`));
    });
  });
}

export async function serverVersion(): Promise<{ engine: string; client: string; buildx: string }> {
  const [engine, client] = (await docker(["version", "--format", "{{.Server.Version}} {{.Client.Version}}"]))
    .trim()
    .split(" ");
  const buildx = (await docker(["buildx", "version"])).trim();
  return { engine: engine ?? "?", client: client ?? "?", buildx };
}
