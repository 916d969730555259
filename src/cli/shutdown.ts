import type { Logger } from "../logging/logger.ts";

interface StopSignals {
  /** Aborted by the first SIGINT/SIGTERM: stop gracefully. */
  signal: AbortSignal;
  /** Aborted by the second: stop now. */
  force: AbortSignal;
  dispose(): void;
}

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
  target.on("SIGINT", onSignal);
  target.on("SIGTERM", onSignal);
  return {
    signal: stop.signal,
    force: force.signal,
    dispose: () => {
      target.off("SIGINT", onSignal);
      target.off("SIGTERM", onSignal);
    },
  };
}
