import { spawn } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";

/** GNU time (Debian package `time`): the only portable way to get a child's peak RSS. */
export const GNU_TIME = "/usr/bin/time";

export interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock seconds, from GNU time. */
  wallS: number;
  /** User + system CPU seconds: the runner's own work, whatever else the machine is doing. */
  cpuS: number;
  /** Peak resident set size in MiB (GNU time reports KiB). */
  maxRssMib: number;
  timedOut: boolean;
}

export function requireGnuTime(): void {
  try {
    accessSync(GNU_TIME, constants.X_OK);
  } catch {
    throw new Error(
      `${GNU_TIME} is missing: install GNU time (apt-get install time); the corpus measures peak memory with it`,
    );
  }
}

/** Runs `argv` under GNU time and collects its output and resource use. */
export function measure(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string>; reportDir: string; timeoutMs: number },
): Promise<Measured> {
  const report = join(options.reportDir, "time.txt");
  const child = spawn(GNU_TIME, ["-f", "%e %U %S %M", "-o", report, "--", ...argv], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      // The last line; GNU time puts "Command exited with non-zero status N" before it.
      const line = timedOut ? "" : (readFileSync(report, "utf8").trim().split("\n").at(-1) ?? "");
      const [wall = Number.NaN, user = Number.NaN, system = Number.NaN, rssKb = Number.NaN] = line
        .split(" ")
        .map(Number);
      resolve({ code, stdout, stderr, wallS: wall, cpuS: user + system, maxRssMib: rssKb / 1024, timedOut });
    });
  });
}
