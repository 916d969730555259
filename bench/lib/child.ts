import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

// A process observed from outside, as a user sees it: the time each awaited line arrived
// and the time it exited, on this process's monotonic clock (performance.now()).
// Node builtins only (it runs inside the toolbox image too).

export interface Arrival {
  line: string;
  at: number;
}

export interface ExitInfo {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnSpec {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
}

export class Observed {
  readonly child: ChildProcess;
  /** performance.now() just before spawn(). */
  readonly launchedAt: number;
  /** The same instant as an epoch in ms (to compare with the double's call-log `time`). */
  readonly launchedEpochMs: number;
  readonly exited: Promise<ExitInfo>;
  /** The last lines, for error messages. */
  readonly #tail: string[] = [];
  readonly #waiters: { pattern: RegExp; resolve: (arrival: Arrival) => void }[] = [];
  readonly #seen: Arrival[] = [];

  constructor(spec: SpawnSpec) {
    const [file, ...args] = spec.command;
    this.launchedAt = performance.now();
    this.launchedEpochMs = performance.timeOrigin + this.launchedAt;
    this.child = spawn(file!, args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"] });
    this.exited = new Promise((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("exit", (code, signal) => resolve({ at: performance.now(), code, signal }));
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => this.#onLine(line));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the first line matching `pattern` (earlier ones count); rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<Arrival> {
    const seen = this.#seen.find((arrival) => pattern.test(arrival.line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${this.tail()}`)),
        timeoutMs,
      );
      this.#waiters.push({
        pattern,
        resolve: (arrival) => {
          clearTimeout(timer);
          resolve(arrival);
        },
      });
      this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`exited (${exit.code ?? exit.signal}) before a line matched ${pattern}:\n${this.tail()}`));
      }, reject);
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  tail(): string {
    return this.#tail.join("\n");
  }

  #onLine(line: string): void {
    const arrival = { line, at: performance.now() };
    this.#tail.push(line);
    if (this.#tail.length > 40) this.#tail.shift();
    // Only the lines someone waits for, or might (the few before ready), are kept.
    if (this.#seen.length < 500) this.#seen.push(arrival);
    for (const waiter of [...this.#waiters]) {
      if (waiter.pattern.test(line)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(arrival);
      }
    }
  }
}

/** Ends a process that overran its trial; a no-op once it has exited. */
export async function ensureExited(observed: Observed, graceMs = 3000): Promise<void> {
  if (observed.child.exitCode !== null || observed.child.signalCode !== null) return;
  observed.kill("SIGTERM");
  const timer = setTimeout(() => observed.kill("SIGKILL"), graceMs);
  await observed.exited.catch(() => undefined);
  clearTimeout(timer);
}
