import { describeFailure, readBounded } from "../files/read-bounded.ts";
import { relative } from "node:path";
import { Composer, Lexer, Parser, isMap, isScalar, isSeq, type CST, type Document, type Scalar } from "yaml";
import { ProviderError, type Issue, type Operation } from "../errors/index.ts";
import { isRecord } from "./rules.ts";
import { printable, visible } from "./printable.ts";
import { PROVIDER_ID, invalidConfig } from "./settings.ts";

/** Far above any real stagecraft.yml; keeps a hostile file from costing seconds and memory. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** A stagecraft.yml is about six levels deep; composing a deeper document recurses once per level. */
const MAX_NESTING = 64;
/**
 * yaml's tree costs about 1 KB per token; a real stagecraft.yml has about 7 tokens a line,
 * so this is some 1,100 lines, and the cap keeps a hostile file's memory bounded.
 */
const MAX_TOKENS = 8_000;

const PROVIDER_ID_SHAPE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

interface StagecraftDocument {
  /** The file, as shown to the user. */
  source: string;
  /** The whole parsed document; sections other than ours are ignored. */
  root: Record<string, unknown>;
}

interface ProviderSelection {
  providerId: string;
  /** `backend.providers.<id>`, unvalidated: the provider parses it (docs/provider-contract.md §Options). */
  block: unknown;
  /** `project.registry`, unvalidated. */
  registry: unknown;
}

function configError(operation: Operation, message: string, fix: string): ProviderError {
  return new ProviderError({ category: "INVALID_CONFIG", provider: PROVIDER_ID, operation, message, fix });
}

/** Reads and parses stagecraft.yml. A syntax error is reported as file:line:column. */
export function readStagecraftDocument(path: string, operation: Operation, cwd = process.cwd()): StagecraftDocument {
  // Shown in every message about the file; a path is the user's text too, escaped like a value.
  const source = visible(relative(cwd, path).startsWith("..") ? path : relative(cwd, path) || path);
  // Bounded by the bytes actually read, not the size reported (/proc files report 0 and
  // stream on); a FIFO or device is refused without being opened for a blocking read.
  const read = readBounded(path, MAX_CONFIG_BYTES);
  if (!read.ok) {
    if (read.reason === "missing") {
      throw configError(
        operation,
        `config file not found: ${source}`,
        "create stagecraft.yml in the project directory, or pass --config PATH (or set STAGECRAFT_CONFIG)",
      );
    }
    if (read.reason === "too-large") {
      const size = read.size === undefined ? "larger than 1 MiB" : `${(read.size / 1024 / 1024).toFixed(1)} MiB`;
      throw configError(
        operation,
        `config file ${source} is ${size}; the limit is 1 MiB`,
        "point --config at your stagecraft.yml",
      );
    }
    const what =
      read.reason === "unreadable"
        ? `cannot be read (${read.code ?? "unknown error"})`
        : describeFailure(read, MAX_CONFIG_BYTES);
    throw configError(
      operation,
      `config file ${source} ${what}`,
      read.reason === "unreadable"
        ? "make the file readable"
        : "pass --config with the path of a YAML file (stagecraft.yml)",
    );
  }
  return { source, root: parseYaml(read.data.toString("utf8"), source, operation) };
}

function parseYaml(text: string, source: string, operation: Operation): Record<string, unknown> {
  const at = (offset: number) => position(source, text, offset);
  const tooDeepAt = (offset: number) =>
    configError(
      operation,
      `${at(offset)}: nested more than ${MAX_NESTING} levels deep; that is not a stagecraft.yml`,
      "flatten the document",
    );
  const control = NOT_PRINTABLE.exec(text);
  if (control) {
    const code = `U+${(control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    throw configError(
      operation,
      `YAML syntax error at ${at(control.index)}: a raw control character (${code}); YAML allows none`,
      "remove it; inside double quotes, an escape such as \\u001b is allowed",
    );
  }
  let value: unknown;
  try {
    // Composing recurses once per level, so depth is measured first: by the lexer for what is
    // cheap to see there (the parser's tree of a deep flow collection costs tens of MB), then
    // on the parser's tree, which has its own stack.
    const lexed = lexicalLimits(text);
    if (lexed) {
      if (lexed.limit === "depth") throw tooDeepAt(lexed.offset);
      throw configError(
        operation,
        `${at(lexed.offset)}: more than ${MAX_TOKENS} YAML tokens (keys, values, punctuation); that is not a stagecraft.yml`,
        "point --config at your stagecraft.yml",
      );
    }
    const tokens = Array.from(new Parser().parse(text));
    const deep = tooDeep(tokens, MAX_NESTING);
    if (deep) throw tooDeepAt(deep.offset);
    // uniqueKeys is checked below in linear time; yaml's own check is quadratic in the keys of a mapping.
    // logLevel "error": yaml would print a raw Node warning for a collection used as a key; the
    // key is reported as an unknown key instead, like any other.
    const documents = Array.from(
      new Composer({ strict: true, uniqueKeys: false, logLevel: "error" }).compose(tokens, true, text.length),
    );
    const document = documents[0];
    const problem =
      document?.errors[0] ??
      (documents[1]
        ? { pos: documents[1].range, message: "more than one YAML document (---) in the file" }
        : undefined) ??
      (document ? duplicateKey(document) : undefined);
    if (problem) {
      // The first line of yaml's message; its position is ours to add, escaped like any user text.
      const message = (problem.message.split("\n")[0] ?? problem.message).replace(/ at line \d+, column \d+:?$/, "");
      throw configError(
        operation,
        `YAML syntax error at ${at(problem.pos[0])}: ${visible(message)}`,
        "fix the YAML at that position",
      );
    }
    // maxAliasCount guards against alias bombs ("billion laughs").
    value = document?.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if (error instanceof RangeError) {
      throw configError(operation, `${source} is nested too deeply to be a stagecraft.yml`, "flatten the document");
    }
    if (error instanceof Error && /alias/i.test(error.message)) {
      throw configError(
        operation,
        `${source}: ${visible(error.message)}`,
        "expand the aliases by hand; stagecraft.yml needs few if any",
      );
    }
    throw error;
  }
  if (value === null || value === undefined) {
    throw configError(operation, `${source} is empty`, "add a backend section with provider: encore-ts");
  }
  if (!isRecord(value))
    throw configError(operation, `${source} must be a YAML mapping at the top level`, "start the file with backend:");
  return value;
}

/** `file:line:column` of an offset, both 1-based as editors count them. */
function position(source: string, text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let newline = text.indexOf("\n");
    newline !== -1 && newline < offset;
    newline = text.indexOf("\n", newline + 1)
  ) {
    line += 1;
    lineStart = newline + 1;
  }
  return `${source}:${line}:${offset - lineStart + 1}`;
}

/**
 * Characters YAML does not allow in a stream (YAML 1.2 c-printable); Go's yaml.v3, which
 * Stagecraft itself uses, refuses them too. The `yaml` package lets most of them through.
 */
const NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|\p{Cs}/u;

/** The lexer's zero-width markers (document start, flow end, scalar): not part of the source. */
const LEXER_MARKERS = new Set(["\x02", "\x18", "\x1f"]);

/**
 * Where the document first exceeds a limit, as the lexer sees it: cheap, and before the
 * parser builds anything. Depth counts flow collections (`[[[…`) and block indicators on
 * one line (`- - - …`); a `-` or `?` counts whether or not it opens a collection, and no
 * real stagecraft.yml has 64 of them on one line.
 */
function lexicalLimits(text: string): { limit: "depth" | "tokens"; offset: number } | undefined {
  let offset = 0;
  let tokens = 0;
  let flow = 0;
  let compact = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_TOKENS) return { limit: "tokens", offset };
    if (token === "[" || token === "{") flow += 1;
    else if (token === "]" || token === "}") flow = Math.max(0, flow - 1);
    else if (token === "-" || token === "?") compact += 1;
    else if (token === "\n" || token === "\r\n") compact = 0;
    if (flow > MAX_NESTING || compact > MAX_NESTING) return { limit: "depth", offset };
    if (!LEXER_MARKERS.has(token)) offset += token.length;
  }
  return undefined;
}

/** The first collection nested deeper than `limit`, found without recursion. */
function tooDeep(tokens: readonly CST.Token[], limit: number): CST.Token | undefined {
  const stack: [CST.Token, number][] = tokens.map((token) => [token, 0]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    if (depth > limit) return token;
    if (token.type === "document" && token.value) stack.push([token.value, depth]);
    if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      for (const item of token.items) {
        if ("key" in item && item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** A key written twice in one mapping is a mistake, not a silent override. */
function duplicateKey(document: Document.Parsed): { pos: [number, number]; message: string } | undefined {
  const stack: unknown[] = [document.contents];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? `${typeof pair.key.value}:${String(pair.key.value)}` : undefined;
        if (key !== undefined && seen.has(key)) {
          const range = (pair.key as Scalar).range ?? [0, 0];
          return { pos: [range[0], range[1]], message: "Map keys must be unique" };
        }
        if (key !== undefined) seen.add(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return undefined;
}

/** Picks the provider (`backend.provider`) and its block; every shape problem reported at once. */
export function selectProvider(document: StagecraftDocument, operation: Operation): ProviderSelection {
  const issues: Issue[] = [];
  const backend = document.root.backend;
  const project = document.root.project;
  let providerId: string | undefined;
  let providers: Record<string, unknown> = {};

  if (backend === undefined || backend === null) {
    issues.push({ path: "backend", message: "is missing", fix: `add a backend section with provider: ${PROVIDER_ID}` });
  } else if (!isRecord(backend)) {
    issues.push({ path: "backend", message: "must be a mapping" });
  } else {
    if (typeof backend.provider === "string" && PROVIDER_ID_SHAPE.test(backend.provider)) providerId = backend.provider;
    else if (typeof backend.provider === "string" && backend.provider !== "") {
      // No registered ID looks like this; refused here so the value is shown escaped.
      issues.push({
        path: "backend.provider",
        message: `"${printable(backend.provider)}" is not a provider ID (lowercase letters, digits, . _ -)`,
        fix: `set backend.provider: ${PROVIDER_ID}`,
      });
    } else
      issues.push({
        path: "backend.provider",
        message:
          backend.provider === undefined || backend.provider === null || backend.provider === ""
            ? "is missing"
            : "must be a string",
        fix: `set backend.provider: ${PROVIDER_ID}`,
      });
    if (backend.providers !== undefined && backend.providers !== null) {
      if (isRecord(backend.providers)) providers = backend.providers;
      else issues.push({ path: "backend.providers", message: "must be a mapping of provider IDs to their settings" });
    }
  }
  if (project !== undefined && project !== null && !isRecord(project))
    issues.push({ path: "project", message: "must be a mapping" });

  if (issues.length > 0 || providerId === undefined) throw invalidConfig(operation, issues, document.source);
  return {
    providerId,
    block: providers[providerId],
    registry: isRecord(project) ? project.registry : undefined,
  };
}
