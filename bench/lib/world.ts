import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A project and a HOME for the encore test double, like a fresh container's
// (test/fixtures/encore/README.md: "give every test its own HOME"). Node builtins only:
// this module also runs inside the toolbox image, where only Node is installed.

export interface WorldOptions {
  /** Prepended to PATH, e.g. the double's bin/; inside the image encore is on PATH already. */
  encoreBinDir?: string | undefined;
  /** The directory of the node binary that runs the runner and the double. */
  nodeBinDir: string;
  /** ENCORE_DOUBLE_SCENARIO. */
  scenario?: unknown;
  /** `"id"` in encore.app and an auth token: what `encore secret set` needs. */
  linked?: boolean;
  /** The app's .env.local. */
  envFile?: Record<string, string>;
  /** Extra stagecraft.yml lines under `dev:` (indented by the caller). */
  devYaml?: string;
  /** Where to create it (default: the OS temp dir). */
  parent?: string;
  /** Keep the runner's install step on (the install section); off elsewhere, which measure other things. */
  install?: boolean;
}

export interface WorldDescription {
  dir: string;
  app: string;
  home: string;
  log: string;
  env: Record<string, string>;
}

export interface CallLogEntry {
  event: string;
  pid: number;
  ppid?: number;
  time: number;
  argv?: string[];
  code?: number;
  signal?: string;
  stdin?: string;
}

export async function createWorld(options: WorldOptions): Promise<WorldDescription> {
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), "stagecraft-bench-"));
  const app = join(dir, "app");
  const home = join(dir, "home");
  // The SDK, as an install would leave it: the double's compile needs it to resolve.
  mkdirSync(join(app, "node_modules", "encore.dev"), { recursive: true });
  writeFileSync(
    join(app, "node_modules", "encore.dev", "package.json"),
    '{"name": "encore.dev", "version": "1.56.4"}\n',
  );
  mkdirSync(join(home, ".config", "encore"), { recursive: true });
  const encoreApp = options.linked
    ? '{\n  "id": "bench-app-x7k2",\n  "lang": "typescript"\n}\n'
    : '{\n  "lang": "typescript"\n}\n';
  writeFileSync(join(app, "encore.app"), encoreApp);
  // encore.dev matches the CLI and node_modules exists, so the double runs no `npm install`.
  writeFileSync(
    join(app, "package.json"),
    '{\n  "name": "bench-app",\n  "type": "module",\n  "dependencies": { "encore.dev": "1.56.4" }\n}\n',
  );
  writeFileSync(
    join(app, ".env.local"),
    Object.entries(options.envFile ?? {})
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  writeFileSync(
    join(app, "stagecraft.yml"),
    [
      "backend:",
      "  provider: encore-ts",
      "  providers:",
      "    encore-ts:",
      "      dev:",
      "        env_file: .env.local",
      '        listen: "127.0.0.1:4000"',
      ...(options.devYaml ? [options.devYaml] : []),
      ...(options.install ? [] : ["      install: {enabled: false}"]),
      "",
    ].join("\n"),
  );
  if (options.linked) {
    // `encore auth login` stores its OAuth token as JSON; the double checks that it exists.
    writeFileSync(
      join(home, ".config", "encore", ".auth_token"),
      JSON.stringify({ access_token: "bench", token_type: "Bearer", actor: "bench" }),
      { mode: 0o600 },
    );
  }
  // Each world's daemon serves its dashboard and MCP on ports of its own.
  const [dashboard, mcp] = [await freePort(), await freePort()];
  const log = join(dir, "encore-calls.jsonl");
  const path = [options.encoreBinDir, options.nodeBinDir, "/usr/local/bin", "/usr/bin", "/bin"]
    .filter(Boolean)
    .join(":");
  return {
    dir,
    app,
    home,
    log,
    env: {
      PATH: path,
      HOME: home,
      LANG: "C.UTF-8",
      NO_COLOR: "1",
      ENCORE_DOUBLE_LOG: log,
      ENCORE_DOUBLE_SCENARIO: JSON.stringify(options.scenario ?? {}),
      ENCORE_DEVDASH_LISTEN_ADDR: `127.0.0.1:${dashboard}`,
      ENCORE_MCPSSE_LISTEN_ADDR: `127.0.0.1:${mcp}`,
    },
  };
}

/** Removing HOME removes the daemon's socket, which makes the double's daemon exit. */
export function removeWorld(world: WorldDescription): void {
  // The daemon may still be writing its log while it notices its socket is gone (ENOTEMPTY).
  rmSync(world.dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
}

export function readCallLog(file: string): CallLogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CallLogEntry);
}

/** The double's secret store: `{app: {NAME: [{id, selector, sha256, updatedAt}]}}`. */
export function readSecretStore(
  home: string,
): Record<string, Record<string, { selector: string[]; sha256: string }[]>> {
  const file = join(home, ".config", "encore", "double-secrets.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
