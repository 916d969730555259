import { readFileSync } from "node:fs";
import { parse } from "dotenv";

/** Parses an env file with dotenv's own parser (BOM, CRLF, `export`, quotes and multiline values included). */
export function readEnvFile(path: string): Record<string, string> {
  return parseEnvText(readFileSync(path));
}

export function parseEnvText(content: string | Buffer): Record<string, string> {
  const text = typeof content === "string" ? content : content.toString("utf8");
  return parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
}
