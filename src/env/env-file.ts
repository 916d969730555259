import { describeFailure, readBounded } from "../files/read-bounded.ts";
import { parse } from "dotenv";

/** An env file larger than this is not one (a mistaken path, a device): refused, not read on. */
const ENV_FILE_MAX_BYTES = 16 * 1024 * 1024;

export class EnvFileError extends Error {
  override readonly name = "EnvFileError";
}

/** The values, and where the file holds escapes other tools read differently. */
export function readEnvFileNoting(path: string): { values: Record<string, string>; escapes: LiteralEscape[] } {
  const read = readBounded(path, ENV_FILE_MAX_BYTES);
  if (!read.ok)
    throw new EnvFileError(
      read.reason === "unreadable" ? (read.code ?? "unreadable") : describeFailure(read, ENV_FILE_MAX_BYTES),
    );
  const text = read.data.toString("utf8");
  return { values: parseEnvText(text), escapes: literalEscapes(text) };
}

export function parseEnvText(content: string | Buffer): Record<string, string> {
  const text = typeof content === "string" ? content : content.toString("utf8");
  return parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
}

interface LiteralEscape {
  /** 1-based line of the escape. */
  line: number;
  key: string;
  /** The escapes on that line, e.g. `\"`. Never the value. */
  sequences: string[];
}

/**
 * Inside double quotes dotenv expands only `\n` and `\r`: `\"` and `\\` stay two characters,
 * where Docker Compose's env_file and POSIX shells turn them into `"` and `\`. The same file
 * then gives the app different values under this runner and under Compose. Quoted values
 * end at the first `"` not preceded by a backslash, as dotenv's line pattern reads them.
 */
export function literalEscapes(content: string): LiteralEscape[] {
  const found: LiteralEscape[] = [];
  const assignment = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*"((?:\\"|[^"])*)"/gm;
  for (const match of content.matchAll(assignment)) {
    const key = match[1] ?? "";
    const value = match[2] ?? "";
    const valueStart = (match.index ?? 0) + match[0].length - value.length - 1;
    const byLine = new Map<number, Set<string>>();
    for (let i = 0; i < value.length; i++) {
      if (value[i] !== "\\") continue;
      const next = value[i + 1];
      if (next === '"' || next === "\\") {
        const line = lineAt(content, valueStart + i);
        if (!byLine.has(line)) byLine.set(line, new Set());
        byLine.get(line)?.add(`\\${next}`);
      }
      i++;
    }
    for (const [line, sequences] of byLine) found.push({ line, key, sequences: [...sequences] });
  }
  return found;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
