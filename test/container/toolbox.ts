// Shared by the container tests: a copy of examples/hello to mount at /workspace, the encore
// double's call log in a host directory mounted at /double, and `docker run` of the image.
import {
  chownSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  chmodSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import type { DoubleCall, DoubleEvent } from "../support/double.ts";
import {
  ComposeProject,
  docker,
  hostDockerSocket,
  requireDocker,
  uniqueName,
  type CommandResult,
} from "../support/docker.ts";
import { testImage } from "../support/image.ts";
import { freePort } from "../support/ports.ts";
import { ROOT } from "../support/project.ts";

/** Where the project is mounted, and the double's log directory, inside the container. */
export const WORKSPACE = "/workspace";
export const DOUBLE_MOUNT = "/double";
export const CALL_LOG_IN_CONTAINER = `${DOUBLE_MOUNT}/calls.jsonl`;
/** The runner started by the entrypoint for `dev`, as `docker top` shows it: `node [flags] <launcher> dev`. */
export const RUNNER_DEV = /^node (?:--\S+ )*\/opt\/stagecraft-encore\/\S+\.js dev$/;
/** examples/hello's registry and image name: `build --tag T` prints `${REGISTRY}/api:T`. */
export const IMAGE_REPOSITORY = "ghcr.io/example-org/api";

/**
 * The double's default scenario in these tests: its `npm install` step only writes
 * node_modules/encore.dev, and its compile assumes the SDK resolves (`sdk: "assume"`), because
 * helloProject turns the runner's install step off by default. A real install inside the
 * container needs the npm registry through the proxy CA; what these tests prove does not
 * depend on it. The package tests (packages.test.ts) install for real.
 */
export const FAKE_NPM = { npmInstall: "fake", sdk: "assume" } as const;

export interface ProjectOptions {
  /** Owner of every file of the copy; the entrypoint gives node this UID/GID. Default 1000:1000. */
  uid?: number;
  gid?: number;
  /** Sets an app ID in encore.app ("linked" to Encore Cloud), which `encore secret set` needs. */
  appId?: string;
  /** Edits of backend.providers.encore-ts in stagecraft.yml, as [path under it, value]. */
  provider?: [readonly (string | number)[], unknown][];
  /** Lines appended to .env.local. */
  envLocal?: string[];
  /** Keep the runner's install step on (install.enabled); off by default, see FAKE_NPM. */
  install?: boolean;
}

export interface HelloCopy {
  /** The project directory on the host, mounted at /workspace. */
  dir: string;
  /** The host directory mounted at /double, writable by anyone, holding the call log. */
  doubleDir: string;
  callLog: string;
  /** `call` records with the stdin each one read (a separate `stdin` event in the log). */
  calls(): DoubleCall[];
  events(): DoubleEvent[];
  /** Files (relative paths) created or changed in the project since the copy was made. */
  writtenFiles(): string[];
  remove(): void;
}

/** A copy of examples/hello, edited for a test, owned by `uid:gid`. */
export function helloProject(options: ProjectOptions = {}): HelloCopy {
  const root = mkdtempSync(join(tmpdir(), "stagecraft-encore-container-"));
  chmodSync(root, 0o755);
  const dir = join(root, "hello");
  const doubleDir = join(root, "double");
  cpSync(join(ROOT, "examples", "hello"), dir, { recursive: true });
  if (options.appId !== undefined) {
    writeFileSync(join(dir, "encore.app"), `${JSON.stringify({ id: options.appId, lang: "typescript" }, null, 2)}\n`);
  }
  const off: [readonly (string | number)[], unknown][] = options.install ? [] : [[["install", "enabled"], false]];
  const edits = [...off, ...(options.provider ?? [])];
  if (edits.length) {
    const file = join(dir, "stagecraft.yml");
    const document = parseDocument(readFileSync(file, "utf8"));
    for (const [path, value] of edits) document.setIn(["backend", "providers", "encore-ts", ...path], value);
    writeFileSync(file, document.toString());
  }
  if (options.envLocal?.length) {
    const file = join(dir, ".env.local");
    writeFileSync(file, `${readFileSync(file, "utf8").trimEnd()}\n${options.envLocal.join("\n")}\n`);
  }
  chownTree(dir, options.uid ?? 1000, options.gid ?? options.uid ?? 1000);
  // Root-owned and open to all: the call log's owner is then the UID of the first encore call.
  mkdirSync(doubleDir, { mode: 0o777 });
  chmodSync(doubleDir, 0o777);
  const callLog = join(doubleDir, "calls.jsonl");
  const before = fingerprints(dir);

  const events = (): DoubleEvent[] =>
    existsSync(callLog)
      ? readFileSync(callLog, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as DoubleEvent)
      : [];
  return {
    dir,
    doubleDir,
    callLog,
    events,
    calls: () => {
      const all = events();
      const stdin = new Map(all.filter((event) => event.event === "stdin").map((event) => [event.pid, event.stdin]));
      return all
        .filter((event) => event.event === "call")
        .map((event) => ({ ...(event as unknown as DoubleCall), stdin: stdin.get(event.pid) ?? null }));
    },
    writtenFiles: () => {
      const after = fingerprints(dir);
      return [...after]
        .filter(([file, digest]) => before.get(file) !== digest)
        .map(([file]) => file)
        .sort();
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** relative path → sha256 of every regular file under `dir`. */
function fingerprints(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (stat.isFile())
      result.set(relative(dir, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
  };
  walk(dir);
  return result;
}

export interface ToolboxRun {
  image: string;
  /** The command after the image: ["build", "--tag", "x"], ["bash", "-c", "id"]. */
  command: readonly string[];
  project?: HelloCopy;
  /** The double's ENCORE_DOUBLE_SCENARIO; default FAKE_NPM. */
  scenario?: unknown;
  /** A socket on the host to mount at /var/run/docker.sock; "host" is the engine's own. */
  socket?: "host" | string;
  env?: Record<string, string>;
  /** `docker run --user`. */
  user?: string;
  /** Keeps the container (no --rm) under this name, for `docker logs`/`inspect` afterwards. */
  name?: string;
  /** More `docker run` options, before the image. */
  options?: readonly string[];
}

/** `docker run` of the toolbox image; stdout and stderr are exactly the container's. */
export function runToolbox(run: ToolboxRun): Promise<CommandResult> {
  return docker(["run", ...toolboxOptions(run), run.image, ...run.command], { timeoutMs: 120_000 });
}

/** The `docker run` options for `run` (without the image and command). */
export function toolboxOptions(run: Omit<ToolboxRun, "image" | "command">): string[] {
  const env = { ENCORE_DOUBLE_SCENARIO: JSON.stringify(run.scenario ?? FAKE_NPM), ...run.env };
  return [
    ...(run.name ? ["--name", run.name] : ["--rm"]),
    ...(run.project
      ? [
          "--volume",
          `${run.project.dir}:${WORKSPACE}`,
          "--volume",
          `${run.project.doubleDir}:${DOUBLE_MOUNT}`,
          "--env",
          `ENCORE_DOUBLE_LOG=${CALL_LOG_IN_CONTAINER}`,
        ]
      : []),
    ...(run.socket
      ? ["--volume", `${run.socket === "host" ? hostDockerSocket() : run.socket}:/var/run/docker.sock`]
      : []),
    ...(run.user ? ["--user", run.user] : []),
    ...Object.entries(env).flatMap(([key, value]) => ["--env", `${key}=${value}`]),
    ...(run.options ?? []),
  ];
}

/** The first line of a runner error: `encore-ts <operation>: <CATEGORY>: <message>`. */
export function errorHeadline(stderr: string): string | undefined {
  return stderr.split("\n").find((line) => /^encore-ts \w+: [A-Z_]+: /.test(line));
}

export interface HelloComposeOptions {
  image: string;
  /** The project mounted at /workspace and the double's log directory. */
  project: Pick<HelloCopy, "dir" | "doubleDir">;
  /** More override files after compose.test.yml, and the variables they read. */
  files?: readonly string[];
  variables?: Record<string, string>;
  scenario?: unknown;
  /** ENCORE_AUTH_KEY in stagecraft-dev's environment. */
  authKey?: string;
  /** PAYMENT_API_KEY in stagecraft-dev's environment: a from_env secret that is not in the env file. */
  paymentApiKey?: string;
  /** STAGECRAFT_LOG_LEVEL of stagecraft-dev; default info. */
  logLevel?: "error" | "warn" | "info" | "debug";
  /** The compose project's name, to reuse another's volumes; default: a new unique one. */
  name?: string;
  /** The package cache volume's name; default: one for this project. */
  packageCache?: string;
  /** Where the node_modules volume is mounted (STAGECRAFT_NODE_MODULES). */
  nodeModules?: string;
  /** The dind profile, with docker/compose.unprivileged.yml (this machine refuses --privileged). */
  dind?: boolean;
}

export interface HelloCompose {
  compose: ComposeProject;
  apiPort: number;
  dashboardPort: number;
}

/** docker-compose.yml with test/container/compose.test.yml, a unique project name and free host ports. */
export async function helloCompose(options: HelloComposeOptions): Promise<HelloCompose> {
  const [apiPort, dashboardPort, debugPort] = [await freePort(), await freePort(), await freePort()];
  const name = options.name ?? uniqueName("stagecraft-test").toLowerCase();
  const compose = new ComposeProject({
    name,
    files: [
      "docker-compose.yml",
      ...(options.dind ? ["docker/compose.unprivileged.yml"] : []),
      "test/container/compose.test.yml",
      ...(options.files ?? []),
    ],
    profiles: options.dind ? ["dind"] : [],
    variables: {
      STAGECRAFT_PROJECT_DIR: options.project.dir,
      STAGECRAFT_API_PORT: String(apiPort),
      STAGECRAFT_DASHBOARD_PORT: String(dashboardPort),
      // The debugger relay's host port too, so compose projects side by side do not collide.
      STAGECRAFT_DEBUG_PORT: String(debugPort),
      TEST_IMAGE: options.image,
      TEST_DOUBLE_DIR: options.project.doubleDir,
      TEST_DOUBLE_SCENARIO: JSON.stringify(options.scenario ?? FAKE_NPM),
      TEST_ENCORE_AUTH_KEY: options.authKey ?? "",
      TEST_PAYMENT_API_KEY: options.paymentApiKey ?? "",
      TEST_LOG_LEVEL: options.logLevel ?? "info",
      // Each test project its own download cache (removed by its `down -v`), unless a test shares one.
      STAGECRAFT_PACKAGE_CACHE: options.packageCache ?? `${name}-package-cache`,
      ...(options.nodeModules ? { STAGECRAFT_NODE_MODULES: options.nodeModules } : {}),
      ...options.variables,
    },
  });
  return { compose, apiPort, dashboardPort };
}

/** The toolbox image built for this run; fails loudly when there is no Docker engine. */
export async function toolboxImage(): Promise<string> {
  await requireDocker();
  return (await testImage()).tag;
}
