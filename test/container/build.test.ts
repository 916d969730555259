// The CI build path: `docker run … build --tag T` prints
// `<registry>/<image_name>:T` alone on stdout and the image lands in the engine Encore was
// pointed at. The encore double's `build docker` really loads a one-layer image through the
// Engine API of its daemon's DOCKER_HOST (else the socket), so a wrong engine fails here.
// It needs the base image (examples/hello: build.base node:24-bookworm-slim, a STAND-IN built
// by test/stand-ins/build.sh) in that engine, as the real CLI does when offline.
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { before, describe, test } from "node:test";
import { commandOf } from "../support/double.ts";
import { dockerOk, imageExists, loadImageInto, removeImages, uniqueName } from "../support/docker.ts";
import { deferred } from "../support/cleanup.ts";
import { IMAGE_REPOSITORY, helloCompose, helloProject, runToolbox, toolboxImage, type HelloCopy } from "./toolbox.ts";

const BASE_IMAGE = "node:24-bookworm-slim"; // STAND-IN under the real name
const BUILD_ARGV = ["build", "docker", `--base=${BASE_IMAGE}`, "--arch=amd64", "--skip-config"];

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

interface ImageDetails {
  RepoTags: string[];
  Os: string;
  Architecture: string;
  Config: { Labels: Record<string, string> | null };
}

describe("build", () => {
  test("over the host's socket: prints exactly the image reference and loads that image into the host engine", async () => {
    const copy = project();
    const tag = uniqueName("socket");
    const ref = `${IMAGE_REPOSITORY}:${tag}`;
    defer(() => removeImages(ref));

    const result = await runToolbox({ image, command: ["build", "--tag", tag], project: copy, socket: "host" });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${ref}\n`);

    const [details] = JSON.parse((await dockerOk(["image", "inspect", ref])).stdout) as ImageDetails[];
    assert.ok(details, `${ref} is not in the engine`);
    assert.ok(details.RepoTags.includes(ref));
    assert.deepEqual(
      [details.Os, details.Architecture, details.Config.Labels?.["org.stagecraft.double"]],
      ["linux", "amd64", "1"],
    );

    // The image knows its CLI's version from the verified install (encore-release.json), so
    // `encore version`, whose update check needs the network, never runs.
    const calls = copy.calls().filter((call) => call.argv[0] !== "daemon");
    assert.deepEqual(
      calls.map((call) => call.argv),
      [[...BUILD_ARGV, ref]],
    );
    const build = calls.find((call) => commandOf(call) === "build docker")!;
    assert.equal(build.env["DOCKER_HOST"], undefined, "encore finds the mounted socket by default");
    const loaded = copy.events().filter((event) => event.event === "image");
    assert.deepEqual(
      loaded.map((event) => (event as unknown as { ref: string }).ref),
      [ref],
    );
    // The double created its call log with its first call, so the log's owner is encore's UID.
    assert.equal(statSync(copy.callLog).uid, 1000, "encore ran as uid 1000");
  });

  test("against a TLS docker-in-docker engine: loads the image there and not into the host engine", async () => {
    const copy = project();
    // docker:dind is a STAND-IN; docker/compose.unprivileged.yml stands for `privileged: true`,
    // which this machine refuses (see docker-here.md).
    const { compose } = await helloCompose({ image, project: copy, dind: true });
    defer(() => compose.down());
    await compose.up(["docker"]);
    const dind = await compose.containerId("docker");
    await loadImageInto(dind, BASE_IMAGE);

    const tag = uniqueName("dind");
    const ref = `${IMAGE_REPOSITORY}:${tag}`;
    defer(() => removeImages(ref));
    // stagecraft-dev-dind shares the engine's network namespace and mounts its client
    // certificates at /certs/client; the entrypoint turns that into tcp://docker:2376 with TLS.
    const result = await compose.run(["run", "--rm", "-T", "stagecraft-dev-dind", "build", "--tag", tag], {
      timeoutMs: 120_000,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${ref}\n`);

    const inner = await dockerOk(["exec", dind, "docker", "image", "inspect", "--format", "{{json .RepoTags}}", ref]);
    assert.deepEqual(JSON.parse(inner.stdout), [ref]);
    assert.equal(await imageExists(ref), false, "the host engine must not have the image");

    const build = copy.calls().find((call) => commandOf(call) === "build docker")!;
    const daemon = copy.calls().find((call) => call.argv[0] === "daemon")!;
    for (const call of [build, daemon]) {
      assert.deepEqual(
        [call.env["DOCKER_HOST"], call.env["DOCKER_TLS_VERIFY"], call.env["DOCKER_CERT_PATH"]],
        ["tcp://docker:2376", "1", "/certs/client"],
        `encore ${call.argv.join(" ")}`,
      );
    }
  });
});
