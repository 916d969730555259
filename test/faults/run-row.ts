import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmodSync, chownSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { CLI, isAlive } from "../support/cli.ts";
import { commandOf, doubleWorld, runnerCalls, type DoubleCall, type DoubleWorld } from "../support/double.ts";
import { freePort } from "../support/ports.ts";
import { TEST_CA, encoreProject, type TempProject } from "../support/project.ts";

// The runner of the fault matrix (fault-matrix.test.ts): it builds a project and an encore
// double for a row, runs the CLI (as nobody when a row needs permission checks and the tests
// run as root), drives it, and checks the exit code, the error record and leftovers.

/** Permission rows run the CLI as nobody when the tests run as root, which bypasses permission checks. */
const NOBODY = 65534;
const ROW_TIMEOUT_MS = 60_000;
const ROOT = process.getuid?.() === 0;

export interface Ctx {
  project: TempProject;
  world: DoubleWorld;
  port: number;
  /** A TCP listener standing in for the Docker engine (the double does not load images here). */
  dockerHost: string;
  /** Secret values by name, as the env file sets them. */
  values: Record<string, string>;
  /** Where the CLI runs; the project directory unless `prepare` moves it. */
  cwd?: string;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The error record (the last JSON line), when the CLI failed. */
  error?: Record<string, unknown>;
  ms: number;
}

export interface Row {
  name: string;
  scenario?: unknown;
  /** The provider's `dev`/`build` block, as YAML flow mappings; the defaults suit a dev run. */
  dev?: (ctx: Ctx) => string;
  build?: string;
  files?: Record<string, string | Buffer>;
  envFile?: string | Buffer;
  args?: string[];
  env?: (ctx: Ctx) => Record<string, string | undefined>;
  /** Run as an unprivileged user (setpriv when root; permission checks apply otherwise anyway). */
  unprivileged?: boolean;
  prepare?: (ctx: Ctx) => void | Promise<void>;
  /** Drives the running CLI (signals); the row ends when the CLI exits. */
  drive?: (cli: Cli, ctx: Ctx) => Promise<void>;
  /** Start the CLI as the leader of its own process group, as a shell job is (for group signals). */
  group?: boolean;
  /** null: the CLI itself was killed by a signal. */
  code: number | null;
  category?: string;
  /** Matched against the error record's message (or all of stderr on exit 0). */
  message: RegExp;
  /** Matched against the error record's detail: the log tail. */
  detail?: RegExp;
  check?: (ctx: Ctx, finished: Finished) => void;
}

export const run = (world: DoubleWorld) => runnerCalls(world).find((call) => commandOf(call) === "run");
export const signalsOf = (world: DoubleWorld, call: DoubleCall | undefined) =>
  world
    .events()
    .filter((event) => event.pid === call?.pid && event.event === "signal")
    .map((event) => event.signal);
export const exitOf = (world: DoubleWorld, call: DoubleCall | undefined) =>
  world.events().find((event) => event.pid === call?.pid && event.event === "exit")?.code;
export const noCalls = (ctx: Ctx) =>
  assert.deepEqual(
    runnerCalls(ctx.world).map((call) => call.argv),
    [],
    "encore was never called",
  );
export const devBlock = (extra: string) => (ctx: Ctx) =>
  `{env_file: .env.local, listen: "127.0.0.1:${ctx.port}", readiness: {timeout_ms: 15000}, shutdown: {timeout_ms: 3000}${extra}}`;
const cleanupsByCtx = new WeakMap<Ctx, (() => void)[]>();
export const cleanupsOf = (ctx: Ctx) => cleanupsByCtx.get(ctx)!;

function yml(ctx: Ctx, row: Row): string {
  const dev = row.dev?.(ctx) ?? devBlock("")(ctx);
  return `backend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      dev: ${dev}\n${row.build ? `      build: ${row.build}\n` : ""}`;
}

export function listenOnSocket(path: string): Promise<Server> {
  const server = createServer((socket) => socket.destroy()).listen(path);
  return once(server, "listening").then(() => server);
}

/** The CLI as a user runs it, optionally as nobody; lines of stderr can be waited for. */
export class Cli {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly done: Promise<number | null>;
  readonly #waiters: { pattern: RegExp; resolve: () => void }[] = [];

  constructor(
    args: string[],
    options: { cwd: string; env: Record<string, string | undefined>; unprivileged: boolean; group?: boolean },
  ) {
    const argv = [process.execPath, CLI, ...args];
    // setpriv execs the runner, so the child's pid is the runner's: signals reach it directly.
    const [file, ...rest] =
      options.unprivileged && ROOT
        ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--", ...argv]
        : argv;
    this.child = spawn(file!, rest, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.group === true,
    });
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    createInterface({ input: this.child.stderr! }).on("line", (line) => {
      this.stderr += `${line}\n`;
      for (const waiter of this.#waiters.filter((w) => w.pattern.test(line))) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    this.done = once(this.child, "close").then(([code]) => code as number | null);
  }

  /** Resolves once a stderr line matches (printed ones count); rejects if the CLI exits first. */
  waitForLine(pattern: RegExp): Promise<void> {
    if (this.stderr.split("\n").some((line) => pattern.test(line))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, resolve });
      void this.done.then(() => reject(new Error(`exited before a line matched ${pattern}:\n${this.stderr}`)));
    });
  }

  kill(signal: NodeJS.Signals): void {
    // The CLI's own pid: setpriv execs it, so the pid is the runner's either way.
    this.child.kill(signal);
  }

  /** Ctrl-C in a terminal: SIGINT to every process of the foreground job's group. */
  interruptGroup(): void {
    process.kill(-this.child.pid!, "SIGINT");
  }
}

async function assertNothingLeft(world: DoubleWorld): Promise<void> {
  const calls = runnerCalls(world);
  for (let waited = 0; calls.some((call) => isAlive(call.pid)) && waited < 3000; waited += 50) await delay(50);
  for (const call of calls)
    assert.equal(isAlive(call.pid), false, `encore ${call.argv.join(" ")} (pid ${call.pid}) is still running`);
}

export async function runRow(row: Row): Promise<void> {
  const cleanups: (() => void)[] = [];
  try {
    const port = await freePort();
    const engine = createServer((socket) => socket.destroy()).listen(0, "127.0.0.1");
    await once(engine, "listening");
    cleanups.push(() => engine.close());
    const world = await doubleWorld(row.scenario ?? {});
    cleanups.push(() => world.remove());
    world.logIn();
    const envText = row.envFile ?? "PLAIN=visible\n";
    const values = Object.fromEntries(
      (typeof envText === "string" ? envText : "")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("=", 2) as [string, string]),
    );
    const project = encoreProject("", {
      ".env.local": "",
      "certs/ca.pem": readFileSync(TEST_CA, "utf8"),
      ...row.files,
    });
    cleanups.push(() => {
      chmodSync(project.dir, 0o755);
      project.remove();
    });
    writeFileSync(project.path(".env.local"), envText);
    const ctx: Ctx = {
      project,
      world,
      port,
      dockerHost: `tcp://127.0.0.1:${(engine.address() as { port: number }).port}`,
      values,
    };
    cleanupsByCtx.set(ctx, cleanups);
    writeFileSync(project.path("stagecraft.yml"), yml(ctx, row));
    if (row.unprivileged && ROOT) {
      // nobody must reach the project and own HOME (the double writes its config and daemon socket there).
      chmodSync(project.dir, 0o755);
      chownRecursive(world.home.dir, NOBODY);
    }
    await row.prepare?.(ctx);

    const started = performance.now();
    const cli = new Cli([...(row.args ?? ["dev"]), "--log-format", "json"], {
      cwd: ctx.cwd ?? project.dir,
      env: world.env({ DOCKER_HOST: ctx.dockerHost, ...row.env?.(ctx) }),
      unprivileged: row.unprivileged === true,
      group: row.group === true,
    });
    cleanups.push(() => {
      // A row that went wrong must not leave its processes to hang the suite.
      cli.child.kill("SIGKILL");
      for (const call of runnerCalls(world))
        if (call.argv[0] !== "daemon" && isAlive(call.pid)) process.kill(call.pid, "SIGKILL");
    });
    const deadline = delay(ROW_TIMEOUT_MS, undefined, { ref: false }).then(() => {
      throw new Error(`no exit within ${ROW_TIMEOUT_MS} ms:\n${cli.stderr}`);
    });
    await Promise.race([Promise.all([row.drive?.(cli, ctx), cli.done]), deadline]);
    const code = await cli.done;
    const ms = performance.now() - started;
    const last = cli.stderr.trim().split("\n").at(-1) ?? "";
    const error = code !== 0 && code !== null ? (JSON.parse(last) as Record<string, unknown>) : undefined;
    const finished: Finished = { code, stdout: cli.stdout, stderr: cli.stderr, ms, ...(error ? { error } : {}) };

    assert.equal(code, row.code, `exit code ${row.code} expected, got ${code}:\n${cli.stderr}`);
    if (error) {
      assert.equal(error.category, row.category);
      assert.equal(error.provider, "encore-ts");
      assert.match(String(error.message), row.message);
      if (row.detail) assert.match(String(error.detail), row.detail);
      assert.equal(error.stack, undefined, "no stack trace for a fault that is not a bug");
    } else {
      assert.match(cli.stderr, row.message);
      assert.doesNotMatch(cli.stderr, /^\s+at /m, "no stack trace");
    }
    row.check?.(ctx, finished);
    await assertNothingLeft(world);
  } finally {
    while (cleanups.length) cleanups.pop()!();
  }
}

function chownRecursive(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) chownSync(join(dir, entry), uid, uid);
}
