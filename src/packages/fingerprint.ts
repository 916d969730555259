import { createHash } from "node:crypto";

// What an install depends on. A restart with the same fingerprint as the last successful
// install skips it, touching no network.

export interface InstallFingerprint {
  /** "pnpm@9.15.0", or the bare name when packageManager pins no version. */
  manager: string;
  nodeMajor: number;
  /** sha256 of the lockfile's bytes; null without one. */
  lockfile: string | null;
  /** sha256 of the dependency fields of the app's and the install root's package.json. */
  dependencies: string;
}

interface FingerprintInput {
  manager: string;
  nodeMajor: number;
  lockfileBytes: Uint8Array | undefined;
  /** Each package.json that matters (the app's, and the workspace root's), keyed by a stable name. */
  dependencyFields: Readonly<Record<string, unknown>>;
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

export function fingerprintOf(input: FingerprintInput): InstallFingerprint {
  return {
    manager: input.manager,
    nodeMajor: input.nodeMajor,
    lockfile: input.lockfileBytes ? sha256(input.lockfileBytes) : null,
    dependencies: sha256(stableJson(input.dependencyFields)),
  };
}

/** JSON with object keys sorted, so reordering package.json changes nothing. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export type NodeModulesState = "missing" | "empty" | "present";

export const INSTALL_REASONS = {
  off: "turned off",
  missing: "node_modules is missing",
  empty: "node_modules is empty",
  unrecorded: "no record of a successful install in node_modules",
  manager: "the package manager changed",
  node: "Node major changed",
  lockfile: "the lockfile changed",
  dependencies: "package.json dependencies changed",
  upToDate: "up to date",
} as const;

type InstallReason = (typeof INSTALL_REASONS)[keyof typeof INSTALL_REASONS];

export interface InstallDecision {
  run: boolean;
  reason: InstallReason;
}

/** Whether to install, and why; the first difference found is the reason given. */
export function decideInstall(state: {
  enabled: boolean;
  nodeModules: NodeModulesState;
  recorded: InstallFingerprint | undefined;
  current: InstallFingerprint;
}): InstallDecision {
  const run = (reason: InstallReason): InstallDecision => ({ run: true, reason });
  if (!state.enabled) return { run: false, reason: INSTALL_REASONS.off };
  if (state.nodeModules === "missing") return run(INSTALL_REASONS.missing);
  if (state.nodeModules === "empty") return run(INSTALL_REASONS.empty);
  const { recorded, current } = state;
  if (!recorded) return run(INSTALL_REASONS.unrecorded);
  if (recorded.manager !== current.manager) return run(INSTALL_REASONS.manager);
  if (recorded.nodeMajor !== current.nodeMajor) return run(INSTALL_REASONS.node);
  if (recorded.lockfile !== current.lockfile) return run(INSTALL_REASONS.lockfile);
  if (recorded.dependencies !== current.dependencies) return run(INSTALL_REASONS.dependencies);
  return { run: false, reason: INSTALL_REASONS.upToDate };
}
