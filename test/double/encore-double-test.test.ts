// `encore test` as cli/cmd/encore/test.go (v1.57.0) has it: no flag parsing but for four
// flags, the daemon's test spec (the package manager's `run test`), stdio passed through, the
// test command's exit code, and SIGINT caught without stopping the wait for the tests.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { encore, sandboxes, start } from "./harness.ts";

const box = sandboxes();

// Prints its argv and a few variables as JSON on stdout, echoes stdin, exits with TEST_EXIT.
const TESTS_MJS = `import { readFileSync } from "node:fs";
const stdin = process.env.READ_STDIN ? readFileSync(0, "utf8") : null;
const pick = ["ENCORE_LOG_LEVEL", "ENCORE_RUNTIME_LOG", "ENCORE_DOUBLE_SQLDB_HOST", "FROM_CLI"];
console.log(JSON.stringify({ argv: process.argv.slice(2), stdin, env: Object.fromEntries(pick.map((k) => [k, process.env[k] ?? null])) }));
console.error("tests on stderr");
if (process.env.HANG) { console.error("READY " + process.pid); setInterval(() => {}, 1 << 30); }
else process.exitCode = Number(process.env.TEST_EXIT ?? 0);
`;
const app = (scripts: Record<string, string> | null = { test: "node tests.mjs" }) => ({
  "encore.app": '{"id": "", "lang": "typescript"}\n',
  "package.json": JSON.stringify({
    name: "app",
    type: "module",
    ...(scripts ? { scripts } : {}),
    dependencies: { "encore.dev": "1.56.4" },
  }),
  "node_modules/encore.dev/package.json": JSON.stringify({ name: "encore.dev", version: "1.56.4" }),
  "tests.mjs": TESTS_MJS,
});
const report = (stdout: string) => JSON.parse(stdout.split("\n").find((line) => line.startsWith("{"))!);

describe("encore test", () => {
  test("runs npm run test -- with every argument but its own four, in any position", async () => {
    const b = await box(app());
    const r = await encore(["test", "--no-color", "-run", "X", "--prepare=no", "--", "--codegen-debug", "./..."], {
      cwd: b.app,
      env: b.env({ FROM_CLI: "1" }),
    });
    assert.equal(r.code, 0, r.stderr);
    // npm's own header goes to stdout before the script's output.
    assert.match(r.stdout, /^> node tests\.mjs -run X --prepare=no -- \.\/\.\.\.$/m);
    const got = report(r.stdout);
    assert.deepEqual(got.argv, ["-run", "X", "--prepare=no", "--", "./..."]);
    assert.deepEqual(got.env, {
      ENCORE_LOG_LEVEL: "error",
      ENCORE_RUNTIME_LOG: "error",
      ENCORE_DOUBLE_SQLDB_HOST: null,
      FROM_CLI: "1",
    });
    assert.match(r.stderr, /tests on stderr/);
  });

  test("passes stdin through and exits with the test command's code", async () => {
    const b = await box(app());
    const r = await encore(["test"], {
      cwd: b.app,
      env: b.env({ READ_STDIN: "1", TEST_EXIT: "7" }),
      stdin: "input for the tests\n",
    });
    assert.equal(r.code, 7);
    assert.equal(report(r.stdout).stdin, "input for the tests\n");
  });

  test('without a test script: "application does not define any tests", exit 1', async () => {
    const b = await box(app(null));
    const r = await encore(["test"], { cwd: b.app, env: b.env() });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [
        1,
        "",
        "error: application does not define any tests.\nNote: Add a 'test' script command to package.json to run tests.\n",
      ],
    );
  });

  test("--prepare prints the test environment and runs nothing", async () => {
    const b = await box(app());
    const r = await encore(["test", "--prepare"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ENCORE_LOG_LEVEL=error$/m);
    assert.doesNotMatch(r.stdout, /argv/);
  });

  test("--trace FILE takes the argument before it, and panics when it comes first (upstream's index arithmetic)", async () => {
    const b = await box(app());
    const taken = await encore(["test", "a", "--trace", "b"], { cwd: b.app, env: b.env() });
    assert.equal(taken.code, 0, taken.stderr);
    assert.deepEqual(report(taken.stdout).argv, ["b"]);
    const first = await encore(["test", "--trace", "f"], { cwd: b.app, env: b.env() });
    assert.equal(first.code, 2);
    assert.match(first.stderr, /^panic: runtime error: index out of range \[-1\]/);
    const joined = await encore(["test", "--trace=f", "x"], { cwd: b.app, env: b.env() });
    assert.deepEqual(report(joined.stdout).argv, ["x"]);
  });

  test("-h prints the help with the four flags and no inherited --trace", async () => {
    const b = await box(app());
    const r = await encore(["test", "-h", "--whatever"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Takes all the same flags as `go test`\.\n\nUsage:\n {2}encore test \[go test flags\]\n/);
    assert.match(r.stdout, /--codegen-debug.*\n.*-h, --help.*\n.*--no-color.*\n.*--prepare.*\n.*--trace string/);
    assert.doesNotMatch(r.stdout.split("Global Flags:")[1] ?? "", /--trace/);
  });

  test("SIGINT to encore test alone does not stop the tests: it keeps waiting for them", async () => {
    const b = await box(app());
    const running = start(["test"], { cwd: b.app, env: b.env({ HANG: "1" }) });
    const seen = await running.waitFor("stderr", /READY \d+/);
    const pid = Number(/READY (\d+)/.exec(seen)![1]);
    running.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing to await: the point is that nothing happens
    assert.equal(running.child.exitCode, null, "encore test is still waiting");
    process.kill(pid, "SIGTERM");
    const r = await running.exited;
    // npm reports its script's death by SIGTERM as exit code 143, which encore passes on.
    assert.equal(r.code, 143);
    assert.ok(b.events().some((e) => e.event === "signal" && e.signal === "SIGINT"));
  });

  test("an app with a database gets the daemon's ENCORE_SQLDB_HOST once a PostgreSQL server answers there", async () => {
    // Answers an SSLRequest with "N", as PostgreSQL does without TLS; the double waits for that.
    const server = createServer((socket) => socket.once("data", () => socket.end("N"))).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const b = await box({ ...app(), "svc/migrations/1_init.up.sql": "CREATE TABLE t (id int);\n" });
      const r = await encore(["test"], { cwd: b.app, env: b.env({ ENCORE_SQLDB_HOST: `127.0.0.1:${port}` }) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(report(r.stdout).env.ENCORE_DOUBLE_SQLDB_HOST, `127.0.0.1:${port}`);
    } finally {
      server.close();
    }
  });
});
