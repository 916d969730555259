import { ProviderError } from "../errors/index.ts";
import type { Environment } from "../env/environment.ts";
import type { Logger } from "../logging/logger.ts";
import { LineTail } from "../logging/tail.ts";
import { runCommand, type CommandSpec, type Exit, type StopRequest } from "../process/spawn.ts";
import { describeExit } from "../process/exit.ts";
import type { SecretCall } from "./plan.ts";
import type { SecretSyncState } from "./sync-state.ts";
import type { SecretType } from "./types.ts";

interface SyncOptions {
  calls: readonly SecretCall[];
  env: Environment;
  /** encore's absolute path, cwd (the app dir) and environment record. */
  base: Omit<CommandSpec, "args">;
  concurrency: number;
  log: Logger;
  /** skip_unchanged: what the last successful sync set. */
  state?: SecretSyncState | undefined;
  /** The run's stop request: no call starts after it, and running calls are stopped. */
  stop: StopRequest;
}

interface Outcome {
  call: SecretCall;
  exit: Exit;
  stderr: LineTail;
}

/**
 * Runs the planned `secret set` calls, at most `concurrency` at once. Results are logged in
 * the configured order whatever order they finish in, and the first failure starts no more.
 * A stop request ends the sync quietly: a call it cut short is neither a failure nor "set".
 */
export async function syncSecrets(options: SyncOptions): Promise<void> {
  const { log } = options;
  const digests = new Map<string, string>();
  const calls = options.calls.filter((call) => {
    if (!options.state) return true;
    const digest = options.state.digest(
      options.base.cwd,
      call.name,
      call.types as SecretType[],
      valueOf(call, options),
    );
    digests.set(call.name, digest);
    if (!options.state.unchanged(options.base.cwd, call.name, digest)) return true;
    log.info(`secret ${call.name} is unchanged since the last sync; skipped`, { secret: call.name });
    return false;
  });
  if (calls.length === 0) return;

  log.info(`syncing ${calls.length} secret(s) with encore secret set`, {
    types: [...calls[0]!.types],
    concurrency: options.concurrency,
  });
  const outcomes: (Outcome | undefined)[] = new Array(calls.length);
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
    while (!failed && !options.stop.signal.aborted && next < calls.length) {
      const index = next++;
      const outcome = await setOne(calls[index]!, options);
      outcomes[index] = outcome;
      if (isFailure(outcome)) failed = true;
      flushInOrder();
    }
  };
  // The first call runs alone: it may start Encore's daemon, and concurrent cold starts race
  // (each new daemon removes the other's socket). The rest share the daemon it started.
  if (options.stop.signal.aborted) return;
  next = 1;
  outcomes[0] = await setOne(calls[0]!, options);
  failed = isFailure(outcomes[0]);
  flushInOrder();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, calls.length - 1) }, worker));

  const set = outcomes.filter((o) => o && o.exit.exitCode === 0).map((o) => o!.call.name);
  if (options.state) {
    for (const name of set) options.state.remember(options.base.cwd, name, digests.get(name)!);
    options.state.save();
  }
  const failure = outcomes.find((outcome) => outcome && isFailure(outcome));
  if (!failure || options.stop.signal.aborted) return;
  const notSet = calls.map((c) => c.name).filter((name) => !set.includes(name));
  const stderr = failure.stderr.text((text) => log.redactor.redact(text));
  throw new ProviderError({
    category: "SECRET_SYNC_FAILED",
    provider: "encore-ts",
    operation: "dev",
    message: `encore secret set ${failure.call.name} (types ${failure.call.types.join(",")}) ${describeExit(failure.exit)}`,
    detail: stderr,
    fix: fixFor(stderr),
    facts: {
      secret: failure.call.name,
      types: [...failure.call.types],
      ...(failure.exit.exitCode !== undefined ? { encoreExitCode: failure.exit.exitCode } : {}),
      set,
      notSet,
    },
  });
}

function isFailure(outcome: Outcome): boolean {
  return outcome.exit.exitCode !== 0 && !outcome.exit.stopped;
}

function valueOf(call: SecretCall, options: SyncOptions): string {
  return options.env.get(call.name)?.value ?? "";
}

async function setOne(call: SecretCall, options: SyncOptions): Promise<Outcome> {
  const value = valueOf(call, options);
  const stderr = new LineTail(20, 2048);
  options.log.debug("encore secret set", { argv: [options.base.file, ...call.args] });
  const exit = await runCommand(
    { ...options.base, args: call.args },
    {
      // The value goes on stdin only: never argv, never a log line (docs/provider-contract.md §Secrets sync, §Security).
      input: value,
      onLine: (stream, line) => {
        if (stream === "stderr") stderr.push(line);
        options.log.debug(line, { stream, secret: call.name });
      },
      stop: options.stop,
    },
  );
  return { call, exit, stderr };
}

function fixFor(stderr: string): string {
  if (stderr.includes("not linked")) return "link the app (encore app link) or use local secrets; see the README";
  if (stderr.includes("not logged in")) return "log in (encore auth login, or set ENCORE_AUTH_KEY in CI)";
  return "read encore's message above, fix it, and start dev again";
}
