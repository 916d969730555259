import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SecretSyncState } from "../../src/secrets/sync-state.ts";
import { deferred } from "../support/cleanup.ts";
import { tempProject } from "../support/project.ts";

const defer = deferred();

function state(): SecretSyncState {
  const home = tempProject();
  defer(() => home.remove());
  return SecretSyncState.open(home.dir);
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
