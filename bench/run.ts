// `npm run bench`: measures the runner against its baselines, side by side in one run, and
// writes the summary bench/report.md (committed) and the raw samples to bench/.work/report.json
// (not committed); each section's method is written into the report.
//
//   npm run bench                       # the working tree, everything
//   npm run bench -- --rev HEAD         # a commit instead of the working tree
//   npm run bench -- --runs 7 --only lifecycle,relay   # a partial run; writes under bench/.work/
//   npm run bench -- --host-only        # no Docker: the image platforms and section are skipped
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildToolboxImage, measureImage } from "./image/index.ts";
import { measureInstall } from "./install/index.ts";
import { measureLifecycle } from "./lifecycle/index.ts";
import { hostPlatform, imageExecPlatform, imageRunPlatform } from "./lifecycle/platforms.ts";
import { describeMachine } from "./lib/machine.ts";
import { takeSnapshot } from "./lib/snapshot.ts";
import type { SectionResult } from "./lib/types.ts";
import { measureRelay } from "./relay/index.ts";
import { renderReport, type Report } from "./report/markdown.ts";
import { measureSecrets } from "./secrets/index.ts";

const SECTIONS = ["lifecycle", "secrets", "relay", "install", "image"] as const;
type Section = (typeof SECTIONS)[number];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WORK = join(ROOT, "bench", ".work");

const { values } = parseArgs({
  options: {
    rev: { type: "string" },
    runs: { type: "string", default: "11" },
    "relay-runs": { type: "string", default: "7" },
    "secret-runs": { type: "string", default: "7" },
    "rebuild-runs": { type: "string", default: "7" },
    only: { type: "string" },
    "host-only": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const only = values.only ? (values.only.split(",") as Section[]) : [...SECTIONS];
for (const section of only)
  if (!SECTIONS.includes(section))
    throw new Error(`--only: unknown section ${section} (one of ${SECTIONS.join(", ")})`);
const partial = only.length < SECTIONS.length || values["host-only"];

const started = performance.now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

mkdirSync(WORK, { recursive: true });
const machine = await describeMachine();
progress(`snapshot of ${values.rev ?? "the working tree"}; npm run build → dist; packing the encore double`);
const snapshot = takeSnapshot(ROOT, WORK, values.rev);

const needsImage = !values["host-only"] && (only.includes("image") || only.includes("lifecycle"));
let imageError: unknown;
const image = needsImage
  ? await buildToolboxImage(snapshot, progress).catch((error: unknown) => void (imageError = error))
  : undefined;
if (imageError)
  progress(`the image build failed; the in-image measurements are skipped: ${String(imageError).slice(0, 500)}`);

const results: SectionResult[] = [];
/** A section that throws is reported as failed, and the others still run: a report is always written. */
const section = async (name: Section, measure: () => Promise<SectionResult>) => {
  if (!only.includes(name)) return;
  try {
    results.push(await measure());
  } catch (error) {
    progress(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    results.push({
      name,
      method: [],
      rows: [],
      raw: null,
      errors: [error instanceof Error ? (error.stack ?? error.message) : String(error)],
    });
  }
};
await section("lifecycle", async () => {
  const platforms = [await hostPlatform(snapshot)];
  if (image)
    platforms.push(await imageExecPlatform(image.tag, ROOT, snapshot.imageRunner), await imageRunPlatform(image.tag));
  return measureLifecycle(platforms, runs, progress);
});
await section("secrets", () => measureSecrets(snapshot, Number(values["secret-runs"]), progress));
await section("relay", () => measureRelay(snapshot, Number(values["relay-runs"]), progress));
await section("install", () => measureInstall(snapshot, runs, progress));
await section("image", () =>
  image
    ? measureImage(snapshot, image, Number(values["rebuild-runs"]), progress)
    : Promise.reject(imageError ?? new Error("the image was not built")),
);

const report: Report = {
  machine: { ...machine, loadAverage: { ...machine.loadAverage, end: loadavg()[0]! } },
  source: snapshot.source,
  durationS: Math.round((performance.now() - started) / 1000),
  partial,
  sections: results,
};
// A partial run must not replace the summary of a full one; raw samples always stay in WORK.
const summary = join(partial ? WORK : join(ROOT, "bench"), "report.md");
writeFileSync(join(WORK, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(summary, renderReport(report));
progress(`wrote ${summary} and ${join(WORK, "report.json")}`);
