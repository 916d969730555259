// The README's GitHub Actions recipe, taken from README.md as it is, passes the workflow
// linter; no GitHub runner exists where the tests run (the README says so). The GitLab recipe
// runs under gitlab-ci-local in test/container/ci-recipes.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { deferred } from "./support/cleanup.ts";
import { readmeRecipe } from "./support/readme.ts";
import { lintWorkflow } from "./support/workflow-lint.ts";

const defer = deferred();

describe("the README's GitHub Actions recipe", () => {
  test("tests, then builds, and passes the workflow linter, which does reject a broken copy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-workflow-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const workflow = readmeRecipe("**GitHub Actions**");
    assert.match(workflow, /stagecraft-encore:ci test\n[\s\S]*stagecraft-encore:ci build/);
    writeFileSync(join(dir, "backend.yml"), workflow);
    const good = await lintWorkflow(join(dir, "backend.yml"));
    assert.ok(good.ok, good.output);
    writeFileSync(join(dir, "broken.yml"), workflow.replace("runs-on:", "run-on:"));
    assert.equal((await lintWorkflow(join(dir, "broken.yml"))).ok, false);
  });
});
