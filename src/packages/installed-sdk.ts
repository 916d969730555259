import { dirname, join } from "node:path";
import semver from "semver";
import { readFileSync } from "node:fs";
import { readPackageJson } from "./package-json.ts";

// The `encore.dev` SDK an app actually runs with. Encore checks only the version declared in
// package.json (tsparser/src/builder/package_mgmt.rs, PackageVersion::is_installed); what the
// lockfile resolves to can still be newer than the CLI's native runtime.

export const SDK_PACKAGE = "encore.dev";

/** Resolves `<name>/package.json` from `fromDir` as Node does: node_modules in it and every parent. */
export function findInstalledVersion(
  fromDir: string,
  name: string = SDK_PACKAGE,
): { version: string; file: string } | undefined {
  for (let dir = fromDir; ;) {
    const file = join(dir, "node_modules", name, "package.json");
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
      if (typeof data.version === "string") return { version: data.version, file };
    } catch {
      // not here; Node keeps walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The version Encore compares: the declared one with ^, ~ and = stripped, as Encore strips them. */
export function declaredVersion(range: string | undefined): string | undefined {
  return range?.replace(/^[\^=~]+/, "");
}

/**
 * encore.dev as `dependencies` in the app's package.json declare it; Encore ignores
 * devDependencies (tsparser/src/builder/package_mgmt.rs).
 */
export function declaredSdk(appRoot: string): { range: string; file: string } | undefined {
  const file = join(appRoot, "package.json");
  const read = readPackageJson(file);
  const range = read.ok ? read.value.dependencies[SDK_PACKAGE] : undefined;
  return range === undefined ? undefined : { range, file };
}

/** The declared version when it is newer than the CLI's, by any amount: Encore then refuses to compile. */
export function declaredAhead(range: string | undefined, cli: string): string | undefined {
  const version = declaredVersion(range);
  if (version === undefined) return undefined;
  const { kind } = compareSdk(version, cli);
  return kind === "ahead" || kind === "ahead-patch" ? version : undefined;
}

type SdkVerdict =
  | { kind: "same" }
  | { kind: "ahead"; installed: string; cli: string }
  | { kind: "ahead-patch"; installed: string; cli: string }
  | { kind: "behind"; installed: string; cli: string }
  | { kind: "unknown"; installed: string; cli: string };

/** Compares the installed SDK with the CLI: ahead in major or minor is an error, the rest warns. */
export function compareSdk(installed: string, cli: string): SdkVerdict {
  const a = semver.valid(installed);
  const b = semver.valid(cli);
  if (!a || !b) return { kind: "unknown", installed, cli };
  const order = semver.compare(a, b);
  if (order === 0) return { kind: "same" };
  if (order < 0) return { kind: "behind", installed, cli };
  return semver.major(a) === semver.major(b) && semver.minor(a) === semver.minor(b)
    ? { kind: "ahead-patch", installed, cli }
    : { kind: "ahead", installed, cli };
}

/** True when Encore will rewrite the declared encore.dev to `^<cli>` (older, missing or not semver). */
export function encoreWillRewrite(declared: string | undefined, cli: string): boolean {
  const got = declaredVersion(declared);
  if (got === undefined) return true;
  if (got === cli) return false;
  const a = semver.valid(got);
  const b = semver.valid(cli);
  return !a || !b || semver.lt(a, b);
}
