import type { Logger } from "../logging/logger.ts";

interface StopSignals {
  /** Aborted by the first SIGINT/SIGTERM/SIGHUP: stop gracefully. */
  signal: AbortSignal;
  /** Aborted by the second: stop now. */
  force: AbortSignal;
  dispose(): void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** The one owner of shutdown (style principle 7): first signal graceful, second forced. */
export function listenForStopSignals(log: Logger, target: NodeJS.Process = process): StopSignals {
  const stop = new AbortController();
  const force = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      log.info(`received ${name}; stopping (send it again to force)`);
      stop.abort(name);
    } else if (!force.signal.aborted) {
      log.warn(`received ${name} again; forcing the stop`);
      force.abort(name);
    }
  };
  // SIGHUP (the terminal closed, an ssh session dropped) is a stop request like SIGTERM,
  // logged like it, not Node's silent death that would leave encore to a stray SIGTERM.
  for (const name of STOP_SIGNALS) target.on(name, onSignal);
  return {
    signal: stop.signal,
    force: force.signal,
    dispose: () => {
      for (const name of STOP_SIGNALS) target.off(name, onSignal);
    },
  };
}
