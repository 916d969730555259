import { docker } from "../lib/docker.ts";

// What the toolbox image adds over its Node base, layer by layer (`docker history`), sorted
// into the Encore install, the tooling (apt packages, docker CLI, entrypoint, healthcheck)
// and the runner (its code and production node_modules).

export type Part = "encore" | "tooling" | "runner";

export interface Layer {
  createdBy: string;
  bytes: number;
  part: Part;
}

export interface LayerBreakdown {
  base: string;
  baseBytes: number;
  imageBytes: number;
  layers: Layer[];
  bytes: Record<Part, number>;
  /** apt packages the image has and the base has not, with dpkg's Installed-Size. */
  addedPackages: { name: string; bytes: number }[];
  /** du of each production dependency under /opt/stagecraft-encore/node_modules. */
  runnerModules: { name: string; bytes: number }[];
}

interface HistoryEntry {
  CreatedBy: string;
  Size: string;
}

export async function breakDownLayers(image: string, base: string): Promise<LayerBreakdown> {
  const own = await history(image);
  const baseHistory = await history(base);
  // History is newest first; the base's entries are the oldest ones of the image.
  const tail = own.slice(own.length - baseHistory.length);
  if (JSON.stringify(tail.map((e) => e.CreatedBy)) !== JSON.stringify(baseHistory.map((e) => e.CreatedBy))) {
    throw new Error(`${image} is not built on the local ${base}: their histories differ`);
  }
  const layers = own
    .slice(0, own.length - baseHistory.length)
    .map((entry) => ({ createdBy: entry.CreatedBy, bytes: Number(entry.Size), part: partOf(entry.CreatedBy) }))
    .filter((layer) => layer.bytes > 0)
    .reverse();
  const bytes: Record<Part, number> = { encore: 0, tooling: 0, runner: 0 };
  for (const layer of layers) bytes[layer.part] += layer.bytes;
  return {
    base,
    baseBytes: baseHistory.reduce((sum, e) => sum + Number(e.Size), 0),
    imageBytes: own.reduce((sum, e) => sum + Number(e.Size), 0),
    layers,
    bytes,
    addedPackages: await addedPackages(image, base),
    runnerModules: await runnerModules(image),
  };
}

function partOf(createdBy: string): Part {
  if (/^COPY \S*\/opt\/encore /.test(createdBy)) return "encore";
  // What is copied there is the runner, and so is the code cache made from it; a RUN that
  // merely links to it (ln -s) is not.
  if (/^COPY .* \/opt\/stagecraft-encore\/(?:node_modules|package\.json|bin|data|dist)\b/.test(createdBy))
    return "runner";
  if (/bin\/code-cache\.cjs/.test(createdBy)) return "runner";
  return "tooling";
}

async function history(image: string): Promise<HistoryEntry[]> {
  const out = await docker(["history", "--no-trunc", "--human=false", "--format", "{{json .}}", image]);
  return out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as HistoryEntry);
}

async function addedPackages(image: string, base: string): Promise<{ name: string; bytes: number }[]> {
  const list = async (ref: string) =>
    new Map(
      (await docker(["run", "--rm", "--entrypoint", "dpkg-query", ref, "-W", "-f", "${Package}\t${Installed-Size}\n"]))
        .trim()
        .split("\n")
        .map((line) => line.split("\t") as [string, string])
        .map(([name, kib]) => [name, Number(kib) * 1024] as const),
    );
  const [mine, theirs] = [await list(image), await list(base)];
  return [...mine]
    .filter(([name]) => !theirs.has(name))
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

async function runnerModules(image: string): Promise<{ name: string; bytes: number }[]> {
  const out = await docker([
    "run",
    "--rm",
    "--entrypoint",
    "sh",
    image,
    "-c",
    'cd /opt/stagecraft-encore/node_modules && for d in * @*/*; do case $d in @*/* | [!@]*) [ -e "$d" ] && du -sk -- "$d" ;; esac; done; true',
  ]);
  return out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t") as [string, string])
    .map(([kib, name]) => ({ name, bytes: Number(kib) * 1024 }))
    .sort((a, b) => b.bytes - a.bytes);
}
