// The runner installs real apps' packages in the toolbox, with real npm and pnpm from the
// registry, against the real engine and compose: `docker compose up --wait stagecraft-dev`
// from fresh volumes, restarts that need no network, `down -v` that reinstalls, a pnpm app
// in a subdirectory, and an SDK that resolves ahead of the CLI. Encore is the test double
// (its compile needs encore.dev to resolve from the app root, as the real one does).
//
// This machine's registry is reached through a TLS-intercepting proxy: each app carries a
// copy of the system CA bundle as dev.node_extra_ca_certs, as a user behind such a proxy
// would. compose.packages.yml sets COREPACK_INTEGRITY_KEYS=0 (see there).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  chmodSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import semver from "semver";
import { deferred } from "../support/cleanup.ts";
import type { DoubleEvent } from "../support/double.ts";
import { dockerOk, uniqueName } from "../support/docker.ts";
import { ENCORE_VERSION } from "../support/image.ts";
import { helloCompose, toolboxImage, type HelloCompose } from "./toolbox.ts";

const defer = deferred("file");
const run = promisify(execFile);
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** A proxy on a closed port: every registry request gets ECONNREFUSED at once. */
const UNREACHABLE = "http://127.0.0.1:9";
const timings: Record<string, number> = {};
after(() => console.log(`# package tests, seconds: ${JSON.stringify(timings)}`));

interface App {
  dir: string;
  doubleDir: string;
  events(): DoubleEvent[];
}

/** An Encore app (in `sub`, if given) whose package.json has `dependencies`, locked on the host when `lock`. */
async function app(options: {
  dependencies: Record<string, string>;
  packageManager?: string;
  sub?: string;
  lock?: boolean;
}): Promise<App> {
  const root = mkdtempSync(join(tmpdir(), "stagecraft-encore-packages-"));
  chmodSync(root, 0o755);
  const dir = join(root, "project");
  const doubleDir = join(root, "double");
  mkdirSync(doubleDir, { mode: 0o777 });
  chmodSync(doubleDir, 0o777);
  const appDir = options.sub ? join(dir, options.sub) : dir;
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  const at = (file: string) => (options.sub ? `${options.sub}/${file}` : file);
  write(at("encore.app"), '{"id": "", "lang": "typescript"}\n');
  write(
    at("package.json"),
    `${JSON.stringify({ name: "packages-app", private: true, type: "module", ...(options.packageManager ? { packageManager: options.packageManager } : {}), dependencies: options.dependencies }, null, 2)}\n`,
  );
  write(".env.local", "");
  mkdirSync(join(dir, "certs"));
  copyFileSync(SYSTEM_BUNDLE, join(dir, "certs", "ca-bundle.pem"));
  write(
    "stagecraft.yml",
    `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        env_file: .env.local
        listen: "0.0.0.0:4000"
        workdir: ${options.sub ?? "."}
        disable_telemetry: true
        node_extra_ca_certs: certs/ca-bundle.pem
        encore_secrets: {mode: local}
`,
  );
  if (options.lock) {
    await run("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: appDir,
    });
  }
  chownTree(dir, 1000, 1000);
  defer(() => run("rm", ["-rf", root]));
  const callLog = join(doubleDir, "calls.jsonl");
  return {
    dir,
    doubleDir,
    events: () =>
      existsSync(callLog)
        ? readFileSync(callLog, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as DoubleEvent)
        : [],
  };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** The same compose project (name, volumes) with other variables: compose recreates the containers. */
async function project(
  image: string,
  target: App,
  options: { registry?: string; nodeModules?: string; name?: string; cache?: string } = {},
): Promise<HelloCompose> {
  const env = await helloCompose({
    image,
    project: target,
    scenario: {},
    files: ["test/container/compose.packages.yml"],
    variables: {
      TEST_PROXY: options.registry ?? "",
      ...(options.cache ? { STAGECRAFT_PACKAGE_CACHE_EXTERNAL: "true" } : {}),
    },
    ...(options.nodeModules ? { nodeModules: options.nodeModules } : {}),
    ...(options.cache ? { packageCache: options.cache } : {}),
    ...(options.name ? { name: options.name } : {}),
  });
  return env;
}

/** `docker compose up --wait stagecraft-dev`, as a user runs it; a failure carries the runner's output. */
async function up(env: HelloCompose): Promise<void> {
  const result = await env.compose.run(["up", "--detach", "--wait", "--wait-timeout", "170", "stagecraft-dev"], {
    timeoutMs: 180_000,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `docker compose up --wait stagecraft-dev exited with ${result.exitCode}: ${result.stderr.split("\n").slice(-3).join("\n")}\n--- stagecraft-dev:\n${(await logs(env)).split("\n").slice(-40).join("\n")}`,
    );
  }
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round((performance.now() - started) / 100) / 10;
  }
}

async function logs(env: HelloCompose): Promise<string> {
  const result = await env.compose.run(["logs", "--no-color", "--no-log-prefix", "stagecraft-dev"]);
  return result.stdout + result.stderr;
}

async function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

const installsByEncore = (target: App) => target.events().filter((event) => event.event === "npm-install").length;
const encoreRuns = (target: App) =>
  target
    .events()
    .filter((event) => event.event === "call" && (event as unknown as { argv: string[] }).argv[0] === "run").length;

describe("packages in the toolbox, with real npm and pnpm", () => {
  test("an app at the CLI's release: fresh volumes install and serve; a restart needs no registry; down -v installs again, from the cache", async () => {
    const image = await toolboxImage();
    const target = await app({ dependencies: { "encore.dev": ENCORE_VERSION }, lock: true });
    // Created outside compose and marked external, as the README says, so `down -v` keeps it.
    const cache = uniqueName("stagecraft-test-cache").toLowerCase();
    await dockerOk(["volume", "create", cache]);
    defer(() => dockerOk(["volume", "rm", "--force", cache]));
    const online = await project(image, target, { cache });
    defer(() => online.compose.down());

    await timed("fresh up", () => up(online));
    const first = await logs(online);
    assert.match(
      first,
      /installing packages with npm ci --prefer-offline --no-audit --no-fund in \/workspace \(node_modules is empty\)/,
    );
    assert.match(first, /packages installed with npm/);
    assert.equal((await getJson(online.apiPort, "/hello/world")).status, 200);
    const installed = await online.compose.runOk([
      "exec",
      "-T",
      "-u",
      "node",
      "stagecraft-dev",
      "cat",
      "/workspace/node_modules/encore.dev/package.json",
    ]);
    assert.equal((JSON.parse(installed.stdout) as { version: string }).version, ENCORE_VERSION);
    assert.equal(installsByEncore(target), 0, "encore found its packages and installed nothing itself");

    await online.compose.runOk(["down", "--timeout", "5"]);
    const offline = await project(image, target, { registry: UNREACHABLE, cache, name: online.compose.name });
    await timed("restart, registry unreachable", () => up(offline));
    assert.match(await logs(offline), /packages: up to date; not installing/);
    assert.equal((await getJson(offline.apiPort, "/hello/world")).status, 200);

    await offline.compose.runOk(["down", "--volumes", "--timeout", "5"]);
    await timed("after down -v, registry unreachable (from the cache)", () => up(offline));
    const again = await logs(offline);
    assert.match(again, /installing packages with npm ci .*\(node_modules is empty\)/);
    assert.match(again, /packages installed with npm/);
    assert.equal((await getJson(offline.apiPort, "/hello/world")).status, 200);
    await offline.compose.down();
  });

  test("a pnpm app (packageManager pnpm@9) in backend/ starts, installed with pnpm into the volume at backend/node_modules", async () => {
    const image = await toolboxImage();
    const target = await app({
      dependencies: { "encore.dev": ENCORE_VERSION },
      packageManager: "pnpm@9",
      sub: "backend",
    });
    const env = await project(image, target, { nodeModules: "/workspace/backend/node_modules" });
    defer(() => env.compose.down());
    await timed("pnpm app in backend/", () => up(env));
    const output = await logs(env);
    assert.match(output, /installing packages with pnpm install in \/workspace\/backend \(node_modules is empty\)/);
    assert.equal((await getJson(env.apiPort, "/hello/world")).status, 200);
    const store = await env.compose.runOk([
      "exec",
      "-T",
      "-u",
      "node",
      "stagecraft-dev",
      "sh",
      "-c",
      "ls /workspace/backend/node_modules/.pnpm && readlink /workspace/backend/node_modules/encore.dev && ls /home/node/.cache/packages",
    ]);
    assert.match(store.stdout, new RegExp(`encore\\.dev@${ENCORE_VERSION.replaceAll(".", "\\.")}`));
    assert.match(store.stdout, /pnpm-store/, "pnpm's store is in the package cache volume");
    assert.ok(
      existsSync(join(target.dir, "backend", "pnpm-lock.yaml")),
      "pnpm wrote its lockfile next to package.json",
    );
    assert.equal(
      existsSync(join(target.dir, "backend", "node_modules", "encore.dev")),
      false,
      "node_modules stays out of the checkout",
    );
    await env.compose.down();
  });

  test("a lockfile that resolves encore.dev a minor ahead of the CLI: exit 3 before encore run, naming both versions and ENCORE_VERSION", async () => {
    const image = await toolboxImage();
    const target = await app({ dependencies: { "encore.dev": `^${ENCORE_VERSION}` }, lock: true });
    const lock = JSON.parse(readFileSync(join(target.dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    };
    const locked = lock.packages["node_modules/encore.dev"]?.version ?? "";
    assert.ok(
      semver.gte(locked, `${semver.major(ENCORE_VERSION)}.${semver.minor(ENCORE_VERSION) + 1}.0`),
      `precondition: the registry's newest encore.dev (${locked}) is a minor ahead of ${ENCORE_VERSION}`,
    );
    const env = await project(image, target);
    defer(() => env.compose.down());
    const result = await timed("SDK ahead", () =>
      env.compose.run(["run", "--rm", "-T", "stagecraft-dev"], { timeoutMs: 180_000 }),
    );
    assert.equal(result.exitCode, 3, result.stderr);
    const headline =
      result.stderr.split("\n").find((line) => line.startsWith("encore-ts dev: INVALID_PROJECT: ")) ?? "";
    assert.match(
      headline,
      new RegExp(
        `${locked.replaceAll(".", "\\.")}.*newer than the encore CLI ${ENCORE_VERSION.replaceAll(".", "\\.")}`,
      ),
    );
    assert.match(result.stderr, /ENCORE_VERSION=/);
    assert.match(result.stderr, new RegExp(`"encore\\.dev": "${ENCORE_VERSION.replaceAll(".", "\\.")}"`));
    assert.equal(encoreRuns(target), 0, "encore run never started");
    await env.compose.down();
  });
});
