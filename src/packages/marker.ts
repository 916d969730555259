import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InstallFingerprint, NodeModulesState } from "./fingerprint.ts";

// The record of the last successful install lives inside node_modules: whatever empties
// node_modules (`docker compose down -v`, `rm -rf node_modules`, `npm ci`) forgets it too.
// It is removed before an install and written only after one succeeded, so a failed or
// interrupted install never makes the next start skip.

export const MARKER_FILE = ".stagecraft-encore-install.json";

function markerPath(installRoot: string): string {
  return join(installRoot, "node_modules", MARKER_FILE);
}

export function nodeModulesState(installRoot: string): NodeModulesState {
  try {
    return readdirSync(join(installRoot, "node_modules")).length === 0 ? "empty" : "present";
  } catch {
    return "missing";
  }
}

export function readMarker(installRoot: string): InstallFingerprint | undefined {
  try {
    const data = JSON.parse(readFileSync(markerPath(installRoot), "utf8")) as Partial<InstallFingerprint>;
    if (typeof data.manager !== "string" || typeof data.nodeMajor !== "number" || typeof data.dependencies !== "string")
      return undefined;
    if (data.lockfile !== null && typeof data.lockfile !== "string") return undefined;
    return {
      manager: data.manager,
      nodeMajor: data.nodeMajor,
      lockfile: data.lockfile,
      dependencies: data.dependencies,
    };
  } catch {
    return undefined;
  }
}

export function removeMarker(installRoot: string): void {
  rmSync(markerPath(installRoot), { force: true });
}

export function writeMarker(installRoot: string, fingerprint: InstallFingerprint): void {
  mkdirSync(join(installRoot, "node_modules"), { recursive: true });
  writeFileSync(markerPath(installRoot), `${JSON.stringify(fingerprint, null, 2)}\n`);
}
