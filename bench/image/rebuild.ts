import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage, type BuildResult } from "../lib/docker.ts";

// Rebuild time after a change to one src/ file, against a rebuild with no change at all,
// in the snapshot's build context (never the live tree). Each change is a unique statement
// appended to one file (a comment would not do: the minified bundle drops it and stays the
// same), so the bundle and its code cache are made again; the file is restored afterwards.

export const CHANGED_FILE = "src/main.ts";

export interface BuildStep {
  name: string;
  cached: boolean;
}

export interface RebuildSample {
  kind: "one-src-file" | "no-change";
  ms: number;
  steps: BuildStep[];
}

export async function rebuild(
  context: string,
  tag: string,
  buildArgs: Record<string, string>,
  kind: RebuildSample["kind"],
  nonce: string,
): Promise<RebuildSample> {
  const file = join(context, CHANGED_FILE);
  const original = readFileSync(file, "utf8");
  if (kind === "one-src-file")
    writeFileSync(file, `${original}\n(globalThis as Record<string, unknown>).benchRebuild = "${nonce}";\n`);
  let result: BuildResult;
  try {
    result = await buildImage(context, tag, buildArgs);
  } finally {
    writeFileSync(file, original);
  }
  return { kind, ms: result.ms, steps: stepsOf(result.progress) };
}

/** buildx --progress=plain: `#7 [deps 3/3] RUN …` names a step, `#7 CACHED` marks it reused. */
export function stepsOf(progress: string): BuildStep[] {
  const names = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of progress.split("\n")) {
    const named = /^#(\d+) (\[[^\]]+\] .*)$/.exec(line);
    if (named && !names.has(named[1]!)) names.set(named[1]!, named[2]!.slice(0, 160));
    const hit = /^#(\d+) CACHED$/.exec(line);
    if (hit) cached.add(hit[1]!);
  }
  return [...names].map(([id, name]) => ({ name, cached: cached.has(id) }));
}
