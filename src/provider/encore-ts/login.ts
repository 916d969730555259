import { ProviderError, type Operation } from "../../errors/index.ts";
import { describeExit } from "../../process/exit.ts";
import type { Logger } from "../../logging/logger.ts";
import { LineTail } from "../../logging/tail.ts";
import { runCommand, type CommandSpec } from "../../process/spawn.ts";

/** `ENCORE_AUTH_KEY`, or `ENCORE_AUTHKEY` as the official image names it. */
export const AUTH_KEY_VARIABLES = ["ENCORE_AUTH_KEY", "ENCORE_AUTHKEY"] as const;

export interface AuthKey {
  variable: (typeof AUTH_KEY_VARIABLES)[number];
  value: string;
}

/** Never in an encore child's environment: the app `encore run` starts would inherit the CI key. */
export function withheldAuthVariables(): string[] {
  return [...AUTH_KEY_VARIABLES];
}

export function findAuthKey(env: Readonly<Record<string, string | undefined>>): AuthKey | undefined {
  for (const variable of AUTH_KEY_VARIABLES) {
    const value = env[variable];
    if (value) return { variable, value };
  }
  return undefined;
}

/** CI login, once, before anything that needs the platform. The key is redacted everywhere. */
export async function logIn(key: AuthKey, spec: CommandSpec, operation: Operation, log: Logger): Promise<void> {
  log.redactor.add([key.value]);
  log.info(`logging in to Encore with ${key.variable}`);
  const tail = new LineTail(10, 2048);
  const exit = await runCommand(
    spec,
    {
      onLine: (stream, line) => {
        tail.push(line);
        log.debug(line, { stream });
      },
    },
  );
  if (exit.exitCode === 0) return;
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
