/** Versions this runner is known to drive; outside the range it warns (docs/provider-contract.md §Supported versions). */
export const SUPPORTED_ENCORE = { min: "1.50.0", belowMajor: 2 } as const;

export interface Semver {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Reads `encore version v1.57.0` from stdout; the real CLI exits 1 offline after printing it. */
export function parseEncoreVersion(stdout: string): Semver | undefined {
  const match = /encore version v?(\d+)\.(\d+)\.(\d+)(?:[-+][\w.-]+)?/.exec(stdout);
  if (!match) return undefined;
  const [, major, minor, patch] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), text: `${major}.${minor}.${patch}` };
}

export function parseSemver(text: string): Semver | undefined {
  const match = /^[\^~=v]*(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!match) return undefined;
  const [, major, minor, patch] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), text: `${major}.${minor}.${patch}` };
}

export function compareSemver(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function isSupported(version: Semver): boolean {
  const min = parseSemver(SUPPORTED_ENCORE.min);
  return min !== undefined && compareSemver(version, min) >= 0 && version.major < SUPPORTED_ENCORE.belowMajor;
}

export function supportedRangeText(): string {
  return `>= ${SUPPORTED_ENCORE.min} and < ${SUPPORTED_ENCORE.belowMajor}.0.0`;
}
