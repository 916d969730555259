import { basename } from "node:path";
import type { InstallSettings } from "../../config/settings.ts";
import { ProviderError, type Operation } from "../../errors/index.ts";
import type { Logger } from "../../logging/logger.ts";
import { LineTail } from "../../logging/tail.ts";
import { installCommand } from "../../packages/install-command.ts";
import { inspectInstall, nodeMajorOf, type InstallInspection } from "../../packages/inspect.ts";
import type { PackageManagerChoice } from "../../packages/manager.ts";
import { removeMarker, writeMarker } from "../../packages/marker.ts";
import { INSTALL_REASONS } from "../../packages/fingerprint.ts";
import { markMemberInstalled } from "../../packages/workspace-member.ts";
import { networkFailureIn, networkFix } from "../../packages/network-failure.ts";
import { locateExecutable } from "../../process/executable.ts";
import { runCommand, stopRequest, type CommandSpec, type StopRequest } from "../../process/spawn.ts";

// Installing the app's packages is the runner's job: Encore installs only when it has just
// rewritten package.json or when the node_modules path does not exist
// (tsparser/src/builder/package_mgmt.rs, setup_deps), so an empty named volume mounted at
// node_modules, or an app already at the CLI's release, would never get its packages.

/** The install step's data: decided before anything runs, rendered by `plan`, run by dev and build. */
export interface InstallStep {
  kind: "install";
  appRoot: string;
  /** The project directory; the workspace root is looked for up to here. */
  boundary: string;
  inspection: InstallInspection;
  /** Set when the install will run. */
  spec: CommandSpec | undefined;
  display: string;
  timeoutMs: number;
  nodeMajor: number;
}

interface InstallRequest {
  settings: InstallSettings;
  appRoot: string;
  boundary: string;
  /** The environment every encore call gets (CA, proxies, telemetry); the install gets it too. */
  env: Readonly<Record<string, string>>;
  operation: Operation;
  nodeMajor?: number;
}

/** Decides the install (detection, fingerprint, reason) and its exact command; reads files, runs nothing. */
export function prepareInstall(request: InstallRequest): InstallStep {
  const nodeMajor = request.nodeMajor ?? nodeMajorOf();
  const inspected = inspectInstall({
    appRoot: request.appRoot,
    boundary: request.boundary,
    enabled: request.settings.enabled,
    nodeMajor,
  });
  if (!inspected.ok) {
    if (!request.settings.enabled) {
      // The user installs; nothing to detect. A placeholder keeps `plan` showing the step.
      return {
        kind: "install",
        appRoot: request.appRoot,
        boundary: request.boundary,
        inspection: offInspection(request.appRoot, nodeMajor),
        spec: undefined,
        display: "",
        timeoutMs: request.settings.timeoutMs,
        nodeMajor,
      };
    }
    throw new ProviderError({
      category: "INVALID_PROJECT",
      provider: "encore-ts",
      operation: request.operation,
      message: inspected.message,
      fix: inspected.fix,
      facts: { packageManager: inspected.name },
    });
  }
  const { inspection } = inspected;
  const { choice } = inspection;
  let spec: CommandSpec | undefined;
  let display = "";
  const via = locateManager(choice, request.env.PATH);
  if (via) {
    const command = installCommand(choice, via);
    display = command.display;
    spec = { file: command.file, args: command.args, cwd: choice.root, env: { ...request.env, ...command.env } };
  } else if (inspection.decision.run) {
    throw new ProviderError({
      category: "PROVIDER_NOT_AVAILABLE",
      provider: "encore-ts",
      operation: request.operation,
      message: `the app installs with ${choice.name}, which is not on PATH (nor is corepack)`,
      fix:
        choice.name === "npm"
          ? "install Node.js with npm, or use the stagecraft-encore image"
          : `run \`corepack enable ${choice.name}\` (Node ships corepack), or use the stagecraft-encore image, which has it enabled`,
      facts: { packageManager: choice.name },
    });
  }
  return {
    kind: "install",
    appRoot: request.appRoot,
    boundary: request.boundary,
    inspection,
    spec: inspection.decision.run ? spec : undefined,
    display,
    timeoutMs: request.settings.timeoutMs,
    nodeMajor,
  };
}

function offInspection(appRoot: string, nodeMajor: number): InstallInspection {
  return {
    choice: {
      name: "npm",
      version: undefined,
      source: "default",
      root: appRoot,
      lockfile: undefined,
      yarnBerry: false,
    },
    fingerprint: { manager: "npm", nodeMajor, lockfile: null, dependencies: "" },
    decision: { run: false, reason: "turned off" },
  };
}

/**
 * npm from PATH. pnpm and yarn: through corepack when packageManager pins a version (corepack
 * runs exactly that, and takes a range such as pnpm@9, which its shims refuse as "expected a
 * semver version"); otherwise the manager on PATH (a corepack shim or a global install), else
 * corepack.
 */
function locateManager(
  choice: PackageManagerChoice,
  path: string | undefined,
): { file: string; corepack: boolean } | undefined {
  if (choice.name === "npm") {
    const npm = locateExecutable("npm", path);
    return npm.ok ? { file: npm.path, corepack: false } : undefined;
  }
  const corepack = locateExecutable("corepack", path);
  if (choice.version && corepack.ok) return { file: corepack.path, corepack: true };
  const direct = locateExecutable(choice.name, path);
  if (direct.ok) return { file: direct.path, corepack: false };
  return corepack.ok ? { file: corepack.path, corepack: true } : undefined;
}

export function installTitle(step: InstallStep): string {
  const { choice, decision } = step.inspection;
  if (!decision.run) return `skip installing packages (${decision.reason})`;
  const from =
    choice.source === "packageManager"
      ? "packageManager"
      : choice.source === "lockfile"
        ? basename(choice.lockfile ?? "lockfile")
        : "the default";
  return `install packages with ${choice.name} (from ${from}): ${decision.reason}`;
}

/**
 * Runs the install when it is due. Output streams through the logger like encore's. The
 * marker of the last successful install is removed first and written only after success.
 * Resolves false when a stop was requested during the install (the caller then stops too).
 */
export async function runInstall(
  step: InstallStep,
  operation: Operation,
  log: Logger,
  stop: StopRequest,
): Promise<boolean> {
  const { choice, decision } = step.inspection;
  if (!step.spec) {
    log.info(`packages: ${decision.reason}; not installing`, {
      packageManager: choice.name,
      root: choice.root,
      reason: decision.reason,
    });
    if (decision.reason === INSTALL_REASONS.upToDate) keepEncoreFromReinstalling(step, log);
    return true;
  }
  log.info(`installing packages with ${step.display} in ${choice.root} (${decision.reason})`, {
    packageManager: choice.name,
    root: choice.root,
    reason: decision.reason,
  });
  log.debug("command", { argv: [step.spec.file, ...step.spec.args] });
  removeMarker(choice.root);
  const started = performance.now();
  const tail = new LineTail();
  const timeout = AbortSignal.timeout(step.timeoutMs);
  const exit = await runCommand(step.spec, {
    // The run's stop request, or the install's own timeout, stops it (SIGTERM, then SIGKILL).
    stop: stopRequest([stop.signal, timeout], stop.force),
    onLine: (stream, line) => {
      tail.push(line);
      log.line(stream, line);
    },
    batch: log.batch,
    drained: log.drained,
  });
  if (stop.signal.aborted) {
    log.warn(`package install stopped on request (${step.display})`);
    if (operation === "build")
      throw failure(
        operation,
        `${step.display} was cancelled`,
        "",
        "run the build again; a cancelled install never counts as a success",
        step,
      );
    return false;
  }
  const detail = tail.text((text) => log.redactor.redact(text));
  if (timeout.aborted) {
    throw failure(
      operation,
      `${step.display} did not finish within ${step.timeoutMs} ms and was stopped`,
      detail,
      `raise install.timeout_ms, or check the network${networkHint(detail)}`,
      step,
    );
  }
  if (exit.exitCode !== 0) {
    const how = exit.exitCode !== undefined ? `exited with code ${exit.exitCode}` : `was killed by ${exit.signal}`;
    const network = networkFailureIn(detail);
    throw failure(
      operation,
      `${step.display} ${how} in ${choice.root}`,
      detail,
      network
        ? networkFix(network)
        : `read the ${choice.name} output above; \`${step.display}\` in ${choice.root} reproduces it`,
      step,
      exit.exitCode,
    );
  }
  // Record what was installed as it is now: an install without a lockfile may have written one.
  const after = inspectInstall({
    appRoot: step.appRoot,
    boundary: step.boundary,
    enabled: true,
    nodeMajor: step.nodeMajor,
  });
  writeMarker(choice.root, after.ok ? after.inspection.fingerprint : step.inspection.fingerprint);
  keepEncoreFromReinstalling(step, log);
  log.info(`packages installed with ${choice.name}`, { durationMs: Math.round(performance.now() - started) });
  return true;
}

/** A workspace member gets an empty node_modules, so Encore does not install the workspace again. */
function keepEncoreFromReinstalling(step: InstallStep, log: Logger): void {
  if (markMemberInstalled(step.appRoot, step.inspection.choice.root)) {
    log.debug(
      `created an empty node_modules in ${step.appRoot}: Encore installs whenever it is missing, and the packages are in ${step.inspection.choice.root}`,
    );
  }
}

function networkHint(detail: string): string {
  const network = networkFailureIn(detail);
  return network ? `: ${networkFix(network)}` : "";
}

function failure(
  operation: Operation,
  message: string,
  detail: string,
  fix: string,
  step: InstallStep,
  exitCode?: number,
): ProviderError {
  return new ProviderError({
    category: operation === "build" ? "BUILD_FAILED" : "DEV_SERVER_FAILED",
    provider: "encore-ts",
    operation,
    message: `installing the app's packages failed: ${message}`,
    detail,
    fix,
    facts: {
      packageManager: step.inspection.choice.name,
      installRoot: step.inspection.choice.root,
      ...(exitCode !== undefined ? { installExitCode: exitCode } : {}),
    },
  });
}
