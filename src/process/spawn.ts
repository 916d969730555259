import type { Readable } from "node:stream";
import { execa, type ResultPromise } from "execa";
import { LineSplitter } from "./lines.ts";

// The one module that spawns processes (style principle 2). argv arrays only, never a
// shell (docs/provider-contract.md §Security); the environment is passed whole (extendEnv: false) so what the
// caller composed is exactly what the child sees.

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
  const child = start(spec, options.input, options.signal);
  await relay(child, options.onLine, options.batch);
  return exitOf(await child);
}

export interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited and its output is fully relayed. */
  readonly exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a long-running command (the dev server); the caller owns its lifecycle. */
export function startProcess(spec: CommandSpec, onLine: LineHandler, batch?: Batcher): RunningProcess {
  const child = start(spec, undefined);
  const relayed = relay(child, onLine, batch);
  let running = true;
  const exited = Promise.all([child, relayed]).then(([result]) => {
    running = false;
    return exitOf(result);
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
  const child = execa(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    reject: false,
    stdio: "inherit",
    detached: true,
  });
  let running = true;
  const exited = child.then((result) => {
    running = false;
    return exitOf(result);
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

function start(spec: CommandSpec, input: string | undefined, signal?: AbortSignal): ResultPromise<{ reject: false; buffer: false }> {
  return execa(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    reject: false,
    buffer: false,
    stripFinalNewline: false,
    // The child must not outlive the runner (execa kills it on our exit).
    cleanup: true,
    ...(signal ? { cancelSignal: signal, forceKillAfterDelay: 1000 } : {}),
    ...(input === undefined ? { stdin: "ignore" as const } : { input }),
  }) as ResultPromise<{ reject: false; buffer: false }>;
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

function exitOf(result: { exitCode?: number | undefined; signal?: string | undefined; failed?: boolean; code?: string; message?: string }): Exit {
  if (result.exitCode === undefined && result.signal === undefined && result.failed) {
    // Spawning itself failed (ENOENT, EACCES): report like a shell would.
    return { exitCode: result.code === "ENOENT" ? 127 : 126, signal: undefined, spawnError: result.code ?? result.message };
  }
  return { exitCode: result.exitCode, signal: result.signal };
}
