import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { markMemberInstalled } from "../../src/packages/workspace-member.ts";
import { deferred } from "../support/cleanup.ts";

const defer = deferred();

function workspace(): { root: string; app: string } {
  const root = mkdtempSync(join(tmpdir(), "workspace-member-"));
  defer(() => rmSync(root, { recursive: true, force: true }));
  const app = join(root, "apps", "api");
  mkdirSync(app, { recursive: true });
  return { root, app };
}

describe("markMemberInstalled", () => {
  test("a workspace member without node_modules gets an empty one, so Encore does not install again", () => {
    const { root, app } = workspace();
    assert.equal(markMemberInstalled(app, root), true);
    assert.deepEqual(readdirSync(join(app, "node_modules")), []);
    assert.equal(markMemberInstalled(app, root), false, "only once");
  });
  test("an app installed in its own root, or a member that has node_modules, is left alone", () => {
    const { root, app } = workspace();
    assert.equal(markMemberInstalled(app, app), false);
    assert.equal(existsSync(join(app, "node_modules")), false);
    mkdirSync(join(app, "node_modules", "x"), { recursive: true });
    assert.equal(markMemberInstalled(app, root), false);
    assert.deepEqual(readdirSync(join(app, "node_modules")), ["x"]);
  });
});
