import { readFileSync } from "node:fs";

/** The fields of a package.json the install step reads; anything else is ignored. */
export interface PackageJson {
  packageManager: string | undefined;
  /** Declares an npm/yarn workspace root. */
  workspaces: boolean;
  /** The fields that decide what gets installed, kept as JSON text for the fingerprint. */
  dependencyFields: Record<string, unknown>;
  dependencies: Record<string, string>;
}

/** What changes an install: dependency maps, and the overrides npm, pnpm and yarn honour. */
const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
  "overrides",
  "resolutions",
  "pnpm",
] as const;

export type PackageJsonRead =
  { ok: true; value: PackageJson } | { ok: false; reason: "missing" | "invalid"; message: string };

export function parsePackageJson(text: string): PackageJsonRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "invalid", message: (error as Error).message };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { ok: false, reason: "invalid", message: "it is not a JSON object" };
  const record = data as Record<string, unknown>;
  const dependencyFields: Record<string, unknown> = {};
  for (const field of DEPENDENCY_FIELDS) if (record[field] !== undefined) dependencyFields[field] = record[field];
  const deps = record.dependencies;
  const dependencies =
    typeof deps === "object" && deps !== null && !Array.isArray(deps)
      ? Object.fromEntries(
          Object.entries(deps).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
        )
      : {};
  return {
    ok: true,
    value: {
      packageManager:
        typeof record.packageManager === "string" && record.packageManager !== "" ? record.packageManager : undefined,
      workspaces: record.workspaces !== undefined,
      dependencyFields,
      dependencies,
    },
  };
}

export function readPackageJson(file: string): PackageJsonRead {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === "ENOENT" ? "missing" : "invalid", message: code ?? String(error) };
  }
  return parsePackageJson(text);
}
