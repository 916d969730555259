import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { ensureExited } from "../lib/child.ts";
import { observeRunnerDev } from "../lib/runner.ts";
import type { Snapshot } from "../lib/snapshot.ts";
import { formatValue, rotated, summarize } from "../lib/stats.ts";
import { DEFAULT_SECRET_CONCURRENCY } from "../../src/config/schema.ts";
import type { Row, SectionResult } from "../lib/types.ts";
import { createWorld, readCallLog, readSecretStore, removeWorld, type WorldDescription } from "../lib/world.ts";

// c. Secret sync: 13 secrets × 3 types against a double that takes 200 ms per `secret set`,
// through the runner (one call per secret with all types, 4 at once by default) against the
// naive way: 39 sequential `encore secret set --type <t> NAME` calls, value on stdin.
// Fresh HOMEs for both every round, so both start the encore daemon once.

const NAMES = Array.from({ length: 13 }, (_, i) => `BENCH_SECRET_${String(i + 1).padStart(2, "0")}`);
const TYPES = ["dev", "preview", "local"] as const;
const SCENARIO = { secretSet: { delayMs: 200 } };
const GOAL_RATIO = 1 / 8;
const TIMEOUT_MS = 60_000;

interface RunnerSample {
  /** The runner's "syncing N secret(s)" line → its "secret <last> set" line, as they reached the bench. */
  syncMs: number;
  /** The same phase on the double's clock: first `secret set` call → last one's exit (1 ms resolution). */
  syncByCallLogMs: number;
  /** launch → `encore run` spawned: start-up and sync together. */
  launchToRunMs: number;
  calls: number;
  /** Every call had argv `secret set --type dev,preview,local NAME` and that secret's value on stdin (call log). */
  callsCorrect: boolean;
}

interface BaselineSample {
  /** First spawn → last exit of the 39 sequential calls. */
  wallMs: number;
  calls: number;
}

interface Round {
  runner: RunnerSample;
  /** The runner with encore_secrets.concurrency: 12 (every call after the first at once). */
  runnerWide: RunnerSample;
  baseline: BaselineSample;
  /** Per app/name/type sha256, identical for both methods. */
  identical: boolean;
  /** Secrets the double's store lacks after the runner's sync although their calls exited 0. */
  missingAfterRunner: string[];
  runnerStore: string[];
  baselineStore: string[];
}

export async function measureSecrets(
  snapshot: Snapshot,
  runs: number,
  progress: (message: string) => void,
): Promise<SectionResult> {
  const rounds: Round[] = [];
  // One warm-up round, discarded: file caches and the first tsx/dist load.
  for (let round = -1; round < runs; round++) {
    progress(round < 0 ? "secrets: warm-up round" : `secrets: round ${round + 1}/${runs}`);
    const values = Object.fromEntries(NAMES.map((name) => [name, `v-${randomBytes(12).toString("hex")}`]));
    const result: Partial<Round> = {};
    for (const method of rotated(["runner", "baseline", "runner-wide"] as const, Math.max(round, 0))) {
      const concurrency = method === "runner-wide" ? 12 : undefined;
      const world = await createWorld({
        encoreBinDir: snapshot.doubleBin,
        nodeBinDir: dirname(process.execPath),
        scenario: SCENARIO,
        linked: true,
        envFile: values,
        devYaml: secretsYaml(concurrency),
      });
      try {
        if (method === "runner") {
          result.runner = await runnerSync(snapshot, world, values);
          result.runnerStore = storeDigest(world);
        } else if (method === "runner-wide") {
          result.runnerWide = await runnerSync(snapshot, world, values);
        } else {
          result.baseline = await naiveSync(snapshot, world, values);
          result.baselineStore = storeDigest(world);
        }
      } finally {
        removeWorld(world);
      }
    }
    const stored = new Set(result.runnerStore!.map((entry) => entry.split("/")[1]));
    const full = {
      ...result,
      identical:
        JSON.stringify(result.runnerStore) === JSON.stringify(result.baselineStore) &&
        result.runnerStore!.length === NAMES.length * TYPES.length,
      missingAfterRunner: NAMES.filter((name) => !stored.has(name)),
    } as Round;
    if (round >= 0) rounds.push(full);
  }

  const runner = summarize(rounds.map((r) => r.runner.syncMs));
  const byLog = summarize(rounds.map((r) => r.runner.syncByCallLogMs));
  const baseline = summarize(rounds.map((r) => r.baseline.wallMs));
  const endToEnd = summarize(rounds.map((r) => r.runner.launchToRunMs));
  const identical = rounds.every((r) => r.identical);
  const lossy = rounds.filter((r) => r.missingAfterRunner.length > 0);
  const wide = summarize(rounds.map((r) => r.runnerWide.syncMs));
  const ratio = runner.median / baseline.median;
  const rows: Row[] = [
    {
      id: "c1",
      measurement: `c. secret sync: 13 secrets × 3 types, 200 ms per call — the runner's sync phase (dist, concurrency ${DEFAULT_SECRET_CONCURRENCY}, the default)`,
      unit: "ms",
      candidate: { label: "runner: 13 calls, --type dev,preview,local", summary: runner },
      baseline: { label: "39 sequential calls, one type each", summary: baseline },
      overhead: `${formatValue(ratio, "x")} of the baseline`,
      goal: "≤ 0.125× (1/8), result identical",
      verdict: ratio <= GOAL_RATIO && identical ? "MET" : "MISSED",
      figure: `${formatValue(ratio, "x")} (1/${(1 / ratio).toFixed(1)}); stored secrets identical in ${rounds.filter((r) => r.identical).length}/${rounds.length} rounds`,
      notes: [
        `the same phase on the double's clock (first call → last exit): ${formatValue(byLog.median, "ms")} [${formatValue(byLog.min, "ms", false)}–${formatValue(byLog.max, "ms")}]`,
        `the runner's calls were right (argv and the value on stdin, from the call log) in ${rounds.filter((r) => r.runner.callsCorrect).length}/${rounds.length} rounds and all exited 0`,
        lossy.length
          ? `yet the double's store lacked secrets after the runner's sync in ${lossy.length}/${rounds.length} rounds (${lossy.map((r) => r.missingAfterRunner.join(", ")).join("; ")}): concurrent \`secret set\` calls lose updates in the double's storeSecret (read-modify-write of double-secrets.json without a lock), so "identical" fails there`
          : "",
      ]
        .filter(Boolean)
        .join("; "),
    },
    {
      id: "c3",
      measurement: "c. secret sync with encore_secrets.concurrency: 12 — the runner's sync phase (dist)",
      unit: "ms",
      candidate: { label: "runner: 13 calls, 12 at once after the first", summary: wide },
      baseline: { label: "39 sequential calls, one type each", summary: baseline },
      overhead: `${formatValue(wide.median / baseline.median, "x")} of the baseline`,
      goal: "(what a wider default would give)",
      verdict: "INFO",
      figure: `${formatValue(wide.median / baseline.median, "x")} (1/${(baseline.median / wide.median).toFixed(1)})`,
    },
    {
      id: "c2",
      measurement: "c. secret sync, end to end: runner launch → `encore run` spawned (start-up + version check + sync)",
      unit: "ms",
      candidate: { label: "stagecraft-encore dev (dist)", summary: endToEnd },
      baseline: { label: "39 sequential calls, one type each", summary: baseline },
      overhead: `${formatValue(endToEnd.median / baseline.median, "x")} of the baseline`,
      goal: "(context for c1)",
      verdict: "INFO",
      figure: `${formatValue(endToEnd.median / baseline.median, "x")}`,
    },
  ];
  return {
    name: "secrets",
    method: [
      `Scenario ${JSON.stringify(SCENARIO)} (the double sleeps 200 ms in every \`secret set\` after reading stdin). ${NAMES.length} variables in the app's .env.local, listed in dev.encore_secrets.from_env; types left at the default [dev, preview, local]; concurrency left at its default (${DEFAULT_SECRET_CONCURRENCY}).`,
      "Runner: `stagecraft-encore dev` from dist/; its sync phase is timed from its `syncing N secret(s)` log line to its `secret BENCH_SECRET_13 set` line (logged in the configured order, so the last one comes last), as both reached the bench; then it is stopped once ready.",
      "Baseline: the bench runs `encore secret set --type <t> NAME` 39 times one after the other (value on stdin), timed from the first spawn to the last exit.",
      "Result: the double's <HOME>/.config/encore/double-secrets.json after each method, from fresh HOMEs, flattened to app/name/type → sha256 of the value. The runner stores one secret group per name with three selectors, the baseline three groups with one selector each; per type the value is the same, which is what is compared.",
      "c3 repeats the runner with `encore_secrets.concurrency: 12`, to show what a wider default would give.",
      `Each round has fresh HOMEs and fresh values for every method; one warm-up round discarded, then ${runs} rounds with the order rotated.`,
    ],
    rows,
    raw: rounds,
  };
}

function secretsYaml(concurrency: number | undefined): string {
  return [
    "        encore_secrets:",
    `          from_env: [${NAMES.join(", ")}]`,
    ...(concurrency ? [`          concurrency: ${concurrency}`] : []),
  ].join("\n");
}

async function runnerSync(
  snapshot: Snapshot,
  world: WorldDescription,
  values: Record<string, string>,
): Promise<RunnerSample> {
  const observed = await observeRunnerDev(snapshot, world);
  try {
    const syncing = await observed.waitForLine(/syncing \d+ secret\(s\)/, TIMEOUT_MS);
    const last = await observed.waitForLine(new RegExp(`secret ${NAMES[NAMES.length - 1]} set`), TIMEOUT_MS);
    await observed.waitForLine(/dev server ready at /, TIMEOUT_MS);
    observed.kill("SIGTERM");
    await observed.exited;
    const log = readCallLog(world.log);
    const calls = log.filter((e) => e.event === "call" && e.argv?.[0] === "secret");
    const pids = new Set(calls.map((c) => c.pid));
    const exits = log.filter((e) => e.event === "exit" && pids.has(e.pid));
    const run = log.find((e) => e.event === "call" && e.argv?.[0] === "run");
    if (calls.length !== NAMES.length || exits.some((e) => e.code !== 0))
      throw new Error(
        `the runner made ${calls.length} secret calls (exits ${exits.map((e) => e.code).join(",")}); expected ${NAMES.length} successful ones`,
      );
    const stdin = new Map(log.filter((e) => e.event === "stdin").map((e) => [e.pid, e.stdin]));
    const callsCorrect = calls.every((call) => {
      const [name] = (call.argv ?? []).slice(-1);
      return (
        JSON.stringify(call.argv) === JSON.stringify(["secret", "set", "--type", TYPES.join(","), name]) &&
        stdin.get(call.pid) === values[name!]
      );
    });
    return {
      callsCorrect,
      syncMs: last.at - syncing.at,
      syncByCallLogMs: Math.max(...exits.map((e) => e.time)) - Math.min(...calls.map((c) => c.time)),
      launchToRunMs: run ? run.time - observed.launchedEpochMs : Number.NaN,
      calls: calls.length,
    };
  } finally {
    await ensureExited(observed);
  }
}

async function naiveSync(
  snapshot: Snapshot,
  world: WorldDescription,
  values: Record<string, string>,
): Promise<BaselineSample> {
  const encore = join(snapshot.doubleBin, "encore");
  const started = performance.now();
  let calls = 0;
  for (const name of NAMES) {
    for (const type of TYPES) {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(encore, ["secret", "set", "--type", type, name], {
          cwd: world.app,
          env: world.env,
          stdio: ["pipe", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("exit", (c) =>
          c === 0 ? resolve(c) : reject(new Error(`encore secret set --type ${type} ${name} exited ${c}: ${stderr}`)),
        );
        child.stdin.end(values[name]);
      });
      if (code === 0) calls++;
    }
  }
  return { wallMs: performance.now() - started, calls };
}

/** app/NAME/type:… → sha256, one entry per selector, sorted. */
function storeDigest(world: WorldDescription): string[] {
  const entries: string[] = [];
  for (const [app, secrets] of Object.entries(readSecretStore(world.home))) {
    for (const [name, groups] of Object.entries(secrets)) {
      for (const group of groups)
        for (const selector of group.selector) entries.push(`${app}/${name}/${selector}=${group.sha256}`);
    }
  }
  return entries.sort();
}
