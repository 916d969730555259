import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSupported, parseEncoreVersion, supportedRangeText } from "../../src/encore/version.ts";

describe("parseEncoreVersion", () => {
  const cases: [string, string | undefined][] = [
    ["encore version v1.56.4\n", "1.56.4"],
    ["encore version v1.57.0\nUpdate available: v1.57.0 -> v1.58.2\n", "1.57.0"],
    ["Note: This CLI tool collects usage data\nencore version v1.56.4\n", "1.56.4"],
    ["encore version v1.58.2-beta.1\n", "1.58.2-beta.1"],
    ["encore version devel\n", undefined],
    ["", undefined],
    ["could not check for update: timeout\n", undefined],
  ];
  for (const [stdout, version] of cases)
    test(`${JSON.stringify(stdout)} → ${version ?? "no version"}`, () =>
      assert.equal(parseEncoreVersion(stdout), version));
});

describe("isSupported", () => {
  const cases: [string, boolean][] = [
    ["1.49.9", false],
    ["1.50.0", true],
    ["1.56.4", true],
    ["1.99.0", true],
    ["1.58.2-beta.1", true],
    ["2.0.0", false],
    ["2.0.0-rc.1", false],
  ];
  for (const [version, supported] of cases)
    test(`${version} → ${supported ? "supported" : "warned about"} (${supportedRangeText()})`, () =>
      assert.equal(isSupported(version), supported));
});
