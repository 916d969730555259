import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Snapshot } from "../lib/snapshot.ts";
import { freePort, type WorldDescription } from "../lib/world.ts";

/** The baseline: readline from the double's pipes straight to stderr, nothing else. */
export const MINIMAL_RELAY = join(dirname(fileURLToPath(import.meta.url)), "minimal-relay.ts");

export interface RelaySubject {
  child: ChildProcess;
  /** The subject's exit code, once it exits. */
  exited: Promise<number | null>;
}

/**
 * Starts what the relay rows measure, on a free port, its stderr piped to the bench: the
 * runner's `dev` from the snapshot's dist, or the minimal relay around the double's `encore run`
 * with the argv the runner would give it.
 */
export async function startRelaySubject(
  snapshot: Snapshot,
  world: WorldDescription,
  method: "runner" | "minimal",
): Promise<RelaySubject> {
  const listen = `127.0.0.1:${await freePort()}`;
  const command =
    method === "runner"
      ? [join(snapshot.distDir, "bin", "stagecraft-encore.js"), "dev", "--listen", listen]
      : [
          MINIMAL_RELAY,
          join(snapshot.doubleBin, "encore"),
          "run",
          "--debug",
          "--verbose",
          "--watch",
          "--listen",
          listen,
          "--browser=never",
        ];
  const child = spawn(process.execPath, command, {
    cwd: world.app,
    env: world.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited };
}
