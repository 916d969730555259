import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspectInstall, nodeMajorOf } from "../../src/packages/inspect.ts";
import { writeMarker } from "../../src/packages/marker.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TEST_CA = join(ROOT, "test", "fixtures", "certs", "test-root-ca.pem");
export const DOUBLE_BIN = join(ROOT, "test", "fixtures", "encore", "bin");

export interface TempProject {
  dir: string;
  write(path: string, content: string, mode?: number): string;
  path(...parts: string[]): string;
  remove(): void;
}

/** A throwaway project directory; files are written relative to it. */
export function tempProject(files: Record<string, string> = {}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-test-"));
  const project: TempProject = {
    dir,
    write(path, content, mode) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      if (mode !== undefined) chmodSync(file, mode);
      return file;
    },
    path: (...parts) => join(dir, ...parts),
    // Retries: encore's daemon may still be writing into the app dir while it is removed.
    remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
  for (const [path, content] of Object.entries(files)) project.write(path, content);
  return project;
}

/**
 * Makes `appRoot` look installed: its declared encore.dev in node_modules, and the runner's
 * record of a successful install matching its package.json, so dev and build skip the install.
 */
export function markInstalled(appRoot: string, boundary = appRoot): void {
  let declared: string | undefined;
  try {
    declared = (
      JSON.parse(readFileSync(join(appRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string> }
    ).dependencies?.["encore.dev"];
  } catch {
    return; // no valid package.json: a test of that case
  }
  if (declared) {
    const dir = join(appRoot, "node_modules", "encore.dev");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: "encore.dev", version: declared.replace(/^[\^~=]+/, "") })}\n`,
    );
  }
  const inspected = inspectInstall({ appRoot, boundary, enabled: true, nodeMajor: nodeMajorOf() });
  if (!inspected.ok) return; // an app the install step refuses (bun): a test of that case
  writeMarker(inspected.inspection.choice.root, inspected.inspection.fingerprint);
}

/** The smallest valid Encore app plus an env file. */
export function encoreProject(stagecraftYml: string, extra: Record<string, string> = {}): TempProject {
  const project = tempProject({
    "encore.app": '{\n  // comments are allowed\n  "id": "hello-x7k2",\n  "lang": "typescript"\n}\n',
    // encore.dev matches the CLI and node_modules exists, so encore does not run `npm install`.
    "package.json": '{\n  "name": "test-app",\n  "type": "module",\n  "dependencies": { "encore.dev": "1.56.4" }\n}\n',
    "node_modules/.keep": "",
    ".env.local": "",
    "stagecraft.yml": stagecraftYml,
    ...extra,
  });
  markInstalled(project.dir);
  return project;
}

export const MINIMAL_YML = `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        env_file: .env.local
        listen: "127.0.0.1:4000"
`;
