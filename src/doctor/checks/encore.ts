import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareSemver, isSupported, parseSemver, supportedRangeText } from "../../encore/version.ts";
import { definedEnv } from "../../env/environment.ts";
import { readEncoreVersion } from "../../provider/encore-ts/preflight.ts";
import { fail, pass, warn, type Check, type CheckResult } from "../types.ts";

/** `encore` on PATH, its version (parsed offline-safely), the supported range, and the app's SDK. */
export const checkEncore: Check = async (ctx) => {
  if (!ctx.encorePath) {
    return [fail("encore", "the encore CLI is not on PATH", "use the stagecraft-encore image, or install Encore (https://encore.dev/docs/install)")];
  }
  const version = await readEncoreVersion({
    file: ctx.encorePath,
    cwd: ctx.appDir ?? ctx.projectDir,
    env: { ...definedEnv(ctx.env), DISABLE_ENCORE_TELEMETRY: "1" },
  });
  if (!version) return [fail("encore", `${ctx.encorePath} did not print a version`, "reinstall the encore CLI")];
  const results: CheckResult[] = [pass("encore", `encore ${version.text} at ${ctx.encorePath}`)];

  const sdk = sdkVersion(ctx.appDir);
  if (!isSupported(version)) {
    results.push(warn("encore-version", `encore ${version.text} is outside the supported range (${supportedRangeText()})`, "rebuild the image with --build-arg ENCORE_VERSION=<a supported version>"));
  } else if (sdk && compareSemver(version, sdk.version) < 0) {
    results.push(
      fail(
        "encore-version",
        `encore ${version.text} is older than encore.dev ${sdk.raw} in ${sdk.file}; Encore refuses to compile the app`,
        `rebuild the image with --build-arg ENCORE_VERSION=${sdk.version.text}, or pin encore.dev to ${version.text} or older`,
      ),
    );
  } else {
    results.push(pass("encore-version", `encore ${version.text} is supported${sdk ? ` and not older than encore.dev ${sdk.raw}` : ""}`));
  }
  return results;
};

function sdkVersion(appDir: string | undefined) {
  if (!appDir) return undefined;
  const file = join(appDir, "package.json");
  try {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const raw = pkg.dependencies?.["encore.dev"] ?? pkg.devDependencies?.["encore.dev"];
    const version = raw ? parseSemver(raw) : undefined;
    return raw && version ? { raw, version, file } : undefined;
  } catch {
    return undefined;
  }
}
