import { formatSigned, formatValue, pairwise, rotated, summarize } from "../lib/stats.ts";
import type { Row, SectionResult } from "../lib/types.ts";
import type { Platform, TrialSubject } from "./platforms.ts";
import { RUN_ARGV } from "./platforms.ts";
import type { TrialResult } from "./trial.ts";

// a. start-up overhead, b. stop overhead and e. readiness latency all come from the same
// trials: launch → `encore run` spawned → banner → ready → stop signal → exit.

const GOAL_STARTUP_MS = 100;
const GOAL_STOP_MS = 100;
const GOAL_READINESS_MS = 100;

interface PlatformRaw {
  platform: string;
  title: string;
  method: string;
  warmup: Record<string, TrialResult>;
  samples: Record<string, TrialResult[]>;
  failures: { subject: string; round: number; error: string }[];
}

export async function measureLifecycle(
  platforms: Platform[],
  runs: number,
  progress: (message: string) => void,
): Promise<SectionResult> {
  const raws: PlatformRaw[] = [];
  const rows: Row[] = [];
  const errors: string[] = [];
  for (const platform of platforms) {
    try {
      const raw = await measurePlatform(platform, runs, progress);
      raws.push(raw);
      rows.push(...rowsOf(platform, raw));
    } catch (error) {
      // One platform failing (say, the Docker engine going away) must not cost the others' results.
      errors.push(`${platform.title}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await platform.dispose().catch(() => undefined);
    }
  }
  return {
    name: "lifecycle",
    method: [
      "Each trial launches a subject, waits for the banner and readiness, sends the stop signal right away and waits for the exit (the child's `exit` event).",
      "`encore run` spawned: the double's call-log `call` event (its own Date.now() on entry, 1 ms resolution) minus the launch instant on the same clock; it includes the double's own Node start-up in both columns.",
      "Ready: the runner's `dev server ready` line arriving at the bench; baseline: the banner arriving plus the first HTTP answer on the listen port (probed at once, then every 5 ms).",
      "Readiness latency (e): ready minus the arrival of the banner line (relayed by the runner; straight from the double for the baseline). The double has no timestamp of its own for the banner, so the pipe from the double to the runner (microseconds; see d) is not counted.",
      "Stop: the runner gets SIGTERM (it sends SIGINT to encore run); the baseline double gets SIGINT directly.",
      `Order: one warm-up round (discarded, it also checks the runner's encore argv), then ${runs} rounds with the subjects' order rotated each round.`,
      ...platforms.map((p) => `${p.title}: ${p.method}`),
    ],
    rows,
    raw: raws,
    ...(errors.length ? { errors } : {}),
  };
}

async function measurePlatform(
  platform: Platform,
  runs: number,
  progress: (message: string) => void,
): Promise<PlatformRaw> {
  const raw: PlatformRaw = {
    platform: platform.id,
    title: platform.title,
    method: platform.method,
    warmup: {},
    samples: {},
    failures: [],
  };
  for (const subject of platform.subjects) {
    raw.samples[subject.id] = [];
    const warm = await attempt(subject, -1, raw);
    if (!warm)
      throw new Error(
        `${platform.title}: ${subject.label} failed its warm-up twice:\n${raw.failures.map((f) => f.error).join("\n")}`,
      );
    raw.warmup[subject.id] = warm;
    if (subject.subject === "runner") checkArgv(subject, warm);
  }
  for (let round = 0; round < runs; round++) {
    progress(`lifecycle ${platform.title}: round ${round + 1}/${runs}`);
    for (const subject of rotated(platform.subjects, round)) {
      const result = await attempt(subject, round, raw);
      if (result) raw.samples[subject.id]!.push(result);
    }
  }
  return raw;
}

/** One retry: a port grabbed by another process between pick and bind must not end the bench. */
async function attempt(subject: TrialSubject, round: number, raw: PlatformRaw): Promise<TrialResult | undefined> {
  for (let i = 0; i < 2; i++) {
    try {
      const result = await subject.run();
      if (subject.subject === "runner" && result.exit.code !== 0)
        throw new Error(`runner exited ${result.exit.code ?? result.exit.signal} after SIGTERM`);
      return result;
    } catch (error) {
      raw.failures.push({
        subject: subject.id,
        round,
        error: String(error instanceof Error ? error.message : error).slice(0, 2000),
      });
    }
  }
  return undefined;
}

function checkArgv(subject: TrialSubject, result: TrialResult): void {
  const want = RUN_ARGV.map((arg) => arg.replace("{port}", String(result.port)));
  if (JSON.stringify(result.runArgv) !== JSON.stringify(want)) {
    throw new Error(
      `${subject.label} ran encore with ${JSON.stringify(result.runArgv)}; the baseline uses ${JSON.stringify(want)}. Update RUN_ARGV in bench/lifecycle/platforms.ts.`,
    );
  }
}

function rowsOf(platform: Platform, raw: PlatformRaw): Row[] {
  const baseline = raw.samples.direct ?? [];
  const direct = platform.subjects.find((s) => s.id === "direct")!;
  const rows: Row[] = [];
  for (const subject of platform.subjects.filter((s) => s.subject === "runner")) {
    const samples = raw.samples[subject.id] ?? [];
    const where = `${platform.title}, ${subject.label}`;
    const pick = (key: keyof Pick<TrialResult, "spawnMs" | "readyMs" | "stopMs" | "readinessMs">) => ({
      c: summarize(samples.map((s) => s[key])),
      b: summarize(baseline.map((s) => s[key])),
    });
    const overheadRow = (
      id: string,
      measurement: string,
      key: "spawnMs" | "readyMs" | "stopMs",
      goalMs: number,
      goal: string,
      notes: string,
    ): Row => {
      const { c, b } = pick(key);
      const added = c.median - b.median;
      // Back-to-back runs of the same round, subtracted: less sensitive to load that drifts over the run.
      const paired = summarize(
        pairwise(
          samples.map((x) => x[key]),
          baseline.map((x) => x[key]),
          (x, y) => x - y,
        ),
      );
      return {
        id: `${id}/${platform.id}/${subject.id}`,
        measurement: `${measurement} — ${where}`,
        unit: "ms",
        candidate: { label: subject.label, summary: c },
        baseline: { label: direct.label, summary: b },
        overhead: formatSigned(added, "ms"),
        goal,
        verdict: subject.context ? "INFO" : c.n > 0 && b.n > 0 && added <= goalMs ? "MET" : "MISSED",
        figure: `runner adds ${formatValue(added, "ms")} at the median`,
        notes: [
          `paired per round (runner − baseline of the same round): median ${formatSigned(paired.median, "ms")} [${formatSigned(paired.min, "ms")} … ${formatSigned(paired.max, "ms")}]`,
          notes,
          subject.note,
        ]
          .filter(Boolean)
          .join("; "),
      };
    };
    rows.push(
      overheadRow(
        "a1",
        "a. start-up: launch → `encore run` spawned",
        "spawnMs",
        GOAL_STARTUP_MS,
        `≤ +${GOAL_STARTUP_MS} ms`,
        breakdown(samples, baseline),
      ),
    );
    rows.push(
      overheadRow("a2", "a. start-up: launch → ready", "readyMs", GOAL_STARTUP_MS, `≤ +${GOAL_STARTUP_MS} ms`, ""),
    );
    rows.push(
      overheadRow(
        "b",
        "b. stop: signal → exited",
        "stopMs",
        GOAL_STOP_MS,
        `≤ +${GOAL_STOP_MS} ms beyond the double's own exit`,
        stopBreakdown(samples),
      ),
    );
    const { c, b } = pick("readinessMs");
    rows.push({
      id: `e/${platform.id}/${subject.id}`,
      measurement: `e. readiness: banner → ready — ${where}`,
      unit: "ms",
      candidate: { label: subject.label, summary: c },
      baseline: { label: "banner → first HTTP answer (direct)", summary: b },
      overhead: formatSigned(c.median - b.median, "ms"),
      goal: `≤ ${GOAL_READINESS_MS} ms`,
      verdict: c.n > 0 && c.median <= GOAL_READINESS_MS ? "MET" : "MISSED",
      figure: `${formatValue(c.median, "ms")} at the median`,
    });
  }
  return rows;
}

/** Where the runner's start-up goes, from the double's call log (medians). */
function breakdown(samples: TrialResult[], baseline: TrialResult[]): string {
  const first = samples
    .map((s) => [...s.calls].sort((x, y) => x.startMs - y.startMs)[0])
    .filter((c) => c !== undefined);
  if (first.length === 0) return "";
  const med = (xs: number[]) => summarize(xs).median;
  const firstCall = med(first.map((c) => c.startMs));
  const doubleBoot = med(baseline.map((s) => s.spawnMs));
  const commands = [...new Set(first.map((c) => `\`encore ${c.argv.split(" ")[0]}\``))].join(" or ");
  return `medians: the runner's first encore call (${commands}) is logged ${formatValue(firstCall, "ms")} after launch, of which about ${formatValue(doubleBoot, "ms")} is the double's own start-up (the baseline column), so the runner spends about ${formatValue(firstCall - doubleBoot, "ms")} before its first spawn`;
}

function stopBreakdown(samples: TrialResult[]): string {
  const ownExit = samples.map((s) => s.doubleSignalToExitMs).filter((x) => x !== undefined);
  const after = samples.map((s) => s.afterDoubleExitMs).filter((x) => x !== undefined);
  return `medians (call log, 1 ms resolution): the double's SIGINT → exit ${formatValue(summarize(ownExit).median, "ms")}; the double's exit → the runner's exit ${formatValue(summarize(after).median, "ms")}`;
}
