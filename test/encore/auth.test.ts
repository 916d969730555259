import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { findAuthKey, hasAuthToken, withheldAuthVariables } from "../../src/encore/auth.ts";
import { deferred } from "../support/cleanup.ts";

describe("findAuthKey", () => {
  const cases: [string, Record<string, string | undefined>, ReturnType<typeof findAuthKey>][] = [
    ["none set", {}, undefined],
    ["ENCORE_AUTH_KEY", { ENCORE_AUTH_KEY: "k1" }, { variable: "ENCORE_AUTH_KEY", value: "k1" }],
    ["the official image's ENCORE_AUTHKEY", { ENCORE_AUTHKEY: "k2" }, { variable: "ENCORE_AUTHKEY", value: "k2" }],
    [
      "both: ENCORE_AUTH_KEY wins",
      { ENCORE_AUTH_KEY: "k1", ENCORE_AUTHKEY: "k2" },
      { variable: "ENCORE_AUTH_KEY", value: "k1" },
    ],
    [
      "an empty value counts as unset",
      { ENCORE_AUTH_KEY: "", ENCORE_AUTHKEY: "k2" },
      { variable: "ENCORE_AUTHKEY", value: "k2" },
    ],
  ];
  for (const [name, env, expected] of cases) test(name, () => assert.deepEqual(findAuthKey(env), expected));

  test("both names are withheld from encore's children", () => {
    assert.deepEqual(withheldAuthVariables(), ["ENCORE_AUTH_KEY", "ENCORE_AUTHKEY"]);
  });
});

describe("hasAuthToken", () => {
  const defer = deferred();
  test("is true once ~/.config/encore/.auth_token exists", () => {
    const home = mkdtempSync(join(tmpdir(), "stagecraft-auth-"));
    defer(() => rmSync(home, { recursive: true, force: true }));
    assert.equal(hasAuthToken(home), false);
    mkdirSync(join(home, ".config", "encore"), { recursive: true });
    writeFileSync(join(home, ".config", "encore", ".auth_token"), "{}");
    assert.equal(hasAuthToken(home), true);
  });
});
