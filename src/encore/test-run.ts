import { constants } from "node:os";
import { ProviderError } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import { startForeground, stopRequest, type CommandSpec, type Exit } from "../process/spawn.ts";
import { describeExit } from "../process/exit.ts";

interface TestRunOptions {
  spec: CommandSpec;
  /** After SIGINT to the tests' process group, how long before SIGKILL. */
  shutdownTimeoutMs: number;
  log: Logger;
  /** The first stop signal: SIGINT to the tests, then wait. */
  signal: AbortSignal;
  /** The second: SIGKILL now. */
  force?: AbortSignal | undefined;
}

/**
 * Runs `encore test` with the runner's own stdin, stdout and stderr, and returns the exit
 * code the runner should exit with: the test command's own. A run stopped on request exits
 * 128 + the signal's number (130 for SIGINT), as a shell reports it, so an interrupted run
 * never reads as a pass, even when the test runner exits 0 on SIGINT.
 */
export async function runTests(options: TestRunOptions): Promise<number> {
  const { spec, log, signal } = options;
  log.info(`running the tests: encore ${spec.args.join(" ")}`, { cwd: spec.cwd });
  const started = performance.now();
  const stopping = () => log.warn("stopping the tests (SIGINT to encore test and the test process)");
  signal.addEventListener("abort", stopping, { once: true });
  const exit = await startForeground(spec, {
    stop: stopRequest([signal], options.force),
    stopSignal: "SIGINT",
    graceMs: options.shutdownTimeoutMs,
  }).exited;
  signal.removeEventListener("abort", stopping);
  const outcome = { exit };
  if (exit.stopped) {
    log.warn(
      `tests stopped on request${exit.forced ? " (forced with SIGKILL)" : ""}; encore test ${describeExit(exit)}`,
    );
    return signalExitCode(String(signal.reason ?? "SIGINT"));
  }
  if (outcome.exit.spawnError !== undefined) {
    // Nothing ran: one of our categories, the closest being "the provider's tool is not available".
    throw new ProviderError({
      category: "PROVIDER_NOT_AVAILABLE",
      provider: "encore-ts",
      operation: "test",
      message: `encore test could not be started (${outcome.exit.spawnError}): ${spec.file}`,
      fix: "check that the encore CLI is installed and executable, e.g. `stagecraft-encore doctor`",
    });
  }
  const code = exitCodeOf(outcome.exit);
  const durationMs = Math.round(performance.now() - started);
  if (code === 0) log.info("tests passed", { durationMs });
  else
    log.warn(`tests failed: encore test ${describeExit(outcome.exit)}; exiting with its code ${code}`, {
      durationMs,
      exitCode: code,
    });
  return code;
}

/** The test command's code; death by a signal as a shell reports it (128 + its number). */
function exitCodeOf(exit: Exit): number {
  if (exit.signal) return signalExitCode(exit.signal);
  return exit.exitCode ?? 1;
}

export function signalExitCode(name: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[name];
  return 128 + (number ?? constants.signals.SIGINT);
}
