import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deferred } from "../support/cleanup.ts";
import { runCli, RunningCli } from "../support/cli.ts";
import { doubleWorld, runnerCalls, type DoubleWorld } from "../support/double.ts";
import { encoreProject, type TempProject } from "../support/project.ts";
import { freePort } from "../support/ports.ts";

const defer = deferred();

async function fixture(): Promise<{
  project: TempProject;
  world: DoubleWorld;
  env: Record<string, string | undefined>;
}> {
  const port = await freePort();
  const project = encoreProject(
    `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        env_file: .env.local
        listen: "127.0.0.1:${port}"
        disable_telemetry: true
        encore_secrets: {from_env: [STRIPE_KEY, WEBHOOK_SECRET, NOT_SET], concurrency: 1}
`,
    { ".env.local": "STRIPE_KEY=sk_live_plan_value\nWEBHOOK_SECRET=whsec_plan_value\nPLAIN=1\n" },
  );
  const world = await doubleWorld();
  defer(
    () => project.remove(),
    () => world.remove(),
  );
  return { project, world, env: world.env({ ENCORE_AUTH_KEY: "ek_plan_auth_key" }) };
}

describe("plan", () => {
  test("dev: the steps in order with argv, cwd, stdin sources and environment keys by source, running nothing", async () => {
    const { project, world, env } = await fixture();
    const finished = await runCli(["plan", "dev", "--json"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    const plan = JSON.parse(finished.stdout);
    assert.deepEqual(
      plan.steps.map((step: { n: number; argv: string[]; cwd: string; stdin?: string }) => [
        step.n,
        step.argv,
        step.cwd,
        step.stdin,
      ]),
      [
        [1, ["encore", "version"], project.dir, undefined],
        [2, undefined, undefined, undefined],
        [3, undefined, undefined, undefined],
        [4, ["encore", "auth", "login", "--auth-key=[redacted]"], project.dir, undefined],
        [
          5,
          ["encore", "secret", "set", "--type", "dev,preview,local", "STRIPE_KEY"],
          project.dir,
          "the value of STRIPE_KEY",
        ],
        [
          6,
          ["encore", "secret", "set", "--type", "dev,preview,local", "WEBHOOK_SECRET"],
          project.dir,
          "the value of WEBHOOK_SECRET",
        ],
        [
          7,
          ["encore", "run", "--debug", "--verbose", "--watch", "--listen", plan.steps[6].argv[6], "--browser=never"],
          project.dir,
          undefined,
        ],
      ],
    );
    assert.equal(plan.steps[1].title, "skip installing packages (up to date)");
    assert.match(plan.steps[2].title, /compare the installed encore\.dev with the encore CLI's version/);
    const sources = Object.fromEntries(
      plan.env.map((entry: { key: string; source: string }) => [entry.key, entry.source]),
    );
    assert.equal(sources.DISABLE_ENCORE_TELEMETRY, "config");
    assert.equal(sources.PLAIN, "env_file");
    assert.equal(sources.HOME, "process");
    assert.equal(sources.STRIPE_KEY, undefined, "secrets are withheld from the environment");
    assert.deepEqual(plan.withheld, ["STRIPE_KEY", "WEBHOOK_SECRET", "NOT_SET", "ENCORE_AUTH_KEY", "ENCORE_AUTHKEY"]);
    assert.equal(sources.ENCORE_AUTH_KEY, undefined, "the auth key reaches encore through auth login only");
    assert.match(plan.warnings[0], /NOT_SET/);
    assert.deepEqual(world.calls(), [], "plan runs nothing");
  });

  test("is the plan dev executes: the double sees the same argv and cwd, in the same order", async () => {
    const { project, world, env } = await fixture();
    const plan = JSON.parse((await runCli(["plan", "dev", "--json"], { cwd: project.dir, env })).stdout);
    const dev = new RunningCli(["dev"], { cwd: project.dir, env });
    defer(() => dev.kill("SIGKILL"));
    await dev.waitForLine(/dev server ready/);
    dev.kill("SIGTERM");
    assert.equal((await dev.finished()).code, 0);
    const executed: [string[], string][] = runnerCalls(world).map((call) => [
      ["encore", ...call.argv].map((arg) => arg.replace("ek_plan_auth_key", "[redacted]")),
      call.cwd,
    ]);
    // Steps without argv (a skipped install, the SDK check) start no encore process.
    const planned: [string[], string][] = plan.steps
      .filter((step: { argv?: string[] }) => step.argv)
      .map((step: { argv: string[]; cwd: string }) => [step.argv, step.cwd]);
    // The version check runs in the background, so it may start at any point; all else is in order.
    const isVersion = ([argv]: [string[], string]) => argv[1] === "version";
    assert.deepEqual(executed.filter(isVersion), planned.filter(isVersion));
    assert.deepEqual(
      executed.filter((call) => !isVersion(call)),
      planned.filter((step) => !isVersion(step)),
    );
  });

  test("build: the engine check, version and the build command with its options", async () => {
    const { project, env } = await fixture();
    project.write(
      "stagecraft.yml",
      "project: {registry: ghcr.io/acme}\nbackend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      build: {image_name: web, arch: arm64, services: [a, b]}\n",
    );
    const finished = await runCli(["plan", "build", "--tag", "v1", "--push"], { cwd: project.dir, env });
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stdout, /\$ encore build docker --push --arch=arm64 --services=a,b ghcr.io\/acme\/web:v1\n/);
    assert.doesNotMatch(finished.stdout, /check the Docker engine/, "pushing needs no local engine");
    const local = await runCli(["plan", "build", "--tag", "v1"], { cwd: project.dir, env });
    assert.match(local.stdout, /1\. check the Docker engine at /);
  });

  test("never prints a secret value or the auth key, in text or JSON", async () => {
    const { project, env } = await fixture();
    for (const args of [
      ["plan", "dev"],
      ["plan", "dev", "--json"],
      ["plan", "dev", "--log-level", "debug", "--log-format", "json"],
    ]) {
      const { stdout, stderr } = await runCli(args, { cwd: project.dir, env });
      for (const secret of ["sk_live_plan_value", "whsec_plan_value", "ek_plan_auth_key"]) {
        assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `${secret} leaked from ${args.join(" ")}`);
      }
    }
  });

  test("needs dev or build", async () => {
    const { project, env } = await fixture();
    const finished = await runCli(["plan"], { cwd: project.dir, env });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /plan takes one of dev, build/);
  });
});
