import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveTestSettings, type TestSettings } from "../../config/settings.ts";
import { testArgs, versionArgs } from "../../encore/commands.ts";
import { runTests, signalExitCode } from "../../encore/test-run.ts";
import { ProviderError } from "../../errors/index.ts";
import { stopRequest, type CommandSpec } from "../../process/spawn.ts";
import { writeLocalSecrets } from "../../secrets/local-store.ts";
import type { Plan, TestOptions } from "../types.ts";
import { runInstall } from "./install.ts";
import { Background, runCommonStep } from "./run-step.ts";
import { loginStep, packageSteps, renderPlan, type Step } from "./steps.ts";
import { prepareAppRun, type PreparedAppRun } from "./app-run.ts";

/** Everything test will do, decided before anything runs; `plan test` prints this same object. */
interface PreparedTest extends PreparedAppRun {
  settings: TestSettings;
  /** from_env secrets with a value; written to Encore's local store in local mode. */
  secretNames: readonly string[];
  version: CommandSpec;
  test: CommandSpec;
}

/** dev's preparation (validation, preflight, environment, CA, telemetry) for `encore test`. */
function prepareTest(opts: TestOptions): PreparedTest {
  const settings = resolveTestSettings(opts.config.block, { projectDir: opts.workDir, source: opts.config.source });
  const app = prepareAppRun("test", settings, opts.env, opts.log);
  requireTestScript(app.appDir);
  const { encore, env, base } = app;
  return {
    ...app,
    settings,
    secretNames: settings.secrets.fromEnv.filter((name) => env.get(name)?.value),
    version: { file: encore, args: versionArgs(), cwd: settings.workDir, env: base.env },
    test: { file: encore, args: testArgs(opts.args), cwd: settings.workDir, env: base.env },
  };
}

/**
 * `encore test` runs the app's package.json `test` script and, without one, exits 1 with
 * "application does not define any tests" (docs/encore-cli.md §Test): the same code as a
 * failing test. Checked here first, so a missing script is INVALID_PROJECT, not a test failure.
 * A package.json that is missing or unreadable is left to encore, which names the problem.
 */
function requireTestScript(appDir: string): void {
  const file = join(appDir, "package.json");
  let scripts: unknown;
  try {
    scripts = (JSON.parse(readFileSync(file, "utf8")) as { scripts?: unknown })?.scripts;
  } catch {
    return;
  }
  if (typeof scripts === "object" && scripts !== null && typeof (scripts as Record<string, unknown>).test === "string")
    return;
  throw new ProviderError({
    category: "INVALID_PROJECT",
    provider: "encore-ts",
    operation: "test",
    message: `${file} defines no "test" script, so encore test has nothing to run`,
    fix: 'add one under "scripts", e.g. "test": "vitest run" or "test": "node --test"',
  });
}

/**
 * dev's preparation, then `encore test`. Secrets are prepared in local mode only (Encore's
 * local store, which `encore test` reads); in cloud mode the tests read what Encore Cloud
 * holds, and a CI test run does not write to it.
 */
export function testSteps(prepared: PreparedTest): Step[] {
  const secrets: Step[] =
    prepared.settings.secrets.mode === "local"
      ? [
          {
            kind: "local-secrets",
            file: prepared.localSecretsFile,
            appDir: prepared.appDir,
            names: prepared.secretNames,
            env: prepared.env,
            childEnv: prepared.base.env,
          },
        ]
      : [];
  const test: Step = { kind: "test", spec: prepared.test, shutdownTimeoutMs: prepared.settings.shutdownTimeoutMs };
  return [
    { kind: "version", spec: prepared.version },
    ...packageSteps(prepared.install, prepared.base.file),
    ...loginStep(prepared.authKey, prepared.base),
    ...secrets,
    test,
  ];
}

export async function test(opts: TestOptions, signal: AbortSignal): Promise<number> {
  const { log } = opts;
  const prepared = prepareTest(opts);
  const stop = stopRequest([signal], opts.force);
  const background = new Background(stop);
  try {
    for (const step of testSteps(prepared)) {
      if (signal.aborted) return signalExitCode(String(signal.reason ?? "SIGINT"));
      switch (step.kind) {
        case "install":
          if (!(await runInstall(step, "test", log, stop))) return signalExitCode(String(signal.reason ?? "SIGINT"));
          break;
        case "local-secrets": {
          const values = step.names.map((name) => ({ name, value: step.env.get(name)?.value ?? "" }));
          await writeLocalSecrets(step.appDir, values, step.childEnv, log);
          break;
        }
        case "test":
          return await runTests({
            spec: step.spec,
            shutdownTimeoutMs: step.shutdownTimeoutMs,
            log,
            signal,
            force: opts.force,
          });
        default:
          await runCommonStep(step, "test", log, background, stop);
      }
    }
  } finally {
    await background.settle();
  }
  throw new Error("unreachable: every test plan ends with the test step");
}

export function planTest(opts: TestOptions): Plan {
  const prepared = prepareTest(opts);
  return renderPlan("test", testSteps(prepared), prepared.env, prepared.withheld, [], (text) =>
    opts.log.redactor.redact(text),
  );
}
