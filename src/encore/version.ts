import semver from "semver";

/** Encore releases this runner is known to drive; outside the range it warns, never fails (docs/provider-contract.md §Supported versions). */
const SUPPORTED_ENCORE_RANGE = ">=1.50.0 <2.0.0-0";

/**
 * The version in `encore version`'s output line, `encore version v1.56.4`
 * (cli/cmd/encore/version.go), without its `v`. Prereleases and build metadata are kept;
 * a development build (`encore version devel`) has none.
 */
export function parseEncoreVersion(stdout: string): string | undefined {
  const token = /^encore version (\S+)\s*$/m.exec(stdout)?.[1];
  return token === undefined ? undefined : (semver.valid(token) ?? undefined);
}

/** Inside the supported range; a prerelease of a supported version counts as supported. */
export function isSupported(version: string): boolean {
  return semver.satisfies(version, SUPPORTED_ENCORE_RANGE, { includePrerelease: true });
}

export function supportedRangeText(): string {
  return SUPPORTED_ENCORE_RANGE;
}
