import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { describe, test } from "node:test";
import { deferred } from "../../support/cleanup.ts";
import { isAlive, runCli, RunningCli } from "../../support/cli.ts";
import { commandOf, doubleWorld, runnerCalls, type DoubleWorld } from "../../support/double.ts";
import { TEST_CA, encoreProject, type TempProject } from "../../support/project.ts";
import { freePort } from "../../support/ports.ts";

const defer = deferred();

interface Setup {
  project: TempProject;
  world: DoubleWorld;
  port: number;
  cli(args?: string[], env?: Record<string, string | undefined>): RunningCli;
}

async function setup(
  options: { scenario?: unknown; yml?: (port: number) => string; env?: string; loggedIn?: boolean } = {},
): Promise<Setup> {
  const port = await freePort();
  const yml =
    options.yml?.(port) ??
    `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        env_file: .env.local
        listen: "127.0.0.1:${port}"
        disable_telemetry: true
        node_extra_ca_certs: certs/ca.pem
        encore_secrets:
          from_env: [STRIPE_KEY, LOGTO_SECRET, NOT_SET]
        readiness: {timeout_ms: 15000}
        shutdown: {timeout_ms: 3000}
`;
  const project = encoreProject(yml, {
    ".env.local": options.env ?? "STRIPE_KEY=sk_test_51abcdef\nLOGTO_SECRET='multi word value'\nPLAIN=visible\n",
    "certs/ca.pem": readFileSync(TEST_CA, "utf8"),
  });
  const world = await doubleWorld(options.scenario ?? {});
  if (options.loggedIn !== false) world.logIn();
  defer(
    () => project.remove(),
    () => world.remove(),
  );
  return {
    project,
    world,
    port,
    cli: (args = ["dev"], env = {}) => {
      const cli = new RunningCli(args, { cwd: project.dir, env: world.env(env) });
      defer(() => cli.kill("SIGKILL"));
      return cli;
    },
  };
}

function assertNoLeftovers(world: DoubleWorld): void {
  for (const call of runnerCalls(world))
    assert.equal(isAlive(call.pid), false, `encore ${call.argv.join(" ")} (pid ${call.pid}) is still running`);
}

describe("dev", () => {
  test("runs version, one secret set per secret with all types, then encore run with the contract's argv", async () => {
    const { project, world, port, cli } = await setup();
    const run = cli();
    await run.waitForLine(/dev server ready at http:\/\/127\.0\.0\.1:\d+/);
    run.kill("SIGTERM");
    const finished = await run.finished();
    assert.equal(finished.code, 0, finished.stderr);

    const calls = runnerCalls(world);
    // The version check runs in the background, and secrets are set concurrently, so only
    // "secrets before run" is an order; the set of calls is exact.
    const argvs = calls.map((call) => call.argv);
    // The background version check is stopped with the dev server, so on a slow machine it
    // may not have started yet: at most one, and exactly `encore version` if any.
    const versions = argvs.filter((argv) => argv[0] === "version");
    assert.ok(versions.length <= 1);
    for (const argv of versions) assert.deepEqual(argv, ["version"]);
    const rest = argvs.filter((argv) => argv[0] !== "version");
    assert.deepEqual(rest.slice(0, 2).sort(), [
      ["secret", "set", "--type", "dev,preview,local", "LOGTO_SECRET"],
      ["secret", "set", "--type", "dev,preview,local", "STRIPE_KEY"],
    ]);
    assert.deepEqual(rest.slice(2), [
      ["run", "--debug", "--verbose", "--watch", "--listen", `127.0.0.1:${port}`, "--browser=never"],
    ]);
    for (const call of calls) assert.equal(call.cwd, project.dir);
    assert.equal(finished.stdout, "", "stdout carries results only; dev has none");
    assertNoLeftovers(world);
  });

  test("with packages turned off, the version check starts once encore run is spawned, not before the secrets", async () => {
    const { world, cli } = await setup({
      scenario: { secretSet: { delayMs: 150 } },
      yml: (port) => `backend:
  provider: encore-ts
  providers:
    encore-ts:
      install: {enabled: false}
      dev:
        env_file: .env.local
        listen: "127.0.0.1:${port}"
        encore_secrets:
          from_env: [STRIPE_KEY, LOGTO_SECRET]
`,
    });
    const run = cli();
    await run.waitForLine(/dev server ready/);
    // It runs in the background; wait until the double has logged it, then stop.
    const versionCall = async () => {
      for (let i = 0; i < 200; i++) {
        const call = world.calls().find((c) => c.argv[0] === "version");
        if (call) return call;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.fail("encore version was never called");
    };
    const version = await versionCall();
    run.kill("SIGTERM");
    assert.equal((await run.finished()).code, 0);
    const calls = world.calls();
    const secretPids = new Set(calls.filter((c) => commandOf(c) === "secret set").map((c) => c.pid));
    const secretsDone = world.events().filter((e) => e.event === "exit" && secretPids.has(e.pid));
    assert.equal(secretsDone.length, 2);
    // Each `secret set` sleeps 150 ms before it exits; a version check started first would have
    // logged its call long before the last of them exited. (Against `encore run`'s own call only
    // the spawn order is certain, not which double logs first, so that is not compared.)
    for (const done of secretsDone) assert.ok(version.time >= done.time, "version started after the secrets were set");
  });

  test("secret values reach encore on stdin and nowhere else", async () => {
    const { world, cli } = await setup();
    const run = cli();
    await run.waitForLine(/dev server ready/);
    run.kill("SIGTERM");
    const finished = await run.finished();
    const secrets = runnerCalls(world).filter((call) => commandOf(call) === "secret set");
    assert.deepEqual(secrets.map((call) => call.stdin).sort(), ["multi word value", "sk_test_51abcdef"]);
    for (const call of runnerCalls(world)) {
      assert.ok(!call.argv.join(" ").includes("sk_test_51abcdef"), "never in argv");
      assert.equal(call.env.STRIPE_KEY, undefined, "withheld from the environment");
      assert.equal(call.env.LOGTO_SECRET, undefined);
      assert.equal(call.env.PLAIN, "visible", "other env_file variables pass through");
    }
    assert.ok(!finished.stderr.includes("sk_test_51abcdef") && !finished.stderr.includes("multi word value"));
  });

  test("warns about a from_env variable with no value and carries on", async () => {
    const { cli } = await setup();
    const run = cli();
    await run.waitForLine(/secret NOT_SET is not set in the environment or env_file; not synced/);
    await run.waitForLine(/dev server ready/);
    run.kill("SIGINT");
    assert.equal((await run.finished()).code, 0);
  });

  test("prepares telemetry and the CA for Node and for the Go-based encore before the first call", async () => {
    const { project, world, cli } = await setup();
    const run = cli();
    await run.waitForLine(/dev server ready/);
    run.kill("SIGTERM");
    await run.finished();
    const calls = runnerCalls(world);
    for (const call of calls) {
      assert.equal(call.env.DISABLE_ENCORE_TELEMETRY, "1");
      assert.equal(call.env.NODE_EXTRA_CA_CERTS, project.path("certs", "ca.pem"));
      const bundle = readFileSync(call.env.SSL_CERT_FILE!, "utf8");
      assert.ok(bundle.includes(readFileSync(TEST_CA, "utf8").trim()), "the bundle holds the extra CA");
      assert.ok(bundle.length > readFileSync(TEST_CA, "utf8").length * 3, "and the system bundle");
      assert.equal(call.env.GIT_SSL_CAINFO, call.env.SSL_CERT_FILE);
      assert.equal(call.env.CURL_CA_BUNDLE, call.env.SSL_CERT_FILE);
    }
  });

  test("with STAGECRAFT_DEBUG_RELAY, relays that address to the app's inspector while encore run runs", async () => {
    const { cli } = await setup();
    const relayPort = await freePort();
    const run = cli(["dev"], { STAGECRAFT_DEBUG_RELAY: `127.0.0.1:${relayPort}` });
    await run.waitForLine(new RegExp(`debugger relay on 127\\.0\\.0\\.1:${relayPort} → 127\\.0\\.0\\.1:9229`));
    await run.waitForLine(/dev server ready/);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = createConnection(relayPort, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    assert.equal(accepted, true);
    run.kill("SIGTERM");
    await run.finished();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = createConnection(relayPort, "127.0.0.1", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });
    assert.equal(refused, true, "the relay outlived dev");
  });

  test("streams encore's output at the default level and says once when it is ready", async () => {
    const { port, cli } = await setup();
    const run = cli();
    const banner = await run.waitForLine(/Encore development server running!/);
    assert.match(banner, /INFO .*encore-ts dev .*\| /);
    const ready = await run.waitForLine(/dev server ready/);
    assert.match(ready, new RegExp(`ready at http://127\\.0\\.0\\.1:${port} .*readyMs=\\d+`));
    run.kill("SIGTERM");
    const { stderr } = await run.finished();
    assert.equal(stderr.match(/dev server ready/g)?.length, 1);
    assert.match(stderr, /Building Encore application graph\.\.\. Done!/);
  });

  test("JSON logs: every line is a record with provider, operation and feature, ANSI stripped", async () => {
    const { cli } = await setup();
    const run = cli(["dev", "--log-format", "json"], { NO_COLOR: undefined, FORCE_COLOR: "1" });
    await run.waitForLine(/dev server ready/);
    run.kill("SIGTERM");
    const { stderr } = await run.finished();
    const records = stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    for (const record of records) {
      assert.equal(record.provider, "encore-ts");
      assert.equal(record.feature, "PROVIDER_BACKEND_ENCORE");
      assert.equal(record.operation, "dev");
      assert.ok(!String(record.message).includes("\u001B"), "no ANSI in JSON");
    }
    const banner = records.find((record) => /Your API is running at/.test(record.message));
    assert.equal(banner?.stream, "stderr");
  });

  test("SIGTERM stops encore run with SIGINT and exits 0 with nothing left running", async () => {
    const { world, cli } = await setup();
    const run = cli();
    await run.waitForLine(/dev server ready/);
    run.kill("SIGTERM");
    const finished = await run.finished();
    assert.equal(finished.code, 0);
    const runCall = runnerCalls(world).find((call) => commandOf(call) === "run")!;
    const signals = world
      .events()
      .filter((event) => event.pid === runCall.pid && event.event === "signal")
      .map((event) => event.signal);
    assert.deepEqual(signals, ["SIGINT"]);
    assert.match(finished.stderr, /dev server stopped \(encore run exited with code 0\)/);
    assertNoLeftovers(world);
  });

  test("an encore run that ignores SIGINT is killed after dev.shutdown.timeout_ms", async () => {
    const { world, cli } = await setup({ scenario: { run: { mode: "ignore-sigint" } } });
    const run = cli();
    await run.waitForLine(/dev server ready/);
    run.kill("SIGINT");
    const finished = await run.finished();
    assert.equal(finished.code, 0);
    assert.match(finished.stderr, /did not stop in time and was killed \(SIGKILL\)/);
    assertNoLeftovers(world);
  });

  test("a second signal forces the stop at once", async () => {
    const { world, cli } = await setup({
      scenario: { run: { mode: "ignore-sigint" } },
      yml: (port) => `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev: {env_file: .env.local, listen: "127.0.0.1:${port}", shutdown: {timeout_ms: 60000}}
`,
    });
    const run = cli();
    await run.waitForLine(/dev server ready/);
    run.kill("SIGTERM");
    await run.waitForLine(/stopping dev server/);
    const started = performance.now();
    run.kill("SIGTERM");
    const finished = await run.finished();
    assert.equal(finished.code, 0);
    assert.ok(performance.now() - started < 30_000, "did not wait out the 60 s grace period");
    assert.match(finished.stderr, /received SIGTERM again; forcing the stop/);
    assertNoLeftovers(world);
  });

  const failures: [string, unknown, RegExp, RegExp][] = [
    [
      "crashes at start",
      { run: { mode: "crash-at-start" } },
      /encore run exited with code 1 although no stop was requested/,
      /error: /,
    ],
    [
      "crashes after ready",
      { run: { mode: "crash-after-ready", afterReadyMs: 50, exitCode: 2 } },
      /encore run exited with code 2 although no stop was requested/,
      /simulated crash/,
    ],
    [
      "exits 0 after ready",
      { run: { mode: "exit0-after-ready", afterReadyMs: 50 } },
      /encore run exited with code 0 although no stop was requested/,
      /Encore development server running/,
    ],
  ];
  for (const [name, scenario, message, tail] of failures) {
    test(`DEV_SERVER_FAILED (exit 6) with a log tail when encore run ${name}`, async () => {
      const { world, cli } = await setup({ scenario });
      const finished = await cli().finished();
      assert.equal(finished.code, 6, finished.stderr);
      assert.match(finished.stderr, /^encore-ts dev: DEV_SERVER_FAILED: /m);
      assert.match(finished.stderr, message);
      const detail = finished.stderr.split("  last output:\n")[1] ?? "";
      assert.match(detail, tail);
      assert.ok(!/at .*\.ts:\d+/.test(finished.stderr), "no stack trace");
      assertNoLeftovers(world);
    });
  }

  test("a dev server that never becomes ready is stopped after dev.readiness.timeout_ms", async () => {
    const { world, cli } = await setup({
      scenario: { run: { mode: "hang" } },
      yml: (port) => `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev: {env_file: .env.local, listen: "127.0.0.1:${port}", readiness: {timeout_ms: 1500}, shutdown: {timeout_ms: 2000}}
`,
    });
    const finished = await cli().finished();
    assert.equal(finished.code, 6);
    assert.match(
      finished.stderr,
      /DEV_SERVER_FAILED: dev server not ready after 1500 ms: no answer at http:\/\/127\.0\.0\.1:\d+; encore run was stopped/,
    );
    const runCall = runnerCalls(world).find((call) => commandOf(call) === "run")!;
    assert.ok(world.events().some((event) => event.pid === runCall.pid && event.signal === "SIGINT"));
    assertNoLeftovers(world);
  });

  test("readiness waits for the port, not only the banner", async () => {
    const { cli } = await setup({ scenario: { run: { listenDelayMs: 700 } } });
    const run = cli();
    const started = performance.now();
    await run.waitForLine(/Encore development server running!/);
    await run.waitForLine(/dev server ready/);
    assert.ok(performance.now() - started >= 600, "ready only once the port answers");
    run.kill("SIGTERM");
    assert.equal((await run.finished()).code, 0);
  });

  test("a taken listen port is named as such", async () => {
    const { port, cli } = await setup();
    const blocker: Server = createServer().listen(port, "127.0.0.1");
    await new Promise((resolve) => blocker.once("listening", resolve));
    defer(() => blocker.close());
    const finished = await cli().finished();
    assert.equal(finished.code, 6);
    assert.match(
      finished.stderr,
      new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}: the port is already in use`),
    );
  });

  test("--listen overrides dev.listen", async () => {
    const { world, cli } = await setup();
    const other = await freePort();
    const run = cli(["dev", "--listen", `127.0.0.1:${other}`]);
    await run.waitForLine(new RegExp(`ready at http://127\\.0\\.0\\.1:${other}`));
    run.kill("SIGTERM");
    await run.finished();
    assert.deepEqual(
      runnerCalls(world)
        .find((call) => commandOf(call) === "run")
        ?.argv.slice(4, 6),
      ["--listen", `127.0.0.1:${other}`],
    );
  });

  test("SECRET_SYNC_FAILED (exit 5) names the secret, its types, the exit code and stderr; dev never starts", async () => {
    const { world, cli } = await setup({ scenario: { secretSet: { fail: ["LOGTO_SECRET"] } } });
    const finished = await cli(["dev", "--log-format", "json"]).finished();
    assert.equal(finished.code, 5);
    const error = JSON.parse(finished.stderr.trim().split("\n").at(-1)!);
    assert.equal(error.category, "SECRET_SYNC_FAILED");
    assert.equal(error.secret, "LOGTO_SECRET");
    assert.deepEqual(error.types, ["dev", "preview", "local"]);
    assert.deepEqual([error.exitCode, error.encoreExitCode], [5, 1], "the runner's exit code, and encore's own");
    assert.match(error.detail, /unable to create secret/);
    assert.deepEqual([error.set, error.notSet], [["STRIPE_KEY"], ["LOGTO_SECRET"]]);
    assert.equal(
      runnerCalls(world).some((call) => commandOf(call) === "run"),
      false,
    );
  });

  test("an unlinked app's secret sync failure explains what to do", async () => {
    const { project, cli } = await setup();
    project.write("encore.app", '{"lang": "typescript"}');
    const finished = await cli().finished();
    assert.equal(finished.code, 5);
    assert.match(finished.stderr, /app is not linked with the Encore Platform/);
    assert.match(finished.stderr, /fix: link the app/);
  });

  test("redacts secret values in encore's own output", async () => {
    const { cli } = await setup({
      scenario: { echoEnv: true },
      env: "STRIPE_KEY=sk_test_51abcdef\nLOGTO_SECRET=another-secret-value\n",
    });
    const run = cli(["dev", "--log-level", "debug"]);
    await run.waitForLine(/dev server ready/);
    run.kill("SIGTERM");
    const { stderr } = await run.finished();
    assert.match(stderr, /\[redacted\]/, "the double echoed the stdin values");
    assert.ok(!stderr.includes("sk_test_51abcdef") && !stderr.includes("another-secret-value"));
  });

  test("PROVIDER_NOT_AVAILABLE (exit 4) when encore is not on PATH", async () => {
    const { project, world } = await setup();
    const finished = await runCli(["dev"], { cwd: project.dir, env: world.env({ PATH: "/usr/bin:/bin" }) });
    assert.equal(finished.code, 4);
    assert.match(finished.stderr, /^encore-ts dev: PROVIDER_NOT_AVAILABLE: the encore CLI was not found on PATH$/m);
  });

  test("INVALID_PROJECT (exit 3) without encore.app, and when encore.app is a directory", async () => {
    const { project, world } = await setup();
    project.remove();
    const noApp = encoreProject(
      `backend: {provider: encore-ts, providers: {encore-ts: {dev: {env_file: .env.local, listen: "127.0.0.1:4000"}}}}\n`,
    );
    defer(() => noApp.remove());
    const { rmSync, mkdirSync } = await import("node:fs");
    rmSync(noApp.path("encore.app"));
    let finished = await runCli(["dev"], { cwd: noApp.dir, env: world.env() });
    assert.equal(finished.code, 3);
    assert.match(finished.stderr, /INVALID_PROJECT: no encore.app found in /);
    mkdirSync(noApp.path("encore.app"));
    finished = await runCli(["dev"], { cwd: noApp.dir, env: world.env() });
    assert.equal(finished.code, 3);
    assert.match(finished.stderr, /encore.app is a directory/);
    assert.deepEqual(runnerCalls(world), [], "encore was never called");
  });

  test("INVALID_CONFIG (exit 2) names the field, the provider and the operation, and calls nothing", async () => {
    const { world, cli } = await setup({
      yml: () =>
        "backend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      dev: {env_file: .env.local, listen: 'localhost:99999'}\n",
    });
    const finished = await cli().finished();
    assert.equal(finished.code, 2);
    assert.equal(
      finished.stderr.split("\n")[0],
      'encore-ts dev: INVALID_CONFIG: backend.providers.encore-ts.dev.listen: port "99999" must be a number from 1 to 65535 in stagecraft.yml',
    );
    assert.deepEqual(runnerCalls(world), []);
  });

  test("an unknown provider lists the known ones", async () => {
    const { world, cli } = await setup({ yml: () => "backend:\n  provider: encore-go\n" });
    const finished = await cli().finished();
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /unknown provider "encore-go" in stagecraft.yml; known providers: encore-ts/);
    assert.deepEqual(runnerCalls(world), []);
  });
});
