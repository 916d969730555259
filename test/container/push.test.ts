// `build --push` on a runner with no Docker engine (a Kubernetes pod, rootless CI): no socket,
// no DOCKER_HOST. Encore pushes with go-containerregistry and the Docker config's credentials
// (encoredev/encore cli/daemon/export/export.go), so the encore double pushes for real too:
// blob uploads and a manifest PUT with basic auth, trusting the CA through SSL_CERT_FILE.
// The registry is a real one: the distribution registry (registry:2, a STAND-IN from Debian's
// docker-registry package) behind TLS with a CA made here and htpasswd basic auth. The host's
// real engine then pulls the pushed image back, from the published loopback port (an engine
// lets loopback registries skip verification, so the TLS proof is the toolbox's push itself,
// which trusts only the project's CA through SSL_CERT_FILE).
import assert from "node:assert/strict";
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { parseDocument } from "yaml";
import { deferred } from "../support/cleanup.ts";
import { commandOf } from "../support/double.ts";
import { dockerOk, removeImages, uniqueName } from "../support/docker.ts";
import { createNetwork, startRegistry, type TestRegistry } from "../support/registry.ts";
import { errorHeadline, helloProject, runToolbox, toolboxImage, type HelloCopy } from "./toolbox.ts";

const defer = deferred("file");
let image: string;
let network: string;
let registry: TestRegistry;
/** A Docker config on the host, logged in to the registry, for the host engine's push and pull. */
let hostDockerConfig: string;
const BASE = "library/base:1";

const basicAuth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString("base64");

before(async () => {
  image = await toolboxImage();
  const net = await createNetwork("stagecraft-push");
  network = net.name;
  defer(() => net.remove());
  registry = await startRegistry(network);
  defer(() => registry.stop());
  hostDockerConfig = mkdtempSync(join(tmpdir(), "stagecraft-push-docker-"));
  defer(() => rmSync(hostDockerConfig, { recursive: true, force: true }));
  writeFileSync(
    join(hostDockerConfig, "config.json"),
    JSON.stringify({ auths: { [registry.hostFromHost]: { auth: basicAuth(registry.username, registry.password) } } }),
  );
  // The app's base image, in the registry: with no engine, Encore fetches the base remotely.
  const context = mkdtempSync(join(tmpdir(), "stagecraft-push-base-"));
  defer(() => rmSync(context, { recursive: true, force: true }));
  writeFileSync(join(context, "Dockerfile"), "FROM scratch\nCOPY base.txt /base.txt\n");
  writeFileSync(join(context, "base.txt"), "a tiny base image\n");
  const baseRef = `${registry.hostFromHost}/${BASE}`;
  defer(() => removeImages(baseRef));
  await dockerOk(["build", "--quiet", "--tag", baseRef, context]);
  await dockerOk(["push", baseRef], { env: { DOCKER_CONFIG: hostDockerConfig } });
});

/** examples/hello set up to push to the test registry and to trust its CA. */
function pushProject(): HelloCopy {
  const copy = helloProject({
    provider: [
      [["build", "base"], `${registry.host}/${BASE}`],
      [["dev", "node_extra_ca_certs"], "certs/registry-ca.pem"],
    ],
  });
  defer(() => copy.remove());
  copyFileSync(registry.ca.caFile, join(copy.dir, "certs", "registry-ca.pem"));
  chownSync(join(copy.dir, "certs", "registry-ca.pem"), 1000, 1000);
  const file = join(copy.dir, "stagecraft.yml");
  const document = parseDocument(readFileSync(file, "utf8"));
  document.setIn(["project", "registry"], `${registry.host}/team`);
  writeFileSync(file, document.toString());
  return copy;
}

/** Pulls the pushed image through the host's engine and returns its labels and platform. */
async function pullBack(tag: string): Promise<{ platform: string; labels: Record<string, string> }> {
  const ref = `${registry.hostFromHost}/team/api:${tag}`;
  defer(() => removeImages(ref));
  await dockerOk(["pull", "--quiet", ref], { env: { DOCKER_CONFIG: hostDockerConfig } });
  const [details] = JSON.parse((await dockerOk(["image", "inspect", ref])).stdout) as {
    Os: string;
    Architecture: string;
    Config: { Labels: Record<string, string> };
  }[];
  return { platform: `${details!.Os}/${details!.Architecture}`, labels: details!.Config.Labels };
}

/** The registry's answer to an authenticated HEAD of a manifest, over TLS with the test CA. */
function manifestStatus(path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const [host, port] = registry.hostFromHost.split(":");
    request(
      {
        host,
        port: Number(port),
        path,
        method: "HEAD",
        ca: readFileSync(registry.ca.caFile),
        headers: {
          authorization: `Basic ${basicAuth(registry.username, registry.password)}`,
          accept: "application/vnd.docker.distribution.manifest.v2+json",
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    )
      .on("error", reject)
      .end();
  });
}

describe("build --push without a Docker engine", () => {
  test("credentials from STAGECRAFT_REGISTRY_USERNAME/_PASSWORD: pushes over TLS, prints the reference, and the engine pulls it back", async () => {
    const copy = pushProject();
    const tag = uniqueName("env").toLowerCase();
    const result = await runToolbox({
      image,
      command: ["build", "--tag", tag, "--push"],
      project: copy,
      env: { STAGECRAFT_REGISTRY_USERNAME: registry.username, STAGECRAFT_REGISTRY_PASSWORD: registry.password },
      options: ["--network", network],
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${registry.host}/team/api:${tag}\n`);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(registry.password), "the password is never printed");

    const build = copy.calls().find((call) => commandOf(call) === "build docker")!;
    assert.deepEqual(build.argv.slice(0, 3), ["build", "docker", "--push"]);
    assert.equal(build.env["DOCKER_HOST"], undefined, "no engine was named");
    assert.match(build.env["DOCKER_CONFIG"] ?? "", /^\/tmp\/stagecraft-encore-docker-[0-9a-f]+$/);
    for (const call of copy.calls())
      assert.equal(call.env["STAGECRAFT_REGISTRY_PASSWORD"], undefined, `encore ${call.argv.join(" ")}`);
    const pushed = copy.events().find((event) => event.event === "image") as unknown as {
      pushed: boolean;
      simulated: boolean;
      digest: string;
    };
    assert.deepEqual([pushed.pushed, pushed.simulated], [true, false]);

    const { platform, labels } = await pullBack(tag);
    assert.equal(platform, "linux/amd64");
    assert.equal(labels["org.stagecraft.double"], "1");
    assert.equal(labels["org.stagecraft.double.base"], `${registry.host}/${BASE}`);
  });

  test("a mounted ~/.docker/config.json is used as it is", async () => {
    const copy = pushProject();
    const configDir = join(copy.dir, "..", "docker-config");
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, "config.json"),
      JSON.stringify({ auths: { [registry.host]: { auth: basicAuth(registry.username, registry.password) } } }),
      { mode: 0o600 },
    );
    chownSync(join(configDir, "config.json"), 1000, 1000);
    const tag = uniqueName("mounted").toLowerCase();
    const result = await runToolbox({
      image,
      command: ["build", "--tag", tag, "--push"],
      project: copy,
      options: [
        "--network",
        network,
        "--volume",
        `${join(configDir, "config.json")}:/home/node/.docker/config.json:ro`,
      ],
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${registry.host}/team/api:${tag}\n`);
    assert.equal(copy.calls().find((call) => commandOf(call) === "build docker")!.env["DOCKER_CONFIG"], undefined);
    assert.equal((await pullBack(tag)).labels["org.stagecraft.double"], "1");
  });

  test("a wrong password: BUILD_FAILED (exit 7) with the registry's answer, and the password nowhere", async () => {
    const copy = pushProject();
    const wrong = "pw-wrong-Xy93";
    const tag = uniqueName("denied").toLowerCase();
    const result = await runToolbox({
      image,
      command: ["build", "--tag", tag, "--push"],
      project: copy,
      env: { STAGECRAFT_REGISTRY_USERNAME: registry.username, STAGECRAFT_REGISTRY_PASSWORD: wrong },
      options: ["--network", network],
    });
    assert.equal(result.exitCode, 7, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      errorHeadline(result.stderr) ?? "",
      /^encore-ts build: BUILD_FAILED: encore build docker registry\.test:5000\/team\/api:\S+ exited with code 1/,
    );
    assert.match(
      result.stderr,
      /ERR resolve base image: unable to fetch image: GET https:\/\/registry\.test:5000\/v2\/library\/base\/manifests\/1: UNAUTHORIZED: authentication required/,
    );
    assert.match(
      result.stderr,
      /fix: the registry refused the login: check STAGECRAFT_REGISTRY_USERNAME\/STAGECRAFT_REGISTRY_PASSWORD/,
    );
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(wrong));
    assert.equal(await manifestStatus(`/v2/team/api/manifests/${tag}`), 404, "nothing was pushed");
    assert.equal(
      await manifestStatus(`/v2/${BASE.replace(":", "/manifests/")}`),
      200,
      "while the registry answers the right login",
    );
  });
});
