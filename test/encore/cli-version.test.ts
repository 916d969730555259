import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { readCliVersion } from "../../src/encore/cli-version.ts";
import { definedEnv } from "../../src/env/environment.ts";
import { deferred } from "../support/cleanup.ts";
import { doubleWorld } from "../support/double.ts";
import { DOUBLE_BIN, tempProject } from "../support/project.ts";

const defer = deferred();

async function world(scenario: unknown = {}) {
  const w = await doubleWorld(scenario);
  defer(() => w.remove());
  return w;
}

describe("readCliVersion", () => {
  test("an install with a release file answers from the file and runs nothing", async () => {
    const root = tempProject({ "encore-release.json": '{"version":"1.56.4","target":"linux_amd64","sha256":"x"}\n' });
    defer(() => root.remove());
    const ran = root.path("ran");
    mkdirSync(root.path("bin"));
    writeFileSync(root.path("bin/encore"), `#!/bin/sh\ntouch ${ran}\n`);
    chmodSync(root.path("bin/encore"), 0o755);
    const read = await readCliVersion({ encorePath: root.path("bin/encore"), cwd: root.dir, env: {} });
    assert.deepEqual(read, { ok: true, version: "1.56.4", source: "install" });
    assert.equal(existsSync(ran), false);
  });

  test("a release file is trusted only for the binary it was written with (not for a symlink to another)", async () => {
    const w = await world();
    const other = tempProject({ "encore-release.json": '{"version":"9.9.9"}' });
    defer(() => other.remove());
    mkdirSync(other.path("bin"));
    symlinkSync(join(DOUBLE_BIN, "encore"), other.path("bin/encore"));
    const read = await readCliVersion({
      encorePath: other.path("bin/encore"),
      cwd: other.dir,
      env: definedEnv(w.env()),
    });
    assert.deepEqual(read, { ok: true, version: "1.56.4", source: "command" });
  });

  test("without one, parses `encore version` although its update check failed (exit 1)", async () => {
    const w = await world();
    const lines: string[] = [];
    const read = await readCliVersion({
      encorePath: join(DOUBLE_BIN, "encore"),
      cwd: w.home.dir,
      env: definedEnv(w.env()),
      onLine: (_, line) => lines.push(line),
    });
    assert.deepEqual(read, { ok: true, version: "1.56.4", source: "command" });
    assert.deepEqual(
      w.calls().map((call) => call.argv),
      [["version"]],
    );
  });

  test("where packets are dropped, gives up after its timeout instead of waiting out the 10 s update check", async () => {
    const w = await world({ version: { updateCheck: "drop" } });
    const started = performance.now();
    const read = await readCliVersion({
      encorePath: join(DOUBLE_BIN, "encore"),
      cwd: w.home.dir,
      env: definedEnv(w.env()),
      timeoutMs: 500,
    });
    assert.deepEqual(read, {
      ok: false,
      reason: "timeout",
      message:
        "`encore version` printed no version within 500 ms (it checks for updates over the network before it prints)",
    });
    assert.ok(performance.now() - started < 5000);
    assert.deepEqual(
      w
        .events()
        .filter((e) => e.event === "exit" || e.event === "signal")
        .map((e) => e.signal ?? e.code),
      ["SIGTERM"],
    );
  });
});
