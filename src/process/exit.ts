import type { Exit } from "./spawn.ts";

/** How a process ended, for messages: "exited with code 1", "was killed by SIGKILL". Pure. */
export function describeExit(exit: Pick<Exit, "exitCode" | "signal">): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.exitCode ?? "unknown"}`;
}
