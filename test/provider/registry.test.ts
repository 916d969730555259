import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encoreTsProvider } from "../../src/provider/encore-ts/index.ts";
import { ProviderRegistry } from "../../src/provider/registry.ts";

describe("ProviderRegistry", () => {
  test("finds a listed provider by its ID (docs/provider-contract.md §Provider registry)", () => {
    const registry = new ProviderRegistry([encoreTsProvider]);
    assert.equal(encoreTsProvider.id, "encore-ts");
    assert.equal(registry.get("encore-ts"), encoreTsProvider);
    assert.deepEqual(registry.ids(), ["encore-ts"]);
  });

  test("holds only what it was given: importing a provider registers nothing", () => {
    assert.deepEqual(new ProviderRegistry([]).ids(), []);
  });

  test("a duplicate ID is an error", () => {
    assert.throws(
      () => new ProviderRegistry([encoreTsProvider, { ...encoreTsProvider }]),
      /backend provider "encore-ts" is already registered/,
    );
  });

  test("an unknown ID is not found", () => {
    assert.equal(new ProviderRegistry([encoreTsProvider]).get("encore-go"), undefined);
  });
});
