import { visible } from "../config/printable.ts";
import { ProviderError, UsageError, exitCodeFor } from "../errors/index.ts";
import { stripAnsi } from "../logging/ansi.ts";
import { FEATURE_ID, type LogFormat } from "../logging/record.ts";
import { describeSafely } from "./process-guard.ts";

/**
 * The error block on stderr: `encore-ts <operation>: <CATEGORY>: <message>`, then issues,
 * detail and a fix (docs/provider-contract.md §Errors). One JSON record in JSON mode. A stack trace only for a bug.
 */
export function renderError(error: unknown, format: LogFormat, redact: (text: string) => string): string {
  const exitCode = exitCodeFor(error);
  if (error instanceof ProviderError) {
    const issues = error.issues.map((issue) => ({ ...issue, message: redact(issue.message) }));
    const detail = error.detail === undefined ? undefined : redact(stripAnsi(error.detail));
    const message = redact(error.message);
    if (format === "json") {
      return JSON.stringify({
        time: new Date().toISOString(),
        level: "error",
        message,
        provider: error.provider,
        operation: error.operation,
        feature: FEATURE_ID,
        category: error.category,
        ...error.facts,
        exitCode,
        ...(issues.length ? { issues } : {}),
        ...(detail ? { detail } : {}),
        ...(error.fix ? { fix: error.fix } : {}),
      });
    }
    const lines = [`${error.provider} ${error.operation}: ${error.category}: ${message}`];
    if (issues.length > 1 || (issues.length === 1 && !message.startsWith(issues[0]!.path))) {
      for (const issue of issues)
        lines.push(`  - ${issue.path}: ${issue.message}${issue.fix ? ` (${issue.fix})` : ""}`);
    }
    if (detail) lines.push("  last output:", ...detail.split("\n").map((line) => `    ${line}`));
    if (error.fix) lines.push(`  fix: ${error.fix}`);
    return lines.join("\n");
  }
  if (error instanceof UsageError) {
    // Usage errors echo what was typed; control characters in it must not reach the terminal.
    const message = visible(error.message);
    if (format === "json")
      return JSON.stringify({
        time: new Date().toISOString(),
        level: "error",
        message,
        feature: FEATURE_ID,
        category: "USAGE",
        exitCode,
        fix: error.fix,
      });
    return `stagecraft-encore: ${message}\n  fix: ${error.fix}`;
  }
  // A bug's message may quote anything the runner held: redacted and cut; the stack is
  // reduced to code locations (describeSafely), which hold no data.
  const bug = error instanceof Error ? error : new Error(typeof error);
  const message = visible(redact(bug.message), 200);
  const text = describeSafely(bug);
  if (format === "json")
    return JSON.stringify({
      time: new Date().toISOString(),
      level: "error",
      message: `internal error: ${message}`,
      feature: FEATURE_ID,
      category: "INTERNAL",
      exitCode,
      stack: text,
    });
  return `stagecraft-encore: internal error (this is a bug, please report it): ${message}\n${text}`;
}
