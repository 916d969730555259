import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { didYouMean, editDistance } from "../../src/config/did-you-mean.ts";

const KEYS = [
  "env_file",
  "listen",
  "workdir",
  "disable_telemetry",
  "node_extra_ca_certs",
  "encore_secrets",
  "readiness",
  "shutdown",
];

describe("editDistance", () => {
  const cases: [string, string, number][] = [
    ["", "", 0],
    ["listen", "listen", 0],
    ["lisen", "listen", 1],
    ["listne", "listen", 2],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ];
  for (const [a, b, distance] of cases)
    test(`${JSON.stringify(a)} → ${JSON.stringify(b)} is ${distance}`, () =>
      assert.equal(editDistance(a, b), distance));
});

describe("didYouMean", () => {
  const cases: [string, string | undefined][] = [
    ["lisen", "listen"],
    ["Listen", "listen"],
    ["env-file", "env_file"],
    ["ENV_FILE", "env_file"],
    ["disable_telemtry", "disable_telemetry"],
    ["node_extra_ca_cert", "node_extra_ca_certs"],
    ["work_dir", "workdir"],
    ["port", undefined],
    ["x", undefined],
    ["completely_unrelated_key", undefined],
    ["a".repeat(65), undefined],
  ];
  for (const [input, expected] of cases) {
    test(`${input.length > 20 ? `${input.slice(0, 8)}… (${input.length} chars)` : input} → ${expected ?? "no suggestion"}`, () =>
      assert.equal(didYouMean(input, KEYS), expected));
  }

  test("no known keys, no suggestion", () => assert.equal(didYouMean("listen", []), undefined));
});
