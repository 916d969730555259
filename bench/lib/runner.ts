import { join } from "node:path";
import { Observed } from "./child.ts";
import type { Snapshot } from "./snapshot.ts";
import { freePort, type WorldDescription } from "./world.ts";

/** The runner's `dev` from the snapshot's dist/, in the world's app on a free port, its output observed line by line. */
export async function observeRunnerDev(snapshot: Snapshot, world: WorldDescription): Promise<Observed> {
  const port = await freePort();
  return new Observed({
    command: [
      process.execPath,
      join(snapshot.distDir, "bin", "stagecraft-encore.js"),
      "dev",
      "--listen",
      `127.0.0.1:${port}`,
    ],
    cwd: world.app,
    env: world.env,
  });
}
