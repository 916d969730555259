import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseListen } from "../../src/config/listen.ts";

describe("parseListen", () => {
  const valid: [string, string, number, string][] = [
    ["0.0.0.0:4000", "0.0.0.0", 4000, "0.0.0.0:4000"],
    ["127.0.0.1:1", "127.0.0.1", 1, "127.0.0.1:1"],
    ["localhost:65535", "localhost", 65535, "localhost:65535"],
    ["api.internal:8080", "api.internal", 8080, "api.internal:8080"],
    ["[::1]:4000", "::1", 4000, "[::1]:4000"],
    ["[::]:4000", "::", 4000, "[::]:4000"],
    ["[fe80::1:2]:80", "fe80::1:2", 80, "[fe80::1:2]:80"],
  ];
  for (const [input, host, port, address] of valid) {
    test(`accepts ${input}`, () => {
      assert.deepEqual(parseListen(input), { ok: true, value: { host, port, address } });
    });
  }

  const invalid: [string, RegExp][] = [
    ["", /not host:port/],
    ["4000", /has no port/],
    [":4000", /has no host/],
    ["0.0.0.0:0", /1 to 65535/],
    ["0.0.0.0:65536", /1 to 65535/],
    ["0.0.0.0:99999999999", /1 to 65535/],
    ["0.0.0.0:04000", /1 to 65535/],
    ["0.0.0.0:+40", /1 to 65535/],
    ["0.0.0.0:4000 ", /not host:port/],
    ["::1:4000", /IPv6 address without brackets/],
    ["[::1]4000", /not \[ipv6\]:port/],
    ["[::g]:4000", /not an IPv6 address/],
    ["[fe80::1%eth0]:4000", /not an IPv6 address/],
    ["999.1.1.1:4000", /not a valid host/],
    ["a;rm -rf /:4000", /not a valid host/],
    ["$(id):4000", /not a valid host/],
    ["host\n:4000", /not a valid host/],
    ["-bad:4000", /not a valid host/],
  ];
  for (const [input, message] of invalid) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      const result = parseListen(input);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.match(result.message, message);
        assert.ok(!result.message.includes("\n"), "messages never carry raw newlines");
      }
    });
  }
});
