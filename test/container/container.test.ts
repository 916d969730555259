// The container itself: who runs, what passes through the entrypoint, how a
// Docker socket with a foreign group is handled, and that the build's extra CA stays out
// of the image.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { commandOf } from "../support/double.ts";
import { docker, dockerOk, engineSocketProxy, imageExists, removeImages, uniqueName } from "../support/docker.ts";
import { ENCORE_VERSION, buildToolboxImage } from "../support/image.ts";
import { deferred } from "../support/cleanup.ts";
import { LeakScanner } from "./leaks.ts";
import { IMAGE_REPOSITORY, helloProject, runToolbox, toolboxImage, type HelloCopy } from "./toolbox.ts";

let image: string;
const defer = deferred("file");

before(async () => {
  image = await toolboxImage();
});

function project(options?: Parameters<typeof helloProject>[0]): HelloCopy {
  const copy = helloProject(options);
  defer(() => copy.remove());
  return copy;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-container-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("the toolbox container", () => {
  test("runs other commands as given, as node (uid 1000): encore version, bash -c id, encore db shell hello", async () => {
    const copy = project();
    const id = await runToolbox({ image, command: ["bash", "-c", "id"], project: copy });
    assert.deepEqual([id.exitCode, id.stdout], [0, "uid=1000(node) gid=1000(node) groups=1000(node)\n"]);

    const version = await runToolbox({ image, command: ["encore", "version"], project: copy });
    // The real CLI prints its version, then exits 1 when its update check is offline.
    assert.equal(version.stdout, "encore version v1.56.4\n");
    assert.equal(version.exitCode, 1);
    assert.match(version.stderr, /^error: could not check for update: /);

    const shell = await runToolbox({
      image,
      command: ["encore", "db", "shell", "hello"],
      project: copy,
      env: { DISABLE_ENCORE_TELEMETRY: "1" },
    });
    assert.deepEqual([shell.exitCode, shell.stdout, shell.stderr], [0, "db shell: would connect to hello\n", ""]);

    assert.deepEqual(
      copy
        .calls()
        .filter((call) => call.argv[0] !== "daemon")
        .map((call) => call.argv),
      [["version"], ["db", "shell", "hello"]],
    );
    assert.equal(statSync(copy.callLog).uid, 1000, "encore ran as uid 1000");
  });

  test("a fresh container runs the runner from the V8 code cache the image was built with", async () => {
    const copy = project();
    const version = await runToolbox({
      image,
      command: ["version"],
      project: copy,
      env: { NODE_DEBUG: "stagecraft-code-cache" },
    });
    assert.equal(version.exitCode, 0, version.stderr);
    assert.match(
      version.stderr,
      /STAGECRAFT-CODE-CACHE \d+: used \/opt\/stagecraft-encore\/dist\/v8-cache\/[0-9a-f]{8}-v24\.\d+\.\d+-x64\.bin\n/,
    );
    assert.doesNotMatch(version.stderr, /rejected|wrote|not written/);
  });

  test("knows its Encore version without the network: doctor reads the verified release, never waits on `encore version`", async () => {
    const copy = project();
    const release = await runToolbox({ image, command: ["cat", "/opt/encore/encore-release.json"], project: copy });
    assert.deepEqual(Object.keys(JSON.parse(release.stdout)), ["version", "target", "sha256"]);
    assert.equal(JSON.parse(release.stdout).version, ENCORE_VERSION);

    // Packets dropped: `encore version` would print nothing for 10 s.
    const started = performance.now();
    const doctor = await runToolbox({
      image,
      command: ["doctor", "--json"],
      project: copy,
      scenario: { version: { updateCheck: "drop" } },
    });
    const checks = (
      JSON.parse(doctor.stdout) as { checks: { id: string; status: string; message: string; details?: string[] }[] }
    ).checks;
    const encore = checks.find((check) => check.id === "encore");
    assert.equal(encore?.status, "pass", doctor.stdout);
    assert.match(
      encore?.message ?? "",
      new RegExp(
        `^encore ${ENCORE_VERSION.replaceAll(".", "\\.")} at /opt/encore/bin/encore \\(recorded at install\\)$`,
      ),
    );
    assert.equal(
      checks.find((check) => check.id === "encore-version")?.details?.at(-1),
      `cli:       encore ${ENCORE_VERSION}`,
    );
    assert.equal(
      copy.calls().some((call) => call.argv[0] === "version"),
      false,
      "doctor ran encore version",
    );
    assert.ok(performance.now() - started < 9000, "doctor waited on the update check");
  });

  test("node takes the UID and GID of the mounted project's owner, so what it writes belongs to that user", async () => {
    const copy = project({ uid: 4321, gid: 4321 });
    const result = await runToolbox({
      image,
      command: ["bash", "-c", "id && touch /workspace/written-by-node"],
      project: copy,
    });
    assert.deepEqual(
      [result.exitCode, result.stdout],
      [0, "uid=4321(node) gid=4321(node) groups=4321(node)\n"],
      result.stderr,
    );
    const written = statSync(join(copy.dir, "written-by-node"));
    assert.deepEqual([written.uid, written.gid], [4321, 4321]);
  });

  test("the healthcheck probe, which Docker starts as root, drops to node before it reads the project", async () => {
    const script =
      "await import('/opt/stagecraft-encore/docker/healthcheck.mjs'); console.log(process.getuid(), process.getgid(), process.getgroups().join(','));";
    const result = await docker([
      "run",
      "--rm",
      "--entrypoint",
      "node",
      image,
      "--input-type=module",
      "--eval",
      script,
    ]);
    assert.equal(result.stdout, "1000 1000 1000\n", result.stderr);
  });

  describe("with a Docker socket of a group node is not in (GID 4242)", () => {
    let socketPath: string;
    before(async () => {
      const dir = tempDir();
      const proxy = await engineSocketProxy(join(dir, "docker.sock"), { gid: 4242, mode: 0o660 });
      socketPath = proxy.path;
      defer(() => proxy.close());
    });

    test("the entrypoint adds node to that group, so docker works", async () => {
      const host = (await dockerOk(["version", "--format", "{{.Server.Version}}"])).stdout;
      const result = await runToolbox({
        image,
        command: ["bash", "-c", "id -G && docker version --format '{{.Server.Version}}'"],
        socket: socketPath,
      });
      assert.deepEqual([result.exitCode, result.stdout], [0, `1000 4242\n${host}`], result.stderr);
    });

    test("build passes the socket check and loads the image through that socket", async () => {
      const copy = project();
      const tag = uniqueName("gid");
      const ref = `${IMAGE_REPOSITORY}:${tag}`;
      defer(() => removeImages(ref));
      const result = await runToolbox({ image, command: ["build", "--tag", tag], project: copy, socket: socketPath });
      assert.deepEqual([result.exitCode, result.stdout], [0, `${ref}\n`], result.stderr);
      assert.equal(await imageExists(ref), true);
      assert.ok(copy.calls().some((call) => commandOf(call) === "build docker"));
    });
  });

  test("the extra CA handed to the build as a BuildKit secret is in no layer of the image, and /run/secrets is empty", async () => {
    const dir = tempDir();
    const marker = `stagecraft-extra-ca-${uniqueName("marker")}`;
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        `/CN=${marker}`,
        "-keyout",
        join(dir, "ca.key"),
        "-out",
        join(dir, "ca.pem"),
      ],
      { stdio: "ignore" },
    );
    const pem = readFileSync(join(dir, "ca.pem"), "utf8");
    // The certificate's subject is inside base64 DER; a line of its body is a second needle.
    const bodyLine = pem.split("\n")[5]!;
    // The proxy's CA must stay in the secret, or npm ci cannot download on these machines.
    const system = existsSync("/etc/ssl/certs/ca-certificates.crt")
      ? readFileSync("/etc/ssl/certs/ca-certificates.crt", "utf8")
      : "";
    writeFileSync(join(dir, "extra-ca.pem"), `${system}\n# subject: CN=${marker}\n${pem}`);
    const needles = { subject: marker, certificate: bodyLine };

    // Control: the scan finds the certificate when an image does hold it.
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY extra-ca.pem /\n");
    const control = `stagecraft-encore-ca-control:${uniqueName("t")}`;
    defer(() => removeImages(control));
    await dockerOk(["buildx", "build", "--load", "--tag", control, dir]);
    const controlScan = new LeakScanner(needles);
    await controlScan.scanImage(control);
    assert.deepEqual(controlScan.findings.map((finding) => finding.needle).sort(), ["certificate", "subject"]);

    const tag = `stagecraft-encore:test-extra-ca-${uniqueName("t")}`;
    defer(() => removeImages(tag));
    // The stages that mount the secret run again, so the secret was really there.
    const stages = ["encore", "deps", "build"];
    const built = await buildToolboxImage({ tag, extraCa: join(dir, "extra-ca.pem"), noCacheFilter: stages });
    for (const stage of stages) {
      const step = new RegExp(`^#(\\d+) \\[${stage} [^\\]]*\\] RUN [^\\n]*--mount=type=secret,id=extra_ca`, "m").exec(
        built.log,
      );
      assert.ok(step, `the ${stage} stage has a step that mounts extra_ca`);
      assert.doesNotMatch(built.log, new RegExp(`^#${step[1]} CACHED$`, "m"), `the ${stage} stage's secret step ran`);
      assert.match(built.log, new RegExp(`^#${step[1]} DONE`, "m"));
    }

    const scan = new LeakScanner(needles);
    await scan.scanImage(tag);
    assert.deepEqual(scan.findings, []);
    const secrets = await docker([
      "run",
      "--rm",
      "--entrypoint",
      "sh",
      tag,
      "-c",
      "ls -A /run/secrets 2>/dev/null; echo end",
    ]);
    assert.equal(secrets.stdout, "end\n");
  });
});
