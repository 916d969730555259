// Proxies in a real network: a forward proxy (Debian's tinyproxy, stagecraft-test/tinyproxy,
// built by test/stand-ins/build-services.sh) is the toolbox's only HTTPS_PROXY. Its log shows
// every CONNECT, so the tests see what went through it: doctor's checks, the runner's package
// install, and the push of `encore build docker --push` (to the distribution registry,
// registry:2, a STAND-IN). This machine's outbound HTTPS is intercepted with a CA in the system
// bundle, so the project trusts that bundle (plus the registry's CA) through
// dev.node_extra_ca_certs, as a user behind such a proxy does.
import assert from "node:assert/strict";
import { chownSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { parseDocument } from "yaml";
import { deferred } from "../support/cleanup.ts";
import { commandOf } from "../support/double.ts";
import { docker, dockerOk, removeContainers, uniqueName, waitForLogLine } from "../support/docker.ts";
import { createNetwork, startRegistry, type TestRegistry } from "../support/registry.ts";
import { helloProject, runToolbox, toolboxImage, type HelloCopy } from "./toolbox.ts";

const PROXY_IMAGE = "stagecraft-test/tinyproxy:1.11";
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const defer = deferred("file");
let image: string;
let network: string;
let proxy: string;
let registry: TestRegistry;

before(async () => {
  image = await toolboxImage();
  const net = await createNetwork("stagecraft-proxy");
  network = net.name;
  defer(() => net.remove());
  proxy = uniqueName("stagecraft-tinyproxy").toLowerCase();
  defer(() => removeContainers(proxy));
  await dockerOk(["run", "-d", "--name", proxy, "--network", network, "--network-alias", "proxy", PROXY_IMAGE]);
  registry = await startRegistry(network);
  defer(() => registry.stop());
  await waitForLogLine(proxy, /listening on fd \[\d+\]/, 15_000);
});

/** The request lines tinyproxy logged: `CONNECT host:port`. */
async function proxied(): Promise<string[]> {
  const { stdout, stderr } = await docker(["logs", proxy]);
  return [...`${stdout}\n${stderr}`.matchAll(/Request \(file descriptor \d+\): (CONNECT \S+)/g)].map(
    (match) => match[1]!,
  );
}

/** examples/hello trusting the system bundle (this network's intercepting proxy) and the registry's CA. */
function project(): HelloCopy {
  const copy = helloProject({
    install: true,
    provider: [
      [["dev", "node_extra_ca_certs"], "certs/trusted.pem"],
      [["build", "base"], "scratch"],
    ],
  });
  defer(() => copy.remove());
  const system = existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, "utf8") : "";
  const file = join(copy.dir, "certs", "trusted.pem");
  writeFileSync(file, `${system.trimEnd()}\n${readFileSync(registry.ca.caFile, "utf8")}`);
  chownSync(file, 1000, 1000);
  const config = join(copy.dir, "stagecraft.yml");
  const document = parseDocument(readFileSync(config, "utf8"));
  document.setIn(["project", "registry"], `${registry.host}/team`);
  writeFileSync(config, document.toString());
  return copy;
}

const PROXY_ENV = { HTTPS_PROXY: "http://proxy:8888", http_proxy: "http://proxy:8888", NO_PROXY: ".corp.example" };

describe("behind a forward proxy", () => {
  test("doctor reaches the npm registry and tries Encore's API through the proxy, both within the check's timeout", async () => {
    const copy = project();
    const result = await runToolbox({
      image,
      command: ["doctor", "--json"],
      project: copy,
      env: PROXY_ENV,
      options: ["--network", network],
    });
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; details?: string[] }[] };
    const check = report.checks.find((entry) => entry.id === "proxy");
    assert.ok(check, result.stdout);
    assert.match(check.details?.join("\n") ?? "", /the npm registry \(https:\/\/registry\.npmjs\.org\/\): HTTP \d{3}/);
    const seen = await proxied();
    assert.ok(seen.includes("CONNECT registry.npmjs.org:443"), seen.join("\n"));
    assert.ok(seen.includes("CONNECT api.encore.cloud:443"), seen.join("\n"));
  });

  test("build --push: the package install and Encore's push go through the proxy; NO_PROXY keeps the user's entry and adds the sidecars and loopback", async () => {
    const copy = project();
    const tag = uniqueName("proxied").toLowerCase();
    const before = (await proxied()).length;
    const result = await runToolbox({
      image,
      command: ["build", "--tag", tag, "--push"],
      project: copy,
      env: {
        ...PROXY_ENV,
        STAGECRAFT_REGISTRY_USERNAME: registry.username,
        STAGECRAFT_REGISTRY_PASSWORD: registry.password,
      },
      options: ["--network", network],
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${registry.host}/team/api:${tag}\n`);
    const seen = (await proxied()).slice(before);
    assert.ok(
      seen.includes("CONNECT registry.npmjs.org:443"),
      `npm install did not use the proxy:\n${seen.join("\n")}`,
    );
    assert.ok(seen.includes(`CONNECT ${registry.host}`), `the push did not use the proxy:\n${seen.join("\n")}`);
    assert.match(
      result.stderr,
      /installing packages with npm/,
      "the runner's install step ran (through the proxy, as the log above shows)",
    );

    const build = copy.calls().find((call) => commandOf(call) === "build docker")!;
    const expected = ".corp.example,localhost,127.0.0.1,::1,postgres,docker";
    assert.deepEqual(
      [build.env["NO_PROXY"], build.env["no_proxy"], build.env["HTTPS_PROXY"]],
      [expected, expected, "http://proxy:8888"],
    );
  });
});
