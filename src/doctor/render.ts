import type { CheckResult, Status } from "./types.ts";

const LABEL: Record<Status, string> = { pass: "PASS", warn: "WARN", fail: "FAIL" };
const COLOR: Record<Status, string> = { pass: "\u001B[32m", warn: "\u001B[33m", fail: "\u001B[31m" };

export function summarize(results: readonly CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

/** One table: status, check, message; a fix line under every warn and fail. Pure. */
export function renderText(projectDir: string, results: readonly CheckResult[], color: boolean): string {
  const width = Math.max(...results.map((result) => result.id.length));
  const lines = [`stagecraft-encore doctor: ${projectDir}`, ""];
  for (const result of results) {
    const label = color ? `${COLOR[result.status]}${LABEL[result.status]}\u001B[0m` : LABEL[result.status];
    lines.push(`${label}  ${result.id.padEnd(width)}  ${result.message}`);
    const indent = " ".repeat(width + 8);
    for (const detail of result.details ?? []) lines.push(`${indent}- ${detail}`);
    if (result.fix) lines.push(`${indent}fix: ${result.fix}`);
  }
  const counts = summarize(results);
  lines.push("", `doctor: ${counts.pass} ok, ${counts.warn} warning(s), ${counts.fail} failing`);
  return `${lines.join("\n")}\n`;
}

export function renderJson(projectDir: string, results: readonly CheckResult[]): string {
  return `${JSON.stringify({ projectDir, checks: results, summary: summarize(results) }, null, 2)}\n`;
}
