import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Snapshot } from "../lib/snapshot.ts";
import { formatSigned, formatValue, rotated, summarize } from "../lib/stats.ts";
import type { Row, SectionResult } from "../lib/types.ts";
import { createWorld, removeWorld, type WorldDescription } from "../lib/world.ts";
import { FloodCheck, type FloodResult } from "./flood-check.ts";
import { STALL_MS, stalledOnce, type StalledSample } from "./stalled.ts";
import { startRelaySubject } from "./subject.ts";

// d. Log relay: 1,000,000 lines (~70 MB) from the double's flood, through the runner,
// against a minimal Node relay (readline → stderr) of the same double with the same argv.
// The bench reads the relay's stderr through a pipe, counts and checks every line.

const LINES_PER_STREAM = 500_000;
const SCENARIO = { run: { flood: { lines: LINES_PER_STREAM, stream: "both" } } };
const GOAL_THROUGHPUT = 0.5;
const GOAL_RSS_MB = 150;
const TIMEOUT_MS = 600_000;
const STALLED_RUNS = 3;

type Method = "runner" | "minimal";

interface RelaySample {
  method: Method;
  /** Flood lines relayed per second: first flood line → last `flood done`, as read by the bench. */
  linesPerSecond: number;
  seconds: number;
  lines: number;
  lost: number;
  outOfOrder: number;
  bytesRead: number;
  /** VmHWM of the relay process (the runner's node process; the minimal relay's), read once the flood is done. */
  peakRssMb: number;
  /** user + system CPU seconds of the relay process for its whole life up to the flood's end (/proc/<pid>/stat). */
  cpuSeconds: number;
  exitCode: number | null;
}

export async function measureRelay(
  snapshot: Snapshot,
  runs: number,
  progress: (message: string) => void,
): Promise<SectionResult> {
  const world = await createWorld({
    encoreBinDir: snapshot.doubleBin,
    nodeBinDir: dirname(process.execPath),
    scenario: SCENARIO,
  });
  const samples: Record<Method, RelaySample[]> = { runner: [], minimal: [] };
  const stalled: Record<Method, StalledSample[]> = { runner: [], minimal: [] };
  try {
    for (let round = -1; round < runs; round++) {
      for (const method of rotated(["runner", "minimal"] as const, Math.max(round, 0))) {
        progress(`relay: ${round < 0 ? "warm-up" : `round ${round + 1}/${runs}`}, ${method}`);
        const sample = await relayOnce(snapshot, world, method);
        if (round >= 0) samples[method].push(sample);
      }
    }
    for (let round = 0; round < STALLED_RUNS; round++) {
      for (const method of rotated(["runner", "minimal"] as const, round)) {
        progress(`relay, stalled reader: round ${round + 1}/${STALLED_RUNS}, ${method}`);
        stalled[method].push(await stalledOnce(snapshot, world, method, 2 * LINES_PER_STREAM));
      }
    }
  } finally {
    removeWorld(world);
  }

  const runner = summarize(samples.runner.map((s) => s.linesPerSecond));
  const minimal = summarize(samples.minimal.map((s) => s.linesPerSecond));
  const ratio = runner.median / minimal.median;
  const rss = summarize(samples.runner.map((s) => s.peakRssMb));
  const lost = samples.runner.reduce((sum, s) => sum + s.lost + s.outOfOrder, 0);
  const stalledRss = summarize(stalled.runner.map((s) => s.stalledRssMb));
  const rows: Row[] = [
    {
      id: "d1",
      measurement: "d. log relay throughput: 1,000,000 lines (~70 MB), stdout and stderr interleaved",
      unit: "lines/s",
      candidate: { label: "stagecraft-encore dev (dist), pretty logs", summary: runner },
      baseline: { label: "minimal relay (readline → stderr)", summary: minimal },
      overhead: `${formatValue(ratio * 100, "%")} of the minimal relay`,
      goal: `≥ ${GOAL_THROUGHPUT * 100}% of the minimal relay`,
      verdict: ratio >= GOAL_THROUGHPUT ? "MET" : "MISSED",
      figure: `${formatValue(ratio * 100, "%")} (${formatValue(summarize(samples.runner.map((s) => s.seconds)).median, "s")} vs ${formatValue(summarize(samples.minimal.map((s) => s.seconds)).median, "s")} for the 1M lines)`,
      notes: `CPU time of the relay process (median, whole life): runner ${formatValue(summarize(samples.runner.map((s) => s.cpuSeconds)).median, "s")}, minimal relay ${formatValue(summarize(samples.minimal.map((s) => s.cpuSeconds)).median, "s")}; bytes read by the bench: runner ${(summarize(samples.runner.map((s) => s.bytesRead)).median / 1e6).toFixed(1)} MB (its log prefix added), minimal ${(summarize(samples.minimal.map((s) => s.bytesRead)).median / 1e6).toFixed(1)} MB`,
    },
    {
      id: "d2",
      measurement: "d. log relay: peak RSS of the runner process (VmHWM)",
      unit: "MB",
      candidate: { label: "stagecraft-encore dev (dist)", summary: rss },
      baseline: { label: "minimal relay", summary: summarize(samples.minimal.map((s) => s.peakRssMb)) },
      overhead: formatSigned(rss.median - summarize(samples.minimal.map((s) => s.peakRssMb)).median, "MB"),
      goal: `≤ ${GOAL_RSS_MB} MB`,
      verdict: rss.max <= GOAL_RSS_MB ? "MET" : "MISSED",
      figure: `max ${formatValue(rss.max, "MB")} over ${rss.n} runs`,
    },
    {
      id: "d3",
      measurement: "d. log relay: lines lost or out of order within a stream (sequence numbers)",
      unit: "x",
      candidate: {
        label: "stagecraft-encore dev (dist)",
        summary: summarize(samples.runner.map((s) => s.lost + s.outOfOrder)),
      },
      baseline: { label: "minimal relay", summary: summarize(samples.minimal.map((s) => s.lost + s.outOfOrder)) },
      overhead: "",
      goal: "0",
      verdict: lost === 0 && samples.runner.every((s) => s.lines === 2 * LINES_PER_STREAM) ? "MET" : "MISSED",
      figure: `${lost} over ${samples.runner.length} runs of ${(2 * LINES_PER_STREAM).toLocaleString("en-US")} lines`,
    },
    {
      id: "d4",
      measurement: `d. log relay: peak RSS while the reader stalls for ${STALL_MS / 1000} s mid-flood`,
      unit: "MB",
      candidate: { label: "stagecraft-encore dev (dist)", summary: stalledRss },
      baseline: {
        label: "minimal relay (no backpressure)",
        summary: summarize(stalled.minimal.map((s) => s.stalledRssMb)),
      },
      overhead: formatSigned(stalledRss.median - summarize(stalled.minimal.map((s) => s.stalledRssMb)).median, "MB"),
      goal: `≤ ${GOAL_RSS_MB} MB, no line lost`,
      verdict: stalledRss.max <= GOAL_RSS_MB && stalled.runner.every((s) => s.lost === 0) ? "MET" : "MISSED",
      figure: `max ${formatValue(stalledRss.max, "MB")} over ${stalledRss.n} runs; lines lost ${stalled.runner.reduce((sum, s) => sum + s.lost, 0)}`,
    },
  ];
  return {
    name: "relay",
    method: [
      `Scenario ${JSON.stringify(SCENARIO)}: after its banner the double writes numbered 70-byte lines to stdout and stderr alternately, as fast as the pipes take them, then \`flood done\` on each.`,
      "Runner: `stagecraft-encore dev` from dist/, default pretty log format, NO_COLOR=1; everything it prints goes to its stderr, a pipe the bench reads. Baseline: bench/relay/minimal-relay.ts starts the same double with the same argv and writes each line (readline) to its stderr, the same kind of pipe.",
      "Throughput: flood lines divided by the time from the first flood line to the second `flood done`, both as read by the bench. Sequence numbers checked per stream (1, 2, 3, … without gaps). Peak RSS: VmHWM from /proc/<pid>/status of the relay process once the flood is done.",
      `One world (project, HOME, warm daemon) for both; one warm-up pair discarded, then ${runs} rounds with the order rotated.`,
      `Stalled reader (d4): the same flood; once the first flood line is read, the bench stops reading the relay's stderr for ${STALL_MS / 1000} s, sampling VmRSS every 50 ms, then reads on and checks every line (bench/relay/stalled.ts); ${STALLED_RUNS} rounds.`,
    ],
    rows,
    raw: { ...samples, stalled },
  };
}

async function relayOnce(snapshot: Snapshot, world: WorldDescription, method: Method): Promise<RelaySample> {
  const { child, exited } = await startRelaySubject(snapshot, world, method);
  const check = new FloodCheck(2);
  child.stderr!.on("data", (chunk: Buffer) => check.push(chunk));
  try {
    const result = await Promise.race([
      check.finished,
      exited.then((code) => Promise.reject(new Error(`${method} exited (${code}) before the flood was done`))),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${method}: flood not done in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
      ),
    ]);
    const peakRssMb = peakRss(child);
    const cpuSeconds = cpuTime(child);
    child.kill("SIGTERM");
    const exitCode = await exited;
    return { ...sampleOf(method, result, exitCode), peakRssMb, cpuSeconds };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  }
}

function sampleOf(
  method: Method,
  result: FloodResult,
  exitCode: number | null,
): Omit<RelaySample, "peakRssMb" | "cpuSeconds"> {
  const { stdout, stderr } = result.perStream;
  const lines = stdout.lines + stderr.lines;
  const seconds = (result.doneAt - result.firstAt) / 1000;
  return {
    method,
    linesPerSecond: lines / seconds,
    seconds,
    lines,
    lost: 2 * LINES_PER_STREAM - lines,
    outOfOrder: stdout.outOfOrder + stderr.outOfOrder,
    bytesRead: result.bytes,
    exitCode,
  };
}

function peakRss(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kib = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
  return (kib * 1024) / 1e6;
}

/** utime + stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTime(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
