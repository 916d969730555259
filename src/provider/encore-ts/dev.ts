import { resolveDevSettings, type DevSettings } from "../../config/settings.ts";
import { runArgs } from "../../encore/commands.ts";
import { runDevServer } from "../../encore/dev-server.ts";
import { toRecord, type Environment } from "../../env/environment.ts";
import type { CommandSpec } from "../../process/spawn.ts";
import { planSecretSync, secretValues, type SecretPlan } from "../../secrets/plan.ts";
import { syncSecrets } from "../../secrets/sync.ts";
import type { DevOptions } from "../types.ts";
import { prepareEnvironment } from "./environment.ts";
import { checkEncoreVersion, requireAppRoot, requireEncore } from "./preflight.ts";

/** Everything dev will do, decided before anything runs. */
export interface PreparedDev {
  settings: DevSettings;
  encore: string;
  appDir: string;
  env: Environment;
  secrets: SecretPlan;
  run: CommandSpec;
}

/** Validation, preflight and environment (spec §3.3, §4.3); no encore call yet. */
export function prepareDev(opts: DevOptions): PreparedDev {
  const log = opts.log;
  const settings = resolveDevSettings(opts.config.block, { projectDir: opts.workDir, listenOverride: opts.listen, source: opts.config.source });
  const encore = requireEncore(opts.env.PATH, "dev");
  const appDir = requireAppRoot(settings.workDir, "dev", "backend.providers.encore-ts.dev.workdir");
  const env = prepareEnvironment({
    operation: "dev",
    processEnv: opts.env,
    envFile: settings.envFile,
    disableTelemetry: settings.disableTelemetry,
    caFile: settings.caFile,
    log,
  });
  // Known before any encore call can echo them.
  log.redactor.add(secretValues(settings.secrets.fromEnv, env));
  // Secrets reach encore on stdin only: they are withheld from every child's environment.
  const record = toRecord(env, settings.secrets.fromEnv);
  return {
    settings,
    encore,
    appDir,
    env,
    secrets: planSecretSync(settings.secrets.fromEnv, settings.secrets.types, env),
    run: { file: encore, args: runArgs(settings.listen.address), cwd: settings.workDir, env: record },
  };
}

export async function dev(opts: DevOptions, signal: AbortSignal): Promise<void> {
  const log = opts.log;
  const prepared = prepareDev(opts);
  const { settings, run } = prepared;
  if (signal.aborted) return;

  await checkEncoreVersion(run, log);
  await syncSecrets({
    plan: prepared.secrets,
    env: prepared.env,
    base: { file: prepared.encore, cwd: prepared.appDir, env: run.env },
    concurrency: settings.secrets.concurrency,
    log,
  });
  if (signal.aborted) return;

  await runDevServer({
    spec: run,
    listen: settings.listen,
    readinessTimeoutMs: settings.readinessTimeoutMs,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
    log,
    signal,
    force: opts.force,
  });
}
