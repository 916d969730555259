import { readCliVersion } from "../../encore/cli-version.ts";
import { isSupported, supportedRangeText } from "../../encore/version.ts";
import { definedEnv } from "../../env/environment.ts";
import {
  compareSdk,
  declaredAhead,
  declaredSdk,
  encoreWillRewrite,
  findInstalledVersion,
} from "../../packages/installed-sdk.ts";
import { fail, pass, warn, type Check, type CheckResult } from "../types.ts";

/**
 * `encore` on PATH and three versions side by side: encore.dev as declared (in `dependencies`,
 * the only place Encore reads, tsparser/src/builder/package_mgmt.rs), as installed (what Node
 * resolves from the app root), and the CLI's. The CLI's comes from the image's release file, or
 * from a bounded `encore version`: offline, doctor neither fails nor waits on its update check.
 */
export const checkEncore: Check = async (ctx) => {
  if (!ctx.encorePath) {
    return [
      fail(
        "encore",
        "the encore CLI is not on PATH",
        "use the stagecraft-encore image, or install Encore (https://encore.dev/docs/install)",
      ),
    ];
  }
  const cli = await readCliVersion({
    encorePath: ctx.encorePath,
    cwd: ctx.appDir ?? ctx.projectDir,
    env: { ...definedEnv(ctx.env), DISABLE_ENCORE_TELEMETRY: "1" },
  });
  const declared = ctx.appDir ? declaredSdk(ctx.appDir) : undefined;
  const installed = ctx.appDir ? findInstalledVersion(ctx.appDir) : undefined;
  const side = [
    `declared:  ${declared ? `encore.dev ${declared.range} (package.json dependencies)` : "none in package.json dependencies"}`,
    `installed: ${installed ? `encore.dev ${installed.version} (${installed.file})` : "not installed"}`,
    `cli:       ${cli.ok ? `encore ${cli.version}` : "unknown"}`,
  ];
  if (!cli.ok) {
    return [
      warn(
        "encore",
        `encore at ${ctx.encorePath}; its version is unknown: ${cli.message}`,
        "check the network, or use the stagecraft-encore image, which records its CLI version",
      ),
      warn("encore-version", "the SDK cannot be compared with the CLI", "see the encore check", side),
    ];
  }
  const source = cli.source === "install" ? "recorded at install" : "from `encore version`";
  return [
    pass("encore", `encore ${cli.version} at ${ctx.encorePath} (${source})`),
    compare(cli.version, declared, installed, side),
  ];
};

function compare(
  cli: string,
  declared: { range: string; file: string } | undefined,
  installed: { version: string } | undefined,
  side: string[],
): CheckResult {
  const rebuild = (version: string) =>
    `rebuild the image with --build-arg ENCORE_VERSION=${version} (and ENCORE_SHA256 if it is not in the checksum table)`;
  const pin = `pin encore.dev to ${cli} in package.json dependencies and reinstall`;
  if (!isSupported(cli)) {
    return warn(
      "encore-version",
      `encore ${cli} is outside the supported range (${supportedRangeText()})`,
      "rebuild the image with --build-arg ENCORE_VERSION=<a supported version>",
      side,
    );
  }
  const stripped = declaredAhead(declared?.range, cli);
  if (declared && stripped) {
    return fail(
      "encore-version",
      `encore ${cli} is older than encore.dev ${declared.range} declared in ${declared.file}; Encore refuses to compile the app`,
      `${rebuild(stripped)}, or pin encore.dev to ${cli}`,
      side,
    );
  }
  const verdict = installed ? compareSdk(installed.version, cli) : undefined;
  if (verdict?.kind === "ahead" || verdict?.kind === "ahead-patch") {
    const message = `the installed encore.dev ${verdict.installed} is newer than the encore CLI ${cli}`;
    const fix = `${pin}, or ${rebuild(verdict.installed)}`;
    return verdict.kind === "ahead-patch"
      ? warn("encore-version", message, fix, side)
      : fail("encore-version", `${message}; dev refuses to start`, fix, side);
  }
  if (encoreWillRewrite(declared?.range, cli)) {
    return warn(
      "encore-version",
      `Encore will rewrite encore.dev${declared ? ` ${declared.range}` : ""} in package.json to ^${cli} and install it, which resolves to the newest ${cli.split(".")[0]}.x`,
      `pin encore.dev to ${cli} in package.json dependencies`,
      side,
    );
  }
  if (verdict?.kind === "behind") {
    return warn(
      "encore-version",
      `the installed encore.dev ${verdict.installed} is older than the declared ${declared?.range ?? cli}: the lockfile is out of date`,
      `update the lockfile so that it resolves encore.dev ${cli}`,
      side,
    );
  }
  return pass("encore-version", `encore ${cli} is supported and matches encore.dev`, side);
}
