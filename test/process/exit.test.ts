import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { describeExit } from "../../src/process/exit.ts";

describe("describeExit", () => {
  const cases = [
    { exit: { exitCode: 0, signal: undefined }, text: "exited with code 0" },
    { exit: { exitCode: 1, signal: undefined }, text: "exited with code 1" },
    { exit: { exitCode: undefined, signal: "SIGKILL" }, text: "was killed by SIGKILL" },
    { exit: { exitCode: undefined, signal: undefined }, text: "exited with code unknown" },
  ];
  for (const { exit, text } of cases) {
    test(`says "${text}"`, () => assert.equal(describeExit(exit), text));
  }
});
