import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import type { Readable } from "node:stream";
import { LineSplitter } from "./lines.ts";

// The one module that spawns processes (style principle 2). argv arrays only, never a
// shell (docs/provider-contract.md §Security); the environment is passed whole, so what the
// caller composed is exactly what the child sees. Built on node:child_process directly: what
// the runner needs (an exit that never rejects, stdin from a string, SIGTERM then SIGKILL on
// cancel, no child outliving the runner) is a few lines, and execa cost more start-up time
// before the first `encore` call than the rest of the runner's modules together.

export interface CommandSpec {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
}

export type Stream = "stdout" | "stderr";
type LineHandler = (stream: Stream, line: string) => void;
/** Wraps the handling of one chunk's lines, e.g. to write them out in one go. */
type Batcher = (handle: () => void) => void;

export interface Exit {
  /** Set when the process exited by itself. */
  exitCode: number | undefined;
  /** Set when a signal ended it, e.g. "SIGKILL". */
  signal: string | undefined;
  /** Set when it could not be started at all (e.g. "ENOENT"); exitCode is then a shell's 127/126. */
  spawnError?: string | undefined;
}

interface RunOptions {
  /** Written to stdin, which is then closed; stdin is /dev/null without it. */
  input?: string;
  onLine?: LineHandler;
  batch?: Batcher;
  /** Aborting sends SIGTERM (and SIGKILL a second later if it lingers). */
  signal?: AbortSignal;
}

/** Runs a command to completion, relaying its output line by line. Never rejects for a non-zero exit. */
export async function runCommand(spec: CommandSpec, options: RunOptions = {}): Promise<Exit> {
  const { child, exit } = start(spec, options.input, options.signal);
  await relay(child, options.onLine, options.batch);
  return exit;
}

export interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited and its output is fully relayed. */
  readonly exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a long-running command (the dev server); the caller owns its lifecycle. */
export function startProcess(spec: CommandSpec, onLine: LineHandler, batch?: Batcher): RunningProcess {
  const { child, exit } = start(spec, undefined);
  const relayed = relay(child, onLine, batch);
  let running = true;
  const exited = Promise.all([exit, relayed]).then(([result]) => {
    running = false;
    return result;
  });
  return {
    pid: child.pid,
    exited,
    kill: (signal) => {
      if (running) child.kill(signal);
    },
  };
}

/**
 * Starts a command that owns the runner's stdin, stdout and stderr (`encore test`: its output
 * is the result, not something to relay), in a session and process group of its own. `kill` signals the
 * whole group, as a terminal's Ctrl-C does: `encore test` waits for the test process after a
 * SIGINT of its own, so only the group signal reaches the tests (docs/encore-cli.md §Test).
 */
export function startForeground(spec: CommandSpec): RunningProcess {
  const { child, exit } = launch(spec, "inherit", true);
  let running = true;
  const exited = exit.then((result) => {
    running = false;
    return result;
  });
  return {
    pid: child.pid,
    exited,
    kill: (signal) => {
      if (!running || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal); // the group is gone; the leader may still be exiting
      }
    },
  };
}

/** Children still running; none may outlive the runner (they are sent SIGTERM when it exits). */
const live = new Set<ChildProcess>();
let exitHooked = false;

function launch(spec: CommandSpec, stdio: StdioOptions, detached = false): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(spec.file, [...spec.args], { cwd: spec.cwd, env: { ...spec.env }, stdio, detached });
  const exit = new Promise<Exit>((resolve) => {
    // A failed spawn (ENOENT, EACCES) emits "error" and no exit; report it as a shell would.
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      const code = error.code ?? error.message;
      resolve({ exitCode: error.code === "ENOENT" ? 127 : 126, signal: undefined, spawnError: code });
    });
    child.once("exit", (code, signal) => resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }));
  });
  if (child.pid !== undefined) {
    live.add(child);
    void exit.then(() => live.delete(child));
    if (!exitHooked) {
      exitHooked = true;
      process.once("exit", () => {
        for (const running of live) running.kill("SIGTERM");
      });
    }
  }
  return { child, exit };
}

function start(spec: CommandSpec, input: string | undefined, signal?: AbortSignal): { child: ChildProcess; exit: Promise<Exit> } {
  const launched = launch(spec, [input === undefined ? "ignore" : "pipe", "pipe", "pipe"]);
  const { child, exit } = launched;
  if (input !== undefined && child.stdin) {
    // A child that exits without reading its stdin must not crash the runner (EPIPE).
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  }
  if (signal) {
    const cancel = () => {
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 1000);
      force.unref();
      void exit.then(() => clearTimeout(force));
    };
    if (signal.aborted) cancel();
    else {
      signal.addEventListener("abort", cancel, { once: true });
      void exit.then(() => signal.removeEventListener("abort", cancel));
    }
  }
  return launched;
}

/**
 * Hands every line of both streams to `onLine`, in order within each stream. Each chunk's lines
 * are handled in one batch; while the handler blocks (a slow stderr), the child's pipe fills
 * and the child waits: backpressure, not buffering.
 */
async function relay(child: { stdout: Readable | null; stderr: Readable | null }, onLine: LineHandler | undefined, batch: Batcher = (handle) => handle()): Promise<void> {
  const streams: [Stream, Readable | null][] = [["stdout", child.stdout], ["stderr", child.stderr]];
  await Promise.all(
    streams.map(async ([name, stream]) => {
      if (!stream) return;
      if (!onLine) {
        stream.resume();
        return;
      }
      const splitter = new LineSplitter();
      const deliver = (lines: string[]) => {
        if (lines.length > 0) batch(() => lines.forEach((line) => onLine(name, line)));
      };
      for await (const chunk of stream) deliver(splitter.push(chunk as Buffer));
      deliver(splitter.end());
    }),
  );
}
