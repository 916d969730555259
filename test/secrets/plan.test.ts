import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeEnvironment } from "../../src/env/environment.ts";
import { planSecretSync, secretValues } from "../../src/secrets/plan.ts";

const env = composeEnvironment({
  processEnv: { A: "alpha", EMPTY: "" },
  fileEnv: { B: "beta" },
  disableTelemetry: false,
});

describe("planSecretSync", () => {
  const cases: [string, string[], string[], { calls: [string, string[]][]; missing: string[] }][] = [
    ["nothing to sync", [], ["dev"], { calls: [], missing: [] }],
    [
      "one call per secret with every type, in the configured order",
      ["B", "A"],
      ["dev", "preview", "local"],
      {
        calls: [
          ["B", ["secret", "set", "--type", "dev,preview,local", "B"]],
          ["A", ["secret", "set", "--type", "dev,preview,local", "A"]],
        ],
        missing: [],
      },
    ],
    [
      "a missing or empty variable is listed, not called",
      ["A", "MISSING", "EMPTY"],
      ["prod"],
      { calls: [["A", ["secret", "set", "--type", "prod", "A"]]], missing: ["MISSING", "EMPTY"] },
    ],
  ];
  for (const [name, fromEnv, types, expected] of cases) {
    test(name, () => {
      const plan = planSecretSync(fromEnv, types, env);
      assert.deepEqual(
        plan.calls.map((call) => [call.name, call.args]),
        expected.calls,
      );
      assert.deepEqual(plan.missing, expected.missing);
      for (const call of plan.calls)
        assert.ok(!call.args.includes(env.get(call.name)!.value), "a value never reaches argv");
    });
  }
});

describe("secretValues", () => {
  test("the values to redact: every listed variable that has one", () => {
    assert.deepEqual(secretValues(["A", "B", "EMPTY", "MISSING"], env), ["alpha", "beta"]);
  });
});
