// Composes the environment every `encore` call gets (docs/provider-contract.md §Environment). Pure: the caller
// reads files and writes the CA bundle; this only decides keys, values and sources.

import { NO_PROXY_VARIABLES, noProxyWithDirectHosts } from "./proxy.ts";

export type EnvSource = "process" | "env_file" | "config";

interface EnvEntry {
  value: string;
  source: EnvSource;
}

/** Ordered keys → value and where it came from (the `plan` command shows the sources). */
export type Environment = ReadonlyMap<string, EnvEntry>;

interface EnvironmentInput {
  processEnv: Readonly<Record<string, string | undefined>>;
  /** Parsed env_file; dev only. */
  fileEnv?: Readonly<Record<string, string>>;
  disableTelemetry: boolean;
  /** Absolute path of the project's extra CA (`node_extra_ca_certs`). */
  caFile?: string | undefined;
  /** System bundle + the extra CA, for the Go-based encore CLI, git and curl. */
  caBundle?: string | undefined;
}

export function composeEnvironment(input: EnvironmentInput): Environment {
  const env = new Map<string, EnvEntry>();
  for (const [key, value] of Object.entries(input.processEnv)) {
    if (value !== undefined) env.set(key, { value, source: "process" });
  }
  // dotenv's convention: a variable already set in the process environment wins over the file.
  for (const [key, value] of Object.entries(input.fileEnv ?? {})) {
    if (!env.has(key)) env.set(key, { value, source: "env_file" });
  }
  // With a proxy set, the sidecars and loopback bypass it, in both spellings (src/env/proxy.ts).
  const noProxy = noProxyWithDirectHosts(Object.fromEntries([...env].map(([key, entry]) => [key, entry.value])));
  if (noProxy !== undefined) for (const key of NO_PROXY_VARIABLES) env.set(key, { value: noProxy, source: "config" });
  // Encore accepts exactly "1" (docs/encore-cli.md §Telemetry).
  if (input.disableTelemetry) env.set("DISABLE_ENCORE_TELEMETRY", { value: "1", source: "config" });
  if (input.caFile) env.set("NODE_EXTRA_CA_CERTS", { value: input.caFile, source: "config" });
  if (input.caBundle) {
    // Go ignores NODE_EXTRA_CA_CERTS and reads SSL_CERT_FILE; git and curl have their own variables.
    for (const key of ["SSL_CERT_FILE", "GIT_SSL_CAINFO", "CURL_CA_BUNDLE"]) {
      env.set(key, { value: input.caBundle, source: "config" });
    }
  }
  return env;
}

/** The plain record a child process gets; `omit` keeps secrets out of it. */
export function toRecord(env: Environment, omit: readonly string[] = []): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, entry] of env) if (!omit.includes(key)) record[key] = entry.value;
  return record;
}

/** The process environment without its unset entries, as a child process takes it. */
export function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function lookup(env: Environment, key: string): string | undefined {
  return env.get(key)?.value;
}
