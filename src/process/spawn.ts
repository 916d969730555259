import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { execa, type ResultPromise } from "execa";
import { LineSplitter } from "./lines.ts";
import { withParentDeath } from "./parent-death.ts";

// The one module that spawns processes (style principle 2), and the one way every child
// stops. argv arrays only, never a shell (docs/provider-contract.md §Security); the environment is passed whole
// (extendEnv: false) so what the caller composed is exactly what the child sees.
//
// Stopping, for every child alike, on execa's termination options:
// - each child runs in its own process group (killDescendants), so a terminal's Ctrl-C
//   reaches the runner only, and the runner decides how each child stops;
// - a stop request (cancelSignal) sends the child's stop signal to its whole group, and
//   SIGKILL after its grace period (forceKillAfterDelay); a second request (`force`)
//   sends SIGKILL at once;
// - once the child has exited, its pipes are read for a moment more and then let go, so a
//   grandchild still holding them cannot keep the stop (or the runner) waiting;
// - on Linux the child is also killed when the runner dies, even by SIGKILL (parent-death.ts);
//   execa's cleanup covers every other way the runner exits.

export interface CommandSpec {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
}

/** The run's stop request (cli/shutdown.ts): every child takes it. */
export interface StopRequest {
  /** Aborted by the first SIGINT/SIGTERM/SIGHUP: stop gracefully. */
  readonly signal: AbortSignal;
  /** Aborted by the second: stop now. */
  readonly force: AbortSignal;
}

type Stream = "stdout" | "stderr";
type LineHandler = (stream: Stream, line: string) => void;
/** Wraps the handling of one chunk's lines, e.g. to write them out in one go. */
type Batcher = (handle: () => void) => void;
/** A promise while the output's reader is behind (backpressure), else undefined. */
type Drained = () => Promise<void> | undefined;

export interface Exit {
  /** Set when the process exited by itself. */
  exitCode: number | undefined;
  /** Set when a signal ended it, e.g. "SIGKILL". */
  signal: string | undefined;
  /** A stop was requested (the run's, or `RunningProcess.stop`) before it ended. */
  stopped: boolean;
  /** It was killed with SIGKILL: the grace period ran out, or a second stop request came. */
  forced: boolean;
  /** Set when it could not be started at all (e.g. "ENOENT"); exitCode is then a shell's 127/126. */
  spawnError?: string | undefined;
}

interface RunOptions {
  /** The run's stop request. Required: no child may outlive a stop. */
  stop: StopRequest;
  /** Written to stdin, which is then closed; stdin is /dev/null without it. */
  input?: string;
  onLine?: LineHandler;
  batch?: Batcher;
  drained?: Drained;
  /** The signal that asks this child to stop; SIGTERM unless it handles only SIGINT (encore run, build). */
  stopSignal?: "SIGINT" | "SIGTERM";
  /** How long the child may take to stop before SIGKILL. */
  graceMs?: number;
}

const DEFAULT_GRACE_MS = 2000;
/**
 * After the child exits, its pipes are let go once nothing came for PIPE_IDLE_MS, or
 * PIPE_CAP_MS after the exit at the latest: a grandchild may hold them, even write to them.
 * While the log's reader is behind, the output is not idle, unless a stop was requested.
 */
const PIPE_IDLE_MS = 300;
const PIPE_CAP_MS = 2000;

/** Runs a command to completion, relaying its output line by line. Never rejects for a non-zero exit. */
export async function runCommand(spec: CommandSpec, options: RunOptions): Promise<Exit> {
  return startProcess(spec, options).exited;
}

interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited and its output is relayed (or let go). */
  readonly exited: Promise<Exit>;
  /** Asks this child alone to stop, as a stop request would (e.g. after a readiness timeout). */
  stop(): void;
}

/** Starts a command; the run's stop request, or `stop()`, ends it. */
export function startProcess(spec: CommandSpec, options: RunOptions): RunningProcess {
  return supervise(spec, options, options.input === undefined ? { stdin: "ignore" } : { input: options.input });
}

/**
 * Starts a command that owns the runner's stdin, stdout and stderr (`encore test`: its output
 * is the result, not something to relay), in a session and process group of its own. It
 * stops like every other child: its group gets the stop signal (SIGINT for `encore test`,
 * which waits for the test process after a SIGINT of its own, so only the group signal
 * reaches the tests; docs/encore-cli.md §Test), then SIGKILL.
 */
export function startForeground(
  spec: CommandSpec,
  options: Omit<RunOptions, "input" | "onLine" | "batch" | "drained">,
): RunningProcess {
  return supervise(spec, options, { stdio: "inherit" });
}

function supervise(
  spec: CommandSpec,
  options: RunOptions,
  stdio: { stdin: "ignore" } | { input: string } | { stdio: "inherit" },
): RunningProcess {
  const own = new AbortController();
  const cancel = AbortSignal.any([options.stop.signal, own.signal]);
  const command = withParentDeath(spec);
  const child = execa(command.file, [...command.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    reject: false,
    buffer: false,
    stripFinalNewline: false,
    cleanup: true,
    killDescendants: true,
    cancelSignal: cancel,
    killSignal: options.stopSignal ?? "SIGTERM",
    forceKillAfterDelay: options.graceMs ?? DEFAULT_GRACE_MS,
    ...stdio,
  }) as ResultPromise<{ reject: false; buffer: false }>;

  // The underlying ChildProcess: its exit state and exit event, which come before the pipes close.
  const proc = (child as unknown as { nodeChildProcess: ChildProcess }).nodeChildProcess;
  let forced = false;
  const forceKill = () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    forced = true;
    child.kill("SIGKILL");
  };
  const onForce = () => {
    if (cancel.aborted) forceKill();
  };
  options.stop.force.addEventListener("abort", onForce);
  if (options.stop.force.aborted) cancel.addEventListener("abort", forceKill, { once: true });

  const letGo = new AbortController();
  const settled = child.then((result) => result);
  const exitEvent = new Promise<Pick<Exit, "exitCode" | "signal" | "spawnError">>((resolve) => {
    proc.once("exit", (code, signal) => resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }));
    // Spawning itself failed (ENOENT, EACCES): no exit event; report like a shell would.
    void settled.then((result) => {
      if (
        child.pid === undefined ||
        (result.failed &&
          result.exitCode === undefined &&
          result.signal === undefined &&
          proc.exitCode === null &&
          proc.signalCode === null)
      ) {
        resolve({
          exitCode: result.code === "ENOENT" ? 127 : 126,
          signal: undefined,
          spawnError: result.code ?? result.message,
        });
      }
    });
  });
  const activity = { lastRead: performance.now(), waitingForReader: false };
  void exitEvent.then(() => {
    const exitedAt = performance.now();
    const check = () => {
      const now = performance.now();
      const idle = now - activity.lastRead >= PIPE_IDLE_MS && (!activity.waitingForReader || cancel.aborted);
      if (idle || (now - exitedAt >= PIPE_CAP_MS && (!activity.waitingForReader || cancel.aborted))) letGo.abort();
      else setTimeout(check, PIPE_IDLE_MS).unref();
    };
    setTimeout(check, PIPE_IDLE_MS).unref();
  });
  const relayed = relay(child, options, letGo.signal, activity);
  const exited = Promise.all([exitEvent, relayed]).then(([exit]) => {
    options.stop.force.removeEventListener("abort", onForce);
    return { ...exit, stopped: cancel.aborted, forced: forced || (cancel.aborted && exit.signal === "SIGKILL") };
  });
  return { pid: child.pid, exited, stop: () => own.abort() };
}

/**
 * Hands every line of both streams to `onLine`, in order within each stream. Each chunk's lines
 * are handled in one batch; while the log's reader is behind (`drained`), no more is read, so
 * the child's pipe fills and the child waits: backpressure, not buffering. `letGo` ends the
 * reading once the child has exited, whoever else still holds the pipes.
 */
async function relay(
  child: { stdout: Readable | null; stderr: Readable | null },
  options: RunOptions,
  letGo: AbortSignal,
  activity: { lastRead: number; waitingForReader: boolean },
): Promise<void> {
  const { onLine, drained } = options;
  const batch: Batcher = options.batch ?? ((handle) => handle());
  const streams: [Stream, Readable | null][] = [
    ["stdout", child.stdout],
    ["stderr", child.stderr],
  ];
  const release = () => {
    for (const [, stream] of streams) stream?.destroy();
  };
  letGo.addEventListener("abort", release, { once: true });
  await Promise.all(
    streams.map(async ([name, stream]) => {
      if (!stream) return;
      if (!onLine) {
        stream.resume();
        await once(stream, "close").catch(() => undefined);
        return;
      }
      const splitter = new LineSplitter();
      const deliver = (lines: string[]) => {
        if (lines.length > 0) batch(() => lines.forEach((line) => onLine(name, line)));
      };
      try {
        for await (const chunk of stream) {
          activity.lastRead = performance.now();
          deliver(splitter.push(chunk as Buffer));
          const behind = drained?.();
          if (behind) {
            activity.waitingForReader = true;
            await Promise.race([behind, once(letGo, "abort")]);
            activity.waitingForReader = false;
          }
        }
      } catch {
        // Let go (destroyed) or a read error: what was read is delivered below.
      }
      deliver(splitter.end());
    }),
  );
}

const NEVER = new AbortController().signal;

/** A stop request from plain abort signals (a timeout, "enough output", a second stop, if any). */
export function stopRequest(signals: readonly AbortSignal[], force: AbortSignal = NEVER): StopRequest {
  return { signal: signals.length === 1 ? signals[0]! : AbortSignal.any([...signals]), force };
}
