import { connect, createServer, type Socket } from "node:net";
import { parseListen } from "../config/listen.ts";
import type { ListenAddress } from "../encore/listen.ts";
import { ProviderError } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";

// `encore run --debug` starts the app with `node --inspect`, which listens on 127.0.0.1:9229
// only (tsparser/src/builder/transpiler.rs adds a bare --inspect): unreachable through a container's published ports.
// The relay forwards another port to it, inside the container. It cannot share port 9229:
// a wildcard bind conflicts with Node's loopback one. The inspector runs any code it is sent,
// so the relay is off unless asked for, and compose publishes it on the host's loopback only.

/** Where the app's inspector listens (`node --inspect` defaults). */
const INSPECTOR: ListenAddress = { host: "127.0.0.1", port: 9229, address: "127.0.0.1:9229" };
/** Turns the relay on: the address it listens on, e.g. 0.0.0.0:9230. */
const RELAY_VARIABLE = "STAGECRAFT_DEBUG_RELAY";

interface DebugRelay {
  address: string;
  close(): Promise<void>;
}

/** The relay's address from the environment; undefined when it is off. */
export function relayAddress(env: Readonly<Record<string, string | undefined>>): ListenAddress | undefined {
  const value = env[RELAY_VARIABLE];
  if (value === undefined || value === "") return undefined;
  const parsed = parseListen(value);
  if (parsed.ok) return parsed.value;
  throw new ProviderError({
    category: "INVALID_CONFIG",
    provider: "encore-ts",
    operation: "dev",
    message: `${RELAY_VARIABLE}: ${parsed.message}`,
    fix: `${parsed.fix}; 0.0.0.0:9230 in the toolbox, or unset it`,
  });
}

/** Listens on `listen` and joins each connection to the inspector; ends when `close` is called. */
export async function startDebugRelay(
  listen: ListenAddress,
  log: Logger,
  target: ListenAddress = INSPECTOR,
): Promise<DebugRelay> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      // Either side failing ends both: the debugger sees the connection drop.
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on("connect", () =>
      log.debug("debugger attached through the relay", { from: `${client.remoteAddress}:${client.remotePort}` }),
    );
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  }).catch((error: NodeJS.ErrnoException) => {
    throw new ProviderError({
      category: "DEV_SERVER_FAILED",
      provider: "encore-ts",
      operation: "dev",
      message: `the debugger relay cannot listen on ${listen.address}: ${error.code ?? error.message}`,
      fix: `free the port, or set ${RELAY_VARIABLE} to another address`,
    });
  });
  log.info(`debugger relay on ${listen.address} → ${target.address} (the app's inspector)`);
  return {
    address: listen.address,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
