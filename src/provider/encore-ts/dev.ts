import { homedir } from "node:os";
import { resolveDevSettings, type DevSettings } from "../../config/settings.ts";
import { runArgs, versionArgs } from "../../encore/commands.ts";
import { relayAddress, startDebugRelay } from "../../debugger/relay.ts";
import { runDevServer } from "../../encore/dev-server.ts";
import { stopRequest, type CommandSpec, type StopRequest } from "../../process/spawn.ts";
import { writeLocalSecrets } from "../../secrets/local-store.ts";
import { planSecretSync, type SecretPlan } from "../../secrets/plan.ts";
import { SecretSyncState } from "../../secrets/sync-state.ts";
import { syncSecrets } from "../../secrets/sync.ts";
import type { DevOptions, Plan } from "../types.ts";
import { runInstall } from "./install.ts";
import { Background, runCommonStep } from "./run-step.ts";
import { loginStep, packageSteps, renderPlan, type Step } from "./steps.ts";
import { prepareAppRun, type PreparedAppRun } from "./app-run.ts";

/** Everything dev will do, decided before anything runs; `plan dev` prints this same object. */
interface PreparedDev extends PreparedAppRun {
  settings: DevSettings;
  secrets: SecretPlan;
  version: CommandSpec;
  run: CommandSpec;
}

/** Validation, preflight and environment (docs/provider-contract.md §Validation rules, §Environment). Writes only the CA bundle; calls no encore. */
function prepareDev(opts: DevOptions): PreparedDev {
  const settings = resolveDevSettings(opts.config.block, {
    projectDir: opts.workDir,
    listenOverride: opts.listen,
    source: opts.config.source,
  });
  const app = prepareAppRun("dev", settings, opts.env, opts.log);
  const { encore, env, base } = app;
  return {
    ...app,
    settings,
    secrets: planSecretSync(settings.secrets.fromEnv, settings.secrets.types, env),
    version: { file: encore, args: versionArgs(), cwd: settings.workDir, env: base.env },
    run: { file: encore, args: runArgs(settings.listen.address), cwd: settings.workDir, env: base.env },
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
  // The version check only warns, in the background. It starts when the SDK check needs its
  // answer, else once `encore run` is spawned: before that it would only compete with the way
  // to the first spawn (start-up).
  let versionCheck: Step | undefined;
  const startVersionCheck = () => {
    if (versionCheck) void runCommonStep(versionCheck, "dev", log, background, stop);
    versionCheck = undefined;
  };
  for (const step of steps) {
    if (stop.signal.aborted) return;
    switch (step.kind) {
      case "version":
        versionCheck = step;
        break;
      case "check-sdk":
        startVersionCheck();
        await runCommonStep(step, "dev", log, background, stop);
        break;
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
            onSpawned: startVersionCheck,
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
