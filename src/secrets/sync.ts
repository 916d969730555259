import { ProviderError } from "../errors/index.ts";
import type { Environment } from "../env/environment.ts";
import type { Logger } from "../logging/logger.ts";
import { LineTail } from "../logging/tail.ts";
import { runCommand, type CommandSpec, type Exit } from "../process/spawn.ts";
import { describeExit } from "../encore/stop.ts";
import type { SecretCall, SecretPlan } from "./plan.ts";

export interface SyncOptions {
  plan: SecretPlan;
  env: Environment;
  /** encore's absolute path, cwd (the app dir) and environment record. */
  base: Omit<CommandSpec, "args">;
  concurrency: number;
  log: Logger;
}

interface Outcome {
  call: SecretCall;
  exit: Exit;
  stderr: LineTail;
}

/**
 * Runs the planned `secret set` calls, at most `concurrency` at once. Results are logged in
 * the configured order whatever order they finish in, and the first failure starts no more.
 */
export async function syncSecrets(options: SyncOptions): Promise<void> {
  const { plan, log } = options;
  for (const name of plan.missing) log.warn(`secret ${name} is not set in the environment or env_file; not synced`, { secret: name });
  if (plan.calls.length === 0) return;

  log.info(`syncing ${plan.calls.length} secret(s) with encore secret set`, { types: [...plan.calls[0]!.types], concurrency: options.concurrency });
  const outcomes: (Outcome | undefined)[] = new Array(plan.calls.length);
  let next = 0;
  let failed = false;
  let logged = 0;

  const flushInOrder = () => {
    while (logged < outcomes.length && outcomes[logged]) {
      const { call, exit } = outcomes[logged]!;
      if (exit.exitCode === 0) log.info(`secret ${call.name} set`, { secret: call.name, types: [...call.types] });
      logged++;
    }
  };

  const worker = async () => {
    while (!failed && next < plan.calls.length) {
      const index = next++;
      const outcome = await setOne(plan.calls[index]!, options);
      outcomes[index] = outcome;
      if (outcome.exit.exitCode !== 0) failed = true;
      flushInOrder();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, plan.calls.length) }, worker));

  const failure = outcomes.find((outcome) => outcome && outcome.exit.exitCode !== 0);
  if (!failure) return;
  const set = outcomes.filter((o) => o && o.exit.exitCode === 0).map((o) => o!.call.name);
  const notSet = plan.calls.map((c) => c.name).filter((name) => !set.includes(name));
  throw new ProviderError({
    category: "SECRET_SYNC_FAILED",
    provider: "encore-ts",
    operation: "dev",
    message: `encore secret set ${failure.call.name} (types ${failure.call.types.join(",")}) ${describeExit(failure.exit)}`,
    detail: failure.stderr.text(),
    fix: fixFor(failure.stderr.text()),
    facts: {
      secret: failure.call.name,
      types: [...failure.call.types],
      ...(failure.exit.exitCode !== undefined ? { exitCode: failure.exit.exitCode } : {}),
      set,
      notSet,
    },
  });
}

async function setOne(call: SecretCall, options: SyncOptions): Promise<Outcome> {
  const value = options.env.get(call.name)?.value ?? "";
  const stderr = new LineTail(20, 2048);
  options.log.debug("encore secret set", { argv: [options.base.file, ...call.args] });
  const exit = await runCommand(
    { ...options.base, args: call.args },
    {
      // The value goes on stdin only: never argv, never a log line (spec §4.2, §8).
      input: value,
      onLine: (stream, line) => {
        const safe = options.log.redactor.redact(line);
        if (stream === "stderr") stderr.push(safe);
        options.log.debug(safe, { stream, secret: call.name });
      },
    },
  );
  return { call, exit, stderr };
}

function fixFor(stderr: string): string {
  if (stderr.includes("not linked")) return "link the app (encore app link) or use local secrets; see the README";
  if (stderr.includes("not logged in")) return "log in (encore auth login, or set ENCORE_AUTH_KEY in CI)";
  return "read encore's message above, fix it, and start dev again";
}
