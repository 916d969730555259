import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { after, before, describe, test } from "node:test";
import { runCli, RunningCli } from "../../support/cli.ts";
import { commandOf, doubleWorld, runnerCalls, type DoubleWorld } from "../../support/double.ts";
import { deferred } from "../../support/cleanup.ts";
import { encoreProject, markInstalled, type TempProject } from "../../support/project.ts";

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

// Each test's project and double world are removed after it, pass or fail.
const defer = deferred();

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

async function fixture(
  scenario: unknown = { build: { load: false } },
): Promise<{ project: TempProject; world: DoubleWorld; env: Record<string, string | undefined> }> {
  const project = encoreProject(YML, {
    "backend/encore.app": '{"id": "x", "lang": "typescript"}',
    "backend/package.json": '{"name": "backend", "dependencies": {"encore.dev": "1.56.4"}}',
    "backend/node_modules/.keep": "",
  });
  markInstalled(project.path("backend"), project.dir);
  defer(() => project.remove());
  const world = await doubleWorld(scenario);
  defer(() => world.remove());
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
    assert.match(finished.stderr, /INFO .*encore-ts build .*\| .*INF successfully exported app as docker image/);
    assert.match(finished.stderr, /built ghcr.io\/acme\/platform\/api:abc1234-encore/);
  });

  test("BUILD_FAILED (exit 7) with the exit code, a tail and the reference attempted", async () => {
    const { project, env } = await fixture({ build: { load: false, fail: true } });
    const finished = await runCli(["build", "--tag", "v1", "--log-format", "json"], { cwd: project.dir, env });
    assert.equal(finished.code, 7);
    assert.equal(finished.stdout, "");
    const error = JSON.parse(finished.stderr.trim().split("\n").at(-1)!);
    assert.deepEqual(
      [error.category, error.operation, error.exitCode, error.encoreExitCode, error.imageRef],
      ["BUILD_FAILED", "build", 7, 1, "ghcr.io/acme/platform/api:v1-encore"],
    );
    assert.match(error.detail, /ERR/);
  });

  test("a cancelled build is BUILD_FAILED even though encore exits 0", async () => {
    const { project, env } = await fixture({ build: { load: false, hang: true } });
    const run = new RunningCli(["build", "--tag", "v1"], { cwd: project.dir, env });
    defer(() => run.kill("SIGKILL"));
    await run.waitForLine(/compiling Encore application/);
    run.kill("SIGTERM");
    const finished = await run.finished();
    assert.equal(finished.code, 7);
    assert.equal(finished.stdout, "");
    assert.match(
      finished.stderr,
      /BUILD_FAILED: build of ghcr.io\/acme\/platform\/api:v1-encore was cancelled \(encore exited with code 0\)/,
    );
  });

  test("no Docker engine: PROVIDER_NOT_AVAILABLE (exit 4) before encore builds anything", async () => {
    const { project, world } = await fixture();
    const finished = await runCli(["build", "--tag", "v1"], {
      cwd: project.dir,
      env: world.env({ DOCKER_HOST: "unix:///nonexistent/docker.sock" }),
    });
    assert.equal(finished.code, 4);
    assert.match(
      finished.stderr,
      /PROVIDER_NOT_AVAILABLE: the Docker engine is not usable: no Docker socket at \/nonexistent\/docker.sock/,
    );
    assert.match(finished.stderr, /fix: mount the engine's socket/);
    assert.deepEqual(runnerCalls(world), []);
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
  });

  test("passes the build options to encore and skips the engine check when pushing", async () => {
    const { project, world } = await fixture();
    project.write("backend/infra.json", "{}");
    project.write(
      "stagecraft.yml",
      `project: {registry: ghcr.io/acme}
backend:
  provider: encore-ts
  providers:
    encore-ts:
      build: {workdir: backend, push: true, base: "node:24-bookworm-slim", arch: arm64, config: infra.json, services: [api, worker], gateways: [api-gateway]}
`,
    );
    // No engine at all: pushing must not need one.
    const finished = await runCli(["build", "--tag", "v2", "--output", "json"], {
      cwd: project.dir,
      env: world.env({ DOCKER_HOST: "unix:///nonexistent.sock" }),
    });
    assert.equal(finished.code, 0, finished.stderr);
    const result = JSON.parse(finished.stdout);
    assert.deepEqual([result.image, result.pushed, typeof result.durationMs], ["ghcr.io/acme/api:v2", true, "number"]);
    assert.deepEqual(runnerCalls(world).find((call) => commandOf(call) === "build docker")?.argv, [
      "build",
      "docker",
      "--push",
      "--base=node:24-bookworm-slim",
      "--arch=arm64",
      "--config=infra.json",
      "--services=api,worker",
      "--gateways=api-gateway",
      "ghcr.io/acme/api:v2",
    ]);
  });

  test("warns that services without gateways build an image with no gateway", async () => {
    const { project, world } = await fixture();
    project.write("backend/infra.json", "{}");
    project.write(
      "stagecraft.yml",
      `project: {registry: ghcr.io/acme}
backend:
  provider: encore-ts
  providers:
    encore-ts:
      build: {workdir: backend, push: true, config: infra.json, services: [api]}
`,
    );
    const finished = await runCli(["build", "--tag", "v3"], {
      cwd: project.dir,
      env: world.env({ DOCKER_HOST: "unix:///nonexistent.sock" }),
    });
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(
      finished.stderr,
      /WARN .*build\.services without build\.gateways: the image hosts no gateway, so it serves no public API/,
    );
  });

  test("registry credentials from STAGECRAFT_REGISTRY_USERNAME/_PASSWORD reach encore as a temporary DOCKER_CONFIG, never as the password", async () => {
    const { project, world } = await fixture();
    const password = "pw-Zq81-never-shown";
    const env = world.env({
      DOCKER_HOST: "unix:///nonexistent.sock",
      STAGECRAFT_REGISTRY_USERNAME: "ci-bot",
      STAGECRAFT_REGISTRY_PASSWORD: password,
    });
    const plan = await runCli(["plan", "build", "--tag", "v3", "--push", "--json"], { cwd: project.dir, env });
    assert.equal(plan.code, 0, plan.stderr);
    const steps = JSON.parse(plan.stdout).steps as { title: string }[];
    assert.match(
      steps[0]!.title,
      /^write registry credentials for ghcr\.io \(from STAGECRAFT_REGISTRY_USERNAME\/_PASSWORD\)/,
    );
    assert.ok(JSON.parse(plan.stdout).withheld.includes("STAGECRAFT_REGISTRY_PASSWORD"));

    const finished = await runCli(["build", "--tag", "v3", "--push"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    const build = runnerCalls(world).find((call) => commandOf(call) === "build docker")!;
    const dir = build.env.DOCKER_CONFIG!;
    assert.ok(dir && !dir.startsWith(project.dir), `DOCKER_CONFIG=${dir} is outside the project`);
    assert.throws(() => statSync(dir), { code: "ENOENT" }, "the temporary Docker config is removed after the build");
    for (const call of runnerCalls(world)) {
      assert.equal(call.env.STAGECRAFT_REGISTRY_PASSWORD, undefined, `withheld from encore ${call.argv.join(" ")}`);
      assert.doesNotMatch(JSON.stringify(call.argv), new RegExp(password));
    }
    assert.doesNotMatch(finished.stdout + finished.stderr + plan.stdout + plan.stderr, new RegExp(password));
  });

  test("half a registry login is INVALID_CONFIG naming the variable, before any encore call", async () => {
    const { project, world } = await fixture();
    const finished = await runCli(["build", "--tag", "v3", "--push"], {
      cwd: project.dir,
      env: world.env({ STAGECRAFT_REGISTRY_PASSWORD: "hunter2" }),
    });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /encore-ts build: INVALID_CONFIG: STAGECRAFT_REGISTRY_USERNAME is empty or unset/);
    assert.match(finished.stderr, /fix: set both STAGECRAFT_REGISTRY_USERNAME and STAGECRAFT_REGISTRY_PASSWORD/);
    assert.doesNotMatch(finished.stderr, /hunter2|\n\s+at /);
    assert.deepEqual(runnerCalls(world), []);
  });

  test("--tag defaults to the commit (12 hex digits), with -dirty for uncommitted changes, and GITHUB_OUTPUT gets image=<ref>", async () => {
    const { project, env } = await fixture();
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: project.dir,
        encoding: "utf8",
      }).trim();
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "init");
    const sha = git("rev-parse", "HEAD").slice(0, 12);
    const output = project.path("github-output");
    let finished = await runCli(["build"], { cwd: project.dir, env: { ...env, GITHUB_OUTPUT: output } });
    assert.equal(finished.code, 0, finished.stderr);
    assert.equal(finished.stdout, `ghcr.io/acme/platform/api:${sha}-encore\n`);
    assert.equal(readFileSync(output, "utf8"), `image=ghcr.io/acme/platform/api:${sha}-encore\n`);
    project.write("stagecraft.yml", `${readFileSync(project.path("stagecraft.yml"), "utf8")}# changed\n`);
    finished = await runCli(["build"], { cwd: project.dir, env });
    assert.equal(finished.stdout, `ghcr.io/acme/platform/api:${sha}-dirty-encore\n`);
  });

  test("rejects build.config together with skip_config, and a config file that is not there", async () => {
    const { project, env } = await fixture();
    project.write(
      "stagecraft.yml",
      "backend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      build: {workdir: backend, config: missing.json, skip_config: true, arch: x86}\n",
    );
    const finished = await runCli(["build", "--tag", "v1"], { cwd: project.dir, env });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /build\.arch: "x86" must be amd64 or arm64/);
    assert.match(finished.stderr, /build\.config: file not found: .*backend\/missing\.json/);
    assert.match(finished.stderr, /build\.skip_config: cannot be true together with build\.config/);
  });

  test("never prints the auth key and keeps it out of encore's environment, even when encore echoes it", async () => {
    const { project, world } = await fixture({ echoEnv: true, build: { load: false } });
    const finished = await runCli(["build", "--tag", "v1", "--log-level", "debug"], {
      cwd: project.dir,
      env: world.env({ DOCKER_HOST: dockerHost, ENCORE_AUTH_KEY: "ek_build_key_0000111" }),
    });
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stderr, /\[encore-double\] env HOME=/, "encore echoed its environment");
    assert.ok(!`${finished.stdout}${finished.stderr}`.includes("ek_build_key_0000111"));
    for (const call of runnerCalls(world))
      assert.equal(call.env.ENCORE_AUTH_KEY, undefined, "withheld: auth login takes it as a flag");
    assert.deepEqual(
      runnerCalls(world)
        .filter((call) => call.argv[0] !== "version")
        .map(commandOf),
      ["auth login", "build docker"],
    );
  });

  test("withholds the app's from_env secrets from encore's environment and masks their values", async () => {
    const { project, world } = await fixture({ echoEnv: true, build: { load: false } });
    project.write(
      "stagecraft.yml",
      `${readFileSync(project.path("stagecraft.yml"), "utf8").replace("disable_telemetry: true", "disable_telemetry: true\n        encore_secrets: {from_env: [APP_SECRET]}")}`,
    );
    const finished = await runCli(["build", "--tag", "v1"], {
      cwd: project.dir,
      env: world.env({ DOCKER_HOST: dockerHost, APP_SECRET: "app-secret-in-ci-env" }),
    });
    assert.equal(finished.code, 0, finished.stderr);
    assert.ok(!`${finished.stdout}${finished.stderr}`.includes("app-secret-in-ci-env"));
    for (const call of runnerCalls(world)) assert.equal(call.env.APP_SECRET, undefined);
  });
});
