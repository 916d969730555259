import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkImageName,
  checkImageReference,
  checkRegistry,
  checkTag,
  checkTagSuffix,
  formatImageReference,
} from "../../src/image/reference.ts";

describe("formatImageReference", () => {
  test("joins registry, image name, tag and suffix", () => {
    assert.equal(
      formatImageReference({ registry: "ghcr.io/your-org/platform", imageName: "api", tag: "abc1234", suffix: "" }),
      "ghcr.io/your-org/platform/api:abc1234",
    );
    assert.equal(
      formatImageReference({
        registry: "ghcr.io/your-org/platform",
        imageName: "api",
        tag: "abc1234",
        suffix: "-encore",
      }),
      "ghcr.io/your-org/platform/api:abc1234-encore",
    );
  });
  test("omits the registry when there is none", () => {
    assert.equal(formatImageReference({ imageName: "api", tag: "v1", suffix: "" }), "api:v1");
  });
});

describe("reference grammar", () => {
  const registries: [string, boolean][] = [
    ["ghcr.io", true],
    ["ghcr.io/your-org/platform", true],
    ["localhost:5000", true],
    ["registry.example.com:443/team", true],
    ["[::1]:5000", true],
    ["GHCR.io/Org", false],
    ["ghcr.io/", false],
    ["ghcr.io//org", false],
    ["ghcr.io/org name", false],
    ["ghcr.io/$(id)", false],
    ["https://ghcr.io", false],
    ["", false],
  ];
  for (const [registry, ok] of registries) {
    test(`registry ${JSON.stringify(registry)} is ${ok ? "valid" : "invalid"}`, () =>
      assert.equal(checkRegistry(registry).ok, ok));
  }
  const names: [string, boolean][] = [
    ["api", true],
    ["team/api", true],
    ["my_api.v2", true],
    ["my__api", true],
    ["my---api", true],
    ["API", false],
    ["api:latest", false],
    ["-api", false],
    ["api/", false],
    ["api;ls", false],
    ["", false],
  ];
  for (const [name, ok] of names) {
    test(`image name ${JSON.stringify(name)} is ${ok ? "valid" : "invalid"}`, () =>
      assert.equal(checkImageName(name).ok, ok));
  }
  const tags: [string, boolean][] = [
    ["abc1234", true],
    ["v1.2.3", true],
    ["_x", true],
    ["A-b_c.d", true],
    ["x".repeat(128), true],
    ["x".repeat(129), false],
    [".x", false],
    ["-x", false],
    ["a b", false],
    ["a\nb", false],
    ["", false],
  ];
  for (const [tag, ok] of tags) {
    test(`tag ${JSON.stringify(tag.length > 20 ? `${tag.slice(0, 8)}…(${tag.length})` : tag)} is ${ok ? "valid" : "invalid"}`, () =>
      assert.equal(checkTag(tag).ok, ok));
  }
  test("a suffix may be empty or tag characters only", () => {
    assert.equal(checkTagSuffix("").ok, true);
    assert.equal(checkTagSuffix("-encore").ok, true);
    assert.equal(checkTagSuffix(" x").ok, false);
    assert.equal(checkTagSuffix("$x").ok, false);
  });
  test("the whole reference is checked: tag plus suffix stays within 128 characters", () => {
    const result = checkImageReference({ imageName: "api", tag: "x".repeat(120), suffix: "-encore-suffix" });
    assert.equal(result.ok, false);
  });
  test("the repository name stays within 255 characters", () => {
    const result = checkImageReference({
      registry: `r.io/${"a".repeat(250)}`,
      imageName: "api",
      tag: "v1",
      suffix: "",
    });
    assert.equal(result.ok, false);
    assert.match((result as { message: string }).message, /255/);
  });
});
