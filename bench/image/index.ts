import { buildImage, docker, type BuildResult } from "../lib/docker.ts";
import type { Snapshot } from "../lib/snapshot.ts";
import { formatSigned, formatValue, rotated, summarize } from "../lib/stats.ts";
import type { Row, SectionResult } from "../lib/types.ts";
import { breakDownLayers } from "./layers.ts";
import { CHANGED_FILE, rebuild, stepsOf, type RebuildSample } from "./rebuild.ts";

// f. The toolbox image: what it adds over Node + Encore, and how a one-file change rebuilds.

export const BENCH_TAG = "stagecraft-encore:bench";
const REBUILD_TAG = "stagecraft-encore:bench-rebuild";
/** The Dockerfile's default NODE_IMAGE. */
const BASE = "node:24-bookworm-slim";
const MB = 1e6;
const GOAL_ADDED_MB = 150;
const GOAL_RUNNER_MB = 40;

export interface ToolboxImage {
  tag: string;
  buildArgs: Record<string, string>;
  firstBuild: BuildResult;
}

/** Builds the image from the snapshot, with the double packed as the vendored Encore release. */
export async function buildToolboxImage(
  snapshot: Snapshot,
  progress: (message: string) => void,
): Promise<ToolboxImage> {
  const buildArgs = { ENCORE_VERSION: snapshot.encoreTarball.version, ENCORE_SHA256: snapshot.encoreTarball.sha256 };
  progress(`docker buildx build -t ${BENCH_TAG} (cached layers make this quick after the first time)`);
  const firstBuild = await buildImage(snapshot.dir, BENCH_TAG, buildArgs);
  return { tag: BENCH_TAG, buildArgs, firstBuild };
}

export async function measureImage(
  snapshot: Snapshot,
  image: ToolboxImage,
  runs: number,
  progress: (message: string) => void,
): Promise<SectionResult> {
  progress("image: layer sizes, packages and node_modules");
  const layers = await breakDownLayers(image.tag, BASE);
  const samples: RebuildSample[] = [];
  for (let round = 0; round < runs; round++) {
    progress(`image: rebuild round ${round + 1}/${runs}`);
    for (const kind of rotated(["one-src-file", "no-change"] as const, round)) {
      samples.push(
        await rebuild(snapshot.dir, REBUILD_TAG, image.buildArgs, kind, `${process.pid}-${round}-${Date.now()}`),
      );
    }
  }
  await docker(["image", "rm", REBUILD_TAG]).catch(() => "");

  const changed = samples.filter((s) => s.kind === "one-src-file");
  const unchanged = samples.filter((s) => s.kind === "no-change");
  const reuse = dependencyReuse(changed);
  const added = layers.bytes.tooling + layers.bytes.runner;
  const one = (bytes: number) => summarize([bytes / MB]);
  const rows: Row[] = [
    {
      id: "f1",
      measurement: "f. image: bytes added over the Node base + the Encore install (tooling + runner)",
      unit: "MB",
      candidate: { label: image.tag, summary: one(added) },
      overhead: `${formatValue(added / MB, "MB")} added`,
      goal: `≤ ${GOAL_ADDED_MB} MB`,
      verdict: added / MB <= GOAL_ADDED_MB ? "MET" : "MISSED",
      figure: `${formatValue(added / MB, "MB")} (tooling ${formatValue(layers.bytes.tooling / MB, "MB")} + runner ${formatValue(layers.bytes.runner / MB, "MB")})`,
      notes: `base ${BASE} ${formatValue(layers.baseBytes / MB, "MB")}; Encore install layer ${formatValue(layers.bytes.encore / MB, "MB")} (the packed test double here, not the real release)`,
    },
    {
      id: "f2",
      measurement: "f. image: tooling (apt packages, docker CLI, entrypoint, healthcheck)",
      unit: "MB",
      candidate: { label: image.tag, summary: one(layers.bytes.tooling) },
      overhead: "part of f1",
      goal: `(within the ${GOAL_ADDED_MB} MB)`,
      verdict: "INFO",
      figure: `${formatValue(layers.bytes.tooling / MB, "MB")}; largest packages: ${layers.addedPackages
        .slice(0, 6)
        .map((p) => `${p.name} ${formatValue(p.bytes / MB, "MB")}`)
        .join(", ")}`,
    },
    {
      id: "f3",
      measurement: "f. image: the runner (code + production node_modules)",
      unit: "MB",
      candidate: { label: image.tag, summary: one(layers.bytes.runner) },
      overhead: "part of f1",
      goal: `≤ ${GOAL_RUNNER_MB} MB`,
      verdict: layers.bytes.runner / MB <= GOAL_RUNNER_MB ? "MET" : "MISSED",
      figure: `${formatValue(layers.bytes.runner / MB, "MB")}; largest modules: ${layers.runnerModules
        .slice(0, 5)
        .map((m) => `${m.name} ${formatValue(m.bytes / MB, "MB")}`)
        .join(", ")}`,
    },
    {
      id: "f4",
      measurement: `f. image: rebuild after a change to one src/ file (${CHANGED_FILE})`,
      unit: "s",
      candidate: { label: "one src/ file changed", summary: summarize(changed.map((s) => s.ms / 1000)) },
      baseline: { label: "nothing changed (all cached)", summary: summarize(unchanged.map((s) => s.ms / 1000)) },
      overhead: formatSigned(
        summarize(changed.map((s) => s.ms / 1000)).median - summarize(unchanged.map((s) => s.ms / 1000)).median,
        "s",
      ),
      goal: "dependency layers reused (CACHED)",
      verdict: reuse.ok ? "MET" : "MISSED",
      figure: reuse.summary,
    },
  ];
  return {
    name: "image",
    method: [
      `Image built from the snapshot with the packed double as vendor/encore (ENCORE_SHA256=${image.buildArgs.ENCORE_SHA256}); first build of this run took ${formatValue(image.firstBuild.ms / 1000, "s")}.`,
      "Sizes: `docker history --human=false` of the image minus the entries of its base; each added layer sorted by its instruction into the Encore install, tooling or the runner. Bytes are decimal MB (1 MB = 10^6 bytes).",
      `Rebuild: ${runs} rounds, each one build with a unique comment appended to ${CHANGED_FILE} (a guaranteed cache miss) and one build of the unchanged context, order rotated; timed from spawning \`docker buildx build --progress=plain\` to its exit; CACHED steps read from that output.`,
    ],
    rows,
    raw: {
      layers,
      firstBuild: { ms: image.firstBuild.ms, steps: stepsOf(image.firstBuild.progress) },
      rebuilds: samples,
    },
  };
}

/**
 * Every RUN that installs something must be CACHED after a src/ change; the compile, and the
 * code cache made from its output, must not be.
 */
function dependencyReuse(changed: RebuildSample[]): { ok: boolean; summary: string } {
  const isDependency = (name: string) => / RUN /.test(name) && !/npm run build|code-cache\.cjs/.test(name);
  const missed = new Set<string>();
  const dependencySteps = new Set<string>();
  const rebuilt = new Set<string>();
  for (const sample of changed) {
    for (const step of sample.steps) {
      if (isDependency(step.name)) {
        dependencySteps.add(shortName(step.name));
        if (!step.cached) missed.add(shortName(step.name));
      } else if (!step.cached && !/\[internal\]| FROM /.test(step.name)) rebuilt.add(shortName(step.name));
    }
  }
  const ok = changed.length > 0 && dependencySteps.size > 0 && missed.size === 0;
  const summary = ok
    ? `all ${dependencySteps.size} dependency RUN steps CACHED in all ${changed.length} rebuilds (${[...dependencySteps].join("; ")}); rebuilt: ${[...rebuilt].join("; ")}`
    : `not reused: ${[...missed].join("; ") || "no dependency steps found"}`;
  return { ok, summary };
}

function shortName(name: string): string {
  return name.replace(/\s+/g, " ").slice(0, 70);
}
