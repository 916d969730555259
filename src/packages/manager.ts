import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readPackageJson, type PackageJsonRead } from "./package-json.ts";

// Which package manager installs an app, and where. Encore follows package.json's
// `packageManager`, in the app root or else in the nearest parent that sets it, and falls
// back to npm (tsparser/src/builder/package_mgmt.rs, resolve_package_manager and
// find_workspace_package_manager); we do the same, and between the two consult the lockfile,
// which Encore ignores, so an app with only a pnpm-lock.yaml is not installed with npm.

type ManagerName = "npm" | "pnpm" | "yarn";

const LOCKFILES: Readonly<Record<ManagerName, readonly string[]>> = {
  npm: ["package-lock.json", "npm-shrinkwrap.json"],
  pnpm: ["pnpm-lock.yaml"],
  yarn: ["yarn.lock"],
};
const BUN_LOCKFILES = ["bun.lock", "bun.lockb"];
const ALL_LOCKFILES = [...Object.values(LOCKFILES).flat(), ...BUN_LOCKFILES];

export interface PackageManagerChoice {
  name: ManagerName;
  /** The version `packageManager` pins (without its +sha suffix), when it pins one. */
  version: string | undefined;
  source: "packageManager" | "lockfile" | "default";
  /** Where the install runs: the app root, or the workspace root that holds it. */
  root: string;
  /** The manager's own lockfile in `root`; with one, the install is frozen. */
  lockfile: string | undefined;
  /** Yarn 2+ ("berry") takes different flags from yarn 1. */
  yarnBerry: boolean;
}

export type Detection =
  | { ok: true; choice: PackageManagerChoice }
  | { ok: false; name: string; source: string; message: string; fix: string };

/** The file system as detection sees it; tests pass a map. */
export interface Files {
  exists(path: string): boolean;
  packageJson(path: string): PackageJsonRead;
  /** The first bytes of a file, or "" when unreadable. */
  head(path: string): string;
}

export const diskFiles: Files = {
  exists: existsSync,
  packageJson: readPackageJson,
  head: (path) => {
    try {
      return readFileSync(path, "utf8").slice(0, 512);
    } catch {
      return "";
    }
  },
};

/**
 * The install root: the app root, unless it has no lockfile and a directory above it (not
 * above `boundary`, the project) is a workspace root (package.json `workspaces`, or
 * pnpm-workspace.yaml). npm, pnpm and yarn install a workspace member from there. A lockfile
 * alone in a parent is another app's, not this one's.
 */
export function findInstallRoot(appRoot: string, boundary: string, files: Files = diskFiles): string {
  if (ALL_LOCKFILES.some((name) => files.exists(join(appRoot, name)))) return appRoot;
  for (let dir = appRoot; ;) {
    if (dir !== appRoot && isWorkspaceRoot(dir, files)) return dir;
    const parent = dirname(dir);
    if (dir === boundary || parent === dir || !isInside(parent, boundary)) return appRoot;
    dir = parent;
  }
}

function isWorkspaceRoot(dir: string, files: Files): boolean {
  if (files.exists(join(dir, "pnpm-workspace.yaml"))) return true;
  const pkg = files.exists(join(dir, "package.json")) ? files.packageJson(join(dir, "package.json")) : undefined;
  return pkg?.ok === true && pkg.value.workspaces;
}

function isInside(dir: string, boundary: string): boolean {
  return dir === boundary || dir.startsWith(boundary.endsWith("/") ? boundary : `${boundary}/`);
}

/** `packageManager` as Encore finds it: the app's package.json, else the nearest parent's. */
function findPackageManagerField(appRoot: string, files: Files): { value: string; file: string } | undefined {
  for (let dir = appRoot; ;) {
    const file = join(dir, "package.json");
    if (files.exists(file)) {
      const pkg = files.packageJson(file);
      if (pkg.ok && pkg.value.packageManager) return { value: pkg.value.packageManager, file };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function detectPackageManager(appRoot: string, boundary: string, files: Files = diskFiles): Detection {
  const root = findInstallRoot(appRoot, boundary, files);
  const field = findPackageManagerField(appRoot, files);
  let name: string;
  let version: string | undefined;
  let source: PackageManagerChoice["source"];
  let where: string;
  if (field) {
    const [rawName = "", rawVersion] = field.value.split("@", 2);
    name = rawName.trim().toLowerCase();
    version = rawVersion ? rawVersion.split("+", 1)[0] : undefined;
    source = "packageManager";
    where = `"packageManager": "${field.value}" in ${field.file}`;
  } else {
    const found = ALL_LOCKFILES.find((lock) => files.exists(join(root, lock)));
    name =
      found === undefined
        ? "npm"
        : BUN_LOCKFILES.includes(found)
          ? "bun"
          : ((Object.keys(LOCKFILES) as ManagerName[]).find((m) => LOCKFILES[m].includes(found)) ?? "npm");
    source = found === undefined ? "default" : "lockfile";
    where = found === undefined ? "the default" : join(root, found);
  }
  if (name === "bun") {
    return {
      ok: false,
      name,
      source: where,
      message: `the app uses bun (${where}); the toolbox installs with npm, pnpm or yarn only`,
      fix: "switch the app to npm, pnpm or yarn (set packageManager and commit its lockfile), or set install.enabled: false and install node_modules with bun yourself",
    };
  }
  if (name !== "npm" && name !== "pnpm" && name !== "yarn") {
    return {
      ok: false,
      name,
      source: where,
      message: `package manager "${name}" (${where}) is not supported; Encore supports npm, pnpm, yarn and bun`,
      fix: 'set packageManager to npm, pnpm or yarn, e.g. "packageManager": "pnpm@9.15.0"',
    };
  }
  const lockfile = LOCKFILES[name].map((lock) => join(root, lock)).find((path) => files.exists(path));
  const yarnBerry = name === "yarn" && isYarnBerry(version, lockfile ? files.head(lockfile) : "");
  return { ok: true, choice: { name, version, source, root, lockfile, yarnBerry } };
}

/** Yarn 2+ by the pinned major, else by its lockfile (yarn 1's starts "# yarn lockfile v1"). */
export function isYarnBerry(version: string | undefined, lockfileHead: string): boolean {
  const major = version ? Number.parseInt(version, 10) : Number.NaN;
  if (Number.isFinite(major)) return major >= 2;
  return lockfileHead !== "" && !lockfileHead.includes("yarn lockfile v1");
}
