import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { deferred } from "../../support/cleanup.ts";
import { isAlive, runCli, RunningCli } from "../../support/cli.ts";
import { doubleWorld, runnerCalls, type DoubleWorld } from "../../support/double.ts";
import { encoreProject, TEST_CA, type TempProject } from "../../support/project.ts";

const defer = deferred();

/** True once no process with this PID exists (a zombie awaiting its reaper still counts as one). */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

// The app's test script: reports what it was given (argv, environment, stdin, cwd) to the
// file named by REPORT, prints to both streams, and exits with TEST_EXIT; with HANG set it
// prints its PID and waits, ignoring SIGINT when HANG=ignore-sigint.
const TESTS_MJS = `import { readFileSync, writeFileSync } from "node:fs";
const env = process.env;
const stdin = env.READ_STDIN ? readFileSync(0, "utf8") : null;
const keys = ["ENCORE_LOG_LEVEL", "ENCORE_RUNTIME_LOG", "DISABLE_ENCORE_TELEMETRY", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "GREETING", "STRIPE_KEY", "ENCORE_AUTH_KEY"];
writeFileSync(env.REPORT, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), stdin, env: Object.fromEntries(keys.map((k) => [k, env[k] ?? null])) }));
console.log("tests: 2 passed, 0 failed");
console.error("a line of the tests on stderr");
if (env.HANG) {
  if (env.HANG === "ignore-sigint") process.on("SIGINT", () => console.error("tests: ignoring SIGINT"));
  console.error("READY " + process.pid);
  setInterval(() => {}, 1 << 30);
} else {
  process.exitCode = Number(env.TEST_EXIT ?? 0);
}
`;

const PACKAGE_JSON = JSON.stringify({
  name: "test-app",
  type: "module",
  scripts: { test: "node tests.mjs" },
  dependencies: { "encore.dev": "1.56.4" },
});

function yml(dev: string): string {
  return `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        disable_telemetry: true
${dev
  .split("\n")
  .filter(Boolean)
  .map((line) => `        ${line}`)
  .join("\n")}
`;
}

interface Fixture {
  project: TempProject;
  world: DoubleWorld;
  env: Record<string, string | undefined>;
  report(): { argv: string[]; cwd: string; stdin: string | null; env: Record<string, string | null> };
}

async function fixture(
  dev = "",
  files: Record<string, string> = {},
  extraEnv: Record<string, string> = {},
): Promise<Fixture> {
  const project = encoreProject(yml(dev), { "package.json": PACKAGE_JSON, "tests.mjs": TESTS_MJS, ...files });
  const world = await doubleWorld();
  defer(
    () => project.remove(),
    () => world.remove(),
  );
  const report = project.path("report.json");
  return {
    project,
    world,
    env: world.env({ REPORT: report, ...extraEnv }),
    report: () => JSON.parse(readFileSync(report, "utf8")),
  };
}

describe("test", () => {
  test("runs encore test with the arguments after -- as given; the app's test script gets them, Encore's environment and the runner's", async () => {
    const { project, world, env, report } = await fixture("node_extra_ca_certs: ca.pem\nenv_file: .env.local", {
      "ca.pem": readFileSync(TEST_CA, "utf8"),
      ".env.local": "GREETING=hi\n",
    });
    const finished = await runCli(["test", "--", "--test-name-pattern", "a b", "-x"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    const call = runnerCalls(world).find((c) => c.argv[0] === "test")!;
    assert.deepEqual(call.argv, ["test", "--test-name-pattern", "a b", "-x"]);
    assert.equal(call.cwd, project.dir);
    const got = report();
    // npm run test -- <args>: the script sees exactly the user's arguments.
    assert.deepEqual(got.argv, ["--test-name-pattern", "a b", "-x"]);
    assert.equal(got.env.ENCORE_LOG_LEVEL, "error");
    assert.equal(got.env.DISABLE_ENCORE_TELEMETRY, "1");
    assert.equal(got.env.NODE_EXTRA_CA_CERTS, project.path("ca.pem"));
    assert.match(got.env.SSL_CERT_FILE ?? "", /ca-bundle-.*\.pem$/);
    assert.equal(got.env.GREETING, "hi");
  });

  test("stdout is the tests' own output, stdin reaches them, and the runner's logs stay on stderr", async () => {
    const { project, env, report } = await fixture("", {}, { READ_STDIN: "1" });
    const finished = await runCli(["test"], { cwd: project.dir, env, input: "fixture data\nline 2\n" });
    assert.equal(finished.code, 0, finished.stderr);
    assert.equal(report().stdin, "fixture data\nline 2\n");
    // npm prints its `> test` header on stdout too: stdout is what the test command printed.
    assert.match(finished.stdout, /^tests: 2 passed, 0 failed$/m);
    assert.doesNotMatch(finished.stdout, /running the tests|tests passed/);
    assert.match(finished.stderr, /^a line of the tests on stderr$/m);
    assert.match(finished.stderr, /running the tests: encore test/);
    assert.match(finished.stderr, /tests passed/);
  });

  test("env_file is optional; without one the CI environment is what the tests get", async () => {
    const { project, env, report } = await fixture("", {}, { GREETING: "from-ci" });
    const finished = await runCli(["test"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    assert.equal(report().env.GREETING, "from-ci");
  });

  test("a failing run exits with the test command's own code, not a category", async () => {
    const { project, env } = await fixture("", {}, { TEST_EXIT: "3" });
    const finished = await runCli(["test"], { cwd: project.dir, env });
    assert.equal(finished.code, 3);
    assert.match(finished.stderr, /tests failed: encore test exited with code 3; exiting with its code 3/);
    assert.doesNotMatch(finished.stderr, /DEV_SERVER_FAILED|BUILD_FAILED|at .*\.ts:\d+/);
  });

  test("an app without a test script is INVALID_PROJECT before encore runs", async () => {
    const { project, world, env } = await fixture("", {
      "package.json": '{"name": "x", "dependencies": {"encore.dev": "1.56.4"}}',
    });
    const finished = await runCli(["test"], { cwd: project.dir, env });
    assert.equal(finished.code, 3);
    assert.match(finished.stderr, /^encore-ts test: INVALID_PROJECT: .*package\.json defines no "test" script/m);
    assert.match(finished.stderr, /fix: add one under "scripts"/);
    assert.equal(runnerCalls(world).filter((c) => c.argv[0] === "test").length, 0);
  });

  test("a missing env_file named in the config is INVALID_CONFIG for test too", async () => {
    const { project, env } = await fixture("env_file: nope.env");
    const finished = await runCli(["test", "--log-format", "json"], { cwd: project.dir, env });
    assert.equal(finished.code, 2);
    const error = JSON.parse(finished.stderr.trim().split("\n").at(-1)!);
    assert.equal(error.category, "INVALID_CONFIG");
    assert.equal(error.operation, "test");
    assert.equal(error.provider, "encore-ts");
    assert.match(error.issues[0].path, /dev\.env_file$/);
  });

  test("local secrets are written to Encore's local store before the tests, and never put in encore's environment", async () => {
    const { project, world, env, report } = await fixture(
      "encore_secrets: {mode: local, from_env: [STRIPE_KEY]}",
      { ".gitignore": ".secrets.local.cue\n" },
      { STRIPE_KEY: "sk_test_local_value" },
    );
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["init", "-q"], { cwd: project.dir });
    const finished = await runCli(["test"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(readFileSync(project.path(".secrets.local.cue"), "utf8"), /STRIPE_KEY: "sk_test_local_value"/);
    assert.equal(report().env.STRIPE_KEY, null);
    for (const call of runnerCalls(world)) assert.equal(call.env.STRIPE_KEY, undefined);
    assert.doesNotMatch(finished.stderr, /sk_test_local_value/);
  });

  test("local secrets with encore.app above the project are refused before anything is written, as for dev", async () => {
    const { project, world, env } = await fixture(
      "encore_secrets: {mode: local, from_env: [STRIPE_KEY]}",
      { "inner/package.json": PACKAGE_JSON, "inner/tests.mjs": TESTS_MJS },
      { STRIPE_KEY: "sk_test_local_value" },
    );
    // The project is `inner/`; the only encore.app is one level up, outside it.
    const finished = await runCli(
      ["test", "--project-dir", project.path("inner"), "--config", project.path("stagecraft.yml")],
      {
        cwd: project.dir,
        env,
      },
    );
    assert.equal(finished.code, 3, finished.stderr);
    assert.match(
      finished.stderr,
      /^encore-ts test: INVALID_PROJECT: .*mode: local would write .*\.secrets\.local\.cue, outside the project/m,
    );
    assert.equal(existsSync(project.path(".secrets.local.cue")), false);
    assert.equal(runnerCalls(world).length, 0);
  });

  for (const [name, hang] of [
    ["stops the tests on SIGINT: SIGINT to their process group, exit 130, nothing left running", "exit-on-sigint"],
    ["a test process that ignores SIGINT is killed after dev.shutdown.timeout_ms; exit 130", "ignore-sigint"],
  ] as const) {
    test(name, async () => {
      const { project, world, env } = await fixture("shutdown: {timeout_ms: 1000}", {}, { HANG: hang });
      const cli = new RunningCli(["test"], { cwd: project.dir, env });
      defer(() => cli.kill("SIGKILL"));
      const ready = await cli.waitForLine(/^READY \d+$/);
      const pid = Number(ready.split(" ")[1]);
      defer(() => {
        if (isAlive(pid)) process.kill(pid, "SIGKILL");
      });
      const started = performance.now();
      cli.kill("SIGINT");
      const finished = await cli.finished();
      assert.equal(finished.code, 130, finished.stderr);
      // Killed with its parent, it is reparented and reaped a moment later.
      assert.equal(await goneWithin(pid, 2000), true, "the test process is gone");
      const encore = world.calls().find((c) => c.argv[0] === "test")!;
      assert.equal(isAlive(encore.pid), false, "encore test is gone");
      assert.ok(
        world.events().some((e) => e.event === "signal" && e.pid === encore.pid && e.signal === "SIGINT"),
        "encore test got SIGINT",
      );
      if (hang === "ignore-sigint") {
        assert.match(finished.stderr, /tests: ignoring SIGINT/);
        assert.match(finished.stderr, /forced with SIGKILL/);
        assert.ok(performance.now() - started >= 1000);
      } else {
        assert.doesNotMatch(finished.stderr, /forced with SIGKILL/);
      }
    });
  }

  test("plan test: the steps and argv, running nothing", async () => {
    const { project, world, env } = await fixture(
      "encore_secrets: {mode: local, from_env: [STRIPE_KEY]}",
      {},
      { STRIPE_KEY: "sk_test_plan_value" },
    );
    const finished = await runCli(["plan", "test", "--json", "--", "--watch=false"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    const plan = JSON.parse(finished.stdout);
    assert.equal(plan.operation, "test");
    assert.deepEqual(
      plan.steps.map((step: { argv?: string[]; writes?: string }) => step.argv ?? step.writes),
      [
        ["encore", "version"],
        undefined,
        undefined,
        project.path(".secrets.local.cue"),
        ["encore", "test", "--watch=false"],
      ],
    );
    assert.equal(plan.steps[1].title, "skip installing packages (up to date)");
    assert.deepEqual(plan.withheld.slice(0, 1), ["STRIPE_KEY"]);
    assert.doesNotMatch(finished.stdout, /sk_test_plan_value/);
    assert.equal(world.calls().length, 0);
    assert.equal(existsSync(project.path(".secrets.local.cue")), false);
    const text = await runCli(["plan", "test"], { cwd: project.dir, env });
    assert.match(text.stdout, /^Plan for `stagecraft-encore test`/);
    assert.match(text.stdout, /run the tests \(stdin, stdout and stderr are the tests' own\)\n {4}\$ encore test\n/);
  });
});
