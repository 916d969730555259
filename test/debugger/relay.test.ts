import assert from "node:assert/strict";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { relayAddress, startDebugRelay } from "../../src/debugger/relay.ts";
import { ProviderError } from "../../src/errors/index.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { deferred } from "../support/cleanup.ts";
import { freePort } from "../support/ports.ts";

const defer = deferred();
const log = createLogger({
  level: "info",
  format: "json",
  color: false,
  stream: new Writable({ write: (_c, _e, done) => done() }),
  context: { operation: "dev" },
});

/** Stands in for `node --inspect`: answers each line with "inspector: <line>". */
async function fakeInspector() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", (data) => socket.write(`inspector: ${data}`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return { host: "127.0.0.1", port, address: `127.0.0.1:${port}`, sockets };
}

function exchange(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(line));
    socket.once("data", (data) => {
      socket.end();
      resolve(String(data));
    });
    socket.once("error", reject);
  });
}

describe("debugger relay", () => {
  test("is off unless STAGECRAFT_DEBUG_RELAY is set, and a bad address is INVALID_CONFIG", () => {
    assert.equal(relayAddress({}), undefined);
    assert.equal(relayAddress({ STAGECRAFT_DEBUG_RELAY: "" }), undefined);
    assert.deepEqual(relayAddress({ STAGECRAFT_DEBUG_RELAY: "0.0.0.0:9230" }), {
      host: "0.0.0.0",
      port: 9230,
      address: "0.0.0.0:9230",
    });
    assert.throws(
      () => relayAddress({ STAGECRAFT_DEBUG_RELAY: "9230" }),
      (error: unknown) =>
        error instanceof ProviderError &&
        error.category === "INVALID_CONFIG" &&
        /STAGECRAFT_DEBUG_RELAY: "9230" has no port/.test(error.message),
    );
  });

  test("joins each connection to the inspector both ways, and closes them all on close", async () => {
    const inspector = await fakeInspector();
    const port = await freePort();
    const relay = await startDebugRelay({ host: "127.0.0.1", port, address: `127.0.0.1:${port}` }, log, inspector);
    defer(() => relay.close());
    assert.equal(await exchange(port, "hello\n"), "inspector: hello\n");
    assert.equal(await exchange(port, "again\n"), "inspector: again\n");

    const held = connect(port, "127.0.0.1");
    await new Promise((resolve) => held.once("connect", resolve));
    const ended = new Promise((resolve) => held.once("close", resolve));
    await relay.close();
    await ended;
    await assert.rejects(exchange(port, "x\n"), /ECONNREFUSED/);
  });

  test("drops the debugger's connection when nothing listens on the inspector port", async () => {
    const port = await freePort();
    const nothing = await freePort();
    const relay = await startDebugRelay({ host: "127.0.0.1", port, address: `127.0.0.1:${port}` }, log, {
      host: "127.0.0.1",
      port: nothing,
      address: `127.0.0.1:${nothing}`,
    });
    defer(() => relay.close());
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("close", resolve));
  });
});
