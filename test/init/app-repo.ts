// Shared by the init tests: Encore.ts app repositories in temporary directories, init run
// in-process, and what "writes nothing" is compared with.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { ProviderError } from "../../src/errors/index.ts";
import { runInit, type InitRequest } from "../../src/init/run.ts";
import { deferred } from "../support/cleanup.ts";
import { tempProject, type TempProject } from "../support/project.ts";

/** Registered in every test file that imports this module: each test removes its repositories. */
export const cleanup = deferred();

/** An Encore.ts app repository; `app` is where encore.app goes. */
export function appRepo(
  options: {
    app?: string;
    linked?: boolean;
    secrets?: string[];
    database?: boolean;
    files?: Record<string, string>;
  } = {},
): TempProject {
  const at = (file: string) => (options.app && options.app !== "." ? `${options.app}/${file}` : file);
  const secrets = (options.secrets ?? [])
    .map((name) => `export const ${name.toLowerCase()} = secret("${name}");`)
    .join("\n");
  const repo = tempProject({
    [at("encore.app")]:
      `{\n  // written by encore app create\n  "id": "${options.linked ? "shop-x7k2" : ""}",\n  "lang": "typescript",\n}\n`,
    [at("package.json")]: JSON.stringify(
      { name: "shop", type: "module", dependencies: { "encore.dev": "1.56.4" } },
      null,
      2,
    ),
    [at("package-lock.json")]: "{}\n",
    [at("shop/api.ts")]:
      `import { api } from "encore.dev/api";\nimport { secret } from "encore.dev/config";\n${secrets}\nexport const get = api({}, async () => ({}));\n`,
    ...(options.database
      ? {
          [at("shop/db.ts")]: 'export const db = new SQLDatabase("shop", { migrations: "./migrations" });\n',
          [at("shop/migrations/1_init.up.sql")]: "create table t (id int);\n",
        }
      : {}),
    // Never read: dependencies and Encore's generated code.
    [at("node_modules/lib/index.ts")]: 'secret("FROM_NODE_MODULES")',
    [at("encore.gen/clients/index.ts")]: 'secret("FROM_ENCORE_GEN")',
    ...options.files,
  });
  cleanup(() => repo.remove());
  return repo;
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function init(repo: TempProject, options: Partial<Omit<InitRequest, "stdout" | "stderr">> = {}): Ran {
  let stdout = "";
  let stderr = "";
  const code = runInit({
    projectDir: repo.dir,
    force: false,
    dryRun: false,
    ...options,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

export function initError(
  repo: TempProject,
  options: Partial<Omit<InitRequest, "stdout" | "stderr">> = {},
): ProviderError {
  try {
    init(repo, options);
  } catch (error) {
    assert.ok(error instanceof ProviderError, String(error));
    return error;
  }
  assert.fail("init succeeded");
}

export function read(repo: TempProject, path: string): string {
  return readFileSync(repo.path(path), "utf8");
}

/** Every file under the repo with its content and mtime: what "writes nothing" is checked against. */
export function snapshot(repo: TempProject, paths: readonly string[]): string[] {
  return paths.map((path) => {
    try {
      return `${path} ${statSync(repo.path(path)).mtimeMs} ${read(repo, path)}`;
    } catch {
      return `${path} absent`;
    }
  });
}

export const WRITTEN = [
  "stagecraft.yml",
  ".env.local",
  "compose.stagecraft.yml",
  ".devcontainer/devcontainer.json",
  ".github/workflows/stagecraft-build.yml",
  ".gitignore",
];
