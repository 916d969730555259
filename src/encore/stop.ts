import type { Exit, RunningProcess } from "../process/spawn.ts";
import { setTimeout as delay } from "node:timers/promises";

interface StopResult {
  exit: Exit;
  /** True when the grace period ran out, or a second signal asked, and SIGKILL was sent. */
  forced: boolean;
}

/**
 * SIGINT is the only signal `encore run` handles gracefully (docs/encore-cli.md §Signals); SIGTERM would
 * kill the CLI outright. So: SIGINT, wait up to `graceMs`, then SIGKILL. A `force` abort
 * (the user's second Ctrl-C) skips the wait.
 */
export async function stopGracefully(child: RunningProcess, graceMs: number, force?: AbortSignal): Promise<StopResult> {
  if (force?.aborted) {
    child.kill("SIGKILL");
    return { exit: await child.exited, forced: true };
  }
  child.kill("SIGINT");
  const timer = new AbortController();
  const onForce = () => timer.abort();
  force?.addEventListener("abort", onForce, { once: true });
  try {
    const winner = await Promise.race([
      child.exited.then((exit) => ({ exit })),
      delay(graceMs, undefined, { signal: timer.signal }).then(
        () => undefined,
        () => undefined,
      ),
    ]);
    if (winner) return { exit: winner.exit, forced: false };
    child.kill("SIGKILL");
    return { exit: await child.exited, forced: true };
  } finally {
    timer.abort();
    force?.removeEventListener("abort", onForce);
  }
}
