import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { decideInstall, fingerprintOf, type InstallDecision, type InstallFingerprint } from "./fingerprint.ts";
import { detectPackageManager, diskFiles, type Detection, type Files, type PackageManagerChoice } from "./manager.ts";
import { nodeModulesState, readMarker } from "./marker.ts";

export interface InstallInspection {
  choice: PackageManagerChoice;
  fingerprint: InstallFingerprint;
  decision: InstallDecision;
}

interface InspectRequest {
  appRoot: string;
  /** The project directory: the workspace root is looked for up to here. */
  boundary: string;
  enabled: boolean;
  nodeMajor: number;
  files?: Files;
}

/**
 * Everything the install step decides, read from disk in one go: a few small reads and one
 * hash of the lockfile, so a restart with nothing changed stays far below 50 ms.
 */
export function inspectInstall(
  request: InspectRequest,
): { ok: true; inspection: InstallInspection } | Extract<Detection, { ok: false }> {
  const files = request.files ?? diskFiles;
  const detection = detectPackageManager(request.appRoot, request.boundary, files);
  if (!detection.ok) return detection;
  const { choice } = detection;
  const fingerprint = currentFingerprint(choice, request.appRoot, request.nodeMajor, files);
  const decision = decideInstall({
    enabled: request.enabled,
    nodeModules: nodeModulesState(choice.root),
    recorded: readMarker(choice.root),
    current: fingerprint,
  });
  return { ok: true, inspection: { choice, fingerprint, decision } };
}

function currentFingerprint(
  choice: PackageManagerChoice,
  appRoot: string,
  nodeMajor: number,
  files: Files = diskFiles,
): InstallFingerprint {
  const fields: Record<string, unknown> = {};
  for (const dir of new Set([choice.root, appRoot])) {
    const pkg = files.packageJson(join(dir, "package.json"));
    fields[relative(choice.root, dir) || "."] = pkg.ok ? pkg.value.dependencyFields : null;
  }
  let lockfileBytes: Uint8Array | undefined;
  if (choice.lockfile) {
    try {
      lockfileBytes = readFileSync(choice.lockfile);
    } catch {
      lockfileBytes = new Uint8Array();
    }
  }
  return fingerprintOf({
    manager: choice.version ? `${choice.name}@${choice.version}` : choice.name,
    nodeMajor,
    lockfileBytes,
    dependencyFields: fields,
  });
}

export function nodeMajorOf(version: string = process.versions.node): number {
  return Number.parseInt(version, 10);
}
