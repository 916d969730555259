// The one statistics helper of the bench: every figure in the report is a median with its
// min and max over the raw samples, which bench/.work/report.json keeps.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Pairwise differences (candidate[i] - baseline[i]) of runs taken back to back. */
export function pairwise(
  candidate: readonly number[],
  baseline: readonly number[],
  op: (a: number, b: number) => number,
): number[] {
  const n = Math.min(candidate.length, baseline.length);
  return Array.from({ length: n }, (_, i) => op(candidate[i]!, baseline[i]!));
}

/** `123.4 [101.2–150.0]` in the unit's usual precision. */
export function formatSummary(summary: Summary, unit: Unit): string {
  if (summary.n === 0) return "—";
  if (summary.n === 1) return formatValue(summary.median, unit);
  return `${formatValue(summary.median, unit)} [${formatValue(summary.min, unit, false)}–${formatValue(summary.max, unit)}]`;
}

export type Unit = "ms" | "s" | "MB" | "lines/s" | "x" | "%";

export function formatValue(value: number, unit: Unit, withUnit = true): string {
  if (!Number.isFinite(value)) return "—";
  const text =
    unit === "ms"
      ? value.toFixed(Math.abs(value) < 10 ? 1 : 0)
      : unit === "s"
        ? value.toFixed(2)
        : unit === "MB"
          ? value.toFixed(1)
          : unit === "lines/s"
            ? Math.round(value).toLocaleString("en-US")
            : unit === "x"
              ? value.toFixed(3)
              : value.toFixed(1);
  if (!withUnit) return text;
  return unit === "x" ? `${text}×` : unit === "%" ? `${text}%` : `${text} ${unit}`;
}

/** `+12 ms` / `-3.2 ms`: an overhead, signed. */
export function formatSigned(value: number, unit: Unit): string {
  return `${value >= 0 ? "+" : "-"}${formatValue(Math.abs(value), unit)}`;
}

/** Rotates the order of the subjects from round to round so none always runs first (after a slow one, on a cold cache). */
export function rotated<T>(subjects: readonly T[], round: number): T[] {
  const k = round % subjects.length;
  return [...subjects.slice(k), ...subjects.slice(0, k)];
}
