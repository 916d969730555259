import type { Operation } from "../../errors/index.ts";
import type { Logger } from "../../logging/logger.ts";
import { logIn } from "./login.ts";
import { checkEncoreVersion, requireDockerEngine } from "./preflight.ts";
import type { Step } from "./steps.ts";

/** The steps dev and build share; each operation runs its own steps itself. */
export async function runCommonStep(step: Step, operation: Operation, log: Logger): Promise<void> {
  switch (step.kind) {
    case "check-docker":
      return requireDockerEngine(step.endpoint);
    case "version":
      await checkEncoreVersion(step.spec, log);
      return;
    case "login":
      return logIn(step.key, step.spec, operation, log);
    default:
      throw new Error(`step ${step.kind} is not shared between dev and build`);
  }
}
