// The fault-matrix rows that involve the container, each with its exit code,
// category and message, and proof that nothing is left running or was called.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { isAlive } from "../support/cli.ts";
import {
  containerProcesses,
  docker,
  dockerOk,
  engineSocketProxy,
  removeContainers,
  uniqueName,
  waitForLogLine,
} from "../support/docker.ts";
import { deferred } from "../support/cleanup.ts";
import {
  RUNNER_DEV,
  errorHeadline,
  helloProject,
  runToolbox,
  toolboxImage,
  toolboxOptions,
  type HelloCopy,
} from "./toolbox.ts";

let image: string;
const defer = deferred("file");

before(async () => {
  image = await toolboxImage();
});

function project(): HelloCopy {
  const copy = helloProject();
  defer(() => copy.remove());
  return copy;
}

const NOT_USABLE = "encore-ts build: PROVIDER_NOT_AVAILABLE: the Docker engine is not usable: ";

describe("faults with a container", () => {
  test("the runner SIGKILLed inside the container: the container stops and none of its processes survives", async () => {
    const copy = project();
    const name = uniqueName("stagecraft-kill");
    defer(() => removeContainers(name));
    await dockerOk(["run", "--detach", ...toolboxOptions({ project: copy, name }), image, "dev"]);
    await waitForLogLine(name, /dev server ready at /);

    const processes = await containerProcesses(name);
    const runner = processes.find((process) => RUNNER_DEV.test(process.args));
    assert.ok(runner, processes.map((process) => process.args).join("\n"));
    assert.ok(
      processes.some((process) => /encore run /.test(process.args)) &&
        processes.some((process) => /encore daemon -f$/.test(process.args)),
    );
    // docker top reports host PIDs, and these tests run on the engine's host.
    process.kill(runner.pid, "SIGKILL");

    const waited = await docker(["wait", name], { timeoutMs: 30_000 });
    // tini, PID 1, exits with 128 + 9 when its child was killed; the kernel then kills the rest.
    assert.equal(waited.stdout, "137\n");
    for (const { pid, args } of processes) assert.equal(isAlive(pid), false, `${args} (host pid ${pid}) survived`);
    const top = await docker(["top", name]);
    assert.notEqual(top.exitCode, 0);
    assert.match(top.stderr, /is not running/);
  });

  test("build with no Docker socket: PROVIDER_NOT_AVAILABLE (exit 4) before encore is called", async () => {
    const copy = project();
    const result = await runToolbox({ image, command: ["build", "--tag", "x"], project: copy });
    assert.equal(result.exitCode, 4, result.stderr);
    assert.equal(result.stdout, "");
    assert.equal(errorHeadline(result.stderr), `${NOT_USABLE}no Docker socket at /var/run/docker.sock`);
    assert.match(
      result.stderr,
      /fix: mount the engine's socket \(-v \/var\/run\/docker\.sock:\/var\/run\/docker\.sock\) or set DOCKER_HOST/,
    );
    assert.deepEqual(copy.events(), [], "encore was never called");
  });

  test("build as --user node with the host's socket: the entrypoint cannot join its group, so PROVIDER_NOT_AVAILABLE (exit 4), permission denied", async () => {
    const copy = project();
    const result = await runToolbox({
      image,
      command: ["build", "--tag", "x"],
      project: copy,
      socket: "host",
      user: "node",
    });
    assert.equal(result.exitCode, 4, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      errorHeadline(result.stderr) ?? "",
      /: permission denied on \/var\/run\/docker\.sock \(owned by group \d+; this process runs as uid 1000 with groups 1000\)$/,
    );
    assert.match(
      result.stderr,
      /fix: start the image's entrypoint as root so it can join the socket's group, or add the user to that group \(docker run --group-add <gid>\)/,
    );
    assert.deepEqual(copy.events(), [], "encore was never called");
  });

  describe("with a socket that grants its group nothing (mode 0600)", () => {
    let socketPath: string;
    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-socket-"));
      const proxy = await engineSocketProxy(join(dir, "docker.sock"), { gid: 0, mode: 0o600 });
      socketPath = proxy.path;
      defer(async () => {
        await proxy.close();
        rmSync(dir, { recursive: true, force: true });
      });
    });

    test("build: the entrypoint says why, then PROVIDER_NOT_AVAILABLE (exit 4), permission denied", async () => {
      const copy = project();
      const result = await runToolbox({ image, command: ["build", "--tag", "x"], project: copy, socket: socketPath });
      assert.equal(result.exitCode, 4, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(
        result.stderr,
        /^stagecraft-encore entrypoint: \/var\/run\/docker\.sock \(owner 0:0, mode 600\) grants its group no read and write access, so node cannot use it; commands that need Docker will fail$/m,
      );
      assert.match(
        errorHeadline(result.stderr) ?? "",
        /: permission denied on \/var\/run\/docker\.sock \(owned by group 0; this process runs as uid 1000 with groups 1000\)$/,
      );
      assert.deepEqual(copy.events(), [], "encore was never called");
    });
  });
});
