import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, describe, test } from "node:test";
import { runCli, RunningCli } from "../../support/cli.ts";
import { commandOf, doubleWorld, runnerCalls, type DoubleWorld } from "../../support/double.ts";
import { encoreProject, type TempProject } from "../../support/project.ts";

// The double does not load into an engine here (build.load = false); the engine check is
// satisfied by a TCP listener standing in for DOCKER_HOST. The image tests build for real.
let engine: Server;
let dockerHost: string;
before(async () => {
  engine = createServer((socket) => socket.destroy()).listen(0, "127.0.0.1");
  await new Promise((resolve) => engine.once("listening", resolve));
  dockerHost = `tcp://127.0.0.1:${(engine.address() as { port: number }).port}`;
});
after(() => engine.close());

const YML = `project:
  registry: ghcr.io/acme/platform
backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        disable_telemetry: true
      build:
        workdir: backend
        image_name: api
        docker_tag_suffix: -encore
`;

async function fixture(scenario: unknown = { build: { load: false } }): Promise<{ project: TempProject; world: DoubleWorld; env: Record<string, string | undefined> }> {
  const project = encoreProject(YML, {
    "backend/encore.app": '{"id": "x", "lang": "typescript"}',
    "backend/package.json": '{"name": "backend", "dependencies": {"encore.dev": "1.57.0"}}',
    "backend/node_modules/.keep": "",
  });
  const world = await doubleWorld(scenario);
  return { project, world, env: world.env({ DOCKER_HOST: dockerHost }) };
}

describe("build", () => {
  test("runs encore build docker <ref> in build.workdir and prints the reference alone on stdout", async () => {
    const { project, world, env } = await fixture();
    const finished = await runCli(["build", "--tag", "abc1234"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    assert.equal(finished.stdout, "ghcr.io/acme/platform/api:abc1234-encore\n");
    const build = runnerCalls(world).find((call) => commandOf(call) === "build docker")!;
    assert.deepEqual(build.argv, ["build", "docker", "ghcr.io/acme/platform/api:abc1234-encore"]);
    assert.equal(build.cwd, project.path("backend"));
    assert.equal(build.env.DISABLE_ENCORE_TELEMETRY, "1");
    assert.match(finished.stderr, /INFO .*encore-ts build .*│ .*INF successfully exported app as docker image/);
    assert.match(finished.stderr, /built ghcr.io\/acme\/platform\/api:abc1234-encore/);
    project.remove();
    world.remove();
  });

  test("BUILD_FAILED (exit 7) with the exit code, a tail and the reference attempted", async () => {
    const { project, world, env } = await fixture({ build: { load: false, fail: true } });
    const finished = await runCli(["build", "--tag", "v1", "--log-format", "json"], { cwd: project.dir, env });
    assert.equal(finished.code, 7);
    assert.equal(finished.stdout, "");
    const error = JSON.parse(finished.stderr.trim().split("\n").at(-1)!);
    assert.deepEqual([error.category, error.operation, error.exitCode, error.imageRef], ["BUILD_FAILED", "build", 1, "ghcr.io/acme/platform/api:v1-encore"]);
    assert.match(error.detail, /ERR/);
    project.remove();
    world.remove();
  });

  test("a cancelled build is BUILD_FAILED even though encore exits 0", async () => {
    const { project, world, env } = await fixture({ build: { load: false, hang: true } });
    const run = new RunningCli(["build", "--tag", "v1"], { cwd: project.dir, env });
    await run.waitForLine(/compiling Encore application/);
    run.kill("SIGTERM");
    const finished = await run.finished();
    assert.equal(finished.code, 7);
    assert.equal(finished.stdout, "");
    assert.match(finished.stderr, /BUILD_FAILED: build of ghcr.io\/acme\/platform\/api:v1-encore was cancelled \(encore exited with code 0\)/);
    project.remove();
    world.remove();
  });

  test("no Docker engine: PROVIDER_NOT_AVAILABLE (exit 4) before encore builds anything", async () => {
    const { project, world } = await fixture();
    const finished = await runCli(["build", "--tag", "v1"], { cwd: project.dir, env: world.env({ DOCKER_HOST: "unix:///nonexistent/docker.sock" }) });
    assert.equal(finished.code, 4);
    assert.match(finished.stderr, /PROVIDER_NOT_AVAILABLE: the Docker engine is not usable: no Docker socket at \/nonexistent\/docker.sock/);
    assert.match(finished.stderr, /fix: mount the engine's socket/);
    assert.deepEqual(runnerCalls(world), []);
    project.remove();
    world.remove();
  });

  test("--tag defaults to the commit; outside a git repository it must be given, and it is checked", async () => {
    const { project, world, env } = await fixture();
    let finished = await runCli(["build"], { cwd: project.dir, env });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /--tag was not given and no default could be found: .* is not a git repository/);
    finished = await runCli(["build", "--tag", "a;b"], { cwd: project.dir, env });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /--tag: "a;b" must start with/);
    assert.deepEqual(runnerCalls(world), []);
    project.remove();
    world.remove();
  });
});
