import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isBannerLine, isPortInUseLine, levelOfLine } from "../../src/encore/banner.ts";

describe("isBannerLine", () => {
  const cases: [string, boolean][] = [
    ["  Encore development server running!", true],
    ["\u001b[1m  Encore development server running!\u001b[0m", true],
    ["  Your API is running at:     \u001b[36mhttp://0.0.0.0:4000\u001b[0m", false],
    ["encore: Building Encore application graph... done (500ms)", false],
  ];
  for (const [line, expected] of cases)
    test(`${JSON.stringify(line)} → ${expected}`, () => assert.equal(isBannerLine(line), expected));
});

describe("isPortInUseLine", () => {
  test("recognises Encore's message, coloured or not", () => {
    assert.equal(isPortInUseLine("\u001b[31mFailed to run on 0.0.0.0:4000 - port is already in use\u001b[0m"), true);
    assert.equal(isPortInUseLine("Failed to run on 0.0.0.0:4000 - something else"), false);
  });
});

describe("levelOfLine", () => {
  const cases: [string, "error" | "warn" | "info"][] = [
    ["2:49PM INF compiling Encore application for linux/amd64", "info"],
    ["INF saving image to local docker daemon", "info"],
    ["2:49PM ERR unable to save docker image error=boom", "error"],
    ["\u001b[90m2:49PM\u001b[0m \u001b[31mERR\u001b[0m unable to save", "error"],
    ["FTL fatal", "error"],
    ["PNC panic", "error"],
    ["2:49PM WRN slow", "warn"],
    ["DBG detail", "info"],
    ["plain output from the app", "info"],
    ["ERRATIC is not a level", "info"],
  ];
  for (const [line, level] of cases)
    test(`${JSON.stringify(line)} → ${level}`, () => assert.equal(levelOfLine(line), level));
});
