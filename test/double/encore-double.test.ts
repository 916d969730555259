// The encore test double must reject what the real CLI rejects, with the same words.
// These tests pin its command line, `encore run`, `encore version`, the call log and
// the scenario knob. Secrets/auth and build/pack have their own files.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ENCORE, encore, freePort, getJSON, sandboxes, start, stripAnsi } from "./harness.ts";

const box = sandboxes();

const TS_APP = {
  "encore.app": '{\n  // comments are allowed\n  "id": "",\n  "lang": "typescript",\n}\n',
  "package.json": '{"name": "app", "dependencies": {"encore.dev": "1.56.4"}}\n',
  "node_modules/encore.dev/package.json": '{"name": "encore.dev", "version": "1.56.4"}\n',
};
const lastLine = (s: string) => s.trimEnd().split("\n").at(-1);

describe("command line (cobra/pflag rules)", { concurrency: true }, () => {
  const rejected: [string[], string][] = [
    [["run", "--debug", "enabled"], 'unknown command "enabled" for "encore run"'],
    [["run", "--debug=true"], 'invalid argument "true" for "--debug" flag: must be one of "enabled" or "break"'],
    [["run", "--watch", "false"], 'unknown command "false" for "encore run"'],
    [
      ["run", "--watch=yes"],
      'invalid argument "yes" for "-w, --watch" flag: strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    [["run", "--tunnel"], "unknown flag: --tunnel"],
    [["run", "-x"], "unknown shorthand flag: 'x' in -x"],
    [["run", "-vx"], "unknown shorthand flag: 'x' in -x"],
    [
      ["run", "--browser=sometimes"],
      'invalid argument "sometimes" for "--browser" flag: must be one of "auto", "never", or "always"',
    ],
    [["run", "--listen"], "flag needs an argument: --listen"],
    [["run", "-p"], "flag needs an argument: 'p' in -p"],
    [
      ["run", "-p", "abc"],
      'invalid argument "abc" for "-p, --port" flag: strconv.ParseUint: parsing "abc": invalid syntax',
    ],
    [
      ["run", "--port=-1"],
      'invalid argument "-1" for "-p, --port" flag: strconv.ParseUint: parsing "-1": invalid syntax',
    ],
    [
      ["run", "--level", "verbose"],
      'invalid argument "verbose" for "-l, --level" flag: must be one of "trace", "debug", "info", "warn", or "error"',
    ],
    [["run", "now"], 'unknown command "now" for "encore run"'],
    [["build", "docker"], "accepts 1 arg(s), received 0"],
    [["eject", "docker", "a", "b"], "accepts 1 arg(s), received 2"],
    [
      ["build", "docker", "img", "--arch=386"],
      'invalid argument "386" for "--arch" flag: must be one of "amd64" or "arm64"',
    ],
    [
      ["build", "docker", "img", "--os", "windows"],
      'invalid argument "windows" for "--os" flag: must be one of "linux"',
    ],
    [["secrets", "set"], "accepts 1 arg(s), received 0"],
    [["secret", "set", "A", "B"], "accepts 1 arg(s), received 2"],
    [["db", "shell", "a", "b"], "accepts at most 1 arg(s), received 2"],
  ];
  for (const [argv, message] of rejected) {
    test(`rejects \`encore ${argv.join(" ")}\` with usage, a blank line and "${message}"`, async () => {
      const b = await box();
      const r = await encore(argv, { cwd: b.app, env: b.env() });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^Usage:\n {2}encore /);
      assert.ok(r.stderr.endsWith(`\n\n${message}\n`), r.stderr);
    });
  }

  test("rejects an unknown top-level command with cobra's suggestions and no usage", async () => {
    const b = await box();
    const r = await encore(["runn"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'unknown command "runn" for "encore"\n\nDid you mean this?\n\trand\n\trun\n\n');
  });

  test("finds the subcommand past global flags and their values (-v, --trace FILE)", async () => {
    const b = await box();
    const r = await encore(["-vv", "--trace", "t.out", "version"], { cwd: b.app, env: b.env() });
    assert.equal(r.stdout, "encore version v1.56.4\n");
  });

  test("prints help on stdout and exits 0 for --help and for a group without a subcommand", async () => {
    const b = await box();
    const help = await encore(["run", "--help"], { cwd: b.app, env: b.env() });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Runs your application\n\nUsage:\n {2}encore run \[--debug\]/);
    assert.match(help.stdout, / {6}--debug string\[="enabled"\] +Compile for debugging/);
    const group = await encore(["secrets"], { cwd: b.app, env: b.env() });
    assert.equal(group.code, 0);
    assert.match(group.stdout, /Aliases:\n {2}secret, secrets\n/);
  });

  test("accepts what pflag accepts: bare --debug, --debug=break, --watch=false, -w=0, -vv, -p 0x1F90, --listen host", async () => {
    const b = await box();
    const accepted = [
      ["--debug", "--verbose", "--watch", "--listen", "127.0.0.1:4000", "--browser=never"],
      ["--debug=break", "--watch=false", "-vv", "--json", "--color", "--redact", "--no-color"],
      ["-w=0", "-p", "0x1F90", "--listen", "0.0.0.0", "-l", "warn", "-n", "default"],
    ];
    for (const args of accepted) {
      // crash-at-start fails right after the flags and app were accepted (before listening, with listenDelayMs).
      const env = b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-at-start","listenDelayMs":1}}' });
      const r = await encore(["run", ...args], { cwd: b.app, env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(stripAnsi(r.stderr), / {2}\u274c Building Encore application graph\.\.\. Failed: parse error\n/);
      assert.equal(
        lastLine(r.stderr),
        "error: could not parse app: simulated by ENCORE_DOUBLE_SCENARIO run.mode=crash-at-start",
      );
    }
  });

  test("exits 99 for a real command the double does not implement", async () => {
    const b = await box();
    const r = await encore(["app", "create", "x"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 99);
    assert.match(r.stderr, /"encore app" is a real Encore command the test double does not implement/);
  });
});

describe("app root", () => {
  test("fails with the real message when no encore.app is in the cwd or its parents", async () => {
    const b = await box({});
    const r = await encore(["run"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "error: no encore.app found in directory (or any of the parent directories)\n");
  });

  test("fails when encore.app is a directory", async () => {
    const b = await box({ "encore.app/.keep": "" });
    const r = await encore(["run"], { cwd: b.app, env: b.env() });
    assert.equal(r.stderr, "error: encore.app is a directory, not a file\n");
  });

  test("reads encore.app as HuJSON: comments and trailing commas after a value; a lone or doubled comma fails", async () => {
    const crash = '{"run":{"mode":"crash-at-start"}}';
    const good = await box({
      "encore.app": '// app\n{\n  "ID": "a,}", /* Go matches keys case-insensitively */\n  "lang": "go",\n}\n',
    });
    const ok = await encore(["run", "--port", String(await freePort())], {
      cwd: good.app,
      env: good.env({ ENCORE_DOUBLE_SCENARIO: crash }),
    });
    assert.match(ok.stderr, /simulated by ENCORE_DOUBLE_SCENARIO/);
    for (const text of ["{,}", '{"id": "x",,}', "[1,]", '{"id": "x" /* open']) {
      const b = await box({ "encore.app": text });
      const r = await encore(["run", "--port", String(await freePort())], {
        cwd: b.app,
        env: b.env({ ENCORE_DOUBLE_SCENARIO: crash }),
      });
      assert.equal(r.code, 1, text);
      assert.match(stripAnsi(r.stderr), /failed to resolve app: appfile\.Parse/, text);
    }
  });

  test("finds encore.app in a parent directory", async () => {
    const b = await box({ "encore.app": "{}", "svc/deep/.keep": "" });
    const r = await encore(["run"], {
      cwd: join(b.app, "svc", "deep"),
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-at-start"}}' }),
    });
    assert.match(r.stderr, /simulated by ENCORE_DOUBLE_SCENARIO/);
  });
});

describe("encore run", () => {
  test("serves the contract's command line: banner on stderr with ANSI URLs, HTTP answers, exit 0 on SIGINT", async () => {
    const b = await box(TS_APP);
    const port = await freePort();
    const args = ["run", "--debug", "--verbose", "--watch", "--listen", `127.0.0.1:${port}`, "--browser=never"];
    const p = start(args, { cwd: b.app, env: b.env() });
    const stderr = await p.waitFor("stderr", /MCP SSE URL: .*\n/);
    // v1.56.4 redraws the spinner block with cursor codes even when stderr is not a terminal.
    assert.match(
      stderr,
      /^\x1b7\x1b8\x1b\[0J\x1b\[1000D\x1b\[2K\x1b\[36m {2}\u280b Building Encore application graph\.\.\. \x1b\[0m\n/,
    );
    assert.match(stderr, /\x1b\[32m {2}\u2714 Building Encore application graph\.\.\. Done!\x1b\[0m\n/);
    assert.match(stderr, new RegExp(`Your API is running at: {5}\\x1b\\[36mhttp://127\\.0\\.0\\.1:${port}\\x1b\\[0m`));
    const plain = stripAnsi(stderr);
    assert.match(
      plain,
      /\n {2}Encore development server running!\n\n {2}Your API is running at: {5}http:\/\/127\.0\.0\.1:\d+\n {2}Development Dashboard URL: {2}http:\/\/127\.0\.0\.1:\d+\/[a-z0-9]+\n {2}MCP SSE URL: {16}http:\/\/127\.0\.0\.1:\d+\/sse\?appID=[a-z0-9]+\n/,
    );
    assert.equal(p.output.stdout, "");

    const hello = await getJSON(`http://127.0.0.1:${port}/hello`);
    assert.equal(hello.status, 200);
    const state = (await getJSON(`http://127.0.0.1:${port}/__double/state`)).body;
    assert.deepEqual(state["argv"], args);
    assert.equal(state["cwd"], b.app);
    assert.deepEqual(Object.keys(state["env"] as object), [
      "DISABLE_ENCORE_TELEMETRY",
      "NODE_EXTRA_CA_CERTS",
      "SSL_CERT_FILE",
      "ENCORE_SQLDB_HOST",
      "ENCORE_SQLDB_USER",
      "ENCORE_DEVDASH_LISTEN_ADDR",
      "DOCKER_HOST",
      "HOME",
      "USER",
    ]);
    assert.equal((state["env"] as Record<string, unknown>)["HOME"], b.home);
    assert.equal(state["caFileExists"], false);

    const dash = stripAnsi(stderr).match(/Development Dashboard URL: {2}(\S+)/)?.[1] ?? "";
    assert.deepEqual((await getJSON(dash)).body["dashboard"], true);

    p.child.kill("SIGINT");
    const done = await p.exited;
    assert.deepEqual([done.code, done.signal], [0, null]);
  });

  test("watches the app root only, as the daemon does: a workspace package beside it, node_modules, hidden folders and non-code files never reload", async () => {
    const b = await box({
      "apps/api/encore.app": "{}",
      "apps/api/svc/api.ts": "export {};\n",
      "apps/api/README.md": "",
      "apps/api/node_modules/@acme/shared/index.ts": "",
      "apps/api/.cache/x.ts": "",
      "packages/shared/index.ts": "export const greeting = 'hi';\n",
    });
    const api = join(b.app, "apps", "api");
    const p = start(["run", "--port", String(await freePort())], { cwd: api, env: b.env() });
    await p.waitFor("stderr", /MCP SSE URL/);
    for (const file of [
      "packages/shared/index.ts",
      "apps/api/README.md",
      "apps/api/node_modules/@acme/shared/index.ts",
      "apps/api/.cache/x.ts",
      "apps/api/svc/encore.gen.ts",
    ]) {
      b.write(file, "export const changed = 1;\n");
    }
    // A reload would follow these events within the watcher's 100 ms batch; none may come.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(p.output.stdout, "");
    b.write("apps/api/svc/api.ts", "export const changed = 2;\n");
    await p.waitFor("stdout", /Reloaded successfully\.\n/);
    assert.equal(stripAnsi(p.output.stdout), "Changes detected, recompiling...\nReloaded successfully.\n");
    p.child.kill("SIGINT");
    await p.exited;
  });

  test("dies by SIGTERM with the default action, like the Go binary", async () => {
    const b = await box();
    const p = start(["run", "--port", String(await freePort())], { cwd: b.app, env: b.env() });
    await p.waitFor("stderr", /MCP SSE URL/);
    p.child.kill("SIGTERM");
    const done = await p.exited;
    assert.deepEqual([done.code, done.signal], [null, "SIGTERM"]);
  });

  test("fails with the real message and a hint when the port is taken", async () => {
    const b = await box();
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, "127.0.0.1", resolve));
    try {
      const r = await encore(["run", "--listen", `127.0.0.1:${port}`], { cwd: b.app, env: b.env() });
      assert.equal(r.code, 1);
      const lines = stripAnsi(r.stderr).trimEnd().split("\n");
      assert.equal(lines[0], `Failed to run on 127.0.0.1:${port} - port is already in use`);
      assert.match(
        lines[1] ?? "",
        /^Note: (port \d+ is available; specify --port=\d+ to use it|specify --port=NUMBER to run on another port)$/,
      );
    } finally {
      busy.close();
    }
  });

  test("combines a bare --listen host with --port", async () => {
    const b = await box();
    const port = await freePort();
    const p = start(["run", "--listen", "127.0.0.1", "-p", String(port)], { cwd: b.app, env: b.env() });
    const stderr = stripAnsi(await p.waitFor("stderr", /MCP SSE URL/));
    assert.match(stderr, new RegExp(`Your API is running at: +http://127\\.0\\.0\\.1:${port}\\n`));
    p.child.kill("SIGINT");
    assert.equal((await p.exited).code, 0);
  });

  test("prints the usage-data note on stdout once, unless DISABLE_ENCORE_TELEMETRY is exactly 1", async () => {
    const b = await box();
    const note = /^\nNote: This CLI tool collects usage data to help us improve Encore\.\n/;
    const crash = '{"run":{"mode":"crash-at-start"}}';
    const optedOut = await encore(["run"], {
      cwd: b.app,
      env: b.env({ DISABLE_ENCORE_TELEMETRY: "1", ENCORE_DOUBLE_SCENARIO: crash }),
    });
    assert.equal(optedOut.stdout, "");
    const b2 = await box();
    const first = await encore(["run"], {
      cwd: b2.app,
      env: b2.env({ DISABLE_ENCORE_TELEMETRY: "true", ENCORE_DOUBLE_SCENARIO: crash }),
    });
    assert.match(stripAnsi(first.stdout), note);
    const second = await encore(["run"], {
      cwd: b2.app,
      env: b2.env({ DISABLE_ENCORE_TELEMETRY: undefined, ENCORE_DOUBLE_SCENARIO: crash }),
    });
    assert.equal(second.stdout, "");
  });

  test("v1.57.0 reports progress in line mode when stderr is not a terminal (NonInteractive)", async () => {
    const b = await box();
    const env = b.env({ ENCORE_DOUBLE_VERSION: "1.57.0", ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-at-start"}}' });
    const r = await encore(["run", "--port", String(await freePort())], { cwd: b.app, env });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^encore: Building Encore application graph\.\.\.\nencore: Analyzing service topology\.\.\.\n/m,
    );
    assert.match(r.stderr, /^encore: Building Encore application graph failed: parse error$/m);
    assert.doesNotMatch(r.stderr, /\x1b7/);
  });

  test("fails at 'Fetching application secrets' for a linked app without a login", async () => {
    const b = await box({ "encore.app": '{"id": "hello-x7k2"}' });
    const r = await encore(["run", "--port", String(await freePort())], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 1);
    assert.match(
      stripAnsi(r.stderr),
      /\u274c Fetching application secrets\.\.\. Failed: fetch secrets for hello-x7k2: Get "https:\/\/api\.encore\.cloud\/apps\/hello-x7k2\/secrets:values\?kind=development": not logged in: run 'encore auth login' first\n/,
    );
  });

  test("refuses an encore.dev newer than the CLI, and rewrites an older one to ^<cli version> then installs", async () => {
    const newer = await box({ ...TS_APP, "package.json": '{"dependencies": {"encore.dev": "^1.58.6"}}' });
    const r = await encore(["run"], { cwd: newer.app, env: newer.env() });
    assert.equal(r.code, 1);
    assert.equal(
      lastLine(r.stderr),
      "installed 'encore.dev' package version (1.58.6) newer than 'encore' release, run 'encore version update' first",
    );

    const older = await box({ ...TS_APP, "package.json": '{"dependencies": {"encore.dev": "1.56.2"}}' });
    const env = older.env({ ENCORE_DOUBLE_SCENARIO: '{"npmInstall":"fake","run":{"mode":"crash-at-start"}}' });
    await encore(["run"], { cwd: older.app, env });
    assert.deepEqual(JSON.parse(older.read("package.json")), { dependencies: { "encore.dev": "^1.56.4" } });
    const installs = older.events().filter((e) => e.event === "npm-install");
    assert.deepEqual(
      installs.map((e) => [e["command"], e["cwd"]]),
      [[["npm", "install"], older.app]],
    );

    const current = await box(TS_APP);
    await encore(["run"], {
      cwd: current.app,
      env: current.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-at-start"}}' }),
    });
    assert.equal(current.events().filter((e) => e.event === "npm-install").length, 0);
  });

  test("takes ENCORE_SQLDB_HOST from the daemon's environment, which only a daemon restart changes", async () => {
    const b = await box();
    const db = createServer((socket) => socket.end());
    const dbPort = await freePort();
    await new Promise<void>((resolve) => db.listen(dbPort, "127.0.0.1", resolve));
    try {
      const sqldb = `127.0.0.1:${dbPort}`;
      assert.equal((await encore(["daemon"], { cwd: b.app, env: b.env() })).stdout, "encore daemon is now running\n");
      const port = await freePort();
      const stale = start(["run", "--port", String(port)], { cwd: b.app, env: b.env({ ENCORE_SQLDB_HOST: sqldb }) });
      await stale.waitFor("stderr", /MCP SSE URL/);
      const before = (await getJSON(`http://127.0.0.1:${port}/__double/state`)).body;
      assert.equal((before["env"] as Record<string, unknown>)["ENCORE_SQLDB_HOST"], sqldb);
      assert.deepEqual(before["sqldb"], { host: null, reached: false });
      stale.child.kill("SIGINT");
      await stale.exited;

      await encore(["daemon"], { cwd: b.app, env: b.env({ ENCORE_SQLDB_HOST: sqldb }) });
      const fresh = start(["run", "--port", String(port)], { cwd: b.app, env: b.env({ ENCORE_SQLDB_HOST: sqldb }) });
      await fresh.waitFor("stderr", new RegExp(`sqldb: connected to ${sqldb}`));
      assert.deepEqual((await getJSON(`http://127.0.0.1:${port}/__double/state`)).body["sqldb"], {
        host: sqldb,
        reached: true,
      });
      fresh.child.kill("SIGINT");
      await fresh.exited;
    } finally {
      db.close();
    }
  });

  test("restarts the daemon when a config-hash variable such as ENCORE_DEVDASH_LISTEN_ADDR changes, not for others", async () => {
    const b = await box();
    const port = String(await freePort());
    const run = (extra: Record<string, string>) =>
      encore(["run", "--port", port], {
        cwd: b.app,
        env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-at-start"}}', ...extra }),
      });
    const daemons = () =>
      b
        .events()
        .filter((e) => e.event === "call" && (e["argv"] as string[]).join(" ") === "daemon -f")
        .map((e) => e.pid);
    assert.doesNotMatch((await run({})).stderr, /restarting daemon/);
    assert.doesNotMatch(
      (await run({ ENCORE_SQLDB_HOST: "127.0.0.1:1", ENCOREDEBUG: "1" })).stderr,
      /restarting daemon/,
    );
    assert.equal(daemons().length, 1);
    const moved = await run({ ENCORE_DEVDASH_LISTEN_ADDR: `127.0.0.1:${await freePort()}` });
    assert.match(moved.stderr, /^encore: restarting daemon due to configuration change\.$/m);
    assert.equal(daemons().length, 2);
  });

  test("SIGTERM kills the daemon without cleanup: its socket stays, and the next command replaces the dead daemon", async () => {
    const b = await box();
    assert.equal((await encore(["daemon"], { cwd: b.app, env: b.env() })).code, 0);
    const [pid] = b
      .events()
      .filter((e) => e.event === "call" && (e["argv"] as string[]).join(" ") === "daemon -f")
      .map((e) => e.pid);
    const socket = join(b.home, ".cache", "encore", "encored.sock");
    process.kill(pid!, "SIGTERM");
    await waitUntil(() => !alive(pid!));
    assert.ok(existsSync(socket), "the socket file was removed: that is SIGINT's cleanup, not SIGTERM's");
    assert.equal(
      readFileSync(join(b.home, ".cache", "encore", "daemon.log"), "utf8").includes("daemon exiting"),
      false,
    );
    assert.equal((await encore(["daemon"], { cwd: b.app, env: b.env() })).stdout, "encore daemon is now running\n");
    assert.equal(
      b.events().filter((e) => e.event === "call" && (e["argv"] as string[]).join(" ") === "daemon -f").length,
      2,
    );
  });

  test("exits 0 silently when the install layout is broken (the daemon dies; the CLI sees EOF)", async () => {
    const b = await box(TS_APP);
    mkdirSync(join(b.dir, "loose"));
    const loose = join(b.dir, "loose", "encore");
    copyFileSync(ENCORE, loose);
    const r = await encore(["run"], { cwd: b.app, env: b.env(), command: loose });
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stderr, /development server running/);
  });

  test("scenario crash-after-ready exits with exitCode after the banner", async () => {
    const b = await box();
    const env = b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-after-ready","afterReadyMs":0,"exitCode":3}}' });
    const r = await encore(["run", "--port", String(await freePort())], { cwd: b.app, env });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /development server running[\s\S]*Error: simulated crash/);
  });

  test("scenario ignore-sigint keeps running after SIGINT until SIGTERM", async () => {
    const b = await box();
    const p = start(["run", "--port", String(await freePort())], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"ignore-sigint"}}' }),
    });
    await p.waitFor("stderr", /MCP SSE URL/);
    p.child.kill("SIGINT");
    await p.waitFor("stderr", /received SIGINT, ignoring/);
    p.child.kill("SIGTERM");
    assert.equal((await p.exited).signal, "SIGTERM");
  });

  test("scenario flood writes N numbered lines with backpressure, then 'flood done'", async () => {
    const b = await box();
    const env = b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"flood":{"lines":20000,"stream":"both"}}}' });
    const p = start(["run", "--port", String(await freePort())], { cwd: b.app, env });
    const stdout = await p.waitFor("stdout", /^flood done$/m);
    await p.waitFor("stderr", /^flood done$/m);
    const lines = stdout.split("\n").filter((l) => l.startsWith("seq="));
    assert.equal(lines.length, 20000);
    assert.equal(lines[19999], `${"seq=20000 stream=stdout ".padEnd(69, ".")}`);
    p.child.kill("SIGINT");
    assert.equal((await p.exited).code, 0);
  });
});

describe("encore version", () => {
  test("prints the version on stdout, then fails the offline update check with exit 1", async () => {
    const b = await box();
    const r = await encore(["version"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "encore version v1.56.4\n");
    assert.match(
      r.stderr,
      /^error: could not check for update: update\.Check: Get "https:\/\/encore\.dev\/api\/releases\?/,
    );
  });

  test("behind HTTPS_PROXY the update check is a CONNECT through the proxy, and the proxy's refusal is the error", async () => {
    const seen: string[] = [];
    const proxy = createHttpServer();
    proxy.on("connect", (req, socket) => {
      seen.push(String(req.url));
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const b = await box();
      const r = await encore(["version"], {
        cwd: b.app,
        env: b.env({ HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` }),
      });
      assert.equal(r.code, 1);
      assert.deepEqual(seen, ["encore.dev:443"]);
      assert.match(r.stdout, /^encore version v/);
      assert.match(
        r.stderr,
        /^error: could not check for update: update\.Check: Get "https:\/\/encore\.dev\/api\/releases\?[^"]+": Forbidden\n$/,
      );
    } finally {
      proxy.close();
    }
  });

  test("reports ENCORE_DOUBLE_VERSION and the version.exitCode override", async () => {
    const b = await box();
    const env = b.env({ ENCORE_DOUBLE_VERSION: "1.58.2", ENCORE_DOUBLE_SCENARIO: '{"version":{"exitCode":0}}' });
    const r = await encore(["version"], { cwd: b.app, env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, "encore version v1.58.2\n", ""]);
  });

  test("checks for updates before it prints: where packets are dropped, nothing comes until the check times out", async () => {
    const b = await box();
    const env = b.env({ ENCORE_DOUBLE_SCENARIO: '{"version":{"updateCheck":"drop","dropMs":400}}' });
    const started = performance.now();
    const p = start(["version"], { cwd: b.app, env });
    await p.waitFor("stdout", /encore version/);
    assert.ok(performance.now() - started >= 400, "the version line came before the update check ended");
    const r = await p.exited;
    assert.equal(r.code, 1);
    assert.equal(p.output.stdout, "encore version v1.56.4\n");
    assert.match(
      p.output.stderr,
      /^error: could not check for update: update\.Check: Get "https:\/\/encore\.dev\/api\/releases\?arch=\w+&channel=ga&current=v1\.56\.4&os=linux": context deadline exceeded\n$/,
    );
  });

  test("an update notice follows the version line on stdout (exit 0); an unsupported version fails (exit 1)", async () => {
    const b = await box();
    const newer = await encore(["version"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"version":{"updateCheck":"newer"}}' }),
    });
    assert.deepEqual(
      [newer.code, stripAnsi(newer.stdout), newer.stderr],
      [0, "encore version v1.56.4\nUpdate available: v1.56.4 -> v1.57.0\nUpdate with: encore version update\n", ""],
    );
    const unsupported = await encore(["version"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"version":{"updateCheck":"unsupported"}}' }),
    });
    assert.deepEqual(
      [unsupported.code, unsupported.stdout, unsupported.stderr],
      [1, "encore version v1.56.4\n", "error: could not check for update: update.Check: unknown version\n"],
    );
  });

  test("daemon env prints the four ENCORE_* paths of the install layout", async () => {
    const b = await box();
    const r = await encore(["daemon", "env"], { cwd: b.app, env: b.env() });
    const root = join(ENCORE, "..", "..");
    assert.equal(
      r.stdout,
      `ENCORE_GOROOT=${root}/encore-go\nENCORE_RUNTIMES_PATH=${root}/runtimes\nENCORE_RUNTIME_LIB=${root}/runtimes/js/encore-runtime.node\nENCORE_DAEMON_LOG_PATH=${b.home}/.cache/encore/daemon.log\n`,
    );
  });
});

describe("call log and scenario knob", () => {
  test("records every call, including rejected ones, with argv, cwd, env, stdin and the exit", async () => {
    const b = await box();
    await encore(["run", "--tunnel"], { cwd: b.app, env: b.env({ MARKER: "m1" }) });
    const events = b.events();
    const call = events.find((e) => e.event === "call");
    assert.ok(call);
    assert.deepEqual(call["argv"], ["run", "--tunnel"]);
    assert.equal(call["cwd"], b.app);
    assert.equal((call["env"] as Record<string, string>)["MARKER"], "m1");
    assert.equal(call["stdin"], null);
    assert.equal(call["stdinIsTTY"], false);
    assert.deepEqual(
      events.filter((e) => e.pid === call.pid && e.event === "exit").map((e) => e["code"]),
      [1],
    );
  });

  test("records the signals a running double receives", async () => {
    const b = await box();
    const p = start(["run", "--port", String(await freePort())], { cwd: b.app, env: b.env() });
    await p.waitFor("stderr", /MCP SSE URL/);
    p.child.kill("SIGINT");
    await p.exited;
    const mine = b.events().filter((e) => e.pid === p.child.pid);
    assert.deepEqual(
      mine.map((e) => e.event),
      ["call", "signal", "exit"],
    );
    assert.equal(mine[1]?.["signal"], "SIGINT");
  });

  test("exits 99 on a scenario that is not JSON or has an unknown key", async () => {
    const b = await box();
    const bad = await encore(["version"], { cwd: b.app, env: b.env({ ENCORE_DOUBLE_SCENARIO: "{run:" }) });
    assert.equal(bad.code, 99);
    assert.match(bad.stderr, /^encore test double: ENCORE_DOUBLE_SCENARIO is not valid JSON/);
    const typo = await encore(["version"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mod":"hang"}}' }),
    });
    assert.equal(typo.code, 99);
    assert.match(typo.stderr, /unknown key run\.mod/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls a condition the OS gives no event for (a foreign process's death). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.ok(condition(), "condition not met within 5 s");
}
