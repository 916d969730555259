import type { AuthKey } from "../../encore/auth.ts";
import { ProviderError, type Operation } from "../../errors/index.ts";
import { describeExit } from "../../process/exit.ts";
import type { Logger } from "../../logging/logger.ts";
import { LineTail } from "../../logging/tail.ts";
import { runCommand, type CommandSpec, type StopRequest } from "../../process/spawn.ts";

/** CI login, once, before anything that needs the platform. The key is redacted everywhere. */
/** Returns quietly when a stop was requested meanwhile: the caller sees the stop and ends. */
export async function logIn(
  key: AuthKey,
  spec: CommandSpec,
  operation: Operation,
  log: Logger,
  stop: StopRequest,
): Promise<void> {
  log.redactor.add([key.value]);
  log.info(`logging in to Encore with ${key.variable}`);
  const tail = new LineTail(10, 2048);
  const exit = await runCommand(spec, {
    onLine: (stream, line) => {
      tail.push(line);
      log.debug(line, { stream });
    },
    stop,
  });
  if (exit.exitCode === 0 || exit.stopped) return;
  throw new ProviderError({
    category: "INVALID_CONFIG",
    provider: "encore-ts",
    operation,
    message: `encore auth login with the key in ${key.variable} failed (${describeExit(exit)})`,
    detail: tail.text((text) => log.redactor.redact(text)),
    fix: `check ${key.variable}: create an auth key in the Encore Cloud dashboard (App settings → Auth keys)`,
    facts: { variable: key.variable },
  });
}
