import { setTimeout as delay } from "node:timers/promises";
import { probeHost, type ListenAddress } from "./listen.ts";
import { ProviderError } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import { LineTail } from "../logging/tail.ts";
import { startProcess, type CommandSpec, type Exit, type StopRequest } from "../process/spawn.ts";
import { isBannerLine, isPortInUseLine, levelOfLine } from "./banner.ts";
import { probeHttp } from "./probe.ts";
import { describeExit } from "../process/exit.ts";

interface DevServerOptions {
  spec: CommandSpec;
  listen: ListenAddress;
  readinessTimeoutMs: number;
  shutdownTimeoutMs: number;
  log: Logger;
  /** The run's stop request: SIGINT to encore run, SIGKILL after the grace or on a second request. */
  stop: StopRequest;
  /** docs/provider-contract.md §Logging: a cheap "still running" line at DEBUG. */
  heartbeatMs?: number;
  probeIntervalMs?: number;
  now?: () => number;
  /** Called once `encore run` has been spawned: work that should not delay that spawn starts here. */
  onSpawned?: () => void;
}

type Outcome = { kind: "exited"; exit: Exit } | { kind: "stop-requested" } | { kind: "not-ready" };

/**
 * Runs `encore run` until a stop is requested (resolves) or it fails (throws DEV_SERVER_FAILED).
 * Ready means the banner appeared AND the listen address answers HTTP (docs/provider-contract.md §Readiness).
 */
export async function runDevServer(options: DevServerOptions): Promise<void> {
  const { log, listen, stop } = options;
  const { signal } = stop;
  const now = options.now ?? (() => performance.now());
  if (signal.aborted) return;

  const started = now();
  const tail = new LineTail();
  const url = `http://${listen.address}`;
  let portInUse = false;
  let serving = false;
  let bannerSeen: () => void = () => {};
  const banner = new Promise<void>((resolve) => (bannerSeen = resolve));

  log.info(`starting encore run on ${listen.address}`, { cwd: options.spec.cwd });
  log.debug("command", { argv: [options.spec.file, ...options.spec.args] });
  const redact = (text: string) => log.redactor.redact(text);
  // SIGINT is the only signal `encore run` handles gracefully (docs: SIGTERM kills the CLI
  // outright); after dev.shutdown.timeout_ms, or a second stop request, SIGKILL.
  const child = startProcess(options.spec, {
    stop,
    stopSignal: "SIGINT",
    graceMs: options.shutdownTimeoutMs,
    batch: log.batch,
    drained: log.drained,
    onLine: (stream, line) => {
      tail.push(line);
      log.line(stream, line, levelOfLine(line));
      // Once ready, the banner and the port message no longer matter: skip the scans.
      if (serving) return;
      if (isBannerLine(line)) bannerSeen();
      else if (isPortInUseLine(line)) portInUse = true;
    },
  });
  options.onSpawned?.();

  const stopRequested = new Promise<Outcome>((resolve) => {
    signal.addEventListener("abort", () => resolve({ kind: "stop-requested" }), { once: true });
  });
  const exited = child.exited.then((exit): Outcome => ({ kind: "exited", exit }));
  const watchdog = new AbortController();
  const heartbeat = setInterval(
    () => log.debug("encore dev still running", { uptimeSeconds: Math.round((now() - started) / 1000) }),
    options.heartbeatMs ?? 5 * 60_000,
  );
  heartbeat.unref();

  try {
    const ready = waitUntilReady(banner, listen, options.probeIntervalMs ?? 50, watchdog.signal).then(
      (): Outcome | undefined => undefined,
    );
    const timeout = delay(options.readinessTimeoutMs, { kind: "not-ready" } as Outcome, {
      signal: watchdog.signal,
    }).catch(() => undefined);
    const first = await Promise.race([ready, timeout, exited, stopRequested]);
    if (first === undefined) {
      serving = true;
      log.info(`dev server ready at ${url}`, { url, readyMs: Math.round(now() - started) });
    } else {
      return await settle(first);
    }
    return await settle(await Promise.race([exited, stopRequested]));
  } finally {
    watchdog.abort();
    clearInterval(heartbeat);
  }

  async function settle(outcome: Outcome): Promise<void> {
    if (outcome.kind === "stop-requested") {
      log.info("stopping dev server (SIGINT to encore run)", { graceMs: options.shutdownTimeoutMs });
      const exit = await child.exited;
      if (exit.forced)
        log.warn(`encore run did not stop in time and was killed (SIGKILL)`, { graceMs: options.shutdownTimeoutMs });
      else log.info(`dev server stopped (encore run ${describeExit(exit)})`);
      return;
    }
    if (outcome.kind === "not-ready") {
      child.stop();
      const { forced } = await child.exited;
      throw new ProviderError({
        category: "DEV_SERVER_FAILED",
        provider: "encore-ts",
        operation: "dev",
        message: `dev server not ready after ${options.readinessTimeoutMs} ms: ${portInUse ? `port ${listen.port} is already in use` : `no answer at ${url}`}; encore run was stopped${forced ? " (killed)" : ""}`,
        detail: tail.text(redact),
        fix: "check the encore output above; raise dev.readiness.timeout_ms if the first build is just slow",
        facts: { readinessTimeoutMs: options.readinessTimeoutMs },
      });
    }
    const { exit } = outcome;
    throw new ProviderError({
      category: "DEV_SERVER_FAILED",
      provider: "encore-ts",
      operation: "dev",
      message: portInUse
        ? `encore run could not listen on ${listen.address}: the port is already in use (encore run ${describeExit(exit)})`
        : `encore run ${describeExit(exit)} although no stop was requested`,
      detail: tail.text(redact),
      fix: portInUse
        ? "stop whatever holds the port, or pass --listen with a free port"
        : "read the encore output above; fix the app and start again",
      facts: {
        ...(exit.exitCode !== undefined ? { encoreExitCode: exit.exitCode } : {}),
        ...(exit.signal ? { signal: exit.signal } : {}),
      },
    });
  }
}

async function waitUntilReady(
  banner: Promise<void>,
  listen: ListenAddress,
  intervalMs: number,
  signal: AbortSignal,
): Promise<void> {
  await banner;
  const host = probeHost(listen);
  while (!signal.aborted) {
    if (await probeHttp(host, listen.port)) return;
    await delay(intervalMs, undefined, { signal }).catch(() => undefined);
  }
  await new Promise(() => {}); // aborted: never resolves, the race is decided elsewhere
}
