import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CATEGORY_EXIT_CODES, ProviderError, UsageError, exitCodeFor, type Category } from "../../src/errors/index.ts";

describe("exitCodeFor", () => {
  const categories: [Category, number][] = [
    ["INVALID_CONFIG", 2],
    ["INVALID_PROJECT", 3],
    ["PROVIDER_NOT_AVAILABLE", 4],
    ["SECRET_SYNC_FAILED", 5],
    ["DEV_SERVER_FAILED", 6],
    ["BUILD_FAILED", 7],
  ];
  test("the six categories are exactly these (docs/provider-contract.md §Errors)", () => {
    assert.deepEqual(Object.entries(CATEGORY_EXIT_CODES), categories);
  });
  for (const [category, code] of categories) {
    test(`${category} exits ${code}`, () => {
      assert.equal(
        exitCodeFor(new ProviderError({ category, provider: "encore-ts", operation: "dev", message: "m" })),
        code,
      );
    });
  }
  test("a usage error exits 2, as INVALID_CONFIG does", () => assert.equal(exitCodeFor(new UsageError("bad flag")), 2));
  test("anything else is a bug: 70", () => {
    assert.equal(exitCodeFor(new TypeError("x")), 70);
    assert.equal(exitCodeFor("a string"), 70);
    assert.equal(exitCodeFor(undefined), 70);
  });
});
