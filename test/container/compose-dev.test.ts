// `docker compose up stagecraft-dev` as a team runs it, with the
// image built from this repository around the encore test double. The project is a copy of
// examples/hello owned by uid 1000, linked to Encore Cloud (an app ID) with secrets mode
// cloud, ENCORE_AUTH_KEY and two from_env secrets: one in .env.local, one in the service's
// environment. Postgres is the encoredotdev/postgres:18 STAND-IN (test/stand-ins/).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { commandOf, type DoubleCall } from "../support/double.ts";
import { containerProcesses, containerState, requireDocker, waitForLogLine } from "../support/docker.ts";
import { testImage } from "../support/image.ts";
import { RUNNER_DEV, helloCompose, helloProject, type HelloCompose, type HelloCopy } from "./toolbox.ts";

const suffix = Math.random().toString(36).slice(2, 10);
const SECRETS = { HELLO_API_TOKEN: `hello-token-${suffix}`, PAYMENT_API_KEY: `payment-key-${suffix}` };
const AUTH_KEY = `ci-auth-key-${suffix}`;
const SECRET_TYPES = "dev,local"; // examples/hello's dev.encore_secrets.types

let project: HelloCopy;
let env: HelloCompose;
let devId: string;
let postgresId: string;

before(async () => {
  await requireDocker();
  const image = await testImage();
  project = helloProject({
    appId: "hello-compose-test",
    provider: [
      [["dev", "encore_secrets", "mode"], "cloud"],
      [["dev", "encore_secrets", "from_env"], Object.keys(SECRETS)],
    ],
    envLocal: [`HELLO_API_TOKEN=${SECRETS.HELLO_API_TOKEN}`],
  });
  env = await helloCompose({ image: image.tag, project, authKey: AUTH_KEY, paymentApiKey: SECRETS.PAYMENT_API_KEY });
  await env.compose.up(["stagecraft-dev"]);
  devId = await env.compose.containerId("stagecraft-dev");
  postgresId = await env.compose.containerId("postgres");
});

after(async () => {
  await env?.compose.down();
  project?.remove();
});

interface DoubleState {
  uid: number;
  env: Record<string, string | null>;
  caFileExists: boolean;
  sslCertFileExists: boolean;
  sqldb: { host: string | null; reached: boolean; error?: string };
  daemon: { env: Record<string, string | null> };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function runnerCalls(): DoubleCall[] {
  return project.calls().filter((call) => call.argv[0] !== "daemon");
}

describe("docker compose up --wait stagecraft-dev", () => {
  test("brings up stagecraft-dev and the Postgres stand-in, both healthy", async () => {
    assert.equal((await containerState(devId)).Health?.Status, "healthy");
    assert.equal((await containerState(postgresId)).Health?.Status, "healthy");
  });

  test("the API answers on its published port from the host, and the dashboard on its own", async () => {
    const api = await getJson(`http://127.0.0.1:${env.apiPort}/hello/world`);
    assert.equal(api.status, 200);
    assert.deepEqual(api.body, { double: "encore", method: "GET", path: "/hello/world" });
    // ENCORE_DEVDASH_LISTEN_ADDR=0.0.0.0:9400 in docker-compose.yml; 127.0.0.1 would be unreachable.
    const dashboard = await getJson(`http://127.0.0.1:${env.dashboardPort}/`);
    assert.equal(dashboard.status, 200);
    assert.equal(dashboard.body["dashboard"], true);
  });

  test("encore reached ENCORE_SQLDB_HOST, with telemetry off and NODE_EXTRA_CA_CERTS on a file that exists", async () => {
    await waitForLogLine(devId, /sqldb: connected to postgres:5432$/);
    const { body } = await getJson(`http://127.0.0.1:${env.apiPort}/__double/state`);
    const state = body as unknown as DoubleState;
    assert.deepEqual(state.sqldb, { host: "postgres:5432", reached: true });
    for (const seen of [state.env, state.daemon.env]) {
      assert.equal(seen["ENCORE_SQLDB_HOST"], "postgres:5432");
      assert.equal(seen["DISABLE_ENCORE_TELEMETRY"], "1");
      assert.equal(seen["NODE_EXTRA_CA_CERTS"], "/workspace/certs/dev-root-ca.pem");
      assert.match(
        seen["SSL_CERT_FILE"] ?? "",
        /^\/home\/node\/\.cache\/stagecraft-encore\/ca-bundle-[0-9a-f]{16}\.pem$/,
      );
    }
    assert.equal(state.caFileExists, true);
    assert.equal(state.sslCertFileExists, true);
  });

  test("logs in with ENCORE_AUTH_KEY, then sets each secret once with all its types, the value on stdin only", () => {
    const calls = runnerCalls();
    // The image knows its CLI's version from the verified install: `encore version` never runs.
    assert.deepEqual(
      calls.filter((call) => commandOf(call) === "version").map((call) => call.argv),
      [],
    );
    const argvs = calls.filter((call) => commandOf(call) !== "version").map((call) => call.argv);
    assert.deepEqual(argvs[0], ["auth", "login", `--auth-key=${AUTH_KEY}`]);
    assert.deepEqual(argvs.slice(1, 3).sort(), [
      ["secret", "set", "--type", SECRET_TYPES, "HELLO_API_TOKEN"],
      ["secret", "set", "--type", SECRET_TYPES, "PAYMENT_API_KEY"],
    ]);
    assert.deepEqual(argvs.slice(3), [
      ["run", "--debug", "--verbose", "--watch", "--listen", "0.0.0.0:4000", "--browser=never"],
    ]);
    const stdin = Object.fromEntries(
      calls.filter((call) => commandOf(call) === "secret set").map((call) => [call.argv.at(-1), call.stdin]),
    );
    assert.deepEqual(stdin, SECRETS);
    for (const call of project.calls()) {
      assert.equal(call.cwd, "/workspace");
      for (const [name, value] of Object.entries(SECRETS)) {
        assert.ok(
          !call.argv.some((arg) => arg.includes(value)),
          `${name}'s value is in the argv of encore ${call.argv.join(" ")}`,
        );
        assert.equal(
          call.env[name],
          undefined,
          `${name} is withheld from the environment of encore ${call.argv.join(" ")}`,
        );
        assert.ok(
          !Object.values(call.env).some((seen) => seen.includes(value)),
          `${name}'s value is in the environment of encore ${call.argv.join(" ")}`,
        );
      }
    }
  });

  test("the runner, encore run and encore's daemon run as uid 1000; only the init processes are root", async () => {
    // Docker starts each healthcheck probe as the container's user, root; the probe drops to
    // node itself (docker/healthcheck.mjs), but one caught in its first milliseconds is still root.
    const probe = (args: string) => args === "node /opt/stagecraft-encore/docker/healthcheck.mjs";
    const processes = (await containerProcesses(devId)).filter(
      (process) => !(process.uid === 0 && probe(process.args)),
    );
    const root = processes.filter((process) => process.uid === 0).map((process) => process.args.split(" ")[0]);
    assert.deepEqual(root.sort(), ["/sbin/docker-init", "/usr/bin/tini"]);
    const node = processes.filter((process) => process.uid === 1000).map((process) => process.args);
    assert.ok(
      node.some((args) => RUNNER_DEV.test(args)),
      node.join("\n"),
    );
    assert.ok(
      node.some((args) => /\/opt\/encore\/bin\/encore run /.test(args)),
      node.join("\n"),
    );
    assert.ok(
      node.some((args) => /\/opt\/encore\/bin\/encore daemon -f$/.test(args)),
      node.join("\n"),
    );
    assert.equal(node.length + root.length, processes.length, "no process runs as another user");
    const { body } = await getJson(`http://127.0.0.1:${env.apiPort}/__double/state`);
    assert.equal(body["uid"], 1000);
  });

  test("docker compose stop: encore run gets SIGINT, the container exits 0 within the grace period, and no secret is in the logs", async () => {
    const config = JSON.parse((await env.compose.runOk(["config", "--format", "json"])).stdout) as {
      services: Record<string, { stop_grace_period?: string }>;
    };
    const graceMs = durationMs(config.services["stagecraft-dev"]?.stop_grace_period ?? "10s");
    const started = performance.now();
    // A timeout above the grace period: exit 0 below must come from the runner, not from a kill.
    await env.compose.runOk(["stop", "--timeout", String(Math.ceil(graceMs / 1000) * 3), "stagecraft-dev"]);
    const elapsed = performance.now() - started;

    const state = await containerState(devId);
    assert.equal(state.Running, false);
    assert.equal(state.ExitCode, 0);
    assert.ok(elapsed < graceMs, `stopped after ${Math.round(elapsed)} ms; the grace period is ${graceMs} ms`);
    const run = runnerCalls().find((call) => commandOf(call) === "run")!;
    const ofRun = project.events().filter((event) => event.pid === run.pid);
    assert.deepEqual(
      ofRun.filter((event) => event.event === "signal").map((event) => event.signal),
      ["SIGINT"],
    );
    assert.deepEqual(
      ofRun.filter((event) => event.event === "exit").map((event) => event.code),
      [0],
    );

    const logs = await env.compose.runOk(["logs", "--no-color", "--no-log-prefix"]);
    const output = logs.stdout + logs.stderr;
    assert.match(output, /received SIGTERM; stopping/);
    assert.match(output, /dev server stopped \(encore run exited with code 0\)/);
    for (const [name, value] of [...Object.entries(SECRETS), ["ENCORE_AUTH_KEY", AUTH_KEY] as const]) {
      assert.ok(!output.includes(value), `${name}'s value is in docker compose logs`);
    }
  });
});

function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!match) throw new Error(`unexpected duration ${text}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
}
