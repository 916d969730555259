import { request } from "node:http";
import { ensureExited, Observed } from "../lib/child.ts";
import { freePort, readCallLog, type CallLogEntry } from "../lib/world.ts";

// One dev-server lifecycle, observed from outside: launch → the double's `encore run` is
// spawned → its banner → ready → stop signal → exit. The same function measures the
// runner (`stagecraft-encore dev`) and the baseline (the double started directly with the
// runner's argv), on the host and, through remote.ts, inside the toolbox image.
// Node builtins only.

export type Subject = "runner" | "direct";

export interface TrialSpec {
  subject: Subject;
  /** argv; every "{port}" becomes the listen port picked for this trial. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** The double's call log, as this process sees it. */
  log: string;
  /** A port chosen by the caller (docker run --network host), else a free one is picked here. */
  port?: number;
  stopSignal: NodeJS.Signals;
  timeoutMs: number;
}

export interface TrialResult {
  subject: Subject;
  port: number;
  /** launch → the double's `run` call event (its own Date.now() on entry; 1 ms resolution). */
  spawnMs: number;
  /** launch → the banner line reached this process (relayed by the runner, or straight from the double). */
  bannerMs: number;
  /** launch → ready: the runner's "dev server ready" line, or (direct) the banner plus an HTTP answer. */
  readyMs: number;
  /** readyMs - bannerMs: readiness latency. */
  readinessMs: number;
  /** stop signal sent → the process exited. */
  stopMs: number;
  /** The double's own SIGINT → exit, from its call log (1 ms resolution). */
  doubleSignalToExitMs: number | undefined;
  /** The double's exit (call log) → the process exited. */
  afterDoubleExitMs: number | undefined;
  exit: { code: number | null; signal: string | null };
  /** `encore run`'s argv as the double logged it. */
  runArgv: string[];
  /** Every call the double logged for this trial, relative to launch (ms). */
  calls: { argv: string; startMs: number; endMs: number | undefined }[];
}

const BANNER = /Encore development server running!/;
const RUNNER_READY = /dev server ready at /;

export async function runTrial(spec: TrialSpec): Promise<TrialResult> {
  const port = spec.port ?? (await freePort());
  const command = spec.command.map((arg) => arg.replaceAll("{port}", String(port)));
  const observed = new Observed({ command, cwd: spec.cwd, env: spec.env });
  try {
    const banner = observed.waitForLine(BANNER, spec.timeoutMs);
    banner.catch(() => undefined); // awaited below; a failure before then is reported by the other wait
    let readyAt: number;
    if (spec.subject === "runner") {
      readyAt = (await observed.waitForLine(RUNNER_READY, spec.timeoutMs)).at;
    } else {
      // The floor any waiter pays: the banner, then the first HTTP answer (probed at once,
      // then every 5 ms; the double opens its port before it prints the banner).
      await banner;
      await untilAnswers("127.0.0.1", port, spec.timeoutMs);
      readyAt = performance.now();
    }
    const bannerAt = (await banner).at;
    const stopAt = performance.now();
    observed.kill(spec.stopSignal);
    const exit = await withTimeout(observed.exited, spec.timeoutMs, "exit after the stop signal");
    return summarizeTrial(
      spec,
      port,
      observed,
      { bannerAt, readyAt, stopAt, exitAt: exit.at },
      { code: exit.code, signal: exit.signal },
    );
  } finally {
    await ensureExited(observed);
  }
}

function summarizeTrial(
  spec: TrialSpec,
  port: number,
  observed: Observed,
  at: { bannerAt: number; readyAt: number; stopAt: number; exitAt: number },
  exit: TrialResult["exit"],
): TrialResult {
  const entries = readCallLog(spec.log).filter((entry) => entry.time >= Math.floor(observed.launchedEpochMs) - 1);
  const listen = `:${port}`;
  const run = entries.find(
    (entry) => entry.event === "call" && entry.argv?.[0] === "run" && entry.argv.some((arg) => arg.endsWith(listen)),
  );
  if (!run) throw new Error(`the double logged no \`encore run\` on port ${port} (${spec.log})`);
  const after = (pid: number, event: string) =>
    entries.find((entry) => entry.pid === pid && entry.event === event && entry.time >= run.time);
  const signal = after(run.pid, "signal");
  const doubleExit = after(run.pid, "exit");
  const epoch = (ms: number) => ms - observed.launchedEpochMs;
  const exitEpochMs = observed.launchedEpochMs + (at.exitAt - observed.launchedAt);
  const rel = (t: number) => t - observed.launchedAt;
  return {
    subject: spec.subject,
    port,
    spawnMs: epoch(run.time),
    bannerMs: rel(at.bannerAt),
    readyMs: rel(at.readyAt),
    readinessMs: at.readyAt - at.bannerAt,
    stopMs: at.exitAt - at.stopAt,
    doubleSignalToExitMs: signal && doubleExit ? doubleExit.time - signal.time : undefined,
    afterDoubleExitMs: doubleExit ? exitEpochMs - doubleExit.time : undefined,
    exit,
    runArgv: run.argv ?? [],
    calls: callsOf(entries, epoch),
  };
}

function callsOf(entries: CallLogEntry[], epoch: (ms: number) => number): TrialResult["calls"] {
  return entries
    .filter((entry) => entry.event === "call" && entry.argv?.[0] !== "daemon")
    .map((call) => {
      const end = entries.find((entry) => entry.pid === call.pid && entry.event === "exit");
      return { argv: (call.argv ?? []).join(" "), startMs: epoch(call.time), endMs: end ? epoch(end.time) : undefined };
    });
}

async function untilAnswers(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await answers(host, port))) {
    if (performance.now() > deadline) throw new Error(`nothing answered at ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The runner's own probe (src/encore/probe.ts): any HTTP answer counts. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: "/", method: "GET", timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (${ms} ms)`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
