import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { ROOT } from "./project.ts";

/** The sources through tsx: a dist/ left in the checkout must never stand in for them. */
export const CLI = join(ROOT, "src", "main.ts");
/** Resolved here: `--import tsx` alone would resolve from the test project's directory. */
const TSX = import.meta.resolve("tsx");

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Written to the runner's stdin, which is then closed; stdin is /dev/null without it. */
  input?: string;
}

/** The runner as a user runs it: a separate process, observed through its output and exit. */
export class RunningCli {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly #waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  readonly #done: Promise<Finished>;

  constructor(args: readonly string[], options: CliOptions) {
    this.child = spawn(process.execPath, ["--import", TSX, CLI, ...args], {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) this.child.stdin!.end(options.input);
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    createInterface({ input: this.child.stderr! }).on("line", (line) => {
      this.stderr += `${line}\n`;
      for (const waiter of [...this.#waiters]) {
        if (waiter.pattern.test(line)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
    this.#done = once(this.child, "close").then(([code, signal]) => ({
      code,
      signal,
      stdout: this.stdout,
      stderr: this.stderr,
    }));
  }

  /** Resolves with the first stderr line matching `pattern` (already printed ones count). Rejects if the CLI exits first. */
  waitForLine(pattern: RegExp): Promise<string> {
    const seen = this.stderr.split("\n").find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, resolve });
      this.#done.then((finished) =>
        reject(
          new Error(
            `exited (${finished.code ?? finished.signal}) before a line matched ${pattern}:\n${finished.stderr}`,
          ),
        ),
      );
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  finished(): Promise<Finished> {
    return this.#done;
  }
}

export function runCli(args: readonly string[], options: CliOptions): Promise<Finished> {
  return new RunningCli(args, options).finished();
}

/** True while a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
