import { setTimeout as delay } from "node:timers/promises";
import type { Operation } from "../../errors/index.ts";
import type { Logger } from "../../logging/logger.ts";
import { readInstalledRelease } from "../../encore/cli-version.ts";
import { checkInstalledSdk } from "./sdk-check.ts";
import { logIn } from "./login.ts";
import { checkEncoreVersion, requireDockerEngine } from "./preflight.ts";
import type { StopRequest } from "../../process/spawn.ts";
import type { Step } from "./steps.ts";

/**
 * The steps dev and build share; each operation runs its own steps itself. The version check
 * only ever warns, so it runs in the background (added to `background`), off the path to the
 * dev server; it never starts Encore's daemon, so nothing else depends on it.
 */
export async function runCommonStep(
  step: Step,
  operation: Operation,
  log: Logger,
  background: Background,
  stop: StopRequest,
): Promise<void> {
  switch (step.kind) {
    case "check-docker":
      return requireDockerEngine(step.endpoint);
    case "version": {
      const version = checkEncoreVersion(step.spec, log, AbortSignal.any([background.stop.signal, stop.signal]));
      background.tasks.push(version);
      background.encoreVersion = version;
      return;
    }
    case "check-sdk":
      return checkInstalledSdk(step, operation, log, () => cliVersionForSdkCheck(step.encore, background));
    case "login":
      return logIn(step.key, step.spec, operation, log, stop);
    default:
      throw new Error(`step ${step.kind} is not shared between dev and build`);
  }
}

/** How long the SDK check waits for `encore version` where the install has no release file. */
const SDK_CHECK_VERSION_WAIT_MS = 3000;

/**
 * The CLI's version for the SDK check: the install's release file (the image: no process, no
 * network), else the background version check's answer, waited for briefly: offline, the real
 * `encore version` says nothing for 10 s, and a host start must not wait that long.
 */
async function cliVersionForSdkCheck(encore: string, background: Background): Promise<string | undefined> {
  const installed = readInstalledRelease(encore);
  if (installed) return installed;
  if (!background.encoreVersion) return undefined;
  return Promise.race([background.encoreVersion, delay(SDK_CHECK_VERSION_WAIT_MS, undefined, { ref: false })]);
}

/** How long a finished dev server or build waits for background work before stopping it. */
const SETTLE_GRACE_MS = 2000;

/** Work started by a step that finishes on its own; `settle` lets it finish briefly, then stops it. */
export class Background {
  readonly stop = new AbortController();
  readonly tasks: Promise<unknown>[] = [];
  readonly #run: StopRequest;
  /** The version check's result, which the SDK check compares with. */
  encoreVersion: Promise<string | undefined> | undefined;

  constructor(run: StopRequest) {
    this.#run = run;
  }

  /** After a stop request nothing waits for background work: it is stopped at once. */
  async settle(): Promise<void> {
    const all = Promise.allSettled(this.tasks);
    if (!this.#run.signal.aborted)
      await Promise.race([
        all,
        delay(SETTLE_GRACE_MS, undefined, { ref: false, signal: this.#run.signal }).catch(() => undefined),
      ]);
    this.stop.abort();
    await all;
  }
}
