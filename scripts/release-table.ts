// data/encore-release-sha256.tsv: one row per Encore CLI release, the sha256 of each official
// tarball. Pure functions over its text, for scripts/add-encore-release.ts.
import semver from "semver";

export const TARGETS = ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"] as const;
export type Target = (typeof TARGETS)[number];
export type Sums = Record<Target, string>;

export const DEFAULT_BASE_URL = "https://d2f391esomvqpi.cloudfront.net";

/** The official name of a release tarball (no `v` in the version). */
export function tarballName(version: string, target: Target): string {
  return `encore-${version}-${target}.tar.gz`;
}

export type AddResult = { kind: "added"; text: string } | { kind: "unchanged" } | { kind: "mismatch"; listed: Sums };

/** Adds the row in version order; an identical row is left alone, a different one refused. */
export function addRow(table: string, version: string, sums: Sums): AddResult {
  const lines = table.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const [header, ...rows] = lines;
  if (header !== ["version", ...TARGETS].join("\t")) throw new Error(`unexpected header: ${header ?? "(empty file)"}`);
  const row = [version, ...TARGETS.map((target) => sums[target])].join("\t");
  const existing = rows.find((line) => line.split("\t")[0] === version);
  if (existing !== undefined) {
    if (existing === row) return { kind: "unchanged" };
    const cells = existing.split("\t");
    return {
      kind: "mismatch",
      listed: Object.fromEntries(TARGETS.map((target, i) => [target, cells[i + 1] ?? ""])) as Sums,
    };
  }
  const at = rows.findIndex((line) => semver.gt(line.split("\t")[0] ?? "", version));
  rows.splice(at < 0 ? rows.length : at, 0, row);
  return { kind: "added", text: `${[header, ...rows].join("\n")}\n` };
}

/** Moves the default of `ARG ENCORE_VERSION=` in the Dockerfile; undefined when there is none. */
export function setDefaultVersion(dockerfile: string, version: string): string | undefined {
  const pattern = /^ARG ENCORE_VERSION=\S*$/m;
  return pattern.test(dockerfile) ? dockerfile.replace(pattern, `ARG ENCORE_VERSION=${version}`) : undefined;
}
