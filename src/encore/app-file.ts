import { readFileSync } from "node:fs";
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";

// encore.app is HuJSON: JSON with comments and trailing commas (pkg/appfile/appfile.go runs
// hujson.Standardize, then encoding/json). jsonc-parser reads the same language; its errors
// are checked, because it otherwise recovers and returns what it could read.

interface AppFile {
  /** The Encore Cloud app id; empty when the app is not linked. */
  id: string;
  lang: "go" | "typescript";
}

type AppFileRead = { ok: true; app: AppFile } | { ok: false; message: string };

export function readAppFile(file: string): AppFileRead {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { ok: false, message: `cannot read ${file}: ${(error as Error).message}` };
  }
  return parseAppFile(text);
}

export function parseAppFile(text: string): AppFileRead {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first) {
    const { line, column } = position(text, first.offset);
    return {
      ok: false,
      message: `not valid JSON with comments: ${printParseErrorCode(first.error)} at line ${line}, column ${column}`,
    };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { ok: false, message: "not a JSON object" };
  const id = field(data as Record<string, unknown>, "id");
  const lang = field(data as Record<string, unknown>, "lang");
  for (const [name, value] of [
    ["id", id],
    ["lang", lang],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== "string")
      return { ok: false, message: `"${name}" must be a string` };
  }
  const language = (lang as string | null | undefined) || "go";
  if (language !== "go" && language !== "typescript")
    return { ok: false, message: `"lang" must be "go" or "typescript", not "${language}"` };
  return { ok: true, app: { id: (id as string | null | undefined) ?? "", lang: language } };
}

/**
 * A field as Go's encoding/json fills a struct field: keys match case-insensitively, and the
 * last matching key in the object wins.
 */
function field(object: Record<string, unknown>, name: string): unknown {
  let value: unknown;
  for (const [key, v] of Object.entries(object)) if (key.toLowerCase() === name) value = v;
  return value;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
