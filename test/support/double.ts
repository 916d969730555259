import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { freePort } from "./ports.ts";
import { DOUBLE_BIN, tempProject, type TempProject } from "./project.ts";

/** One record of the encore test double's call log (test/fixtures/encore/README.md). */
export interface DoubleCall {
  event: "call";
  pid: number;
  /** The double's Date.now() as it started. */
  time: number;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdin: string | null;
}

export interface DoubleEvent {
  event: string;
  pid: number;
  time: number;
  signal?: string;
  code?: number;
  stdin?: string;
}

export interface DoubleWorld {
  /** A HOME for the double (Encore's config lives under it). */
  home: TempProject;
  log: string;
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  calls(): DoubleCall[];
  events(): DoubleEvent[];
  /** Makes `encore secret set` find a login, as `encore auth login` would. */
  logIn(): void;
  remove(): void;
}

/**
 * An environment in which `encore` on PATH is the strict test double, with its own HOME and
 * call log. `scenario` is the double's ENCORE_DOUBLE_SCENARIO.
 */
export async function doubleWorld(scenario: unknown = {}): Promise<DoubleWorld> {
  const home = tempProject();
  // Each world's daemon serves its dashboard and MCP on ports of its own.
  const [dashboard, mcp] = [await freePort(), await freePort()];
  const log = home.path("encore-calls.jsonl");
  const read = () =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  return {
    home,
    log,
    env: (extra = {}) => ({
      PATH: `${DOUBLE_BIN}:${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: home.dir,
      LANG: "C.UTF-8",
      ENCORE_DOUBLE_LOG: log,
      ENCORE_DOUBLE_SCENARIO: JSON.stringify(scenario),
      NO_COLOR: "1",
      ENCORE_DEVDASH_LISTEN_ADDR: `127.0.0.1:${dashboard}`,
      ENCORE_MCPSSE_LISTEN_ADDR: `127.0.0.1:${mcp}`,
      ...extra,
    }),
    // The double logs what it read from stdin as a separate event once it reached EOF.
    calls: () => {
      const entries = read();
      const stdin = new Map(
        entries
          .filter((entry: DoubleEvent) => entry.event === "stdin")
          .map((entry: DoubleEvent) => [entry.pid, entry.stdin]),
      );
      return entries
        .filter((entry: DoubleEvent) => entry.event === "call")
        .map((call: DoubleCall) => ({ ...call, stdin: stdin.get(call.pid) ?? null }));
    },
    events: () => read(),
    logIn: () => {
      const file = join(home.dir, ".config", "encore", ".auth_token");
      mkdirSync(dirname(file), { recursive: true });
      // The real CLI stores its OAuth token as JSON; the double parses it the same way.
      writeFileSync(file, JSON.stringify({ access_token: "test-token", token_type: "Bearer", actor: "test" }), {
        mode: 0o600,
      });
    },
    // Removing HOME removes the daemon's socket, which stops the double's daemon.
    remove: () => home.remove(),
  };
}

/** The calls the runner made itself; the daemon (`daemon -f`) is encore's own and outlives them by design. */
export function runnerCalls(world: DoubleWorld): DoubleCall[] {
  return world.calls().filter((call) => call.argv[0] !== "daemon");
}

/** The command word(s) of a call: ["run"], ["secret", "set"], ["build", "docker"], ["version"]. */
export function commandOf(call: DoubleCall): string {
  return call.argv
    .filter((arg) => !arg.startsWith("-"))
    .slice(0, call.argv[0] === "version" || call.argv[0] === "run" ? 1 : 2)
    .join(" ");
}
