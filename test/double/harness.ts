// Spawns the encore test double in a throwaway HOME + app directory and waits for
// its output lines. No sleeps: every wait is for a line, an exit, or a connection.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deferred } from "../support/cleanup.ts";

export const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "encore");
export const ENCORE = join(FIXTURE, "bin", "encore");
export const NODE_DIR = dirname(process.execPath);

export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

export interface LogEvent {
  event: string;
  pid: number;
  time: number;
  [key: string]: unknown;
}

export interface Sandbox {
  dir: string;
  home: string;
  app: string;
  logFile: string;
  /** The environment every call gets; `extra` entries set or (undefined) remove variables. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  write(rel: string, content: string): string;
  read(rel: string): string;
  events(): LogEvent[];
  /** Stops the daemons the double started for this sandbox and deletes it. */
  remove(): void;
}

/** A fresh HOME and an app dir (`files` written into it), with dashboard/MCP on free ports. */
/** `box()` makes a sandbox; every one is removed after the test file. */
export function sandboxes(): (files?: Record<string, string>) => Promise<Sandbox> {
  const defer = deferred("file");
  return async (files) => {
    const made = await sandbox(files);
    defer(() => made.remove());
    return made;
  };
}

export async function sandbox(files: Record<string, string> = { "encore.app": '{"id": ""}\n' }): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), "encore-double-"));
  const home = join(dir, "home");
  const app = join(dir, "app");
  mkdirSync(home);
  mkdirSync(app);
  const logFile = join(dir, "calls.jsonl");
  const [dash, mcp] = [await freePort(), await freePort()];
  const base: NodeJS.ProcessEnv = {
    PATH: `${join(FIXTURE, "bin")}:${NODE_DIR}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
    HOME: home,
    DISABLE_ENCORE_TELEMETRY: "1",
    ENCORE_DEVDASH_LISTEN_ADDR: `127.0.0.1:${dash}`,
    ENCORE_MCPSSE_LISTEN_ADDR: `127.0.0.1:${mcp}`,
    ENCORE_DOUBLE_LOG: logFile,
  };
  const box: Sandbox = {
    dir,
    home,
    app,
    logFile,
    env(extra = {}) {
      const env = { ...base };
      for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      return env;
    },
    write(rel, content) {
      const file = join(app, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    read: (rel) => readFileSync(join(app, rel), "utf8"),
    events() {
      let text = "";
      try {
        text = readFileSync(logFile, "utf8");
      } catch {
        return [];
      }
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogEvent);
    },
    remove() {
      for (const e of box.events()) {
        const argv = e["argv"];
        if (e.event === "call" && Array.isArray(argv) && argv[0] === "daemon" && argv[1] === "-f") {
          try {
            process.kill(e.pid, "SIGTERM");
          } catch {
            // already gone
          }
        }
      }
      // A daemon may still append its last log line while it exits.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
  for (const [rel, content] of Object.entries(files)) box.write(rel, content);
  return box;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  /** Resolves with the whole stream so far once `pattern` matches its ANSI-stripped text. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<string>;
  exited: Promise<Exited>;
}

export interface StartOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A string is written to stdin and closed; "ignore" gives /dev/null; "open" leaves a pipe open. */
  stdin?: string | "ignore" | "open";
  command?: string;
}

export function start(args: string[], opts: StartOptions): Running {
  const stdinMode = opts.stdin === undefined ? "ignore" : opts.stdin;
  const child = spawn(opts.command ?? ENCORE, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [stdinMode === "ignore" ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  const waiters: {
    stream: "stdout" | "stderr";
    pattern: RegExp;
    resolve: (s: string) => void;
    reject: (e: Error) => void;
  }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stripAnsi(output[w.stream]))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(output[w.stream]);
      }
    }
  };
  child.stdout?.setEncoding("utf8").on("data", (d: string) => ((output.stdout += d), check()));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => ((output.stderr += d), check()));
  if (child.stdin && stdinMode !== "open") child.stdin.end(stdinMode);
  const exited = new Promise<Exited>((resolve) => {
    child.on("close", (code, signal) => {
      for (const w of waiters.splice(0)) {
        w.reject(
          new Error(
            `exited (${code ?? signal}) before ${w.stream} matched ${w.pattern}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`,
          ),
        );
      }
      resolve({ code, signal, ...output });
    });
  });
  return {
    child,
    output,
    exited,
    waitFor(stream, pattern) {
      return new Promise((resolve, reject) => {
        waiters.push({ stream, pattern, resolve, reject });
        check();
      });
    },
  };
}

/** Runs the double to completion. */
export function encore(args: string[], opts: StartOptions): Promise<Exited> {
  return start(args, opts).exited;
}

export async function getJSON(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
