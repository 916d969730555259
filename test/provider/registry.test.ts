import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getProvider, providerIds, registerProvider } from "../../src/provider/registry.ts";
import { encoreTsProvider } from "../../src/provider/encore-ts/index.ts";

describe("provider registry", () => {
  test("importing the encore-ts provider registers it under its ID (docs/provider-contract.md §Provider registry)", () => {
    assert.equal(encoreTsProvider.id, "encore-ts");
    assert.equal(getProvider("encore-ts"), encoreTsProvider);
    assert.deepEqual(providerIds(), ["encore-ts"]);
  });

  test("a duplicate ID is an error", () => {
    assert.throws(() => registerProvider({ ...encoreTsProvider }), /backend provider "encore-ts" is already registered/);
  });

  test("an unknown ID is not found", () => {
    assert.equal(getProvider("encore-go"), undefined);
  });
});
