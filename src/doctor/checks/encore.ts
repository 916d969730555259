import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import semver from "semver";
import { readCliVersion } from "../../encore/cli-version.ts";
import { isSupported, supportedRangeText } from "../../encore/version.ts";
import { definedEnv } from "../../env/environment.ts";
import { fail, pass, warn, type Check, type CheckResult } from "../types.ts";

/**
 * `encore` on PATH and three versions side by side: encore.dev as declared (in `dependencies`,
 * the only place Encore reads, tsparser/src/builder/package_mgmt.rs), as installed (what Node
 * resolves from the app root), and the CLI's. The CLI's comes from the image's release file, or
 * from a bounded `encore version`: offline, doctor neither fails nor waits on its update check.
 */
export const checkEncore: Check = async (ctx) => {
  if (!ctx.encorePath) {
    return [fail("encore", "the encore CLI is not on PATH", "use the stagecraft-encore image, or install Encore (https://encore.dev/docs/install)")];
  }
  const cli = await readCliVersion({
    encorePath: ctx.encorePath,
    cwd: ctx.appDir ?? ctx.projectDir,
    env: { ...definedEnv(ctx.env), DISABLE_ENCORE_TELEMETRY: "1" },
  });
  const declared = ctx.appDir ? declaredSdk(ctx.appDir) : undefined;
  const installed = ctx.appDir ? installedSdk(ctx.appDir) : undefined;
  const side = [
    `declared:  ${declared ? `encore.dev ${declared.raw} (package.json dependencies)` : "none in package.json dependencies"}`,
    `installed: ${installed ? `encore.dev ${installed.version} (${installed.file})` : "not installed"}`,
    `cli:       ${cli.ok ? `encore ${cli.version}` : "unknown"}`,
  ];
  if (!cli.ok) {
    return [
      warn("encore", `encore at ${ctx.encorePath}; its version is unknown: ${cli.message}`, "check the network, or use the stagecraft-encore image, which records its CLI version"),
      warn("encore-version", "the SDK cannot be compared with the CLI", "see the encore check", side),
    ];
  }
  const source = cli.source === "install" ? "recorded at install" : "from `encore version`";
  return [pass("encore", `encore ${cli.version} at ${ctx.encorePath} (${source})`), compare(cli.version, declared, installed, side)];
};

function compare(cli: string, declared: Declared | undefined, installed: { version: string } | undefined, side: string[]): CheckResult {
  const rebuild = (version: string) => `rebuild the image with --build-arg ENCORE_VERSION=${version} (and ENCORE_SHA256 if it is not in the checksum table)`;
  if (!isSupported(cli)) {
    return warn("encore-version", `encore ${cli} is outside the supported range (${supportedRangeText()})`, "rebuild the image with --build-arg ENCORE_VERSION=<a supported version>", side);
  }
  if (declared?.version && semver.gt(declared.version, cli)) {
    return fail("encore-version", `encore ${cli} is older than encore.dev ${declared.raw} declared in ${declared.file}; Encore refuses to compile the app`, `${rebuild(declared.version)}, or pin encore.dev to ${cli}`, side);
  }
  const sdk = installed ? semver.valid(installed.version) : null;
  if (sdk && semver.gt(sdk, cli)) {
    const patchOnly = semver.major(sdk) === semver.major(cli) && semver.minor(sdk) === semver.minor(cli);
    const message = `the installed encore.dev ${sdk} is newer than the encore CLI ${cli}`;
    const fix = `pin encore.dev to ${cli} in package.json dependencies and reinstall, or ${rebuild(sdk)}`;
    return patchOnly ? warn("encore-version", message, fix, side) : fail("encore-version", `${message}; dev refuses to start`, fix, side);
  }
  if (!declared?.version || semver.lt(declared.version, cli)) {
    return warn("encore-version", `Encore will rewrite encore.dev${declared ? ` ${declared.raw}` : ""} in package.json to ^${cli} and install it, which resolves to the newest 1.x`, `pin encore.dev to ${cli} in package.json dependencies`, side);
  }
  return pass("encore-version", `encore ${cli} is supported and matches encore.dev`, side);
}

interface Declared {
  raw: string;
  /** As Encore compares it: ^, ~ and = trimmed, then strict semver; undefined when not semver. */
  version: string | undefined;
  file: string;
}

function declaredSdk(appDir: string): Declared | undefined {
  const file = join(appDir, "package.json");
  try {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, unknown> };
    const raw = pkg.dependencies?.["encore.dev"];
    if (typeof raw !== "string") return undefined;
    const got = raw.replace(/^[\^=~]+/, "");
    return { raw, version: /^\d/.test(got) ? (semver.valid(got) ?? undefined) : undefined, file };
  } catch {
    return undefined;
  }
}

/** `encore.dev/package.json` as Node resolves it from the app root: node_modules here or in a parent. */
function installedSdk(appDir: string): { version: string; file: string } | undefined {
  for (let dir = appDir; ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", "encore.dev", "package.json");
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
      if (typeof data.version === "string") return { version: data.version, file };
    } catch {
      // not here; Node keeps walking up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
