import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, describe, test } from "node:test";
import { runDevServer } from "../../src/encore/dev-server.ts";
import { runArgs } from "../../src/encore/commands.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { doubleWorld } from "../support/double.ts";
import { DOUBLE_BIN, encoreProject } from "../support/project.ts";
import { freePort } from "../support/ports.ts";

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

describe("runDevServer", () => {
  test("logs a DEBUG 'still running' line on every heartbeat, and stops on abort", async () => {
    const port = await freePort();
    const project = encoreProject("");
    const world = await doubleWorld();
    world.logIn(); // the app is linked: encore run fetches its secrets
    cleanups.push(
      () => project.remove(),
      () => world.remove(),
    );
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split("\n"));
        done();
      },
    });
    const log = createLogger({ level: "debug", format: "json", color: false, stream, context: { operation: "dev" } });
    const stop = new AbortController();
    const heartbeats = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (lines.filter((line) => line.includes("encore dev still running")).length >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    const env = Object.fromEntries(
      Object.entries(world.env()).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const running = runDevServer({
      spec: { file: `${DOUBLE_BIN}/encore`, args: runArgs(`127.0.0.1:${port}`), cwd: project.dir, env },
      listen: { host: "127.0.0.1", port, address: `127.0.0.1:${port}` },
      readinessTimeoutMs: 15_000,
      shutdownTimeoutMs: 3_000,
      heartbeatMs: 100,
      log,
      stop: { signal: stop.signal, force: new AbortController().signal },
    });
    await heartbeats;
    stop.abort();
    await running;
    const beat = JSON.parse(lines.find((line) => line.includes("encore dev still running"))!);
    assert.deepEqual(
      [beat.level, beat.operation, beat.feature, typeof beat.uptimeSeconds],
      ["debug", "dev", "PROVIDER_BACKEND_ENCORE", "number"],
    );
    assert.ok(lines.some((line) => line.includes("dev server stopped")));
  });
});
