import * as v from "valibot";
import { checkFullReference, checkImageName, checkTagSuffix, type PartCheck } from "../image/reference.ts";
import { SECRET_TYPES, canonicalSecretType, isSecretType } from "../secrets/types.ts";
import { describeValue } from "./issues.ts";
import { parseListen } from "./listen.ts";
import { printable } from "./printable.ts";

// The `backend.providers.encore-ts` block (docs/provider-contract.md §Configuration), strict: an unknown key is an error, so
// a typo never silently falls back to a default. Checks that need the file system
// (existence, containment, PEM) live in rules.ts. The JSON Schema in schema/ is generated
// from this file (scripts/generate-schema.ts), so descriptions here are what editors show.

const DEFAULT_SECRET_TYPES = ["dev", "preview", "local"] as const;
const DEFAULT_IMAGE_NAME = "api";
const DEFAULT_READINESS_TIMEOUT_MS = 120_000;
/** Below Docker's 10 s stop timeout, so a graceful stop finishes before Docker's SIGKILL. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8_000;
/**
 * The first call runs alone (it may start Encore's daemon), the rest this many at a time:
 * 13 secrets then take 3 rounds of Encore Cloud's round trip instead of 4, which puts a sync
 * under 1/8 of one call per secret and type (bench/secrets).
 */
export const DEFAULT_SECRET_CONCURRENCY = 8;
/** A first install on a slow network takes minutes; a hung registry must still end. */
const DEFAULT_INSTALL_TIMEOUT_MS = 600_000;
const SECRET_MODES = ["cloud", "local"] as const;
/** `encore build docker --arch`; Encore defaults to amd64 whatever the host is. */
const BUILD_ARCHES = ["amd64", "arm64"] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENCORE_NAME = /^[a-z][a-z0-9_-]*$/;

/** valibot's objects accept arrays (they are objects too); a YAML list where a mapping belongs is an error. */
const mapping = <const E extends v.ObjectEntries>(entries: E) =>
  v.pipe(
    v.custom<Record<string, unknown>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      (issue) => `must be a mapping, got ${describeValue(issue.input)}`,
    ),
    v.strictObject(entries),
  );

const path = (description: string) =>
  v.pipe(
    v.string(),
    v.nonEmpty("must not be empty"),
    v.check((p) => !p.includes("\0"), "must not contain a NUL byte"),
    v.description(description),
  );

/** A string checked by one of the pure grammar checks, with the value quoted in the message. */
const grammar = (check: (value: string) => PartCheck) =>
  v.rawCheck<string>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const result = check(dataset.value);
    if (!result.ok) addIssue({ message: `"${printable(dataset.value)}" ${result.message}` });
  });

/** Parsed here, once: the validated config carries the address, not the text. */
const listen = v.pipe(
  v.string(),
  v.description('Dev server bind address for `encore run --listen`, "host:port" (IPv6 in brackets). Required for dev.'),
  v.examples(["0.0.0.0:4000", "127.0.0.1:4000", "[::1]:4000"]),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseListen(dataset.value);
    if (parsed.ok) return parsed.value;
    addIssue({ message: parsed.message });
    return NEVER;
  }),
);

const envName = v.pipe(
  v.string(),
  v.regex(
    ENV_NAME,
    (issue) =>
      `"${printable(String(issue.input))}" is not a valid environment variable name (letters, digits and _, not starting with a digit)`,
  ),
);

/**
 * Variables that encore, the runner or the tools they start need to see. A from_env secret is
 * withheld from every child's environment, so listing one of these would break the run.
 */
const NEEDED_BY_ENCORE = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "PWD",
  "TMPDIR",
  "LANG",
  "LC_ALL",
  "TERM",
  "NODE_OPTIONS",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "DOCKER_HOST",
  "DOCKER_CONFIG",
  "DOCKER_CERT_PATH",
  "DOCKER_TLS_VERIFY",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "DISABLE_ENCORE_TELEMETRY",
  "ENCORE_AUTH_KEY",
  "ENCORE_AUTHKEY",
]);

const secretName = v.pipe(
  envName,
  v.check(
    (name) => !NEEDED_BY_ENCORE.has(name),
    (issue) =>
      `"${printable(String(issue.input))}" cannot be a secret: it would be withheld from encore's environment, which needs it`,
  ),
);

/** A picklist's message: a string is quoted; anything else is described, so null never reads as "null". */
const picked = (forString: string, otherwise: string) => (issue: v.BaseIssue<unknown>) =>
  typeof issue.input === "string"
    ? `"${printable(issue.input)}" ${forString}`
    : `${otherwise}, got ${describeValue(issue.input)}`;

const secretType = v.picklist(
  SECRET_TYPES,
  picked(
    `is not an Encore secret type (one of ${SECRET_TYPES.join(", ")}; case-sensitive)`,
    `must be an Encore secret type (one of ${SECRET_TYPES.join(", ")})`,
  ),
);

const encoreNames = (what: string) =>
  v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.regex(
          ENCORE_NAME,
          (issue) =>
            `"${printable(String(issue.input))}" is not an Encore ${what} name (lowercase letters, digits, - and _)`,
        ),
      ),
    ),
    v.minLength(1, "must list at least one name, or be left out"),
    unique((name) => name),
  );

const timeoutMs = (fallback: number, description: string) =>
  v.optional(
    v.pipe(
      v.number(),
      v.integer("must be a whole number of milliseconds"),
      v.minValue(1, "must be at least 1"),
      v.maxValue(86_400_000, "must be at most 86400000 (a day)"),
      v.description(description),
    ),
    fallback,
  );

function unique<T extends string>(key: (value: T) => string) {
  return v.rawCheck<T[]>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    dataset.value.forEach((value, index) => {
      if (seen.has(key(value))) {
        addIssue({
          message: `"${printable(value)}" is listed twice`,
          path: [{ type: "array", origin: "value", input: dataset.value, key: index, value }],
        });
      }
      seen.add(key(value));
    });
  });
}

const SecretsSchema = mapping({
  types: v.optional(
    v.pipe(
      v.array(secretType),
      v.minLength(1, "must list at least one type"),
      unique((t) => (isSecretType(t) ? canonicalSecretType(t) : t)),
      v.description(
        "Encore secret types to set each secret for (one `encore secret set --type a,b,c` call per secret).",
      ),
    ),
    () => [...DEFAULT_SECRET_TYPES],
  ),
  from_env: v.optional(
    v.pipe(
      v.array(secretName),
      unique((n) => n),
      v.description(
        "Environment variables (from the process or env_file) synced as Encore secrets; values go on stdin only.",
      ),
    ),
    () => [],
  ),
  concurrency: v.optional(
    v.pipe(
      v.number(),
      v.integer("must be a whole number"),
      v.minValue(1, "must be at least 1"),
      v.maxValue(32, "must be at most 32"),
      v.description("How many `encore secret set` calls run at once."),
    ),
    DEFAULT_SECRET_CONCURRENCY,
  ),
  mode: v.optional(
    v.pipe(
      v.picklist(SECRET_MODES, picked("must be cloud or local", "must be cloud or local")),
      v.description(
        "cloud: `encore secret set` (needs a linked app and a login). local: write .secrets.local.cue next to encore.app (git-ignored, 0600).",
      ),
    ),
    "cloud",
  ),
  skip_unchanged: v.optional(
    v.pipe(
      v.boolean(),
      v.description(
        "Skip secrets whose name, types and value did not change since the last successful sync (remembered as an HMAC, never the value).",
      ),
    ),
    false,
  ),
});

const DevSchema = mapping({
  env_file: v.optional(
    path("dotenv file merged into encore's environment; variables already set in the process win. Required for dev."),
  ),
  listen: v.optional(listen),
  workdir: v.optional(
    path("Directory `encore run` runs in (encore.app there or in a parent). Defaults to the project directory."),
  ),
  disable_telemetry: v.optional(v.pipe(v.boolean(), v.description("Sets DISABLE_ENCORE_TELEMETRY=1.")), false),
  node_extra_ca_certs: v.optional(
    path("Extra CA certificate (PEM) trusted by Node, the encore CLI and daemon, git and curl."),
  ),
  encore_secrets: v.optional(SecretsSchema, {}),
  readiness: v.optional(
    mapping({
      timeout_ms: timeoutMs(DEFAULT_READINESS_TIMEOUT_MS, "How long to wait for the banner and an HTTP answer."),
    }),
    {},
  ),
  shutdown: v.optional(
    mapping({
      timeout_ms: timeoutMs(
        DEFAULT_SHUTDOWN_TIMEOUT_MS,
        "Grace period after SIGINT before SIGKILL; keep it below Docker's 10 s.",
      ),
    }),
    {},
  ),
});

const BuildSchema = mapping({
  workdir: v.optional(path("Directory `encore build docker` runs in. Defaults to the project directory.")),
  image_name: v.optional(
    v.pipe(
      v.string(),
      grammar(checkImageName),
      v.description("Repository name in <registry>/<image_name>:<tag><suffix>."),
    ),
    DEFAULT_IMAGE_NAME,
  ),
  docker_tag_suffix: v.optional(
    v.pipe(v.string(), grammar(checkTagSuffix), v.description('Appended to the tag, e.g. "-encore".')),
    "",
  ),
  push: v.optional(
    v.pipe(v.boolean(), v.description("Push to the registry (`--push`) instead of loading into the local engine.")),
    false,
  ),
  base: v.optional(
    v.pipe(
      v.string(),
      grammar(checkFullReference),
      v.description("Base image (`--base`); Encore uses node:slim for TypeScript apps."),
    ),
  ),
  arch: v.optional(
    v.pipe(
      v.picklist(BUILD_ARCHES, picked("must be amd64 or arm64", "must be amd64 or arm64")),
      v.description("Target architecture (`--arch`). Encore builds amd64 when unset, whatever the host is."),
    ),
  ),
  config: v.optional(path("Infrastructure config file (`--config`), relative to build.workdir.")),
  skip_config: v.optional(
    v.pipe(v.boolean(), v.description("Build without an infrastructure config (`--skip-config`).")),
    false,
  ),
  services: v.optional(v.pipe(encoreNames("service"), v.description("Only these services (`--services`)."))),
  gateways: v.optional(v.pipe(encoreNames("gateway"), v.description("Only these gateways (`--gateways`)."))),
});

const InstallSchema = mapping({
  enabled: v.optional(
    v.pipe(
      v.boolean(),
      v.description(
        "Install the app's packages (npm ci, pnpm install --frozen-lockfile, yarn install --immutable) before encore run and encore build docker, when they changed. false: you manage node_modules yourself.",
      ),
    ),
    true,
  ),
  timeout_ms: timeoutMs(
    DEFAULT_INSTALL_TIMEOUT_MS,
    "How long the install may take before it is stopped; separate from the readiness timeout.",
  ),
});

export const EncoreTsSchema = v.pipe(
  mapping({
    dev: v.optional(DevSchema, {}),
    build: v.optional(BuildSchema, {}),
    install: v.optional(InstallSchema, {}),
  }),
  v.title("stagecraft encore-ts provider"),
  v.description("backend.providers.encore-ts in stagecraft.yml"),
);

export type EncoreTsConfig = v.InferOutput<typeof EncoreTsSchema>;
