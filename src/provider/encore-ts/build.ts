import { resolveBuildSettings, type BuildSettings } from "../../config/settings.ts";
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from "../../config/schema.ts";
import { ProviderError } from "../../errors/index.ts";
import { buildDockerArgs, versionArgs } from "../../encore/commands.ts";
import { levelOfLine } from "../../encore/banner.ts";
import { describeExit } from "../../process/exit.ts";
import { toRecord, type Environment } from "../../env/environment.ts";
import { formatImageReference } from "../../image/reference.ts";
import { LineTail } from "../../logging/tail.ts";
import { startProcess, stopRequest, type CommandSpec, type StopRequest } from "../../process/spawn.ts";
import {
  readUserDockerConfig,
  removeDockerConfig,
  temporaryDockerConfigDir,
  writeDockerConfig,
} from "../../registry/docker-config.ts";
import { REGISTRY_VARIABLES, findRegistryLogin, type RegistryLogin } from "../../registry/login.ts";
import type { BuildDockerOptions, Plan } from "../types.ts";
import { prepareEnvironment } from "./environment.ts";
import { findAuthKey, withheldAuthVariables, type AuthKey } from "../../encore/auth.ts";
import { prepareInstall, runInstall, type InstallStep } from "./install.ts";
import { requireAppRoot, requireEncore } from "./preflight.ts";
import { Background, runCommonStep } from "./run-step.ts";
import { resolveDockerEndpoint } from "../../docker/endpoint.ts";
import type { Logger } from "../../logging/logger.ts";
import { loginStep, packageSteps, renderPlan, type Step } from "./steps.ts";

/** Everything build will do, decided before anything runs; `plan build` prints this same object. */
interface PreparedBuild {
  settings: BuildSettings;
  imageRef: string;
  env: Environment;
  authKey: AuthKey | undefined;
  /** A registry login from the environment, written to a temporary DOCKER_CONFIG for encore. */
  registryLogin: { login: RegistryLogin; dir: string } | undefined;
  version: CommandSpec;
  build: CommandSpec;
  install: InstallStep;
}

function prepareBuild(opts: BuildDockerOptions): PreparedBuild {
  const settings = resolveBuildSettings(opts.config.block, {
    projectDir: opts.workDir,
    imageTag: opts.imageTag,
    registry: opts.config.registry,
    push: opts.push,
    source: opts.config.source,
  });
  const encore = requireEncore(opts.env.PATH, "build");
  const appDir = requireAppRoot(settings.workDir, "build", "backend.providers.encore-ts.build.workdir");
  const imageRef = formatImageReference({
    registry: settings.registry,
    imageName: settings.imageName,
    tag: opts.imageTag,
    suffix: settings.tagSuffix,
  });
  // Builds read no env_file: CI supplies its environment directly. Telemetry and CA apply as for dev.
  const prepared = prepareEnvironment({
    operation: "build",
    processEnv: opts.env,
    disableTelemetry: settings.disableTelemetry,
    caFile: settings.caFile,
    log: opts.log,
  });
  const registryLogin = registryLoginFrom(opts.env, imageRef);
  // Encore's daemon reads DOCKER_CONFIG once, when it starts: it is settled here, before any call.
  const env = registryLogin
    ? new Map([...prepared, ["DOCKER_CONFIG", { value: registryLogin.dir, source: "config" as const }]])
    : prepared;
  const authKey = findAuthKey(opts.env);
  // A CI job often has the app's secrets in its environment as well: mask them in build output.
  opts.log.redactor.add([
    authKey?.value,
    registryLogin?.login.password,
    ...settings.secretNames.map((name) => opts.env[name]),
  ]);
  // As for dev, the app's secrets and the auth key are withheld from encore's environment; so is
  // the registry password, which reaches encore only through the Docker config.
  const withheld = withheldFromEncore(settings);
  const record = toRecord(env, withheld);
  return {
    settings,
    imageRef,
    env,
    authKey,
    registryLogin,
    version: { file: encore, args: versionArgs(), cwd: settings.workDir, env: record },
    build: { file: encore, args: buildDockerArgs(imageRef, settings.flags), cwd: settings.workDir, env: record },
    install: prepareInstall({
      settings: settings.install,
      appRoot: appDir,
      boundary: settings.projectDir,
      env: record,
      operation: "build",
    }),
  };
}

/** The steps of build, in order, each with the data it runs with. */
export function buildSteps(prepared: PreparedBuild): Step[] {
  const { build, settings } = prepared;
  const push = settings.flags.push === true;
  // Pushing goes straight to the registry; only loading needs a local engine.
  const docker: Step[] = push ? [] : [{ kind: "check-docker", endpoint: resolveDockerEndpoint(build.env) }];
  const registry: Step[] = prepared.registryLogin ? [{ kind: "registry-login", ...prepared.registryLogin }] : [];
  return [
    ...docker,
    ...registry,
    { kind: "version", spec: prepared.version },
    ...packageSteps(prepared.install, build.file),
    ...loginStep(prepared.authKey, build),
    { kind: "build", spec: build, imageRef: prepared.imageRef, push, arch: settings.flags.arch },
  ];
}

export async function buildDocker(opts: BuildDockerOptions, signal: AbortSignal): Promise<string> {
  const log = opts.log;
  const prepared = prepareBuild(opts);
  const { imageRef } = prepared;
  const { services, gateways } = prepared.settings.flags;
  if (services?.length && !gateways?.length) {
    // cli/daemon/export/infra_config.go: given services and no gateways, none is hosted.
    log.warn(`build.services without build.gateways: the image hosts no gateway, so it serves no public API`, {
      services,
    });
  }
  const stop = stopRequest([signal], opts.force);
  const background = new Background(stop);
  try {
    for (const step of buildSteps(prepared)) {
      if (signal.aborted) throw cancelled(imageRef, "");
      if (step.kind === "build") return await runBuild(step, log, stop, opts.onBuilt);
      if (step.kind === "registry-login") {
        writeDockerConfig(step.dir, readUserDockerConfig(opts.env), step.login);
        log.info(
          `registry credentials for ${step.login.host} from ${REGISTRY_VARIABLES.username} and ${REGISTRY_VARIABLES.password} are in a temporary Docker config`,
          { dir: step.dir },
        );
        continue;
      }
      if (step.kind === "install") {
        await runInstall(step, "build", log, stop);
        continue;
      }
      await runCommonStep(step, "build", log, background, stop);
    }
    if (signal.aborted) throw cancelled(imageRef, "");
  } finally {
    await background.settle();
    if (prepared.registryLogin) removeDockerConfig(prepared.registryLogin.dir);
  }
  throw new Error("unreachable: every build plan ends with the build step");
}

export function planBuild(opts: BuildDockerOptions): Plan {
  const prepared = prepareBuild(opts);
  return renderPlan("build", buildSteps(prepared), prepared.env, withheldFromEncore(prepared.settings), [], (text) =>
    opts.log.redactor.redact(text),
  );
}

function withheldFromEncore(settings: BuildSettings): string[] {
  return [...settings.secretNames, ...withheldAuthVariables(), REGISTRY_VARIABLES.password];
}

function registryLoginFrom(
  env: Readonly<Record<string, string | undefined>>,
  imageRef: string,
): PreparedBuild["registryLogin"] {
  const found = findRegistryLogin(env, imageRef);
  if (!found.ok) {
    throw new ProviderError({
      category: "INVALID_CONFIG",
      provider: "encore-ts",
      operation: "build",
      message: found.message,
      fix: found.fix,
      facts: { variable: found.variable },
    });
  }
  return found.login ? { login: found.login, dir: temporaryDockerConfigDir() } : undefined;
}

function cancelled(imageRef: string, extra: string): ProviderError {
  return new ProviderError({
    category: "BUILD_FAILED",
    provider: "encore-ts",
    operation: "build",
    message: `build of ${imageRef} was cancelled${extra}`,
    fix: "run the build again; a cancelled build never counts as a success",
    facts: { imageRef },
  });
}

async function runBuild(
  step: Extract<Step, { kind: "build" }>,
  log: Logger,
  stop: StopRequest,
  onBuilt: BuildDockerOptions["onBuilt"],
): Promise<string> {
  const { spec: build, imageRef, push, arch } = step;
  log.info(`building ${imageRef} for linux/${arch ?? "amd64"} with encore build docker${push ? " --push" : ""}`, {
    imageRef,
    cwd: build.cwd,
    ...(arch ? {} : { note: "Encore builds amd64 unless build.arch says otherwise, whatever this host is" }),
  });
  log.debug("command", { argv: [build.file, ...build.args] });
  const started = performance.now();
  const tail = new LineTail();
  // Like encore run, encore build stops gracefully on SIGINT only.
  const cancelling = () => log.warn("cancelling encore build (SIGINT)");
  stop.signal.addEventListener("abort", cancelling, { once: true });
  const exit = await startProcess(build, {
    stop,
    stopSignal: "SIGINT",
    graceMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    batch: log.batch,
    drained: log.drained,
    onLine: (stream, line) => {
      tail.push(line);
      log.line(stream, line, levelOfLine(line));
    },
  }).exited;
  stop.signal.removeEventListener("abort", cancelling);
  // Upstream quirk: encore exits 0 after Ctrl-C during a build. Never read that as success.
  if (exit.stopped) throw cancelled(imageRef, ` (encore ${describeExit(exit)}${exit.forced ? ", killed" : ""})`);
  if (exit.exitCode !== 0) {
    const detail = tail.text((text) => log.redactor.redact(text));
    throw new ProviderError({
      category: "BUILD_FAILED",
      provider: "encore-ts",
      operation: "build",
      message: `encore build docker ${imageRef} ${describeExit(exit)}`,
      detail,
      fix: buildFailureFix(detail),
      facts: {
        imageRef,
        ...(exit.exitCode !== undefined ? { encoreExitCode: exit.exitCode } : {}),
        ...(exit.signal ? { signal: exit.signal } : {}),
      },
    });
  }
  const durationMs = Math.round(performance.now() - started);
  log.info(push ? `pushed ${imageRef}` : `built ${imageRef}`, { imageRef, durationMs });
  onBuilt?.({ imageRef, pushed: push, durationMs });
  return imageRef;
}

/** A fix for the failures a user can act on without reading Go's error text. */
function buildFailureFix(detail: string): string {
  if (detail.includes("infra configuration is incomplete"))
    return "the app uses infrastructure: give the build an infra config (see the README, build options)";
  if (/UNAUTHORIZED|DENIED|401 Unauthorized|403 Forbidden/.test(detail)) {
    return `the registry refused the login: check ${REGISTRY_VARIABLES.username}/${REGISTRY_VARIABLES.password} or the mounted ~/.docker/config.json, and that the user may push there`;
  }
  if (detail.includes("x509: certificate"))
    return "trust the registry's CA: put it in the project and point dev.node_extra_ca_certs at it (encore reads it through SSL_CERT_FILE)";
  return "read encore's output above";
}
