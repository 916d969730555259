import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { probeHost } from "../../src/encore/listen.ts";

describe("probeHost", () => {
  test("probes loopback when the server binds every interface", () => {
    assert.equal(probeHost({ host: "0.0.0.0", port: 1, address: "" }), "127.0.0.1");
    assert.equal(probeHost({ host: "::", port: 1, address: "" }), "::1");
    assert.equal(probeHost({ host: "10.1.2.3", port: 1, address: "" }), "10.1.2.3");
  });
});
