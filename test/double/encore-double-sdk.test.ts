// The double's compile step needs encore.dev to resolve from the app root, as Node resolves
// it; and Encore installs only when it rewrote package.json or node_modules is absent
// (tsparser/src/builder/package_mgmt.rs and codegen.rs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENCORE_VERSION } from "../support/image.ts";
import { encore, sandboxes } from "./harness.ts";

const box = sandboxes();
const APP = {
  "encore.app": '{"id": "", "lang": "typescript"}\n',
  "package.json": `{"name": "app", "dependencies": {"encore.dev": "${ENCORE_VERSION}"}}\n`,
};
const lastLine = (s: string) => s.trimEnd().split("\n").at(-1);
const installs = (events: { event: string }[]) => events.filter((e) => e.event === "npm-install").length;

describe("encore double: packages", () => {
  test("an empty node_modules (a new volume) is no install and no SDK: Node's 'Cannot find package'", async () => {
    const b = await box({ ...APP, "node_modules/.keep": "" });
    const r = await encore(["run"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 1);
    assert.equal(installs(b.events()), 0, "node_modules exists and package.json is current: encore installs nothing");
    assert.equal(
      lastLine(r.stderr),
      `Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'encore.dev' imported from ${b.app}/encore.gen/internal/entrypoints/combined/main.ts`,
    );
  });

  test("encore.dev in a parent's node_modules resolves, as for a workspace member", async () => {
    const b = await box({
      "backend/encore.app": APP["encore.app"],
      "backend/package.json": APP["package.json"],
      "backend/node_modules/.keep": "",
      "node_modules/encore.dev/package.json": `{"version": "${ENCORE_VERSION}"}`,
    });
    const r = await encore(["run"], {
      cwd: `${b.app}/backend`,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"run":{"mode":"crash-at-start"}}' }),
    });
    assert.match(String(lastLine(r.stderr)), /simulated by ENCORE_DOUBLE_SCENARIO run.mode=crash-at-start/);
  });

  test("no node_modules anywhere, after a failed-to-create install: node_modules directory not found", async () => {
    const b = await box({ ...APP });
    const r = await encore(["run"], { cwd: b.app, env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"npmInstall":"fail"}' }) });
    assert.equal(r.code, 1);
    assert.match(String(lastLine(r.stderr)), /installing node_modules failed/);
  });

  test("build docker fails the same way, and sdk: assume skips the check", async () => {
    const b = await box({ ...APP, "node_modules/.keep": "" });
    const r = await encore(["build", "docker", "x:y"], { cwd: b.app, env: b.env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot find package 'encore\.dev'/);
    const assumed = await encore(["run"], {
      cwd: b.app,
      env: b.env({ ENCORE_DOUBLE_SCENARIO: '{"sdk":"assume","run":{"mode":"crash-at-start"}}' }),
    });
    assert.match(String(lastLine(assumed.stderr)), /run.mode=crash-at-start/);
  });
});
