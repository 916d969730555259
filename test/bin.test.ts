import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "./support/project.ts";

describe("bin/stagecraft-encore.js", () => {
  test("runs the CLI as npx does: help on stdout, exit 0", () => {
    const stdout = execFileSync(process.execPath, [join(ROOT, "bin", "stagecraft-encore.js"), "--help"], {
      encoding: "utf8",
    });
    assert.match(stdout, /^stagecraft-encore: runs an Encore\.ts backend/);
    assert.match(stdout, /Commands:\n {2}dev /);
  });
});
