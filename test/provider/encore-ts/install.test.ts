import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { ProviderError } from "../../../src/errors/index.ts";
import { stopRequest } from "../../../src/process/spawn.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { MARKER_FILE } from "../../../src/packages/marker.ts";
import { checkInstalledSdk } from "../../../src/provider/encore-ts/sdk-check.ts";
import { prepareInstall, runInstall } from "../../../src/provider/encore-ts/install.ts";
import { deferred } from "../../support/cleanup.ts";
import { ROOT, tempProject, type TempProject } from "../../support/project.ts";

const defer = deferred();
const FAKE_BIN = join(ROOT, "test", "fixtures", "package-manager", "bin");
/** A fake corepack, apart from the fake managers so a test can put it on PATH or not. */
const COREPACK_BIN = join(ROOT, "test", "fixtures", "package-manager", "corepack");
const NODE_DIR = join(process.execPath, "..");

function app(files: Record<string, string> = {}): TempProject {
  const project = tempProject({
    "encore.app": "{}",
    "package.json": JSON.stringify({ name: "a", dependencies: { "encore.dev": "1.56.4" } }),
    ...files,
  });
  defer(() => project.remove());
  return project;
}

function logger() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    log: createLogger({ level: "debug", format: "json", color: false, stream, context: { operation: "dev" } }),
    records: () =>
      chunks
        .join("")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

function env(project: TempProject, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${FAKE_BIN}:${NODE_DIR}`,
    FAKE_PM_LOG: project.path("pm.jsonl"),
    NODE_EXTRA_CA_CERTS: "/ca.pem",
    HTTPS_PROXY: "http://proxy:3128",
    DISABLE_ENCORE_TELEMETRY: "1",
    ...extra,
  };
}

const calls = (project: TempProject) =>
  existsSync(project.path("pm.jsonl"))
    ? readFileSync(project.path("pm.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { name: string; argv: string[]; cwd: string; env: Record<string, string> })
    : [];

const settings = { enabled: true, timeoutMs: 60_000 };
const never = stopRequest([new AbortController().signal]);

/** prepareInstall for `project` as dev calls it; `options` replace any of that. */
function prepare(project: TempProject, options: Partial<Parameters<typeof prepareInstall>[0]> = {}) {
  return prepareInstall({
    settings,
    appRoot: project.dir,
    boundary: project.dir,
    env: env(project),
    operation: "dev",
    ...options,
  });
}

describe("install step", () => {
  test("a fresh app: npm ci with its lockfile, in the app root, with encore's prepared environment; then up to date", async () => {
    const project = app({ "package-lock.json": "{}" });
    const step = prepare(project);
    assert.equal(step.inspection.decision.reason, "node_modules is missing");
    assert.deepEqual(
      [step.spec?.file, ...(step.spec?.args ?? [])],
      [join(FAKE_BIN, "npm"), "ci", "--prefer-offline", "--no-audit", "--no-fund"],
    );
    const { log, records } = logger();
    assert.equal(await runInstall(step, "dev", log, never), true);
    const [call] = calls(project);
    assert.deepEqual(call?.argv, ["ci", "--prefer-offline", "--no-audit", "--no-fund"]);
    assert.equal(call?.cwd, project.dir);
    for (const key of ["NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "DISABLE_ENCORE_TELEMETRY"])
      assert.equal(call?.env[key], env(project)[key], key);
    assert.equal(call?.env.COREPACK_ENABLE_DOWNLOAD_PROMPT, "0");
    assert.ok(
      records().some((r) => r.stream === "stdout" && String(r.message).startsWith("added 1 package")),
      "the manager's output is relayed",
    );
    assert.ok(existsSync(project.path("node_modules", MARKER_FILE)));

    const again = prepare(project);
    assert.equal(again.inspection.decision.reason, "up to date");
    assert.equal(again.spec, undefined);
    await runInstall(again, "dev", logger().log, never);
    assert.equal(calls(project).length, 1, "nothing ran the second time");

    project.write("package-lock.json", '{"changed": true}');
    assert.equal(prepare(project).inspection.decision.reason, "the lockfile changed");
  });

  test("pnpm by its lockfile: pnpm from PATH, frozen", () => {
    const project = app({ "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" });
    const step = prepare(project);
    assert.deepEqual(
      [step.spec?.file, ...(step.spec?.args ?? [])],
      [join(FAKE_BIN, "pnpm"), "install", "--frozen-lockfile", "--prefer-offline"],
    );
  });

  test("packageManager pnpm@9: corepack runs that version, as corepack's shim refuses a range", async () => {
    const project = app({
      "package.json": JSON.stringify({ packageManager: "pnpm@9", dependencies: { "encore.dev": "1.56.4" } }),
    });
    const step = prepare(project, { env: env(project, { PATH: `${FAKE_BIN}:${COREPACK_BIN}:${NODE_DIR}` }) });
    assert.deepEqual(
      [step.spec?.file, ...(step.spec?.args ?? [])],
      [join(COREPACK_BIN, "corepack"), "pnpm@9", "install"],
    );
    await runInstall(step, "dev", logger().log, never);
    assert.deepEqual(
      calls(project).map((call) => [call.name, ...call.argv]),
      [["corepack", "pnpm@9", "install"]],
    );
  });

  test("turned off: nothing is detected or run, even for a bun app", async () => {
    const project = app({ "bun.lockb": "" });
    const step = prepare(project, { settings: { ...settings, enabled: false } });
    assert.equal(step.inspection.decision.reason, "turned off");
    await runInstall(step, "dev", logger().log, never);
    assert.deepEqual(calls(project), []);
  });

  test("a bun app is INVALID_PROJECT with what to do", () => {
    const project = app({ "bun.lock": "" });
    assert.throws(
      () => prepare(project),
      (error: ProviderError) => {
        assert.equal(error.category, "INVALID_PROJECT");
        assert.match(error.message, /bun/);
        assert.match(error.fix ?? "", /install\.enabled: false/);
        return true;
      },
    );
  });

  test("a failed install: DEV_SERVER_FAILED (BUILD_FAILED for build) with the last lines and a network hint, and no record", async () => {
    const project = app({ "node_modules/.stagecraft-encore-install.json": "{}", "node_modules/x": "" });
    for (const operation of ["dev", "build"] as const) {
      const step = prepare(project, { env: env(project, { FAKE_PM_MODE: "fail" }), operation });
      await assert.rejects(runInstall(step, operation, logger().log, never), (error: ProviderError) => {
        assert.equal(error.category, operation === "dev" ? "DEV_SERVER_FAILED" : "BUILD_FAILED");
        assert.match(error.message, /npm install --no-audit --no-fund exited with code 1/);
        assert.match(error.detail ?? "", /getaddrinfo ENOTFOUND registry\.npmjs\.org/);
        assert.match(error.fix ?? "", /registry.*proxy/);
        return true;
      });
      assert.equal(existsSync(project.path("node_modules", MARKER_FILE)), false, "a failed install leaves no record");
    }
  });

  test("a stop during the install ends it promptly; dev then stops without an error", async () => {
    const project = app();
    const step = prepare(project, { env: env(project, { FAKE_PM_MODE: "hang" }) });
    const stop = new AbortController();
    const { log, records } = logger();
    const running = runInstall(step, "dev", log, stopRequest([stop.signal]));
    while (!records().some((r) => r.message === "installing…")) await new Promise((resolve) => setImmediate(resolve));
    const asked = performance.now();
    stop.abort();
    assert.equal(await running, false);
    assert.ok(performance.now() - asked < 3000, "stopped within the force-kill delay");
    assert.equal(existsSync(project.path("node_modules", MARKER_FILE)), false);
  });

  test("its own timeout, not the readiness timeout, bounds it", async () => {
    const project = app();
    const step = prepare(project, {
      settings: { enabled: true, timeoutMs: 300 },
      env: env(project, { FAKE_PM_MODE: "hang" }),
    });
    await assert.rejects(runInstall(step, "dev", logger().log, never), (error: ProviderError) => {
      assert.equal(error.category, "DEV_SERVER_FAILED");
      assert.match(error.message, /did not finish within 300 ms/);
      assert.match(error.fix ?? "", /install\.timeout_ms/);
      return true;
    });
  });

  test("a workspace member installs at the workspace root", () => {
    const project = tempProject({
      "package.json": JSON.stringify({ workspaces: ["backend"] }),
      "package-lock.json": "{}",
      "backend/encore.app": "{}",
      "backend/package.json": JSON.stringify({ dependencies: { "encore.dev": "1.56.4" } }),
    });
    defer(() => project.remove());
    const step = prepare(project, { appRoot: project.path("backend") });
    assert.equal(step.spec?.cwd, project.dir);
    assert.deepEqual(step.spec?.args, ["ci", "--prefer-offline", "--no-audit", "--no-fund"]);
  });
});

describe("installed SDK check", () => {
  const sdk = (version: string, declared = version) =>
    app({
      "package.json": JSON.stringify({ dependencies: { "encore.dev": declared } }),
      "node_modules/encore.dev/package.json": JSON.stringify({ version }),
    });

  test("a minor ahead of the CLI: INVALID_PROJECT naming both versions and both fixes", async () => {
    const project = sdk("1.57.4", "^1.56.4");
    await assert.rejects(
      checkInstalledSdk(
        { kind: "check-sdk", appRoot: project.dir, manager: "npm", encore: "encore" },
        "dev",
        logger().log,
        async () => "1.56.4",
      ),
      (error: ProviderError) => {
        assert.equal(error.category, "INVALID_PROJECT");
        assert.equal(error.exitCode, 3);
        assert.match(error.message, /1\.57\.4.*newer than the encore CLI 1\.56\.4/);
        assert.match(error.fix ?? "", /"encore\.dev": "1\.56\.4"/);
        assert.match(error.fix ?? "", /ENCORE_VERSION=1\.57\.4.*ENCORE_SHA256/);
        return true;
      },
    );
  });

  test("found from a parent's node_modules, as Node resolves it in a workspace", async () => {
    const project = tempProject({
      "node_modules/encore.dev/package.json": JSON.stringify({ version: "1.58.0" }),
      "backend/package.json": JSON.stringify({ dependencies: { "encore.dev": "1.56.4" } }),
    });
    defer(() => project.remove());
    await assert.rejects(
      checkInstalledSdk(
        { kind: "check-sdk", appRoot: project.path("backend"), manager: "npm", encore: "encore" },
        "dev",
        logger().log,
        async () => "1.56.4",
      ),
      /1\.58\.0/,
    );
  });

  test("a patch ahead warns with both versions; the same version is silent", async () => {
    const { log, records } = logger();
    await checkInstalledSdk(
      { kind: "check-sdk", appRoot: sdk("1.56.5", "1.56.4").dir, manager: "npm", encore: "encore" },
      "dev",
      log,
      async () => "1.56.4",
    );
    const warnings = records().filter((r) => r.level === "warn");
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]?.message), /1\.56\.5 is a patch release ahead of the encore CLI 1\.56\.4/);
    const quiet = logger();
    await checkInstalledSdk(
      { kind: "check-sdk", appRoot: sdk("1.56.4").dir, manager: "npm", encore: "encore" },
      "dev",
      quiet.log,
      async () => "1.56.4",
    );
    assert.deepEqual(
      quiet.records().filter((r) => r.level === "warn"),
      [],
    );
  });

  test("older: warns that Encore rewrites package.json to ^<cli> and what that resolves to", async () => {
    const { log, records } = logger();
    await checkInstalledSdk(
      { kind: "check-sdk", appRoot: sdk("1.56.2").dir, manager: "pnpm", encore: "encore" },
      "dev",
      log,
      async () => "1.56.4",
    );
    const [warning] = records().filter((r) => r.level === "warn");
    assert.match(
      String(warning?.message),
      /declared as "1\.56\.2".*rewrite it to "\^1\.56\.4" and run pnpm install, which resolves to the newest encore\.dev 1\.x/,
    );
  });
});
