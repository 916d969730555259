import { Writable } from "node:stream";
import { cpSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { inspectInstall, nodeMajorOf } from "../../src/packages/inspect.ts";
import { writeMarker } from "../../src/packages/marker.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { prepareInstall, runInstall } from "../../src/provider/encore-ts/install.ts";
import { checkInstalledSdk } from "../../src/provider/encore-ts/sdk-check.ts";
import { stopRequest } from "../../src/process/spawn.ts";
import { ensureExited } from "../lib/child.ts";
import { observeRunnerDev } from "../lib/runner.ts";
import type { Snapshot } from "../lib/snapshot.ts";
import { formatSigned, formatValue, pairwise, rotated, summarize } from "../lib/stats.ts";
import type { Row, SectionResult } from "../lib/types.ts";
import { createWorld, removeWorld, type WorldDescription } from "../lib/world.ts";

// g. The install step on a restart with nothing changed: `stagecraft-encore dev` with the step
// on (its record of the last install matches, so it only decides to skip and checks the
// installed SDK) against the same start with `install.enabled: false`, side by side.

const GOAL_MS = 50;
const TIMEOUT_MS = 60_000;
const DOUBLE_VERSION = "1.56.4";

interface Sample {
  /** launch → the runner's "starting encore run" line: everything before encore run. */
  toRunMs: number;
  /** launch → "dev server ready". */
  toReadyMs: number;
}

interface Round {
  on: Sample;
  off: Sample;
}

export async function measureInstall(
  snapshot: Snapshot,
  runs: number,
  progress: (message: string) => void,
): Promise<SectionResult> {
  const rounds: Round[] = [];
  for (let round = -1; round < runs; round++) {
    progress(round < 0 ? "install: warm-up round" : `install: round ${round + 1}/${runs}`);
    const result: Partial<Round> = {};
    for (const method of rotated(["on", "off"] as const, Math.max(round, 0))) {
      const world = await installWorld(snapshot, method === "on");
      try {
        result[method] = await restart(snapshot, world);
      } finally {
        removeWorld(world);
      }
    }
    if (round >= 0) rounds.push(result as Round);
  }
  const on = summarize(rounds.map((r) => r.on.toRunMs));
  const off = summarize(rounds.map((r) => r.off.toRunMs));
  const added = summarize(
    pairwise(
      rounds.map((r) => r.on.toRunMs),
      rounds.map((r) => r.off.toRunMs),
      (a, b) => a - b,
    ),
  );
  const ready = summarize(
    pairwise(
      rounds.map((r) => r.on.toReadyMs),
      rounds.map((r) => r.off.toReadyMs),
      (a, b) => a - b,
    ),
  );
  const inProcess = await measureInProcess(progress);
  const rows: Row[] = [
    {
      id: "g1",
      measurement:
        "g. restart with unchanged dependencies: runner launch → `encore run` spawned, install step on vs off (dist)",
      unit: "ms",
      candidate: { label: "install.enabled: true (up to date: skip + SDK check)", summary: on },
      baseline: { label: "install.enabled: false", summary: off },
      overhead: `${formatSigned(added.median, "ms")} (median of per-round differences)`,
      goal: `≤ +${GOAL_MS} ms`,
      verdict: added.median <= GOAL_MS ? "MET" : "MISSED",
      figure: `${formatSigned(added.median, "ms")} [${formatValue(added.min, "ms", false)}–${formatValue(added.max, "ms")}]`,
      notes: `to "dev server ready": ${formatSigned(ready.median, "ms")} [${formatValue(ready.min, "ms", false)}–${formatValue(ready.max, "ms")}]; the spread of single restarts on a busy machine is far wider than the step, so g2 times the step itself`,
    },
    {
      id: "g2",
      measurement: `g. the step's own work on an unchanged app with a ${LOCKFILE_KIB} KiB package-lock.json, in-process (src): decide, skip, check the SDK`,
      unit: "ms",
      candidate: { label: "prepareInstall + runInstall (skip) + SDK check", summary: inProcess },
      overhead: `${formatValue(inProcess.median, "ms")} per start`,
      goal: `≤ ${GOAL_MS} ms`,
      verdict: inProcess.median <= GOAL_MS ? "MET" : "MISSED",
      figure: `${formatValue(inProcess.median, "ms")} [${formatValue(inProcess.min, "ms", false)}–${formatValue(inProcess.max, "ms")}]`,
    },
  ];
  return {
    name: "install",
    method: [
      "Each world is an app with package.json (encore.dev only), no lockfile, and node_modules holding encore.dev, as an install leaves it; the double is a copy of its install root with the release file the image's install writes (encore-release.json), so the runner knows the CLI's version without a process, as in the image.",
      "On: `install.enabled: true` and node_modules/.stagecraft-encore-install.json written from the app's fingerprint, so the step finds everything up to date: it detects the package manager, hashes package.json's dependency fields, reads the record, skips, then reads node_modules/encore.dev/package.json and compares it with the CLI. Off: `install.enabled: false`, neither runs.",
      "Both: `stagecraft-encore dev` from dist/, timed from launch to its `starting encore run` line (everything before encore run) and to `dev server ready`, then stopped. Fresh HOME and app every time.",
      `One warm-up round discarded, then ${runs} rounds, the order of the two rotated each round; the verdict is on the median of the per-round differences.`,
      `g2: the same app with a ${LOCKFILE_KIB} KiB package-lock.json (hashed on every start) and its record written; the step's functions called in this process ${IN_PROCESS_RUNS} times after ${IN_PROCESS_RUNS / 10} warm-up calls, each timed from prepareInstall to the end of the SDK check (the CLI's version given, as the image's release file gives it).`,
    ],
    rows,
    raw: rounds,
  };
}

const LOCKFILE_KIB = 1024;
const IN_PROCESS_RUNS = 200;

async function measureInProcess(progress: (message: string) => void): Promise<ReturnType<typeof summarize>> {
  progress("install: the step in-process");
  const world = await createWorld({ nodeBinDir: dirname(process.execPath), install: true });
  try {
    // A lockfile the size of a mid-sized app's (hundreds of packages).
    const entry = (i: number) =>
      `    "node_modules/pkg-${i}": { "version": "1.0.${i}", "integrity": "sha512-${"x".repeat(88)}" },\n`;
    let body = "";
    for (let i = 0; body.length < LOCKFILE_KIB * 1024; i++) body += entry(i);
    writeFileSync(
      join(world.app, "package-lock.json"),
      `{\n  "lockfileVersion": 3,\n  "packages": {\n${body}    "": {}\n  }\n}\n`,
    );
    markUpToDate(world.app);
    const log = createLogger({
      level: "info",
      format: "json",
      color: false,
      stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    const never = stopRequest([new AbortController().signal]);
    const env = { PATH: world.env.PATH ?? "" };
    const samples: number[] = [];
    for (let i = -IN_PROCESS_RUNS / 10; i < IN_PROCESS_RUNS; i++) {
      const started = performance.now();
      const step = prepareInstall({
        settings: { enabled: true, timeoutMs: 60_000 },
        appRoot: world.app,
        boundary: world.app,
        env,
        operation: "dev",
      });
      if (step.spec) throw new Error(`the install would run: ${step.inspection.decision.reason}`);
      await runInstall(step, "dev", log, never);
      await checkInstalledSdk(
        { kind: "check-sdk", appRoot: world.app, manager: "npm", encore: "encore" },
        "dev",
        log,
        async () => DOUBLE_VERSION,
      );
      if (i >= 0) samples.push(performance.now() - started);
    }
    return summarize(samples);
  } finally {
    removeWorld(world);
  }
}

async function installWorld(snapshot: Snapshot, install: boolean): Promise<WorldDescription> {
  const world = await createWorld({ nodeBinDir: dirname(process.execPath), install });
  // The double's install root, with the release file the image's install step writes.
  const root = join(world.dir, "encore");
  cpSync(dirname(snapshot.doubleBin), root, { recursive: true });
  writeFileSync(
    join(root, "encore-release.json"),
    JSON.stringify({ version: DOUBLE_VERSION, target: "linux_amd64", sha256: "bench" }),
  );
  world.env.PATH = `${join(root, "bin")}:${world.env.PATH}`;
  if (install) {
    markUpToDate(world.app);
  }
  return world;
}

async function restart(snapshot: Snapshot, world: WorldDescription): Promise<Sample> {
  const observed = await observeRunnerDev(snapshot, world);
  try {
    const run = await observed.waitForLine(/starting encore run/, TIMEOUT_MS);
    const ready = await observed.waitForLine(/dev server ready at /, TIMEOUT_MS);
    if (/installing packages/.test(observed.tail()))
      throw new Error(`the install ran although nothing changed:\n${observed.tail()}`);
    observed.kill("SIGTERM");
    await observed.exited;
    return { toRunMs: run.at - observed.launchedAt, toReadyMs: ready.at - observed.launchedAt };
  } finally {
    await ensureExited(observed);
  }
}

/** Writes the install record an install of the app's packages leaves, so the step finds them up to date. */
function markUpToDate(app: string): void {
  const inspected = inspectInstall({ appRoot: app, boundary: app, enabled: true, nodeMajor: nodeMajorOf() });
  if (!inspected.ok) throw new Error(inspected.message);
  writeMarker(inspected.inspection.choice.root, inspected.inspection.fingerprint);
}
