import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { runDoctor } from "../../src/doctor/run.ts";
import type { CheckResult } from "../../src/doctor/types.ts";
import { deferred } from "../support/cleanup.ts";
import { runCli } from "../support/cli.ts";
import { doubleWorld } from "../support/double.ts";
import { DOUBLE_BIN, TEST_CA, encoreProject, type TempProject } from "../support/project.ts";
import { freePort } from "../support/ports.ts";

const defer = deferred();

async function project(dev: string, extra: Record<string, string> = {}): Promise<TempProject> {
  const port = await freePort();
  const p = encoreProject(
    `backend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      dev: {env_file: .env.local, listen: "127.0.0.1:${port}"${dev}}\n`,
    extra,
  );
  defer(() => p.remove());
  return p;
}

async function doctor(
  p: TempProject,
  env: Record<string, string | undefined> = {},
  inContainer = false,
  hostNetwork = false,
) {
  const home = p.path(".home");
  const report = await runDoctor({
    projectDir: p.dir,
    configPath: p.path("stagecraft.yml"),
    cwd: p.dir,
    inContainer,
    // A container on a bridge network unless a test says otherwise: whether this machine has docker0 must not matter.
    hostNetwork,
    env: {
      PATH: `${DOUBLE_BIN}:${process.env.PATH}`,
      HOME: home,
      DOCKER_HOST: "unix:///nonexistent.sock",
      ENCORE_DEVDASH_LISTEN_ADDR: `127.0.0.1:${await freePort()}`,
      ...env,
    },
  });
  const byId = (id: string): CheckResult => {
    const found = report.results.find((result) => result.id === id);
    assert.ok(found, `no ${id} check in ${report.results.map((r) => r.id).join(", ")}`);
    return found;
  };
  return { report, byId };
}

describe("doctor", () => {
  test("a healthy project passes with exit code 0 (warnings allowed)", async () => {
    const { report, byId } = await doctor(await project(""));
    for (const id of [
      "config",
      "encore",
      "encore-version",
      "encore-app",
      "env-file",
      "tls",
      "databases",
      "listen-port",
      "secrets",
    ]) {
      assert.equal(byId(id).status, "pass", `${id}: ${byId(id).message}`);
    }
    assert.equal(byId("encore").message.startsWith("encore 1.56.4 at "), true);
    assert.equal(byId("docker").status, "warn", "no engine at the fake DOCKER_HOST");
    assert.equal(report.exitCode, 0);
  });

  test("lists every config problem and fails", async () => {
    const p = await project(", lisen: x, encore_secrets: {types: [staging]}");
    const { report, byId } = await doctor(p);
    const config = byId("config");
    assert.equal(config.status, "fail");
    assert.equal(config.details?.length, 2);
    assert.match(config.details!.join("\n"), /did you mean "listen"/);
    assert.equal(report.exitCode, 1);
  });

  test("an encore CLI older than the app's encore.dev fails, naming the ENCORE_VERSION build argument", async () => {
    const p = await project("");
    p.write("package.json", '{"dependencies": {"encore.dev": "^1.58.6"}}');
    const check = (await doctor(p)).byId("encore-version");
    assert.equal(check.status, "fail");
    assert.match(check.message, /encore 1\.56\.4 is older than encore\.dev \^1\.58\.6 declared in/);
    assert.match(check.fix!, /--build-arg ENCORE_VERSION=1\.58\.6/);
  });

  test("shows the declared, installed and CLI versions side by side; devDependencies do not count", async () => {
    const p = await project("");
    p.write("package.json", '{"dependencies": {"encore.dev": "1.56.4"}, "devDependencies": {"encore.dev": "1.99.0"}}');
    p.write("node_modules/encore.dev/package.json", '{"name": "encore.dev", "version": "1.57.4"}');
    const check = (await doctor(p)).byId("encore-version");
    assert.equal(check.status, "fail", "installed a minor ahead of the CLI");
    assert.equal(
      check.message,
      "the installed encore.dev 1.57.4 is newer than the encore CLI 1.56.4; dev refuses to start",
    );
    assert.deepEqual(check.details, [
      "declared:  encore.dev 1.56.4 (package.json dependencies)",
      `installed: encore.dev 1.57.4 (${p.path("node_modules/encore.dev/package.json")})`,
      "cli:       encore 1.56.4",
    ]);
    assert.match(check.fix!, /pin encore\.dev to 1\.56\.4 .*ENCORE_VERSION=1\.57\.4/);

    p.write("package.json", '{"devDependencies": {"encore.dev": "1.56.4"}}');
    p.write("node_modules/encore.dev/package.json", '{"name": "encore.dev", "version": "1.56.5"}');
    const patch = (await doctor(p)).byId("encore-version");
    assert.equal(patch.status, "warn");
    assert.equal(patch.details?.[0], "declared:  none in package.json dependencies");

    p.write("package.json", '{"dependencies": {"encore.dev": "1.56.4"}}');
    p.write("node_modules/encore.dev/package.json", '{"name": "encore.dev", "version": "1.56.2"}');
    const behind = (await doctor(p)).byId("encore-version");
    assert.deepEqual(
      [behind.status, behind.message],
      ["warn", "the installed encore.dev 1.56.2 is older than the declared 1.56.4: the lockfile is out of date"],
    );

    p.write("node_modules/encore.dev/package.json", '{"name": "encore.dev", "version": "1.56.4"}');
    assert.equal((await doctor(p)).byId("encore-version").status, "pass");
  });

  test("offline where packets are dropped, doctor neither fails its encore checks nor waits out the update check", async () => {
    const p = await project("");
    const started = performance.now();
    const { report, byId } = await doctor(p, { ENCORE_DOUBLE_SCENARIO: '{"version":{"updateCheck":"drop"}}' });
    assert.ok(performance.now() - started < 8000, "doctor waited for encore version's 10 s update check");
    assert.equal(byId("encore").status, "warn");
    assert.match(byId("encore").message, /version is unknown: `encore version` printed no version within 3000 ms/);
    assert.equal(byId("encore-version").status, "warn");
    assert.equal(
      report.results.some((r) => r.id.startsWith("encore") && r.status === "fail"),
      false,
    );
  });

  test("a missing encore is a failure with a fix", async () => {
    const p = await project("");
    const check = (await doctor(p, { PATH: "/usr/bin:/bin" })).byId("encore");
    assert.equal(check.status, "fail");
    assert.match(check.fix!, /image|install/);
  });

  test("the CA is checked for Node and for encore", async () => {
    const p = await project(", node_extra_ca_certs: ca.pem", { "ca.pem": readFileSync(TEST_CA, "utf8") });
    const { byId } = await doctor(p);
    assert.equal(byId("tls").status, "pass");
    assert.equal(byId("tls-node").status, "pass", byId("tls-node").message);
    assert.match(byId("tls-encore").message, /SSL_CERT_FILE=.*ca-bundle-[0-9a-f]+\.pem/);
  });

  test("a private key given as the CA fails the config check", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const p = await project(", node_extra_ca_certs: key.pem", {
      "key.pem": privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    });
    const { byId } = await doctor(p);
    assert.match(byId("config").details!.join("\n"), /PRIVATE KEY/);
  });

  test("warns about the 127.0.0.1 database trap in a container, and not with ENCORE_SQLDB_HOST", async () => {
    const p = await project("", {
      "svc/db.ts":
        'import { SQLDatabase } from "encore.dev/storage/sqldb";\nexport const db = new SQLDatabase("x", { migrations: "./migrations" });\n',
      "svc/migrations/1_init.up.sql": "",
    });
    const trap = (await doctor(p, {}, true)).byId("databases");
    assert.equal(trap.status, "warn");
    assert.match(trap.details!.join(" "), /encore#2382/);
    assert.match(trap.fix!, /ENCORE_SQLDB_HOST/);
    assert.equal((await doctor(p, { ENCORE_SQLDB_HOST: "postgres:5432" }, true)).byId("databases").status, "pass");
    assert.equal(
      (await doctor(p, {}, true, true)).byId("databases").status,
      "pass",
      "host networking shares the engine's loopback",
    );
    assert.equal((await doctor(p, {}, false)).byId("databases").status, "pass", "on a host 127.0.0.1 is right");
  });

  test("says what holds a taken port, and in a container wants the dashboard on 0.0.0.0", async () => {
    const p = await project("");
    const settings = readFileSync(p.path("stagecraft.yml"), "utf8");
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(settings)![1]);
    const server = createServer().listen(port, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    defer(() => server.close());
    const { byId } = await doctor(p, {}, true);
    assert.equal(byId("listen-port").status, "warn");
    assert.match(byId("listen-port").message, new RegExp(`in use by pid ${process.pid}`));
    assert.equal(byId("dashboard-reach").status, "warn");
    assert.match(byId("dashboard-reach").fix!, /ENCORE_DEVDASH_LISTEN_ADDR=0\.0\.0\.0:9400/);
  });

  test("cloud secrets need a linked app and a login, and point to local mode otherwise", async () => {
    const p = await project(", encore_secrets: {from_env: [A]}");
    const missingLogin = (await doctor(p)).byId("secrets");
    assert.equal(missingLogin.status, "fail");
    assert.match(missingLogin.message, /no login/);
    assert.match(missingLogin.fix!, /mode: local/);
    assert.equal((await doctor(p, { ENCORE_AUTH_KEY: "ek_x" })).byId("secrets").status, "pass");
    p.write("encore.app", '{"id": ""}');
    assert.match((await doctor(p, { ENCORE_AUTH_KEY: "ek_x" })).byId("secrets").message, /has no id/);
  });

  test("reads encore.app as Encore does (HuJSON): comments and trailing commas, and says when it is broken", async () => {
    const p = await project(", encore_secrets: {from_env: [A]}");
    p.write(
      "encore.app",
      '// linked in the console\n{\n  "id": "hello-x7k2", // the cloud id\n  "lang": "typescript",\n}\n',
    );
    const { byId } = await doctor(p, { ENCORE_AUTH_KEY: "ek_x" });
    assert.equal(byId("secrets").message, "app hello-x7k2 is linked and ENCORE_AUTH_KEY is set");
    assert.equal(byId("encore-app").message, `${p.path("encore.app")} (typescript, linked to hello-x7k2)`);
    p.write("encore.app", '{"id": "hello-x7k2",,}');
    const broken = (await doctor(p, { ENCORE_AUTH_KEY: "ek_x" })).byId("encore-app");
    assert.equal(broken.status, "fail");
    assert.match(broken.message, /is not valid JSON with comments: PropertyNameExpected at line 1, column 21/);
  });

  test("the CLI prints one table, or JSON, never a secret or the auth key, and exits 1 on a failure", async () => {
    const p = await project(", encore_secrets: {from_env: [SECRET_A]}", {
      ".env.local": "SECRET_A=doctor-secret-value\n",
    });
    const world = await doubleWorld();
    defer(() => world.remove());
    const env = world.env({ ENCORE_AUTH_KEY: "ek_doctor_key_123" });
    const text = await runCli(["doctor"], { cwd: p.dir, env });
    assert.match(text.stdout, /^PASS {2}config /m);
    assert.match(text.stdout, /^doctor: \d+ ok, \d+ warning\(s\), 0 failing$/m);
    const json = await runCli(["doctor", "--json"], { cwd: p.dir, env });
    const parsed = JSON.parse(json.stdout);
    assert.ok(parsed.checks.length >= 10);
    assert.deepEqual(Object.keys(parsed.summary), ["pass", "warn", "fail"]);
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      assert.ok(!out.includes("doctor-secret-value") && !out.includes("ek_doctor_key_123"));
    }
    p.write("encore.app", "{}");
    const failing = await runCli(["doctor"], { cwd: p.dir, env: world.env() });
    assert.equal(failing.code, 1);
  });
});
