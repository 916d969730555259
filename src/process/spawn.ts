import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { execa, type ResultPromise } from "execa";

// The one module that spawns processes (style principle 2). argv arrays only, never a
// shell (spec §8); the environment is passed whole (extendEnv: false) so what the
// caller composed is exactly what the child sees.

export interface CommandSpec {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
}

export type Stream = "stdout" | "stderr";
export type LineHandler = (stream: Stream, line: string) => void;

export interface Exit {
  /** Set when the process exited by itself. */
  exitCode: number | undefined;
  /** Set when a signal ended it, e.g. "SIGKILL". */
  signal: string | undefined;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; stdin is /dev/null without it. */
  input?: string;
  onLine?: LineHandler;
  /** Aborting sends SIGTERM (and SIGKILL a second later if it lingers). */
  signal?: AbortSignal;
}

/** Runs a command to completion, relaying its output line by line. Never rejects for a non-zero exit. */
export async function runCommand(spec: CommandSpec, options: RunOptions = {}): Promise<Exit> {
  const child = start(spec, options.input, options.signal);
  await relay(child, options.onLine);
  return exitOf(await child);
}

export interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited and its output is fully relayed. */
  readonly exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a long-running command (the dev server); the caller owns its lifecycle. */
export function startProcess(spec: CommandSpec, onLine: LineHandler): RunningProcess {
  const child = start(spec, undefined);
  const relayed = relay(child, onLine);
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

async function relay(child: { stdout: Readable | null; stderr: Readable | null }, onLine: LineHandler | undefined): Promise<void> {
  const streams: [Stream, Readable | null][] = [["stdout", child.stdout], ["stderr", child.stderr]];
  await Promise.all(
    streams.map(async ([name, stream]) => {
      if (!stream) return;
      if (!onLine) {
        stream.resume();
        return;
      }
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) onLine(name, line);
    }),
  );
}

function exitOf(result: { exitCode?: number | undefined; signal?: string | undefined; failed?: boolean; code?: string; message?: string }): Exit {
  if (result.exitCode === undefined && result.signal === undefined && result.failed) {
    // Spawning itself failed (ENOENT, EACCES): report like a shell would.
    return { exitCode: result.code === "ENOENT" ? 127 : 126, signal: undefined };
  }
  return { exitCode: result.exitCode, signal: result.signal };
}
