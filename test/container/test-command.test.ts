// `stagecraft-encore test` in the toolbox image, as a CI job runs it: `docker compose run --rm
// stagecraft-dev test` with the Postgres sidecar, and the same through docker-in-docker, where
// Encore starts its own test database in the inner engine. The app is a copy of examples/hello
// with a `test` script (`node --test`) whose test talks to the database the tests are given.
// encoredotdev/postgres:18 and docker:dind are STAND-INS (test/stand-ins/), and
// docker/compose.unprivileged.yml stands for `privileged: true`, which this machine refuses.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { deferred } from "../support/cleanup.ts";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { docker, dockerOk, uniqueName, waitForLogLine } from "../support/docker.ts";
import { addDatabaseTests } from "./app-tests.ts";
import { helloCompose, helloProject, toolboxImage, toolboxOptions, type HelloCopy } from "./toolbox.ts";

const defer = deferred();
let image: string;
before(async () => {
  image = await toolboxImage();
});

function appWithTests(): HelloCopy {
  const copy = addDatabaseTests(helloProject());
  defer(() => copy.remove());
  return copy;
}

describe("test in the toolbox image", () => {
  test("docker compose run --rm stagecraft-dev test: the tests reach the Postgres sidecar; a failing test's code passes through", async () => {
    const copy = appWithTests();
    const { compose } = await helloCompose({ image, project: copy });
    defer(() => compose.down());

    const passed = await compose.run(["run", "--rm", "-T", "stagecraft-dev", "test"], { timeoutMs: 180_000 });
    assert.equal(passed.exitCode, 0, passed.stderr);
    // stdout is the tests' own output: node --test's TAP-like report.
    assert.match(passed.stdout, /^database postgres:5432 answered [SN]$/m);
    assert.match(passed.stdout, /^ℹ pass 2$/m);
    assert.match(passed.stderr, /running the tests: encore test/);
    const call = copy.calls().find((c) => c.argv[0] === "test")!;
    assert.equal(call.cwd, "/workspace");

    const failed = await compose.run(
      ["run", "--rm", "-T", "-e", "DB_TEST_FAIL=1", "stagecraft-dev", "test", "--", "--test-reporter=tap"],
      { timeoutMs: 120_000 },
    );
    assert.equal(failed.exitCode, 1, failed.stderr);
    assert.match(failed.stdout, /^not ok \d+ - greets$/m);
    assert.match(failed.stderr, /tests failed: encore test exited with code 1; exiting with its code 1/);
  });

  test("docker stop: SIGTERM reaches the tests through the runner, which exits 143 well before Docker's SIGKILL", async () => {
    const copy = helloProject();
    defer(() => copy.remove());
    // No database: a test that waits until it is stopped.
    rmSync(join(copy.dir, "hello", "migrations"), { recursive: true });
    const pkgFile = join(copy.dir, "package.json");
    writeFileSync(
      pkgFile,
      JSON.stringify({
        ...JSON.parse(readFileSync(pkgFile, "utf8")),
        scripts: { test: "node --test --test-isolation=none" },
      }),
    );
    writeFileSync(
      join(copy.dir, "hello", "wait.test.mjs"),
      'import { test } from "node:test";\ntest("waits", () => new Promise(() => { console.log("WAITING"); setInterval(() => {}, 1 << 30); }));\n',
    );
    const name = uniqueName("stagecraft-test-stop").toLowerCase();
    defer(() => docker(["rm", "-f", name]));
    await dockerOk(["run", "--detach", ...toolboxOptions({ project: copy, name }), image, "test"]);
    await waitForLogLine(name, /^WAITING$/);
    const started = performance.now();
    await dockerOk(["stop", "--time", "10", name]);
    const stoppedMs = performance.now() - started;
    const exitCode = Number((await dockerOk(["wait", name])).stdout.trim());
    const { stderr } = await docker(["logs", name]);
    assert.equal(exitCode, 143, stderr);
    assert.ok(stoppedMs < 9000, `stopped in ${Math.round(stoppedMs)} ms`);
    assert.match(stderr, /received SIGTERM; stopping/);
    assert.match(stderr, /tests stopped on request/);
  });

  test("through docker-in-docker: Encore starts its test database in the inner engine and the tests reach it on 127.0.0.1", async () => {
    const copy = appWithTests();
    const { compose } = await helloCompose({ image, project: copy, dind: true });
    defer(() => compose.down());
    await compose.up(["docker"]);
    const dind = await compose.containerId("docker");
    await loadFlattened(dind, "encoredotdev/postgres:18");

    const result = await compose.run(["run", "--rm", "-T", "stagecraft-dev-dind", "test"], { timeoutMs: 180_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^database 127\.0\.0\.1:\d+ answered [SN]$/m);
    const inner = await docker(["exec", dind, "docker", "ps", "--format", "{{.Image}} {{.Names}}"]);
    assert.match(inner.stdout, /^encoredotdev\/postgres:18 sqldb-.*-test$/m);
  });
});

/**
 * Puts `ref` into the inner engine as one layer with the same configuration: the inner engine
 * stores images with the vfs driver, which copies every layer whole, so this loads in a
 * fraction of the time `docker save | docker load` of the layered image takes.
 */
async function loadFlattened(dind: string, ref: string): Promise<void> {
  const config = JSON.parse(
    (await dockerOk(["image", "inspect", "--format", "{{json .Config}}", ref])).stdout,
  ) as Record<string, unknown>;
  const changes = [
    ...((config.Env as string[] | null) ?? []).map(
      (entry) => `ENV ${entry.slice(0, entry.indexOf("="))}=${JSON.stringify(entry.slice(entry.indexOf("=") + 1))}`,
    ),
    ...(config.Entrypoint ? [`ENTRYPOINT ${JSON.stringify(config.Entrypoint)}`] : []),
    ...(config.Cmd ? [`CMD ${JSON.stringify(config.Cmd)}`] : []),
    ...Object.keys((config.ExposedPorts as Record<string, unknown> | null) ?? {}).map((port) => `EXPOSE ${port}`),
    ...Object.keys((config.Volumes as Record<string, unknown> | null) ?? {}).map((volume) => `VOLUME ${volume}`),
    ...(config.User ? [`USER ${String(config.User)}`] : []),
    ...(config.WorkingDir ? [`WORKDIR ${String(config.WorkingDir)}`] : []),
  ];
  const container = (await dockerOk(["create", ref])).stdout.trim();
  try {
    const exported = spawn("docker", ["export", container], { stdio: ["ignore", "pipe", "inherit"] });
    const imported = spawn(
      "docker",
      ["exec", "-i", dind, "docker", "import", ...changes.flatMap((change) => ["--change", change]), "-", ref],
      { stdio: ["pipe", "ignore", "inherit"] },
    );
    exported.stdout.pipe(imported.stdin);
    const [[exportCode], [importCode]] = (await Promise.all([once(exported, "close"), once(imported, "close")])) as [
      [number],
      [number],
    ];
    assert.deepEqual([exportCode, importCode], [0, 0], `docker export ${ref} | docker import in ${dind}`);
  } finally {
    await docker(["rm", "-f", container]);
  }
}
