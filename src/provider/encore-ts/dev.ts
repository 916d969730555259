import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { ProviderError } from "../../errors/index.ts";
import { resolveDevSettings, type DevSettings } from "../../config/settings.ts";
import { runArgs, versionArgs } from "../../encore/commands.ts";
import { relayAddress, startDebugRelay } from "../../debugger/relay.ts";
import { runDevServer } from "../../encore/dev-server.ts";
import { toRecord, type Environment } from "../../env/environment.ts";
import { stopRequest, type CommandSpec, type StopRequest } from "../../process/spawn.ts";
import { LOCAL_SECRETS_FILE, writeLocalSecrets } from "../../secrets/local-store.ts";
import { planSecretSync, secretValues, type SecretPlan } from "../../secrets/plan.ts";
import { SecretSyncState } from "../../secrets/sync-state.ts";
import { syncSecrets } from "../../secrets/sync.ts";
import type { DevOptions, Plan } from "../types.ts";
import { prepareEnvironment } from "./environment.ts";
import { findAuthKey, withheldAuthVariables, type AuthKey } from "../../encore/auth.ts";
import { prepareInstall, runInstall, type InstallStep } from "./install.ts";
import { requireAppRoot, requireEncore } from "./preflight.ts";
import { Background, runCommonStep } from "./run-step.ts";
import { loginStep, packageSteps, renderPlan, type Step } from "./steps.ts";

/** Below this length a secret value is likely to occur by chance in unrelated output. */
const SHORT_SECRET = 8;

/** Everything dev will do, decided before anything runs; `plan dev` prints this same object. */
interface PreparedDev {
  settings: DevSettings;
  encore: string;
  appDir: string;
  env: Environment;
  /** Keys withheld from every child's environment (the secrets). */
  withheld: readonly string[];
  authKey: AuthKey | undefined;
  secrets: SecretPlan;
  /** Base for every encore call but `run`: the app dir, the composed environment. */
  base: Omit<CommandSpec, "args">;
  version: CommandSpec;
  run: CommandSpec;
  localSecretsFile: string;
  install: InstallStep;
}

/** Validation, preflight and environment (docs/provider-contract.md §Validation rules, §Environment). Writes only the CA bundle; calls no encore. */
function prepareDev(opts: DevOptions): PreparedDev {
  const log = opts.log;
  const settings = resolveDevSettings(opts.config.block, {
    projectDir: opts.workDir,
    listenOverride: opts.listen,
    source: opts.config.source,
  });
  const encore = requireEncore(opts.env.PATH, "dev");
  const appDir = requireAppRoot(settings.workDir, "dev", "backend.providers.encore-ts.dev.workdir");
  if (settings.secrets.mode === "local") requireInside(appDir, opts.workDir);
  const env = prepareEnvironment({
    operation: "dev",
    processEnv: opts.env,
    envFile: settings.envFile,
    disableTelemetry: settings.disableTelemetry,
    caFile: settings.caFile,
    log,
  });
  const authKey = findAuthKey(opts.env);
  // Known before any encore call can echo them.
  const values = secretValues(settings.secrets.fromEnv, env);
  log.redactor.add([...values, authKey?.value]);
  for (const name of settings.secrets.fromEnv) {
    const length = env.get(name)?.value.length ?? 0;
    if (length > 0 && length < SHORT_SECRET) {
      log.warn(
        `secret ${name} is only ${length} character(s) long; every occurrence of it in the logs is masked, which can mangle them`,
        { secret: name },
      );
    }
  }
  // Secrets reach encore on stdin (or Encore's local store) only, and the auth key through
  // `encore auth login` only: both are withheld from every child's environment.
  const withheld = [...settings.secrets.fromEnv, ...withheldAuthVariables()];
  const record = toRecord(env, withheld);
  return {
    settings,
    encore,
    appDir,
    env,
    withheld,
    authKey,
    secrets: planSecretSync(settings.secrets.fromEnv, settings.secrets.types, env),
    base: { file: encore, cwd: appDir, env: record },
    version: { file: encore, args: versionArgs(), cwd: settings.workDir, env: record },
    run: { file: encore, args: runArgs(settings.listen.address), cwd: settings.workDir, env: record },
    localSecretsFile: join(appDir, LOCAL_SECRETS_FILE),
    install: prepareInstall({
      settings: settings.install,
      appRoot: appDir,
      boundary: settings.projectDir,
      env: record,
      operation: "dev",
    }),
  };
}

/** The steps of dev, in order, each with the data it runs with. */
export function devSteps(prepared: PreparedDev, home: string): Step[] {
  const { settings, env } = prepared;
  const names = prepared.secrets.calls.map((call) => call.name);
  const secrets: Step[] =
    settings.secrets.mode === "local"
      ? [
          {
            kind: "local-secrets",
            file: prepared.localSecretsFile,
            appDir: prepared.appDir,
            names,
            env,
            childEnv: prepared.base.env,
          },
        ]
      : prepared.secrets.calls.length > 0
        ? [
            {
              kind: "secrets",
              calls: prepared.secrets.calls,
              env,
              base: prepared.base,
              concurrency: settings.secrets.concurrency,
              stateHome: settings.secrets.skipUnchanged ? home : undefined,
            },
          ]
        : [];
  const run: Step = {
    kind: "run",
    spec: prepared.run,
    listen: settings.listen,
    readinessTimeoutMs: settings.readinessTimeoutMs,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
  };
  return [
    { kind: "version", spec: prepared.version },
    ...packageSteps(prepared.install, prepared.encore),
    ...loginStep(prepared.authKey, prepared.base),
    ...secrets,
    run,
  ];
}

export async function dev(opts: DevOptions, signal: AbortSignal): Promise<void> {
  const log = opts.log;
  const prepared = prepareDev(opts);
  relayAddress(opts.env); // a bad STAGECRAFT_DEBUG_RELAY fails before anything runs
  for (const name of prepared.secrets.missing)
    log.warn(`secret ${name} is not set in the environment or env_file; not synced`, { secret: name });

  const stop = stopRequest([signal], opts.force);
  const background = new Background(stop);
  try {
    await runDevSteps(devSteps(prepared, opts.env.HOME ?? homedir()), opts, stop, background);
  } finally {
    await background.settle();
  }
}

async function runDevSteps(steps: Step[], opts: DevOptions, stop: StopRequest, background: Background): Promise<void> {
  const { log } = opts;
  for (const step of steps) {
    if (stop.signal.aborted) return;
    switch (step.kind) {
      case "install":
        if (!(await runInstall(step, "dev", log, stop))) return;
        break;
      case "local-secrets": {
        const values = step.names.map((name) => ({ name, value: step.env.get(name)?.value ?? "" }));
        await writeLocalSecrets(step.appDir, values, step.childEnv, log);
        break;
      }
      case "secrets":
        await syncSecrets({
          calls: step.calls,
          env: step.env,
          base: step.base,
          concurrency: step.concurrency,
          log,
          state:
            step.stateHome === undefined
              ? undefined
              : SecretSyncState.open(step.stateHome, (message, fix) => log.warn(message, { fix })),
          stop,
        });
        break;
      case "run": {
        const relayAt = relayAddress(opts.env);
        const relay = relayAt ? await startDebugRelay(relayAt, log) : undefined;
        try {
          await runDevServer({
            spec: step.spec,
            listen: step.listen,
            readinessTimeoutMs: step.readinessTimeoutMs,
            shutdownTimeoutMs: step.shutdownTimeoutMs,
            log,
            stop,
          });
        } finally {
          await relay?.close();
        }
        break;
      }
      default:
        await runCommonStep(step, "dev", log, background, stop);
    }
  }
}

export function planDev(opts: DevOptions): Plan {
  const prepared = prepareDev(opts);
  const warnings = prepared.secrets.missing.map(
    (name) => `secret ${name} is not set in the environment or env_file; it will not be synced`,
  );
  return renderPlan(
    "dev",
    devSteps(prepared, opts.env.HOME ?? homedir()),
    prepared.env,
    prepared.withheld,
    warnings,
    (text) => opts.log.redactor.redact(text),
  );
}

/**
 * Local mode writes secret values next to encore.app. Encore finds encore.app in a parent too,
 * so one above the project would have them written outside it, where no .gitignore of the
 * project applies and the toolbox mounts nothing.
 */
function requireInside(appDir: string, projectDir: string): void {
  const path = relative(resolve(projectDir), appDir);
  if (path === "" || (!path.startsWith("..") && !isAbsolute(path))) return;
  throw new ProviderError({
    category: "INVALID_PROJECT",
    provider: "encore-ts",
    operation: "dev",
    message: `backend.providers.encore-ts.dev.encore_secrets.mode: local would write ${join(appDir, LOCAL_SECRETS_FILE)}, outside the project ${projectDir}: the encore.app found is in a parent directory`,
    fix: "put the app's encore.app inside the project (or point dev.workdir at it), or use dev.encore_secrets.mode: cloud",
  });
}
