import { setTimeout as delay } from "node:timers/promises";
import type { Operation } from "../../errors/index.ts";
import type { Logger } from "../../logging/logger.ts";
import { logIn } from "./login.ts";
import { checkEncoreVersion, requireDockerEngine } from "./preflight.ts";
import type { StopRequest } from "../../process/spawn.ts";
import type { Step } from "./steps.ts";

/**
 * The steps dev and build share; each operation runs its own steps itself. The version check
 * only ever warns, so it runs in the background (added to `background`), off the path to the
 * dev server; it never starts Encore's daemon, so nothing else depends on it.
 */
export async function runCommonStep(step: Step, operation: Operation, log: Logger, background: Background, stop: StopRequest): Promise<void> {
  switch (step.kind) {
    case "check-docker":
      return requireDockerEngine(step.endpoint);
    case "version":
      background.tasks.push(checkEncoreVersion(step.spec, log, AbortSignal.any([background.stop.signal, stop.signal])));
      return;
    case "login":
      return logIn(step.key, step.spec, operation, log, stop);
    default:
      throw new Error(`step ${step.kind} is not shared between dev and build`);
  }
}

/** How long a finished dev server or build waits for background work before stopping it. */
const SETTLE_GRACE_MS = 2000;

/** Work started by a step that finishes on its own; `settle` lets it finish briefly, then stops it. */
export class Background {
  readonly stop = new AbortController();
  readonly tasks: Promise<unknown>[] = [];
  readonly #run: StopRequest;

  constructor(run: StopRequest) {
    this.#run = run;
  }

  /** After a stop request nothing waits for background work: it is stopped at once. */
  async settle(): Promise<void> {
    const all = Promise.allSettled(this.tasks);
    if (!this.#run.signal.aborted) await Promise.race([all, delay(SETTLE_GRACE_MS, undefined, { ref: false, signal: this.#run.signal }).catch(() => undefined)]);
    this.stop.abort();
    await all;
  }
}
