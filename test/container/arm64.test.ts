// The linux/arm64 image (what Apple Silicon and arm64 CI runners get), built from the same
// Dockerfile for --platform linux/arm64 and run whole under QEMU emulation (binfmt_misc,
// registered by .ci/provision). Its base is the arm64v8/node:24-bookworm-slim STAND-IN
// (test/stand-ins/build.sh arm64); its Encore is the double packed as the linux_arm64
// release, which, like the native binary, refuses to run on amd64. A smoke test: the
// runner, encore, `dev` to ready and `build`; the amd64 files cover behaviour in depth.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { commandOf } from "../support/double.ts";
import {
  docker,
  dockerOk,
  removeContainers,
  removeImages,
  requireDocker,
  uniqueName,
  waitForLogLine,
} from "../support/docker.ts";
import { ARM64_NODE_IMAGE, ENCORE_VERSION, TEST_IMAGE, buildToolboxImage } from "../support/image.ts";
import { deferred } from "../support/cleanup.ts";
import { freePort } from "../support/ports.ts";
import { ROOT } from "../support/project.ts";
import {
  FAKE_NPM,
  IMAGE_REPOSITORY,
  helloProject,
  runToolbox,
  toolboxOptions,
  type HelloCopy,
  type ProjectOptions,
} from "./toolbox.ts";

const PLATFORM = "linux/arm64";
/** Emulated Node starts several times slower; the first build of the image takes minutes. */
const EMULATED_MS = 180_000;
/**
 * The double's scenario here: a fake `npm install`, as in the amd64 files, and longer for its
 * daemon to start than upstream's 5 s: the double is Node, which QEMU starts in seconds, where
 * the real CLI is a native Go binary.
 */
const SCENARIO = { ...FAKE_NPM, daemon: { startTimeoutMs: 60_000 } };

let image: string;
/** The sha256 of the double packed as the linux_arm64 release, which the build verified. */
let encoreSha256: string;
const defer = deferred("file");

before(
  async () => {
    await requireDocker();
    ({ tag: image, encoreSha256 } = await buildToolboxImage({
      tag: `${TEST_IMAGE}-arm64`,
      arch: "arm64",
      nodeImage: ARM64_NODE_IMAGE,
      // The stand-ins are single-platform: the JavaScript stages run on the amd64 one.
      buildNodeImage: "node:24-bookworm-slim",
    }));
  },
  { timeout: 15 * 60_000 },
);

function project(options?: ProjectOptions): HelloCopy {
  const copy = helloProject(options);
  defer(() => copy.remove());
  return copy;
}

const run = (command: string[], extra: Omit<Parameters<typeof runToolbox>[0], "image" | "command"> = {}) =>
  docker(["run", "--platform", PLATFORM, ...toolboxOptions({ scenario: SCENARIO, ...extra }), image, ...command], {
    timeoutMs: EMULATED_MS,
  });

describe("the linux/arm64 image, under emulation", () => {
  test("is an arm64 image whose processes are aarch64, with the version labels of the amd64 one", async () => {
    const [details] = JSON.parse((await dockerOk(["image", "inspect", image])).stdout) as {
      Os: string;
      Architecture: string;
      Config: { Labels: Record<string, string> };
    }[];
    assert.deepEqual([details?.Os, details?.Architecture], ["linux", "arm64"]);
    assert.equal(details?.Config.Labels["dev.encore.version"], ENCORE_VERSION);
    const uname = await run(["uname", "-m"]);
    assert.deepEqual([uname.exitCode, uname.stdout], [0, "aarch64\n"], uname.stderr);
  });

  test("the runner's version (from the code cache made at build time), and encore version from the linux_arm64 release layout", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const version = await run(["version"], { env: { NODE_DEBUG: "stagecraft-code-cache" } });
    assert.deepEqual([version.exitCode, version.stdout], [0, `stagecraft-encore ${pkg.version}\n`], version.stderr);
    // The code cache made under emulation at build time is V8's arm64 one, and V8 takes it.
    assert.match(
      version.stderr,
      /: used \/opt\/stagecraft-encore\/dist\/v8-cache\/[0-9a-f]{8}-v24\.\d+\.\d+-arm64\.bin\n/,
    );

    const copy = project();
    const encore = await run(
      [
        "bash",
        "-c",
        "ls -d /opt/encore/{bin/encore,encore-go,runtimes} && cat /opt/encore/encore-release.json && encore version",
      ],
      { project: copy },
    );
    const release = JSON.stringify({ version: ENCORE_VERSION, target: "linux_arm64", sha256: encoreSha256 });
    assert.equal(
      encore.stdout,
      `/opt/encore/bin/encore\n/opt/encore/encore-go\n/opt/encore/runtimes\n${release}\nencore version v${ENCORE_VERSION}\n`,
    );
    // The real CLI exits 1 when its update check is offline, as on amd64.
    assert.equal(encore.exitCode, 1, encore.stderr);
    assert.deepEqual(
      copy.calls().map((call) => call.argv),
      [["version"]],
    );
  });

  test("dev: ready, the API answers on the published port, and docker stop ends it gracefully", async () => {
    const copy = project();
    const name = uniqueName("stagecraft-arm64-dev");
    const port = await freePort();
    defer(() => removeContainers(name));
    await dockerOk([
      "run",
      "--detach",
      "--platform",
      PLATFORM,
      "--publish",
      `127.0.0.1:${port}:4000`,
      ...toolboxOptions({ project: copy, name, scenario: SCENARIO }),
      image,
      "dev",
    ]);
    await waitForLogLine(name, /dev server ready at /, EMULATED_MS);

    const response = await fetch(`http://127.0.0.1:${port}/hello/arm64`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { double: "encore", method: "GET", path: "/hello/arm64" });

    const stopped = await docker(["stop", "--time", "30", name], { timeoutMs: 60_000 });
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    const exit = await dockerOk(["inspect", "--format", "{{.State.ExitCode}}", name]);
    assert.equal(exit.stdout.trim(), "0");
    assert.ok(
      copy.calls().some((call) => commandOf(call) === "run"),
      "encore run was called",
    );
  });

  test("build with build.arch arm64: prints the image reference and loads a linux/arm64 image", async () => {
    // Encore builds amd64 whatever the host is; an arm64 app image needs build.arch: arm64
    // and an arm64 base in the engine.
    const copy = project({
      provider: [
        [["build", "arch"], "arm64"],
        [["build", "base"], ARM64_NODE_IMAGE],
      ],
    });
    const tag = uniqueName("arm64");
    const ref = `${IMAGE_REPOSITORY}:${tag}`;
    defer(() => removeImages(ref));

    const result = await run(["build", "--tag", tag], { project: copy, socket: "host" });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${ref}\n`);
    const built = await dockerOk(["image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", ref]);
    assert.equal(built.stdout.trim(), PLATFORM);
    const build = copy.calls().find((call) => commandOf(call) === "build docker");
    assert.ok(
      build?.argv.includes("--arch=arm64") && build.argv.includes(`--base=${ARM64_NODE_IMAGE}`),
      JSON.stringify(build?.argv),
    );
  });
});
