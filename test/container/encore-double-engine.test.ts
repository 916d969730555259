// The encore double's `build docker` loads a real image into the engine its daemon's
// DOCKER_HOST names (test/fixtures/encore/README.md). Moved here from
// test/double/encore-double-build.test.ts: it needs a Docker engine, and it must fail
// without one rather than skip, which `npm run test:unit` (no engine) could not allow.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { encore, sandbox, type Sandbox } from "../double/harness.ts";
import { dockerOk, removeImages, requireDocker, uniqueName } from "../support/docker.ts";

const boxes: Sandbox[] = [];
const images: string[] = [];

before(() => requireDocker());

after(async () => {
  for (const b of boxes) b.remove();
  await removeImages(...images);
});

describe("encore build docker (the double) against a real engine", () => {
  test("loads a linux/<arch> image into the engine at DOCKER_HOST", async () => {
    const b = await sandbox();
    boxes.push(b);
    const ref = `encore-double-test/${uniqueName("load")}:arm64`;
    images.push(ref);
    const env = b.env({ DOCKER_HOST: process.env["DOCKER_HOST"] ?? "unix:///var/run/docker.sock" });
    const r = await encore(["build", "docker", "--arch", "arm64", ref], { cwd: b.app, env });
    assert.equal(r.code, 0, r.stderr);
    const [image] = JSON.parse((await dockerOk(["image", "inspect", ref])).stdout) as {
      Os: string;
      Architecture: string;
      Config: { Labels: Record<string, string> };
    }[];
    assert.ok(image, `${ref} is not in the engine`);
    assert.deepEqual(
      [image.Os, image.Architecture, image.Config.Labels["org.stagecraft.double"]],
      ["linux", "arm64", "1"],
    );
  });
});
