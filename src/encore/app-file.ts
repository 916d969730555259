import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";

/** What `encore.app` says, as far as this tool cares. */
export interface AppFile {
  /** The Encore Cloud app ID; empty or absent means the app is not linked. */
  id: string | undefined;
  /** The first syntax problem, if the file is not valid HuJSON. */
  problem: string | undefined;
}

/**
 * Parses encore.app, which is HuJSON (JSON with comments and trailing commas, as Encore
 * reads it with tailscale/hujson).
 */
export function parseAppFile(text: string): AppFile {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  const problem = first ? `${printParseErrorCode(first.error)} at offset ${first.offset}` : undefined;
  const id = typeof value === "object" && value !== null && "id" in value ? (value as { id: unknown }).id : undefined;
  return { id: typeof id === "string" && id !== "" ? id : undefined, problem };
}
