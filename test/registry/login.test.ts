import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { deferred } from "../support/cleanup.ts";
import {
  readUserDockerConfig,
  removeDockerConfig,
  temporaryDockerConfigDir,
  writeDockerConfig,
} from "../../src/registry/docker-config.ts";
import {
  DOCKER_HUB_AUTH_KEY,
  dockerConfigWithLogin,
  findRegistryLogin,
  registryHostOf,
} from "../../src/registry/login.ts";

const defer = deferred();
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("registryHostOf", () => {
  const rows: [string, string][] = [
    ["ghcr.io/acme/api:1", "ghcr.io"],
    ["registry.example.com:5000/team/api:1", "registry.example.com:5000"],
    ["localhost:5000/api:1", "localhost:5000"],
    ["localhost/api:1", "localhost"],
    ["acme/api:1", DOCKER_HUB_AUTH_KEY],
    ["api:1", DOCKER_HUB_AUTH_KEY],
    ["docker.io/acme/api:1", DOCKER_HUB_AUTH_KEY],
  ];
  for (const [ref, host] of rows) test(`${ref} → ${host}`, () => assert.equal(registryHostOf(ref), host));
});

describe("findRegistryLogin", () => {
  const ref = "registry.example.com:5000/team/api:1";
  test("no variables: no login (a mounted Docker config is used as it is)", () => {
    assert.deepEqual(findRegistryLogin({}, ref), { ok: true, login: undefined });
  });
  test("user name and password: a login for the image's registry", () => {
    assert.deepEqual(
      findRegistryLogin({ STAGECRAFT_REGISTRY_USERNAME: "ci", STAGECRAFT_REGISTRY_PASSWORD: "p:w" }, ref),
      {
        ok: true,
        login: { host: "registry.example.com:5000", username: "ci", password: "p:w" },
      },
    );
  });
  test("STAGECRAFT_REGISTRY names another registry, written as Docker's config key", () => {
    const rows: [string, string][] = [
      ["https://ghcr.io/v2/", "ghcr.io"],
      ["ghcr.io", "ghcr.io"],
      ["docker.io", DOCKER_HUB_AUTH_KEY],
      ["mirror.local:443", "mirror.local:443"],
    ];
    for (const [value, host] of rows) {
      const found = findRegistryLogin(
        { STAGECRAFT_REGISTRY: value, STAGECRAFT_REGISTRY_USERNAME: "u", STAGECRAFT_REGISTRY_PASSWORD: "p" },
        ref,
      );
      assert.deepEqual(found.ok && found.login?.host, host, value);
    }
  });
  test("half a login, a colon in the user name or a bad host is refused, naming the variable and never the password", () => {
    const rows: [Record<string, string>, string][] = [
      [{ STAGECRAFT_REGISTRY_USERNAME: "ci" }, "STAGECRAFT_REGISTRY_PASSWORD"],
      [{ STAGECRAFT_REGISTRY_PASSWORD: "hunter2" }, "STAGECRAFT_REGISTRY_USERNAME"],
      [{ STAGECRAFT_REGISTRY: "ghcr.io" }, "STAGECRAFT_REGISTRY_USERNAME"],
      [
        { STAGECRAFT_REGISTRY_USERNAME: "a:b", STAGECRAFT_REGISTRY_PASSWORD: "hunter2" },
        "STAGECRAFT_REGISTRY_USERNAME",
      ],
      [
        { STAGECRAFT_REGISTRY: "ghcr io", STAGECRAFT_REGISTRY_USERNAME: "u", STAGECRAFT_REGISTRY_PASSWORD: "hunter2" },
        "STAGECRAFT_REGISTRY",
      ],
    ];
    for (const [env, variable] of rows) {
      const found = findRegistryLogin(env, ref);
      assert.equal(found.ok, false, JSON.stringify(env));
      if (found.ok) continue;
      assert.equal(found.variable, variable);
      assert.doesNotMatch(`${found.message} ${found.fix}`, /hunter2/);
    }
  });
});

describe("dockerConfigWithLogin", () => {
  const login = { host: "ghcr.io", username: "ci", password: "secret" };
  test("adds the login to the user's config and keeps the other registries", () => {
    const existing = {
      auths: { "quay.io": { auth: b64("q:q") } },
      proxies: { default: { httpProxy: "http://p:3128" } },
    };
    assert.deepEqual(dockerConfigWithLogin(existing, login), {
      auths: { "quay.io": { auth: b64("q:q") }, "ghcr.io": { auth: b64("ci:secret") } },
      proxies: { default: { httpProxy: "http://p:3128" } },
    });
  });
  test("drops a credential store and this registry's helper, which would win over auths", () => {
    const existing = { credsStore: "desktop", credHelpers: { "ghcr.io": "gh", "gcr.io": "gcloud" } };
    assert.deepEqual(dockerConfigWithLogin(existing, login), {
      credHelpers: { "gcr.io": "gcloud" },
      auths: { "ghcr.io": { auth: b64("ci:secret") } },
    });
  });
  test("starts empty from anything that is not a JSON object", () => {
    for (const existing of [undefined, null, [], "x", 3]) {
      assert.deepEqual(dockerConfigWithLogin(existing, login), { auths: { "ghcr.io": { auth: b64("ci:secret") } } });
    }
  });
});

describe("writeDockerConfig", () => {
  test("a private directory (0700) with config.json (0600) outside any project, removed afterwards", () => {
    const dir = temporaryDockerConfigDir();
    defer(() => removeDockerConfig(dir));
    assert.ok(dir.startsWith(tmpdir()));
    const file = writeDockerConfig(dir, undefined, { host: "ghcr.io", username: "ci", password: "pw" });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { auths: { "ghcr.io": { auth: b64("ci:pw") } } });
    removeDockerConfig(dir);
    assert.throws(() => statSync(dir), { code: "ENOENT" });
  });
  test("reads the user's config from DOCKER_CONFIG, else ~/.docker", () => {
    const home = mkdtempSync(join(tmpdir(), "docker-config-test-"));
    defer(() => rmSync(home, { recursive: true, force: true }));
    mkdirSync(join(home, ".docker"));
    writeFileSync(join(home, ".docker", "config.json"), '{"auths": {"a": {}}}');
    mkdirSync(join(home, "other"));
    writeFileSync(join(home, "other", "config.json"), '{"auths": {"b": {}}}');
    assert.deepEqual(readUserDockerConfig({ HOME: home }), { auths: { a: {} } });
    assert.deepEqual(readUserDockerConfig({ HOME: home, DOCKER_CONFIG: join(home, "other") }), { auths: { b: {} } });
    assert.equal(readUserDockerConfig({ HOME: join(home, "none") }), undefined);
  });
});
