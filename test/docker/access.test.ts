import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { checkDockerAccess } from "../../src/docker/access.ts";
import { deferred } from "../support/cleanup.ts";
import { tempProject } from "../support/project.ts";

const defer = deferred();

describe("checkDockerAccess", () => {
  test("a missing socket says how to mount one", async () => {
    const access = await checkDockerAccess({ kind: "unix", path: "/nonexistent/docker.sock", text: "" });
    assert.equal(access.ok, false);
    assert.match(!access.ok ? access.fix : "", /-v \/var\/run\/docker.sock/);
  });
  test("a regular file is not a socket", async () => {
    const project = tempProject({ "docker.sock": "" });
    defer(() => project.remove());
    const access = await checkDockerAccess({ kind: "unix", path: project.path("docker.sock"), text: "" });
    assert.equal(!access.ok && access.problem, "not-a-socket");
  });
  test("TLS without client certificates is refused before connecting", async () => {
    const access = await checkDockerAccess({
      kind: "tcp",
      host: "127.0.0.1",
      port: 1,
      tls: true,
      certPath: "/nonexistent",
      text: "tcp://127.0.0.1:1",
    });
    assert.equal(!access.ok && access.problem, "certs");
  });
  test("a TCP engine must answer", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    defer(() => server.close());
    await new Promise((resolve) => server.once("listening", resolve));
    const port = (server.address() as { port: number }).port;
    assert.deepEqual(
      await checkDockerAccess({ kind: "tcp", host: "127.0.0.1", port, tls: false, certPath: undefined, text: "" }),
      { ok: true },
    );
    server.close();
    await new Promise((resolve) => server.once("close", resolve));
    const closed = await checkDockerAccess({
      kind: "tcp",
      host: "127.0.0.1",
      port,
      tls: false,
      certPath: undefined,
      text: "",
    });
    assert.equal(!closed.ok && closed.problem, "unreachable");
  });
});
