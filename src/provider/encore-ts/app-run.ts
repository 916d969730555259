import { isAbsolute, join, relative, resolve } from "node:path";
import type { TestSettings } from "../../config/settings.ts";
import { findAuthKey, withheldAuthVariables, type AuthKey } from "../../encore/auth.ts";
import { toRecord, type Environment } from "../../env/environment.ts";
import { ProviderError, type Operation } from "../../errors/index.ts";
import type { Logger } from "../../logging/logger.ts";
import type { CommandSpec } from "../../process/spawn.ts";
import { LOCAL_SECRETS_FILE } from "../../secrets/local-store.ts";
import { secretValues } from "../../secrets/plan.ts";
import { prepareEnvironment } from "./environment.ts";
import { prepareInstall, type InstallStep } from "./install.ts";
import { requireAppRoot, requireEncore } from "./preflight.ts";

/** Below this length a secret value is likely to occur by chance in unrelated output. */
const SHORT_SECRET = 8;

/** What dev and test share of their settings (env_file is optional for test). */
type AppRunSettings = Pick<
  TestSettings,
  "projectDir" | "workDir" | "envFile" | "disableTelemetry" | "caFile" | "secrets" | "install"
>;

/** The app, its environment and its secrets, prepared the same way for `encore run` and `encore test`. */
export interface PreparedAppRun {
  encore: string;
  appDir: string;
  env: Environment;
  /** Keys withheld from every child's environment (the secrets and the auth key). */
  withheld: readonly string[];
  authKey: AuthKey | undefined;
  /** Base for encore calls made in the app dir, with the composed environment. */
  base: Omit<CommandSpec, "args">;
  localSecretsFile: string;
  install: InstallStep;
}

/**
 * Preflight (encore, the app root), the environment (docs/provider-contract.md §Environment) and
 * the secrets' redaction, before any encore call. Writes only the CA bundle.
 */
export function prepareAppRun(
  operation: Extract<Operation, "dev" | "test">,
  settings: AppRunSettings,
  processEnv: Readonly<Record<string, string | undefined>>,
  log: Logger,
): PreparedAppRun {
  const encore = requireEncore(processEnv.PATH, operation);
  const appDir = requireAppRoot(settings.workDir, operation, "backend.providers.encore-ts.dev.workdir");
  if (settings.secrets.mode === "local") requireInside(appDir, settings.projectDir, operation);
  const env = prepareEnvironment({
    operation,
    processEnv,
    envFile: settings.envFile,
    disableTelemetry: settings.disableTelemetry,
    caFile: settings.caFile,
    log,
  });
  const authKey = findAuthKey(processEnv);
  // Known before any encore call can echo them.
  log.redactor.add([...secretValues(settings.secrets.fromEnv, env), authKey?.value]);
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
    encore,
    appDir,
    env,
    withheld,
    authKey,
    base: { file: encore, cwd: appDir, env: record },
    localSecretsFile: join(appDir, LOCAL_SECRETS_FILE),
    install: prepareInstall({
      settings: settings.install,
      appRoot: appDir,
      boundary: settings.projectDir,
      env: record,
      operation,
    }),
  };
}

/**
 * Local mode writes secret values next to encore.app. Encore finds encore.app in a parent too,
 * so one above the project would have them written outside it, where no .gitignore of the
 * project applies and the toolbox mounts nothing.
 */
function requireInside(appDir: string, projectDir: string, operation: Operation): void {
  const path = relative(resolve(projectDir), appDir);
  if (path === "" || (!path.startsWith("..") && !isAbsolute(path))) return;
  throw new ProviderError({
    category: "INVALID_PROJECT",
    provider: "encore-ts",
    operation,
    message: `backend.providers.encore-ts.dev.encore_secrets.mode: local would write ${join(appDir, LOCAL_SECRETS_FILE)}, outside the project ${projectDir}: the encore.app found is in a parent directory`,
    fix: "put the app's encore.app inside the project (or point dev.workdir at it), or use dev.encore_secrets.mode: cloud",
  });
}
