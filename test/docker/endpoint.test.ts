import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resolveDockerEndpoint } from "../../src/docker/endpoint.ts";

describe("resolveDockerEndpoint", () => {
  test("defaults to the standard socket", () => {
    assert.deepEqual(resolveDockerEndpoint({}), {
      kind: "unix",
      path: "/var/run/docker.sock",
      text: "unix:///var/run/docker.sock",
    });
  });
  test("reads DOCKER_HOST with TLS settings, as the docker CLI does", () => {
    assert.deepEqual(
      resolveDockerEndpoint({
        DOCKER_HOST: "tcp://docker:2376",
        DOCKER_TLS_VERIFY: "1",
        DOCKER_CERT_PATH: "/certs/client",
      }),
      {
        kind: "tcp",
        host: "docker",
        port: 2376,
        tls: true,
        certPath: "/certs/client",
        text: "tcp://docker:2376",
      },
    );
    assert.deepEqual(resolveDockerEndpoint({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }), {
      kind: "unix",
      path: "/run/user/1000/docker.sock",
      text: "unix:///run/user/1000/docker.sock",
    });
    assert.equal(resolveDockerEndpoint({ DOCKER_HOST: "ssh://me@host" }).kind, "other");
  });
});
