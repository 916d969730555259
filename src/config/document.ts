import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { YAMLError, parseDocument } from "yaml";
import { ProviderError, type Issue, type Operation } from "../errors/index.ts";
import { isRecord } from "./rules.ts";
import { PROVIDER_ID, invalidConfig } from "./settings.ts";

/** Far above any real stagecraft.yml; keeps a hostile file from costing seconds and memory. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface StagecraftDocument {
  /** The file, as shown to the user. */
  source: string;
  /** The whole parsed document; sections other than ours are ignored. */
  root: Record<string, unknown>;
}

export interface ProviderSelection {
  providerId: string;
  /** `backend.providers.<id>`, unvalidated: the provider parses it (spec §2.2). */
  block: unknown;
  /** `project.registry`, unvalidated. */
  registry: unknown;
}

function configError(operation: Operation, message: string, fix: string): ProviderError {
  return new ProviderError({ category: "INVALID_CONFIG", provider: PROVIDER_ID, operation, message, fix });
}

/** Reads and parses stagecraft.yml. A syntax error is reported as file:line:column. */
export function readStagecraftDocument(path: string, operation: Operation, cwd = process.cwd()): StagecraftDocument {
  const source = relative(cwd, path).startsWith("..") ? path : relative(cwd, path) || path;
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    size = stat.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw configError(operation, `config file not found: ${source}`, "create stagecraft.yml in the project directory, or pass --config PATH (or set STAGECRAFT_CONFIG)");
    }
    throw configError(operation, `cannot read config file ${source}: ${code ?? String(error)}`, "pass --config with a readable YAML file");
  }
  if (size > MAX_CONFIG_BYTES) {
    throw configError(operation, `config file ${source} is ${(size / 1024 / 1024).toFixed(1)} MiB; the limit is 1 MiB`, "point --config at your stagecraft.yml");
  }

  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw configError(operation, `cannot read config file ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, "make the file readable");
  }
  return { source, root: parseYaml(text, source, operation) };
}

function parseYaml(text: string, source: string, operation: Operation): Record<string, unknown> {
  let value: unknown;
  try {
    // uniqueKeys: a key written twice is a mistake, not a silent override.
    const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, strict: true });
    const problem = document.errors[0];
    if (problem) throw problem;
    // maxAliasCount guards against alias bombs ("billion laughs").
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof YAMLError) {
      const at = error.linePos?.[0];
      const where = at ? `${source}:${at.line}:${at.col}` : source;
      const firstLine = error.message.split("\n")[0] ?? error.message;
      throw configError(operation, `YAML syntax error at ${where}: ${firstLine.replace(/ at line \d+, column \d+:?$/, "")}`, "fix the YAML at that position");
    }
    if (error instanceof RangeError) {
      throw configError(operation, `${source} is nested too deeply to be a stagecraft.yml`, "flatten the document");
    }
    if (error instanceof Error && /alias/i.test(error.message)) {
      throw configError(operation, `${source}: ${error.message}`, "expand the aliases by hand; stagecraft.yml needs few if any");
    }
    throw error;
  }
  if (value === null || value === undefined) {
    throw configError(operation, `${source} is empty`, "add a backend section with provider: encore-ts");
  }
  if (!isRecord(value)) throw configError(operation, `${source} must be a YAML mapping at the top level`, "start the file with backend:");
  return value;
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
    if (typeof backend.provider === "string" && backend.provider !== "") providerId = backend.provider;
    else issues.push({ path: "backend.provider", message: backend.provider === undefined || backend.provider === null || backend.provider === "" ? "is missing" : "must be a string", fix: `set backend.provider: ${PROVIDER_ID}` });
    if (backend.providers !== undefined && backend.providers !== null) {
      if (isRecord(backend.providers)) providers = backend.providers;
      else issues.push({ path: "backend.providers", message: "must be a mapping of provider IDs to their settings" });
    }
  }
  if (project !== undefined && project !== null && !isRecord(project)) issues.push({ path: "project", message: "must be a mapping" });

  if (issues.length > 0 || providerId === undefined) throw invalidConfig(operation, issues, document.source);
  return {
    providerId,
    block: providers[providerId],
    registry: isRecord(project) ? project.registry : undefined,
  };
}
