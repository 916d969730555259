import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { SecretSyncState } from "../../src/secrets/sync-state.ts";
import { deferred } from "../support/cleanup.ts";
import { tempProject } from "../support/project.ts";

const defer = deferred();

function state(): SecretSyncState {
  const home = tempProject();
  defer(() => home.remove());
  return SecretSyncState.open(home.dir)!;
}

describe("SecretSyncState digests", () => {
  test("follow Encore's aliases: ephemeral is preview, not local; order and repeats do not matter", () => {
    const s = state();
    const digest = (types: Parameters<SecretSyncState["digest"]>[2]) => s.digest("/app", "Key", types, "v");
    assert.equal(digest(["ephemeral"]), digest(["preview"]));
    assert.equal(digest(["ephemeral"]), digest(["pr"]));
    assert.notEqual(digest(["ephemeral"]), digest(["local"]));
    assert.equal(digest(["local", "ephemeral"]), digest(["preview", "local"]));
    assert.equal(digest(["dev", "development"]), digest(["development"]));
  });
});

describe("SecretSyncState is a cache: a broken one costs a full sync and a warning, never the run", () => {
  const fileIn = (home: string) => join(home, ".config", "encore", "stagecraft-encore", "secret-sync.json");
  const open = (home: string) => {
    const warnings: string[] = [];
    return { state: SecretSyncState.open(home, (message) => warnings.push(message)), warnings };
  };

  for (const [what, content] of [
    ["not JSON", "{not json"],
    ["JSON of the wrong shape", '{"version": 1, "secrets": null}'],
    ["a digest that is not a string", '{"version": 1, "secrets": {"a": 1}}'],
    ["another version", '{"version": 2, "secrets": {}}'],
  ] as const) {
    test(`a state file with ${what} is replaced, with a warning`, () => {
      const home = tempProject();
      defer(() => home.remove());
      mkdirSync(dirname(fileIn(home.dir)), { recursive: true });
      writeFileSync(fileIn(home.dir), content);
      const { state, warnings } = open(home.dir);
      assert.ok(state);
      assert.match(warnings.join("\n"), /is not a sync state this tool wrote/);
      assert.equal(state.unchanged("/app", "a", "x"), false);
      state.remember("/app", "a", "x");
      state.save();
      assert.equal(open(home.dir).state!.unchanged("/app", "a", "x"), true);
    });
  }

  test("a named pipe in place of the state file is not opened for a blocking read", () => {
    const home = tempProject();
    defer(() => home.remove());
    mkdirSync(dirname(fileIn(home.dir)), { recursive: true });
    execFileSync("mkfifo", [fileIn(home.dir)]);
    const { state, warnings } = open(home.dir);
    assert.ok(state);
    assert.match(warnings.join("\n"), /cannot be used \(not-a-file\)/);
    state.save();
    assert.ok(statSync(fileIn(home.dir)).isFile(), "saving replaced the pipe with a file");
  });

  test("a HOME it cannot write to: no state, one warning naming the directory", () => {
    const home = tempProject();
    defer(() => home.remove());
    writeFileSync(join(home.dir, ".config"), "a file where a directory belongs");
    const { state, warnings } = open(home.dir);
    assert.equal(state, undefined);
    assert.match(
      warnings.join("\n"),
      /the sync state cannot be kept in .*stagecraft-encore \((ENOTDIR|EEXIST)\); every secret is synced/,
    );
  });
});
