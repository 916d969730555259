import type * as v from "valibot";
import type { Issue } from "../errors/index.ts";
import { didYouMean } from "./did-you-mean.ts";
import { printable } from "./printable.ts";

/** The parts of a valibot schema object that "did you mean" walks through. */
interface SchemaNode {
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  item?: SchemaNode;
  pipe?: readonly SchemaNode[];
}
type AnySchema = unknown;
type ValibotIssue = v.BaseIssue<unknown>;

/** Dot-path of an issue below `prefix`, with array indexes in brackets: `dev.encore_secrets.from_env[2]`. */
function issuePath(prefix: string, issue: ValibotIssue): string {
  let out = prefix;
  for (const item of issue.path ?? []) {
    const key = item.key;
    // A key is the user's text (an unknown key may hold anything): escaped like a value.
    out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${printable(String(key))}`;
  }
  return out;
}

/** The keys a strict object accepts at the given key path, for "did you mean". */
function knownKeysAt(schema: AnySchema, keys: readonly unknown[]): string[] {
  let node = schema as SchemaNode | undefined;
  for (const key of keys) {
    node = unwrap(node);
    node = typeof key === "number" ? node?.item : node?.entries?.[String(key)];
  }
  const entries = unwrap(node)?.entries;
  return entries ? Object.keys(entries) : [];
}

/** Looks through optional() and pipe() to the schema that has the entries or items. */
function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  while (node) {
    if (node.wrapped) node = node.wrapped;
    else if (node.pipe && !node.entries && !node.item)
      node = node.pipe.find((item) => item.entries || item.item) ?? node.pipe[0];
    else return node;
  }
  return node;
}

/** Turns valibot's issues into the provider's: a dot-path, a plain message, and a fix where one is known. */
export function toIssues(schema: AnySchema, prefix: string, issues: readonly ValibotIssue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.type === "strict_object" && issue.expected === "never") return unknownKeyIssues(schema, prefix, issue);
    const path = issuePath(prefix, issue);
    if (issue.kind === "schema" && TYPE_CHECKS.has(issue.type)) {
      return { path, message: `must be ${article(issue.expected ?? "a value")}, got ${describeValue(issue.input)}` };
    }
    return { path, message: issue.message };
  });
}

/**
 * valibot's strict object stops at the first unknown key; every unknown key of that
 * mapping is reported, each with its own "did you mean".
 */
function unknownKeyIssues(schema: AnySchema, prefix: string, issue: ValibotIssue): Issue[] {
  const items = issue.path ?? [];
  const keys = items.map((item) => item.key);
  const known = knownKeysAt(schema, keys.slice(0, -1));
  const mapping = items.at(-1)?.input;
  const unknown =
    typeof mapping === "object" && mapping !== null
      ? Object.keys(mapping).filter((key) => !known.includes(key))
      : [String(keys.at(-1))];
  const parent: ValibotIssue = { ...issue, path: items.slice(0, -1) as ValibotIssue["path"] };
  const base = issuePath(prefix, parent);
  return unknown.map((key) => {
    const guess = didYouMean(key, known);
    return {
      path: `${base}${base ? "." : ""}${printable(key)}`,
      message: `unknown key "${printable(key)}"`,
      fix: guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(", ")}`,
    };
  });
}

/** Plain type mismatches get a generic message; every other check carries its own. */
const TYPE_CHECKS = new Set(["string", "number", "boolean", "array", "object", "strict_object"]);

function article(expected: string): string {
  const names: Record<string, string> = {
    string: "a string",
    boolean: "true or false",
    number: "a number",
    Object: "a mapping",
    Array: "a list",
  };
  return names[expected] ?? expected;
}

/** What a value was, for "got …": never a bare `String(value)`, which makes null look like "null". */
export function describeValue(input: unknown): string {
  if (input === null || input === undefined) return "nothing (empty or null)";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return `the string "${printable(input, 40)}"`;
  return `${typeof input} ${printable(String(input), 40)}`;
}
