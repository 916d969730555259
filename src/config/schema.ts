import * as v from "valibot";
import { parseListen, printable } from "./listen.ts";
import { checkImageName, checkTagSuffix } from "../image/reference.ts";
import { SECRET_TYPES, canonicalSecretType, isSecretType } from "../secrets/types.ts";

// The `backend.providers.encore-ts` block (spec §3.1), strict: an unknown key is an
// error, so a typo never silently falls back to a default. Checks that need the
// file system (existence, containment, PEM) live in rules.ts.

export const DEFAULT_SECRET_TYPES = ["dev", "preview", "local"] as const;
export const DEFAULT_IMAGE_NAME = "api";
export const DEFAULT_READINESS_TIMEOUT_MS = 120_000;
/** Below Docker's 10 s stop timeout, so a graceful stop finishes before Docker's SIGKILL. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8_000;
export const DEFAULT_SECRET_CONCURRENCY = 4;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** valibot's objects accept arrays (they are objects too); a YAML list where a mapping belongs is an error. */
const mapping = <const E extends v.ObjectEntries>(entries: E) =>
  v.pipe(
    v.custom<Record<string, unknown>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      (issue) => `must be a mapping, got ${Array.isArray(issue.input) ? "a list" : issue.input === null ? "nothing (empty or null)" : typeof issue.input}`,
    ),
    v.strictObject(entries),
  );

const path = v.pipe(
  v.string(),
  v.nonEmpty("must not be empty"),
  v.check((p) => !p.includes("\0"), "must not contain a NUL byte"),
);

const listen = v.pipe(
  v.string(),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const parsed = parseListen(dataset.value);
    if (!parsed.ok) addIssue({ message: parsed.message });
  }),
);

const envName = v.pipe(
  v.string(),
  v.check(
    (name) => ENV_NAME.test(name),
    (issue) => `"${printable(String(issue.input))}" is not a valid environment variable name (letters, digits and _, not starting with a digit)`,
  ),
);

const secretType = v.pipe(
  v.string(),
  v.check(
    (t) => isSecretType(t),
    (issue) => `"${printable(String(issue.input))}" is not an Encore secret type (one of ${SECRET_TYPES.join(", ")}; case-sensitive)`,
  ),
);

const timeoutMs = (fallback: number) =>
  v.optional(
    v.pipe(v.number(), v.integer("must be a whole number of milliseconds"), v.minValue(1, "must be at least 1"), v.maxValue(86_400_000, "must be at most 86400000 (a day)")),
    fallback,
  );

const unique = <T extends string>(describe: (value: T) => string) =>
  v.rawCheck<T[]>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    dataset.value.forEach((value, index) => {
      const key = describe(value);
      if (seen.has(key)) {
        addIssue({ message: `"${printable(value)}" is listed twice`, path: [{ type: "array", origin: "value", input: dataset.value, key: index, value }] });
      }
      seen.add(key);
    });
  });

export const SecretsSchema = mapping({
  types: v.optional(
    v.pipe(v.array(secretType), v.minLength(1, "must list at least one type"), unique((t) => (isSecretType(t) ? canonicalSecretType(t) : t))),
    () => [...DEFAULT_SECRET_TYPES],
  ),
  from_env: v.optional(v.pipe(v.array(envName), unique((n) => n)), () => []),
  concurrency: v.optional(
    v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(1, "must be at least 1"), v.maxValue(32, "must be at most 32")),
    DEFAULT_SECRET_CONCURRENCY,
  ),
});

export const DevSchema = mapping({
  env_file: v.optional(path),
  listen: v.optional(listen),
  workdir: v.optional(path),
  disable_telemetry: v.optional(v.boolean(), false),
  node_extra_ca_certs: v.optional(path),
  encore_secrets: v.optional(SecretsSchema, {}),
  readiness: v.optional(mapping({ timeout_ms: timeoutMs(DEFAULT_READINESS_TIMEOUT_MS) }), {}),
  shutdown: v.optional(mapping({ timeout_ms: timeoutMs(DEFAULT_SHUTDOWN_TIMEOUT_MS) }), {}),
});

export const BuildSchema = mapping({
  workdir: v.optional(path),
  image_name: v.optional(
    v.pipe(v.string(), v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const check = checkImageName(dataset.value);
      if (!check.ok) addIssue({ message: `"${printable(dataset.value)}" ${check.message}` });
    })),
    DEFAULT_IMAGE_NAME,
  ),
  docker_tag_suffix: v.optional(
    v.pipe(v.string(), v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const check = checkTagSuffix(dataset.value);
      if (!check.ok) addIssue({ message: `"${printable(dataset.value)}" ${check.message}` });
    })),
    "",
  ),
});

export const EncoreTsSchema = mapping({
  dev: v.optional(DevSchema, {}),
  build: v.optional(BuildSchema, {}),
});

export type EncoreTsConfig = v.InferOutput<typeof EncoreTsSchema>;
export type EncoreTsConfigInput = v.InferInput<typeof EncoreTsSchema>;
