import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeEnvironment, lookup } from "../../src/env/environment.ts";
import { configuredProxy, describeProxy, noProxyWithDirectHosts } from "../../src/env/proxy.ts";

const ADDED = "localhost,127.0.0.1,::1,postgres,docker";

describe("noProxyWithDirectHosts", () => {
  const rows: [string, Record<string, string>, string | undefined][] = [
    ["no proxy set: nothing changes", { NO_PROXY: "corp.example" }, undefined],
    ["an empty proxy counts as unset", { HTTPS_PROXY: "" }, undefined],
    ["HTTPS_PROXY alone: the sidecars and loopback", { HTTPS_PROXY: "http://proxy:3128" }, ADDED],
    ["lower-case http_proxy counts too", { http_proxy: "http://proxy:3128" }, ADDED],
    [
      "the user's entries stay first, in order",
      { HTTP_PROXY: "p:3128", NO_PROXY: ".corp.example, 10.0.0.0/8" },
      `.corp.example,10.0.0.0/8,${ADDED}`,
    ],
    [
      "both cases are merged without duplicates",
      { HTTPS_PROXY: "p", NO_PROXY: "a.example,postgres", no_proxy: "b.example,A.example" },
      "a.example,postgres,b.example,localhost,127.0.0.1,::1,docker",
    ],
    [
      "entries already there are not added twice (any case)",
      { HTTPS_PROXY: "p", no_proxy: "LOCALHOST,127.0.0.1,::1,Postgres,docker" },
      "LOCALHOST,127.0.0.1,::1,Postgres,docker",
    ],
    ["empty entries and blanks are dropped", { HTTPS_PROXY: "p", NO_PROXY: " ,x.example,, " }, `x.example,${ADDED}`],
    ["* already bypasses everything: left alone", { HTTPS_PROXY: "p", NO_PROXY: "*" }, undefined],
  ];
  for (const [name, env, expected] of rows) test(name, () => assert.equal(noProxyWithDirectHosts(env), expected));
});

describe("configuredProxy and describeProxy", () => {
  test("HTTPS_PROXY first, upper case first, as Go reads them", () => {
    assert.equal(configuredProxy({ http_proxy: "h", HTTPS_PROXY: "S", https_proxy: "s" }), "S");
    assert.equal(configuredProxy({ http_proxy: "h", HTTP_PROXY: "H" }), "H");
    assert.equal(configuredProxy({}), undefined);
  });
  test("a proxy is described without its credentials", () => {
    assert.equal(describeProxy("http://user:secret@proxy.corp:3128"), "http://proxy.corp:3128");
    assert.equal(describeProxy("proxy.corp:3128"), "http://proxy.corp:3128");
  });
});

describe("composeEnvironment with a proxy", () => {
  test("sets NO_PROXY and no_proxy alike, from the process or the env file, as config", () => {
    const env = composeEnvironment({
      processEnv: { NO_PROXY: "corp.example" },
      fileEnv: { HTTPS_PROXY: "http://proxy:3128" },
      disableTelemetry: false,
    });
    for (const key of ["NO_PROXY", "no_proxy"]) {
      assert.equal(lookup(env, key), `corp.example,${ADDED}`);
      assert.equal(env.get(key)?.source, "config");
    }
    assert.equal(lookup(env, "HTTPS_PROXY"), "http://proxy:3128");
  });
  test("without a proxy NO_PROXY is left exactly as given", () => {
    const env = composeEnvironment({ processEnv: { NO_PROXY: "corp.example" }, disableTelemetry: false });
    assert.deepEqual(
      [lookup(env, "NO_PROXY"), lookup(env, "no_proxy"), env.get("NO_PROXY")?.source],
      ["corp.example", undefined, "process"],
    );
  });
});
