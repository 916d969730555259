import assert from "node:assert/strict";
import { once } from "node:events";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { commandOf, runnerCalls, type DoubleCall } from "../support/double.ts";
import { TEST_CA } from "../support/project.ts";
import { cleanupsOf, devBlock, exitOf, listenOnSocket, noCalls, run, runRow, signalsOf, type Row } from "./run-row.ts";

// Every fault that needs no container: one row each, run through the CLI as a
// subprocess against the strict encore double (JSON logs, so the error is one record).
// Some rows repeat test/provider/encore-ts/*.test.ts on purpose: this table is the one
// place that lists every fault. After every row, no encore process the runner started is
// left (Encore's own `daemon -f` outlives its callers by design, and is excluded).

/** Start-up plus a stop: far below a phase's own duration (60 s) and Docker's 10 s stop timeout. */
const STOP_BOUND_MS = 8_000;
const SECRETS = ["S1", "S2", "S3", "S4", "S5", "S6"];
const PRIVATE_KEY =
  "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";

const rows: Row[] = [
  {
    name: "encore missing from PATH",
    env: () => ({ PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }),
    code: 4,
    category: "PROVIDER_NOT_AVAILABLE",
    message: /^the encore CLI was not found on PATH$/,
    check: noCalls,
  },
  {
    name: "encore on PATH but not executable",
    files: { "bin/encore": "#!/bin/sh\nexit 0\n" },
    env: (ctx) => ({ PATH: `${ctx.project.path("bin")}:${dirname(process.execPath)}:/usr/bin:/bin` }),
    code: 4,
    category: "PROVIDER_NOT_AVAILABLE",
    message: /\/bin\/encore is not executable$/,
    check: noCalls,
  },
  {
    name: "encore run crashes at start with an error",
    scenario: { run: { mode: "crash-at-start" } },
    code: 6,
    category: "DEV_SERVER_FAILED",
    message: /encore run exited with code 1 although no stop was requested/,
    detail: /error: /,
  },
  {
    name: "encore run crashes after ready",
    scenario: { run: { mode: "crash-after-ready", afterReadyMs: 50, exitCode: 2 } },
    code: 6,
    category: "DEV_SERVER_FAILED",
    message: /encore run exited with code 2 although no stop was requested/,
    detail: /simulated crash/,
  },
  {
    name: "encore run exits 0 after ready, unasked",
    scenario: { run: { mode: "exit0-after-ready", afterReadyMs: 50 } },
    code: 6,
    category: "DEV_SERVER_FAILED",
    message: /encore run exited with code 0 although no stop was requested/,
    detail: /Encore development server running/,
  },
  {
    name: "encore run hangs without a banner: readiness timeout, then a graceful stop",
    scenario: { run: { mode: "hang" } },
    dev: (ctx) =>
      `{env_file: .env.local, listen: "127.0.0.1:${ctx.port}", readiness: {timeout_ms: 1500}, shutdown: {timeout_ms: 2000}}`,
    code: 6,
    category: "DEV_SERVER_FAILED",
    message: /^dev server not ready after 1500 ms: .*; encore run was stopped/,
    check: ({ world }) => assert.deepEqual(signalsOf(world, run(world)), ["SIGINT"]),
  },
  {
    name: "encore run ignores SIGINT: SIGKILL after dev.shutdown.timeout_ms",
    scenario: { run: { mode: "ignore-sigint" } },
    dev: (ctx) => `{env_file: .env.local, listen: "127.0.0.1:${ctx.port}", shutdown: {timeout_ms: 1000}}`,
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /did not stop in time and was killed \(SIGKILL\)/,
    check: ({ world }, finished) => {
      assert.deepEqual(signalsOf(world, run(world)), ["SIGINT"], "SIGINT first, then SIGKILL (which leaves no event)");
      assert.equal(exitOf(world, run(world)), undefined, "killed, not exited");
      assert.ok(finished.ms < 10_000);
    },
  },
  {
    name: "SIGTERM twice: the second forces the stop at once",
    scenario: { run: { mode: "ignore-sigint" } },
    dev: (ctx) => `{env_file: .env.local, listen: "127.0.0.1:${ctx.port}", shutdown: {timeout_ms: 60000}}`,
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGTERM");
      await cli.waitForLine(/stopping dev server/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /received SIGTERM again; forcing the stop/,
    check: (_ctx, finished) =>
      assert.ok(finished.ms < 20_000, `took ${finished.ms} ms; the 60 s grace period was not waited out`),
  },
  {
    name: "secret set fails on the 3rd of 6 (concurrency 2): set and not set are named, and nothing runs",
    scenario: { secretSet: { fail: ["S3"], delayMs: 150 } },
    dev: devBlock(`, encore_secrets: {from_env: [${SECRETS.join(", ")}], concurrency: 2}`),
    envFile: SECRETS.map((name) => `${name}=value-of-${name}\n`).join(""),
    code: 5,
    category: "SECRET_SYNC_FAILED",
    message: /^encore secret set S3 \(types dev,preview,local\) exited with code 1/,
    detail: /unable to create secret: permission denied/,
    check: ({ world, values }, { error }) => {
      const { secret, set, notSet } = error as { secret: string; set: string[]; notSet: string[] };
      assert.equal(secret, "S3");
      assert.deepEqual([...set, ...notSet].sort(), SECRETS, "every secret is either set or not set");
      assert.ok(set.includes("S1") && set.includes("S2") && notSet.includes("S3"), `set ${set}, not set ${notSet}`);
      const calls = runnerCalls(world).filter((call) => commandOf(call) === "secret set");
      const name = (call: DoubleCall) => call.argv.at(-1)!;
      for (const call of calls) {
        const succeeded = exitOf(world, call) === 0;
        assert.equal(succeeded, set.includes(name(call)), `${name(call)}: the call log and the error record agree`);
        if (succeeded) assert.equal(call.stdin, values[name(call)], "the value reached stdin intact");
      }
      assert.ok(calls.length < SECRETS.length, "the sync stopped at the failure");
      assert.equal(calls[0] && name(calls[0]), "S1", "the first call runs alone");
      assert.equal(run(world), undefined, "encore run never started");
    },
  },
  {
    name: "Docker socket missing, for build",
    build: "{}",
    args: ["build", "--tag", "v1"],
    env: () => ({ DOCKER_HOST: "unix:///nonexistent.sock" }),
    code: 4,
    category: "PROVIDER_NOT_AVAILABLE",
    message: /^the Docker engine is not usable: no Docker socket at \/nonexistent\.sock$/,
    check: noCalls,
  },
  {
    name: "Docker socket permission denied, for build",
    build: "{}",
    args: ["build", "--tag", "v1"],
    unprivileged: true,
    prepare: async (ctx) => {
      const socket = await listenOnSocket(ctx.project.path("docker.sock"));
      cleanupsOf(ctx).push(() => socket.close());
      chmodSync(ctx.project.path("docker.sock"), 0o000);
    },
    env: (ctx) => ({ DOCKER_HOST: `unix://${ctx.project.path("docker.sock")}` }),
    code: 4,
    category: "PROVIDER_NOT_AVAILABLE",
    message:
      /^the Docker engine is not usable: permission denied on \/.*\/docker\.sock \(owned by group \d+; this process runs as uid \d+/,
    check: noCalls,
  },
  {
    name: "a build cancelled with SIGTERM while encore exits 0",
    scenario: { build: { load: false, hang: true } },
    build: "{}",
    args: ["build", "--tag", "v1"],
    drive: async (cli) => {
      await cli.waitForLine(/compiling Encore application/);
      cli.kill("SIGTERM");
    },
    code: 7,
    category: "BUILD_FAILED",
    message: /^build of api:v1 was cancelled \(encore exited with code 0\)/,
    check: ({ world }, finished) => {
      const build = runnerCalls(world).find((call) => commandOf(call) === "build docker");
      assert.deepEqual(signalsOf(world, build), ["SIGINT"]);
      assert.equal(exitOf(world, build), 0, "encore itself exited 0");
      assert.equal(finished.stdout, "", "no image reference on stdout");
    },
  },
  {
    name: "the listen port is already taken",
    prepare: async (ctx) => {
      const blocker = createServer().listen(ctx.port, "127.0.0.1");
      await once(blocker, "listening");
      cleanupsOf(ctx).push(() => blocker.close());
    },
    code: 6,
    category: "DEV_SERVER_FAILED",
    message: /could not listen on 127\.0\.0\.1:\d+: the port is already in use/,
    detail: /Failed to run on 127\.0\.0\.1:\d+ - port is already in use/,
  },
  {
    name: "an env file with a BOM, CRLF, export, quotes, a multiline value and invalid lines",
    dev: devBlock(", encore_secrets: {from_env: [SECRET_PEM, SECRET_QUOTED, SECRET_EXPORTED]}"),
    envFile: Buffer.from(
      [
        "\uFEFFBOM_FIRST=first",
        "export EXPORTED=yes",
        "SINGLE='single # not a comment'",
        'MULTI="line one\r\nline two"',
        "this line is invalid",
        "=novalue",
        "SPACED =  padded value  ",
        "INLINE=value # a comment",
        'SECRET_PEM="-----BEGIN KEY-----\r\nabc\r\n-----END KEY-----"',
        "SECRET_QUOTED='p@ss w0rd # $HOME \"q\"'",
        "export SECRET_EXPORTED=exported-secret",
        "",
      ].join("\r\n"),
    ),
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /dev server stopped/,
    check: ({ world }) => {
      const env = run(world)!.env;
      // dotenv's reading: CRLF inside quotes becomes LF; the rest of an invalid line's file is unaffected.
      assert.deepEqual(
        [env.BOM_FIRST, env.EXPORTED, env.SINGLE, env.MULTI, env.SPACED, env.INLINE],
        ["first", "yes", "single # not a comment", "line one\nline two", "padded value", "value"],
      );
      assert.equal(
        Object.keys(env).some((key) => key.startsWith("\uFEFF") || key === "" || key.includes(" ")),
        false,
        "no BOM, empty or invalid key",
      );
      const stdin = Object.fromEntries(
        runnerCalls(world)
          .filter((call) => commandOf(call) === "secret set")
          .map((call) => [call.argv.at(-1), call.stdin]),
      );
      assert.deepEqual(stdin, {
        SECRET_PEM: "-----BEGIN KEY-----\nabc\n-----END KEY-----",
        SECRET_QUOTED: 'p@ss w0rd # $HOME "q"',
        SECRET_EXPORTED: "exported-secret",
      });
      for (const name of Object.keys(stdin))
        assert.equal(env[name], undefined, `${name} is withheld from encore run's environment`);
    },
  },
  {
    name: "the CA file is missing",
    dev: devBlock(", node_extra_ca_certs: certs/missing.pem"),
    code: 2,
    category: "INVALID_CONFIG",
    message: /dev\.node_extra_ca_certs: file not found: \/.*\/certs\/missing\.pem/,
    check: noCalls,
  },
  {
    name: "the CA file is garbage",
    dev: devBlock(", node_extra_ca_certs: certs/ca.pem"),
    files: { "certs/ca.pem": "this is not a certificate\n" },
    code: 2,
    category: "INVALID_CONFIG",
    message: /dev\.node_extra_ca_certs: \/.*\/certs\/ca\.pem is not a PEM certificate: it contains no PEM certificate/,
    check: noCalls,
  },
  {
    name: "the CA file has a CERTIFICATE block that is not a certificate",
    dev: devBlock(", node_extra_ca_certs: certs/ca.pem"),
    files: { "certs/ca.pem": "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n" },
    code: 2,
    category: "INVALID_CONFIG",
    message: /is not a PEM certificate: a CERTIFICATE block does not parse as an X\.509 certificate/,
    check: noCalls,
  },
  {
    name: "the CA file is a private key",
    dev: devBlock(", node_extra_ca_certs: certs/ca.pem"),
    files: { "certs/ca.pem": `${readFileSync(TEST_CA, "utf8")}${PRIVATE_KEY}` },
    code: 2,
    category: "INVALID_CONFIG",
    message: /dev\.node_extra_ca_certs: \/.*\/certs\/ca\.pem contains a PRIVATE KEY, not a CA certificate/,
    check: noCalls,
  },
  {
    name: "the CA file is not readable",
    dev: devBlock(", node_extra_ca_certs: certs/ca.pem"),
    unprivileged: true,
    prepare: (ctx) => chmodSync(ctx.project.path("certs", "ca.pem"), 0o000),
    code: 2,
    category: "INVALID_CONFIG",
    message: /dev\.node_extra_ca_certs: \/.*\/certs\/ca\.pem is not readable: EACCES/,
    check: noCalls,
  },
  {
    name: "the env file is not readable",
    unprivileged: true,
    prepare: (ctx) => chmodSync(ctx.project.path(".env.local"), 0o000),
    code: 2,
    category: "INVALID_CONFIG",
    message: /dev\.env_file: cannot read \/.*\/\.env\.local: EACCES/,
    check: noCalls,
  },
  {
    // The runner writes nothing into the project (the CA bundle goes to ~/.cache, sync state
    // to HOME), and a linked app's `encore run` writes nothing there either: dev works.
    name: "the project dir is not writable: a linked app runs",
    unprivileged: true,
    prepare: (ctx) => chmodSync(ctx.project.dir, 0o555),
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /dev server stopped \(encore run exited with code 0\)/,
    check: ({ project }) =>
      assert.deepEqual(
        readdirSync(project.dir).sort(),
        [".env.local", "certs", "encore.app", "node_modules", "package.json", "stagecraft.yml"],
        "nothing was written",
      ),
  },
  {
    // An unlinked app's `encore run` creates .encore/manifest.json (its local app ID), as the
    // real one does (manifest.ReadOrCreate): encore's own error, surfaced with the tail.
    name: "the project dir is not writable: an unlinked app's encore run fails, its error in the tail",
    unprivileged: true,
    files: { "encore.app": '{"lang": "typescript"}\n' },
    prepare: (ctx) => chmodSync(ctx.project.dir, 0o555),
    code: 6,
    category: "DEV_SERVER_FAILED",
    message: /encore run exited with code 1 although no stop was requested/,
    detail: /read\/create manifest: .*permission denied/,
    check: ({ world }) =>
      assert.deepEqual(
        runnerCalls(world).map(commandOf).sort(),
        ["run", "version"],
        "the runner got as far as encore run",
      ),
  },
  // Stops in every phase: prompt (well within dev.shutdown.timeout_ms, 3 s here, plus start-up),
  // a requested stop (exit 0 for dev, BUILD_FAILED for a build), nothing left running.
  {
    name: "SIGTERM during a slow encore secret set: stopped at once, exit 0, dev never starts",
    scenario: { secretSet: { delayMs: 60_000 } },
    dev: devBlock(", encore_secrets: {from_env: [S1]}"),
    envFile: "S1=value-of-S1\n",
    drive: async (cli) => {
      await cli.waitForLine(/syncing 1 secret/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /received SIGTERM; stopping/,
    check: ({ world }, finished) => {
      assert.equal(run(world), undefined, "encore run never started");
      assert.doesNotMatch(finished.stderr, /SECRET_SYNC_FAILED/);
      assert.ok(finished.ms < STOP_BOUND_MS, `took ${Math.round(finished.ms)} ms`);
    },
  },
  {
    name: "Ctrl-C to the whole process group during the secret sync is a requested stop, not SECRET_SYNC_FAILED",
    scenario: { secretSet: { delayMs: 60_000 } },
    dev: devBlock(", encore_secrets: {from_env: [S1]}"),
    envFile: "S1=value-of-S1\n",
    group: true,
    drive: async (cli, ctx) => {
      await cli.waitForLine(/syncing 1 secret/);
      // Only once `encore secret set` runs (in its own session): a Ctrl-C that lands between the
      // fork and the child's setsid() reaches the child too, which no terminal user can time.
      for (let waited = 0; !runnerCalls(ctx.world).some((call) => commandOf(call) === "secret set"); waited += 20) {
        if (waited > 10_000) throw new Error("encore secret set never started");
        await delay(20);
      }
      cli.interruptGroup();
    },
    code: 0,
    message: /received SIGINT; stopping/,
    check: (_ctx, finished) => assert.ok(finished.ms < STOP_BOUND_MS, `took ${Math.round(finished.ms)} ms`),
  },
  {
    name: "SIGTERM during a slow encore auth login: stopped at once, exit 0",
    scenario: { auth: { delayMs: 60_000 } },
    env: () => ({ ENCORE_AUTH_KEY: "ek_fault_matrix_key_0001" }),
    drive: async (cli) => {
      await cli.waitForLine(/logging in to Encore/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /received SIGTERM; stopping/,
    check: ({ world }, finished) => {
      assert.equal(run(world), undefined, "encore run never started");
      assert.ok(finished.ms < STOP_BOUND_MS, `took ${Math.round(finished.ms)} ms`);
    },
  },
  {
    name: "SIGTERM while waiting for readiness: SIGINT to encore run, exit 0",
    scenario: { run: { mode: "hang" } },
    drive: async (cli) => {
      // A line encore run printed: it is up and handles SIGINT.
      await cli.waitForLine(/"stream":"std(out|err)"/);
      cli.kill("SIGTERM");
    },
    // encore run may still be starting its daemon here, and then ends as the double does; what
    // matters is a prompt, requested stop with nothing left running.
    code: 0,
    message: /stopping dev server \(SIGINT to encore run\)[\s\S]*dev server stopped/,
    check: (_ctx, finished) => assert.ok(finished.ms < STOP_BOUND_MS, `took ${Math.round(finished.ms)} ms`),
  },
  {
    name: "Ctrl-C to the whole process group during a build: BUILD_FAILED (cancelled), SIGINT to encore once",
    scenario: { build: { load: false, hang: true } },
    build: "{}",
    args: ["build", "--tag", "v1"],
    group: true,
    drive: async (cli) => {
      await cli.waitForLine(/compiling Encore application/);
      cli.interruptGroup();
    },
    code: 7,
    category: "BUILD_FAILED",
    message: /^build of api:v1 was cancelled/,
    check: ({ world }) =>
      assert.deepEqual(
        signalsOf(
          world,
          runnerCalls(world).find((call) => commandOf(call) === "build docker"),
        ),
        ["SIGINT"],
        "encore's own group was not signalled by the terminal",
      ),
  },
  {
    name: "SIGHUP (the terminal closed) is a stop request like SIGTERM, and says so",
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGHUP");
    },
    code: 0,
    message: /received SIGHUP; stopping/,
    check: ({ world }) =>
      assert.deepEqual(signalsOf(world, run(world)), ["SIGINT"], "encore run gets SIGINT, its graceful stop"),
  },
  {
    name: "SIGUSR1 does not open Node's inspector",
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGUSR1");
      await delay(500);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /dev server stopped/,
    check: (_ctx, finished) => assert.doesNotMatch(finished.stderr, /Debugger listening/),
  },
  {
    name: "the runner is SIGKILLed: encore run dies with it instead of serving on",
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGKILL");
    },
    code: null,
    message: /dev server ready/,
    // The row then checks that no encore process the runner started is left.
  },
  // Ordinary environment mistakes: a category, the thing named, a fix; never exit 70.
  {
    name: "GITHUB_OUTPUT not writable after a successful build: a warning, exit 0, the reference on stdout",
    scenario: { build: { load: false } },
    build: "{}",
    args: ["build", "--tag", "v1"],
    env: (ctx) => ({ GITHUB_OUTPUT: ctx.project.path("no", "such", "dir", "output") }),
    code: 0,
    message: /could not append image=api:v1 to GITHUB_OUTPUT \(.*\): ENOENT; the image itself is fine/,
    check: (_ctx, finished) => assert.equal(finished.stdout, "api:v1\n"),
  },
  {
    // plan prepares the environment as dev does (the bundle included) and runs nothing: encore
    // itself needs a writable HOME, which is its own matter.
    name: "node_extra_ca_certs with a HOME that cannot be written: the bundle goes to a temp dir, with a warning",
    dev: devBlock(", node_extra_ca_certs: certs/ca.pem"),
    args: ["plan", "dev"],
    env: (ctx) => ({ HOME: ctx.project.path("stagecraft.yml"), XDG_CACHE_HOME: "" }),
    code: 0,
    message:
      /cannot write the CA bundle to .*stagecraft\.yml\/\.cache\/stagecraft-encore \(ENOTDIR\); using \/.*stagecraft-encore-ca-/,
  },
  {
    name: "mode: local in a read-only project: SECRET_SYNC_FAILED naming the file, with a fix",
    dev: devBlock(", encore_secrets: {from_env: [S1], mode: local}"),
    envFile: "S1=value-of-S1\n",
    unprivileged: true,
    prepare: (ctx) => chmodSync(ctx.project.dir, 0o555),
    code: 5,
    category: "SECRET_SYNC_FAILED",
    message: /^cannot write the local secrets file \/.*\/\.secrets\.local\.cue \(EACCES\)$/,
    check: (_ctx, finished) => assert.match(String(finished.error!.fix), /read-only here: make it writable/),
  },
  {
    name: "mode: local with a directory where .secrets.local.cue belongs",
    dev: devBlock(", encore_secrets: {from_env: [S1], mode: local}"),
    envFile: "S1=value-of-S1\n",
    prepare: (ctx) => mkdirSync(ctx.project.path(".secrets.local.cue")),
    code: 5,
    category: "SECRET_SYNC_FAILED",
    message: /\.secrets\.local\.cue is a directory, not a file; it is left untouched/,
  },
  {
    name: "mode: local with encore.app in a parent outside the project: refused before anything is written",
    dev: devBlock(", encore_secrets: {from_env: [S1], mode: local}"),
    envFile: "S1=value-of-S1\n",
    prepare: (ctx) => {
      // The project is a subdirectory of the app: encore.app is found above it.
      mkdirSync(ctx.project.path("inner"));
      for (const name of ["stagecraft.yml", ".env.local"])
        renameSync(ctx.project.path(name), ctx.project.path("inner", name));
      ctx.cwd = ctx.project.path("inner");
    },
    code: 3,
    category: "INVALID_PROJECT",
    message: /mode: local would write .*\/\.secrets\.local\.cue, outside the project .*\/inner/,
    check: noCalls,
  },
  {
    name: "skip_unchanged with a corrupted state file: a warning, every secret synced",
    dev: devBlock(", encore_secrets: {from_env: [S1], skip_unchanged: true}"),
    envFile: "S1=value-of-S1\n",
    prepare: (ctx) => {
      const dir = join(ctx.world.home.dir, ".config", "encore", "stagecraft-encore");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "secret-sync.json"), '{"version": 1, "secrets": null}');
    },
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /secret-sync\.json is not a sync state this tool wrote; it is replaced/,
  },
  {
    name: "skip_unchanged with a named pipe as the state file: not blocked on, a warning",
    dev: devBlock(", encore_secrets: {from_env: [S1], skip_unchanged: true}"),
    envFile: "S1=value-of-S1\n",
    prepare: (ctx) => {
      const dir = join(ctx.world.home.dir, ".config", "encore", "stagecraft-encore");
      mkdirSync(dir, { recursive: true });
      execFileSync("mkfifo", [join(dir, "secret-sync.json")]);
    },
    drive: async (cli) => {
      await cli.waitForLine(/dev server ready/);
      cli.kill("SIGTERM");
    },
    code: 0,
    message: /secret-sync\.json cannot be used \(not-a-file\)/,
  },
  {
    name: "a NUL byte in an env-file value: INVALID_CONFIG naming the key, not the value",
    envFile: Buffer.from("GOOD=1\nBAD=ab\u0000cd\n"),
    code: 2,
    category: "INVALID_CONFIG",
    message: /env_file: .*\.env\.local: the value of BAD contains a NUL byte/,
    check: noCalls,
  },
  {
    name: "an env file that is a named pipe: refused without blocking",
    prepare: (ctx) => {
      rmSync(ctx.project.path(".env.local"));
      execFileSync("mkfifo", [ctx.project.path(".env.local")]);
    },
    code: 2,
    category: "INVALID_CONFIG",
    message: /env_file/,
    check: noCalls,
  },
  {
    name: "from_env: [PATH] is refused: encore needs it",
    dev: devBlock(", encore_secrets: {from_env: [PATH]}"),
    code: 2,
    category: "INVALID_CONFIG",
    message: /"PATH" cannot be a secret: it would be withheld from encore's environment/,
    check: noCalls,
  },
  {
    name: "encore.app is a directory",
    prepare: (ctx) => {
      rmSync(ctx.project.path("encore.app"));
      mkdirSync(ctx.project.path("encore.app"));
    },
    code: 3,
    category: "INVALID_PROJECT",
    message: /\/encore\.app is a directory, not Encore's app file$/,
    check: noCalls,
  },
];

describe("fault matrix (the rows that need no container)", { concurrency: 2 }, () => {
  for (const row of rows) test(row.name, () => runRow(row));
});
