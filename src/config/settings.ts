import { resolve } from "node:path";
import * as v from "valibot";
import { ProviderError, type Issue, type Operation } from "../errors/index.ts";
import type { BuildFlags } from "../encore/commands.ts";
import type { SecretType } from "../secrets/types.ts";
import { toIssues } from "./issues.ts";
import type { ListenAddress } from "../encore/listen.ts";
import { parseListen } from "./listen.ts";
import { PROVIDER_PREFIX, checkRules, type RuleContext } from "./rules.ts";
import { EncoreTsSchema, type EncoreTsConfig } from "./schema.ts";

export const PROVIDER_ID = "encore-ts";

/** What dev needs, fully resolved: absolute paths, parsed address, defaults applied. */
export interface DevSettings {
  projectDir: string;
  workDir: string;
  envFile: string;
  listen: ListenAddress;
  disableTelemetry: boolean;
  caFile: string | undefined;
  secrets: {
    types: SecretType[];
    fromEnv: string[];
    concurrency: number;
    mode: "cloud" | "local";
    skipUnchanged: boolean;
  };
  readinessTimeoutMs: number;
  shutdownTimeoutMs: number;
  install: InstallSettings;
}

/** The install step, shared by dev and build. */
export interface InstallSettings {
  enabled: boolean;
  timeoutMs: number;
}

/** What build needs, fully resolved. */
export interface BuildSettings {
  projectDir: string;
  workDir: string;
  registry: string | undefined;
  imageName: string;
  tagSuffix: string;
  disableTelemetry: boolean;
  caFile: string | undefined;
  flags: BuildFlags;
  /** dev.encore_secrets.from_env: their values are redacted from build output too. */
  secretNames: string[];
  install: InstallSettings;
}

export type Validation = { ok: true; config: EncoreTsConfig } | { ok: false; issues: Issue[] };

/** Schema and rules together; never throws, so callers (doctor, plan) can list every problem. */
export function validateProviderConfig(raw: unknown, ctx: RuleContext): Validation {
  const parsed = v.safeParse(EncoreTsSchema, raw ?? {});
  const issues = [
    ...(parsed.success ? [] : toIssues(EncoreTsSchema, PROVIDER_PREFIX, parsed.issues)),
    ...checkRules(raw ?? {}, ctx),
  ];
  if (issues.length > 0 || !parsed.success) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, config: parsed.output };
}

function sortIssues(issues: Issue[]): Issue[] {
  return issues.toSorted((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Enough to act on; a hostile file can yield thousands, which no one reads on a terminal. */
const MAX_LISTED_ISSUES = 50;

export function invalidConfig(operation: Operation, all: readonly Issue[], source?: string): ProviderError {
  const where = source ? ` in ${source}` : "";
  const issues =
    all.length > MAX_LISTED_ISSUES
      ? [
          ...all.slice(0, MAX_LISTED_ISSUES),
          { path: "…", message: `and ${all.length - MAX_LISTED_ISSUES} more problems, not listed` },
        ]
      : all;
  const first = issues[0];
  const message =
    issues.length === 1 && first ? `${first.path}: ${first.message}${where}` : `${all.length} problems${where}`;
  return new ProviderError({
    category: "INVALID_CONFIG",
    provider: PROVIDER_ID,
    operation,
    message,
    issues,
    fix: issues.length === 1 ? first?.fix : "fix each problem listed above; all of them were found at once",
  });
}

function validated(raw: unknown, ctx: RuleContext, source?: string): EncoreTsConfig {
  const result = validateProviderConfig(raw, ctx);
  if (!result.ok) throw invalidConfig(ctx.operation, result.issues, source);
  return result.config;
}

interface DevContext {
  projectDir: string;
  /** `--listen`, which overrides `dev.listen` (docs/provider-contract.md §Dev command). */
  listenOverride?: string | undefined;
  source?: string | undefined;
}

export function resolveDevSettings(raw: unknown, ctx: DevContext): DevSettings {
  const overrideIssues: Issue[] = [];
  const override = ctx.listenOverride === undefined ? undefined : parseListen(ctx.listenOverride);
  if (override && !override.ok) overrideIssues.push({ path: "--listen", message: override.message, fix: override.fix });
  const result = validateProviderConfig(raw, { projectDir: ctx.projectDir, operation: "dev" });
  const issues = [...overrideIssues, ...(result.ok ? [] : result.issues)];
  if (!result.ok || issues.length > 0) throw invalidConfig("dev", issues, ctx.source);

  // checkRules made dev.listen required for dev, and the schema parsed it.
  const listen = override?.ok ? override.value : result.config.dev.listen!;
  const { envFile, ...common } = testSettings(result.config, ctx.projectDir);
  return {
    ...common,
    envFile: envFile!, // required for dev (checkRules)
    listen,
    readinessTimeoutMs: result.config.dev.readiness.timeout_ms,
  };
}

/** What test needs: dev's preparation without the server; env_file is optional (CI supplies the environment). */
export interface TestSettings extends Omit<DevSettings, "envFile" | "listen" | "readinessTimeoutMs"> {
  envFile: string | undefined;
}

export function resolveTestSettings(
  raw: unknown,
  ctx: { projectDir: string; source?: string | undefined },
): TestSettings {
  return testSettings(validated(raw, { projectDir: ctx.projectDir, operation: "test" }, ctx.source), ctx.projectDir);
}

/** The settings dev and test share, resolved against the project directory. */
function testSettings({ dev, install }: EncoreTsConfig, projectDir: string): TestSettings {
  return {
    projectDir,
    workDir: dev.workdir ? resolve(projectDir, dev.workdir) : projectDir,
    envFile: dev.env_file ? resolve(projectDir, dev.env_file) : undefined,
    disableTelemetry: dev.disable_telemetry,
    caFile: dev.node_extra_ca_certs ? resolve(projectDir, dev.node_extra_ca_certs) : undefined,
    secrets: {
      types: dev.encore_secrets.types as SecretType[],
      fromEnv: dev.encore_secrets.from_env,
      concurrency: dev.encore_secrets.concurrency,
      mode: dev.encore_secrets.mode,
      skipUnchanged: dev.encore_secrets.skip_unchanged,
    },
    shutdownTimeoutMs: dev.shutdown.timeout_ms,
    install: { enabled: install.enabled, timeoutMs: install.timeout_ms },
  };
}

interface BuildContext {
  projectDir: string;
  imageTag: string;
  registry?: unknown;
  /** `--push`, which turns pushing on whatever build.push says. */
  push?: boolean;
  source?: string | undefined;
}

export function resolveBuildSettings(raw: unknown, ctx: BuildContext): BuildSettings {
  const config = validated(
    raw,
    { projectDir: ctx.projectDir, operation: "build", registry: ctx.registry, imageTag: ctx.imageTag },
    ctx.source,
  );
  const { build, dev } = config;
  return {
    projectDir: ctx.projectDir,
    workDir: build.workdir ? resolve(ctx.projectDir, build.workdir) : ctx.projectDir,
    registry: typeof ctx.registry === "string" && ctx.registry !== "" ? ctx.registry : undefined,
    imageName: build.image_name,
    tagSuffix: build.docker_tag_suffix,
    disableTelemetry: dev.disable_telemetry,
    caFile: dev.node_extra_ca_certs ? resolve(ctx.projectDir, dev.node_extra_ca_certs) : undefined,
    secretNames: dev.encore_secrets.from_env,
    install: { enabled: config.install.enabled, timeoutMs: config.install.timeout_ms },
    flags: {
      push: ctx.push === true || build.push,
      base: build.base,
      arch: build.arch,
      config: build.config,
      skipConfig: build.skip_config,
      services: build.services,
      gateways: build.gateways,
    },
  };
}
