import { ProviderError, type Operation } from "../../errors/index.ts";
import type { Logger } from "../../logging/logger.ts";
import {
  compareSdk,
  declaredAhead,
  declaredSdk,
  encoreWillRewrite,
  findInstalledVersion,
  SDK_PACKAGE,
} from "../../packages/installed-sdk.ts";

// After the install: the encore.dev SDK actually installed must not run ahead of the CLI's
// native runtime. Encore compares only the declared version, and rewrites an older one to
// `^<cli>` (tsparser/src/builder/package_mgmt.rs, update_package_json), which an install then
// resolves to the newest release on the registry.

export interface SdkCheckStep {
  kind: "check-sdk";
  appRoot: string;
  /** The package manager, for messages about Encore's own install. */
  manager: string;
  /** The encore executable, whose version the SDK is compared with. */
  encore: string;
}

/** The CLI's version without the network; undefined when it cannot be known. */
type CliVersionReader = () => Promise<string | undefined>;

export async function checkInstalledSdk(
  step: SdkCheckStep,
  operation: Operation,
  log: Logger,
  cliVersion: CliVersionReader,
): Promise<void> {
  const cli = await cliVersion();
  if (!cli) {
    log.debug("the encore CLI's version is unknown; the installed encore.dev is not compared with it");
    return;
  }
  const declared = declaredSdk(step.appRoot)?.range;
  const installed = findInstalledVersion(step.appRoot);
  const pin = `pin "${SDK_PACKAGE}": "${cli}" in package.json's dependencies (exactly, no ^) and update the lockfile`;
  const rebuild = (version: string) =>
    `build the toolbox for the app's version: docker compose build --build-arg ENCORE_VERSION=${version} --build-arg ENCORE_SHA256=<sha256 of its release>`;

  // Encore refuses any declared version newer than its own; say so before it does.
  const declaredNewer = declaredAhead(declared, cli);
  const verdict = installed ? compareSdk(installed.version, cli) : undefined;
  if (verdict?.kind === "ahead" || declaredNewer) {
    const version = verdict?.kind === "ahead" ? verdict.installed : declaredNewer!;
    const where =
      verdict?.kind === "ahead" && installed
        ? `installed ${SDK_PACKAGE} ${version} (${installed.file})`
        : `declared ${SDK_PACKAGE} ${declared}`;
    throw new ProviderError({
      category: "INVALID_PROJECT",
      provider: "encore-ts",
      operation,
      message: `${where} is newer than the encore CLI ${cli}: the SDK would run ahead of the CLI's runtime`,
      fix: `either ${pin}, or ${rebuild(version)}`,
      facts: { sdkVersion: version, encoreVersion: cli },
    });
  }
  if (verdict?.kind === "ahead-patch") {
    log.warn(
      `installed ${SDK_PACKAGE} ${verdict.installed} is a patch release ahead of the encore CLI ${cli}; usually harmless, but the pair is not the one Encore tested`,
      {
        sdkVersion: verdict.installed,
        encoreVersion: cli,
        fix: `${pin}, or ${rebuild(verdict.installed)}`,
      },
    );
  }
  if (encoreWillRewrite(declared, cli)) {
    log.warn(
      `${SDK_PACKAGE} is ${declared === undefined ? "not in package.json's dependencies" : `declared as "${declared}"`}${installed ? ` (installed ${installed.version})` : ""}, not the CLI's ${cli}: encore will rewrite it to "^${cli}" and run ${step.manager} install, which resolves to the newest ${SDK_PACKAGE} ${cli.split(".")[0]}.x on the registry, newer than the CLI`,
      { sdkVersion: installed?.version ?? declared ?? "none", encoreVersion: cli, fix: pin },
    );
  } else if (verdict?.kind === "behind") {
    log.warn(
      `installed ${SDK_PACKAGE} ${verdict.installed} is older than the encore CLI ${cli}, although package.json declares ${declared}; the lockfile is out of date`,
      {
        sdkVersion: verdict.installed,
        encoreVersion: cli,
        fix: `update the lockfile so that it resolves ${SDK_PACKAGE} ${cli}`,
      },
    );
  }
}
