// `encore build docker` in the test double, and pack.sh, which puts the double into a
// tarball with the official release layout. Loading into a real engine needs Docker, so
// that test lives with the other Docker-backed ones: test/container/encore-double-engine.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, test } from "node:test";
import { FIXTURE, encore, sandboxes, start, stripAnsi } from "./harness.ts";

const box = sandboxes();

const NO_LOAD = '{"build":{"load":false}}';
/** The zerolog lines without colour and without the time column. */
const logLines = (stderr: string) =>
  stripAnsi(stderr)
    .trimEnd()
    .split("\n")
    .map((l) => l.replace(/^\d{1,2}:\d{2}[AP]M /, ""));

describe("encore build docker", () => {
  test("logs the real zerolog lines and exits 0 (loading switched off by the scenario)", async () => {
    const b = await box();
    const r = await encore(["build", "docker", "registry.local:5000/team/app:1.2"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: NO_LOAD }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(stripAnsi(r.stderr), /^\d{1,2}:\d{2}[AP]M INF compiling/);
    assert.deepEqual(logLines(r.stderr), [
      "INF compiling Encore application for linux/amd64",
      "INF saving image to local docker daemon",
      "INF successfully saved local docker image",
      "INF successfully exported app as docker image",
      "Learn More: https://encore.dev/docs/how-to/self-host",
    ]);
  });

  test("simulates --push when the scenario switches engine and registry off", async () => {
    const b = await box();
    const r = await encore(["eject", "docker", "--push", "--arch", "arm64", "registry.local/app:1"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: NO_LOAD }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(logLines(r.stderr).slice(0, 4), [
      "INF compiling Encore application for linux/arm64",
      "INF pushing image to docker registry",
      "INF pushing docker image to container registry",
      "INF successfully pushed docker image",
    ]);
  });

  test("--push really dials the registry: an unknown host fails with Go's error, exit 1", async () => {
    const b = await box();
    const r = await encore(["build", "docker", "--push", "registry.invalid:5000/team/app:1"], {
      cwd: b.app,
      env: b.env(),
    });
    assert.equal(r.code, 1);
    assert.equal(
      logLines(r.stderr).at(-1),
      'ERR unable to push docker image error="Get \\"https://registry.invalid:5000/v2/\\": dial tcp: lookup registry.invalid: no such host"',
    );
  });

  test("--push goes through the daemon's HTTPS_PROXY with CONNECT, and NO_PROXY bypasses it", async () => {
    const seen: string[] = [];
    const proxy = createServer();
    proxy.on("connect", (req, socket) => {
      seen.push(String(req.url));
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    after(() => proxy.close());
    const proxyURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const b = await box();
    let r = await encore(["build", "docker", "--push", "registry.example:5000/team/app:1"], {
      cwd: b.app,
      env: b.env({ https_proxy: proxyURL, NO_PROXY: "postgres,.other.example" }),
    });
    assert.equal(r.code, 1);
    assert.deepEqual(seen, ["registry.example:5000"]);
    assert.equal(
      logLines(r.stderr).at(-1),
      'ERR unable to push docker image error="Get \\"https://registry.example:5000/v2/\\": Forbidden"',
    );
    // The daemon keeps its environment: restart it with the registry in NO_PROXY.
    await encore(["daemon"], { cwd: b.app, env: b.env({ HTTPS_PROXY: proxyURL, NO_PROXY: "example:5000" }) });
    r = await encore(["build", "docker", "--push", "registry.example:5000/team/app:1"], { cwd: b.app, env: b.env() });
    assert.deepEqual(
      seen,
      ["registry.example:5000"],
      "a NO_PROXY entry with its port matches subdomains: dialled directly",
    );
    assert.match(logLines(r.stderr).at(-1) ?? "", /lookup registry\.example: no such host/);
  });

  test("fails with the engine's error when the daemon's DOCKER_HOST cannot be reached", async () => {
    const b = await box();
    const dead = `unix://${join(b.dir, "no-docker.sock")}`;
    const r = await encore(["build", "docker", "app:1"], { cwd: b.app, env: b.env({ DOCKER_HOST: dead }) });
    assert.equal(r.code, 1);
    assert.equal(
      logLines(r.stderr).at(-1),
      `ERR unable to save docker image error="Cannot connect to the Docker daemon at ${dead}. Is the docker daemon running?"`,
    );
  });

  test("uses the DOCKER_HOST the daemon started with, not the command's", async () => {
    const b = await box();
    const first = `unix://${join(b.dir, "first.sock")}`;
    await encore(["daemon"], { cwd: b.app, env: b.env({ DOCKER_HOST: first }) });
    const r = await encore(["build", "docker", "app:1"], {
      cwd: b.app,
      env: b.env({ DOCKER_HOST: `unix://${join(b.dir, "second.sock")}` }),
    });
    assert.match(logLines(r.stderr).at(-1) ?? "", new RegExp(`Cannot connect to the Docker daemon at ${first}\\.`));
  });

  test("defaults a TypeScript app to base node:slim, which must already be in the engine", async () => {
    const b = await box({
      "encore.app": '{"lang": "typescript"}',
      "package.json": '{"dependencies":{"encore.dev":"1.56.4"}}',
      "node_modules/encore.dev/package.json": '{"version":"1.56.4"}',
    });
    const r = await encore(["build", "docker", "app:1"], {
      cwd: b.app,
      env: b.env({ DOCKER_HOST: `unix://${join(b.dir, "none.sock")}` }),
    });
    assert.equal(r.code, 1);
    assert.deepEqual(logLines(r.stderr).slice(1), [
      "INF resolving base image node:slim",
      "INF could not get image from local daemon, fetching it remotely",
      'ERR resolve base image: unable to fetch image: Get "https://index.docker.io/v2/": dial tcp: lookup index.docker.io: no such host',
    ]);
  });

  test("rejects an image reference go-containerregistry rejects", async () => {
    const b = await box();
    const r = await encore(["build", "docker", "MyApp:1"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: NO_LOAD }),
    });
    assert.equal(r.code, 1);
    assert.match(
      logLines(r.stderr).at(-1) ?? "",
      /^ERR invalid image tag error="repository can only contain the characters/,
    );
  });

  test("requires the --config file to exist", async () => {
    const b = await box();
    const r = await encore(["build", "docker", "--config", "infra.json", "app:1"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: NO_LOAD }),
    });
    assert.equal(
      logLines(r.stderr).at(-1),
      `ERR build infra config: infra config not found: open ${join(b.app, "infra.json")}: no such file or directory`,
    );
  });

  test("exits 0 on SIGINT during a build (the real quirk)", async () => {
    const b = await box();
    const p = start(["build", "docker", "app:1"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"build":{"hang":true}}' }),
    });
    await p.waitFor("stderr", /compiling Encore application/);
    p.child.kill("SIGINT");
    assert.deepEqual([(await p.exited).code, (await p.exited).signal], [0, null]);
  });

  test("hangs on a .git file above the app and dies by SIGINT there (before the handler exists)", async () => {
    const b = await box({ "app/encore.app": "{}", ".git": "gitdir: /elsewhere\n" });
    const cwd = join(b.app, "app");
    // echoEnv prints before the command runs, so its last line says the double has started.
    const p = start(["build", "docker", "app:1"], {
      cwd,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"echoEnv":true}', ZZZ_LAST: "1" }),
    });
    await p.waitFor("stdout", /env ZZZ_LAST=1\n/);
    p.child.kill("SIGINT");
    const done = await p.exited;
    assert.deepEqual([done.code, done.signal], [null, "SIGINT"]);
    assert.doesNotMatch(done.stderr, /compiling/);
  });
});

describe("pack.sh", () => {
  const pack = (version: string, arch: string, out: string) =>
    execFileSync(join(FIXTURE, "pack.sh"), [version, arch, out], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();

  test("builds the official layout reproducibly and prints its sha256", async () => {
    const b = await box({});
    const one = pack("1.56.4", "amd64", join(b.dir, "one"));
    const two = pack("1.56.4", "amd64", join(b.dir, "two"));
    assert.match(one, /^[0-9a-f]{64}$/);
    assert.equal(one, two);
    assert.notEqual(pack("1.56.4", "arm64", join(b.dir, "one")), one);
    const listing = execFileSync("tar", ["-tvzf", join(b.dir, "one", "encore-1.56.4-linux_amd64.tar.gz")], {
      encoding: "utf8",
    });
    const rows = listing
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/));
    assert.deepEqual(
      rows.map((r) => r[5]),
      [
        "bin/",
        "bin/encore",
        "bin/git-remote-encore",
        "bin/tsbundler-encore",
        "bin/tsparser-encore",
        "encore-go/",
        "encore-go/PLACEHOLDER",
        "runtimes/",
        "runtimes/go/",
        "runtimes/go/PLACEHOLDER",
        "runtimes/js/",
        "runtimes/js/encore-runtime.node",
      ],
    );
    assert.ok(
      rows.every((r) => r[1] === "0/0" && r[3] === "2000-01-01"),
      listing,
    );
  });

  test("the packed double reports its version, finds its install root, and refuses a foreign arch", async () => {
    const b = await box();
    const host = process.arch === "arm64" ? "arm64" : "amd64";
    const foreign = host === "amd64" ? "arm64" : "amd64";
    for (const [arch, dir] of [
      [host, "native"],
      [foreign, "foreign"],
    ] as const) {
      pack("1.58.2", arch, b.dir);
      mkdirSync(join(b.dir, dir));
      execFileSync("tar", ["-C", join(b.dir, dir), "-xzf", join(b.dir, `encore-1.58.2-linux_${arch}.tar.gz`)]);
    }
    const native = join(b.dir, "native", "bin", "encore");
    assert.equal(
      (await encore(["version"], { cwd: b.app, env: b.env(), command: native })).stdout,
      "encore version v1.58.2\n",
    );
    const env = await encore(["daemon", "env"], { cwd: b.app, env: b.env(), command: native });
    assert.match(env.stdout, new RegExp(`^ENCORE_GOROOT=${join(b.dir, "native", "encore-go")}\n`));
    const wrong = await encore(["version"], {
      cwd: b.app,
      env: b.env(),
      command: join(b.dir, "foreign", "bin", "encore"),
    });
    assert.equal(wrong.code, 126);
    assert.match(wrong.stderr, /cannot execute binary file: Exec format error/);
  });
});
