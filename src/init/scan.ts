import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { parseAppFile } from "../encore/app-file.ts";
import { findAppRoot } from "../encore/app-root.ts";
import { walkAppSources } from "../encore/sources.ts";
import { findSqlDatabases } from "../encore/sql-databases.ts";
import { ProviderError } from "../errors/index.ts";
import { detectPackageManager } from "../packages/manager.ts";
import { declaredSecrets, encoreDevRange, type PackageJson } from "./detect.ts";

/** What init learns about the repository it sets up. */
export interface ProjectFacts {
  /** The repository root init writes into (absolute). */
  projectDir: string;
  /** The directory holding encore.app, relative to projectDir with "/" separators; "." for the root. */
  appPath: string;
  /**
   * What the toolbox mounts at /workspace, relative to projectDir: the app directory, or the
   * workspace root its packages install from (a pnpm, npm or yarn workspace member).
   */
  mountPath: string;
  /** The app directory relative to the mounted directory ("." when they are the same). */
  appInMount: string;
  /** A readable name for the app (the directory's name). */
  name: string;
  /** npm, pnpm, yarn, or what the app names that the toolbox cannot install with. */
  packageManager: string;
  /** Why the toolbox cannot install the app's packages, when it cannot. */
  packageProblem: string | undefined;
  /** The encore.dev dependency as written in package.json. */
  encoreDev: string | undefined;
  /** Names passed to `secret("…")` in the sources, sorted, once each. */
  secrets: string[];
  /** Where SQL databases are declared (paths relative to the app). */
  databases: string[];
  /** An existing env file next to encore.app (.env.local, else .env). */
  envFile: string | undefined;
  /** The Encore Cloud app ID from encore.app; undefined when the app is not linked. */
  appId: string | undefined;
  /** The text of projectDir/.gitignore, if there is one. */
  gitignore: string | undefined;
}

const SEARCH_DEPTH = 3;
/** encore.app and package.json are small; a bigger one is not what init expects. */
const MAX_APP_FILE_BYTES = 1024 * 1024;
// The app's path goes into a compose volume ("path:/workspace") and a shell line in the
// workflow: plain path characters only, no ":" or "$".
const SAFE_PATH = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const SEARCH_SKIPPED = new Set(["node_modules", "dist", "build", "vendor"]);
const ENV_FILE_CANDIDATES = [".env.local", ".env"] as const;

function invalidProject(message: string, fix: string): ProviderError {
  return new ProviderError({ category: "INVALID_PROJECT", provider: "encore-ts", operation: "init", message, fix });
}

/**
 * The app init sets up: encore.app in the project directory, else the single encore.app
 * below it (a backend/ or apps/api folder, at most three levels down). Several apps, none,
 * or one only above the project directory are INVALID_PROJECT: the toolbox mounts the
 * project directory alone, so the app must be inside it.
 */
function locateApp(projectDir: string): string {
  if (isFile(join(projectDir, "encore.app"))) return ".";
  const found = searchBelow(projectDir);
  if (found.length === 1) {
    const [path] = found as [string];
    if (!SAFE_PATH.test(path))
      throw invalidProject(
        `the app's folder ${JSON.stringify(path)} has characters a compose file or a shell line would misread`,
        "rename it (letters, digits, . _ -), or run init in it with --project-dir",
      );
    return path;
  }
  if (found.length > 1) {
    throw invalidProject(
      `found ${found.length} Encore apps below ${projectDir}: ${found.join(", ")}`,
      `run init in the repository of one app, or pick one with --project-dir (e.g. --project-dir ${found[0]})`,
    );
  }
  const parent = findAppRoot(dirname(projectDir));
  if (parent.ok)
    throw invalidProject(
      `${projectDir} is inside the Encore app at ${parent.dir}`,
      `run init in ${parent.dir} (or --project-dir ${parent.dir})`,
    );
  throw invalidProject(
    `no encore.app in ${projectDir} or the folders below it`,
    "run init in your Encore app's repository (create an app with `encore app create`)",
  );
}

function searchBelow(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > SEARCH_DEPTH) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (
        !entry.isDirectory() ||
        entry.name.startsWith(".") ||
        SEARCH_SKIPPED.has(entry.name) ||
        entry.name.startsWith("encore.gen")
      )
        continue;
      const path = join(dir, entry.name);
      if (isFile(join(path, "encore.app"))) found.push(relative(root, path).split(sep).join("/"));
      else walk(path, depth + 1);
    }
  };
  walk(root, 1);
  return found.sort();
}

/** Reads what init needs from the project; every read is bounded (see walkAppSources). */
export function scanProject(projectDir: string): ProjectFacts {
  const appPath = locateApp(projectDir);
  const appDir = join(projectDir, appPath);
  const app = parseAppFile(readSmall(join(appDir, "encore.app")) ?? "");
  if (!app.ok)
    throw invalidProject(
      `${join(appDir, "encore.app")} is ${app.message}`,
      "fix encore.app; Encore cannot read it either",
    );
  const pkg = readPackageJson(join(appDir, "package.json"));
  // The packages install from a workspace root above the app when it is a member of one;
  // the toolbox must see that root, so it is what gets mounted.
  const packages = detectPackageManager(appDir, projectDir);
  const mountDir = packages.ok ? packages.choice.root : appDir;
  const mountPath = relativePath(projectDir, mountDir);
  const secrets = new Set<string>();
  walkAppSources(appDir, { source: (_path, text) => declaredSecrets(text).forEach((name) => secrets.add(name)) });
  return {
    projectDir,
    appPath,
    mountPath,
    appInMount: relativePath(mountDir, appDir),
    name: basename(appPath === "." ? projectDir : appDir),
    packageManager: packages.ok ? packages.choice.name : packages.name,
    packageProblem: packages.ok ? undefined : `${packages.message}; ${packages.fix}`,
    encoreDev: encoreDevRange(pkg),
    secrets: [...secrets].sort(),
    databases: findSqlDatabases(appDir),
    envFile: ENV_FILE_CANDIDATES.find((name) => isFile(join(appDir, name))),
    appId: app.app.id || undefined,
    gitignore: readSmall(join(projectDir, ".gitignore")),
  };
}

function readSmall(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_APP_FILE_BYTES)
      throw invalidProject(`${file} is over 1 MiB, far more than such a file holds`, "check the file");
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    return undefined;
  }
}

function readPackageJson(file: string): PackageJson | undefined {
  try {
    const value: unknown = JSON.parse(readSmall(file) ?? "");
    return typeof value === "object" && value !== null ? (value as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

/** `to` relative to `from`, "/"-separated, "." for the same directory. */
function relativePath(from: string, to: string): string {
  return relative(from, to).split(sep).join("/") || ".";
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
