import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { revisionTag } from "../../src/git/revision.ts";
import { gitIgnores } from "../../src/secrets/local-store.ts";
import { deferred } from "../support/cleanup.ts";

const cleanup = deferred();
const ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir() };

function repository(): { dir: string; git: (...args: string[]) => string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-rev-"));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "safe.directory=*", ...args], {
      cwd: dir,
      encoding: "utf8",
    }).trim();
  git("init", "-q", "-b", "main");
  writeFileSync(join(dir, "app.ts"), "export const a = 1;\n");
  writeFileSync(join(dir, ".gitignore"), ".secrets.local.cue\n");
  git("add", "-A");
  git("commit", "-qm", "init");
  return { dir, git, marker: join(dir, "..", `${dir.split("/").pop()}-ran`) };
}

/** Config that makes git run a command on status, check-ignore or an index change. */
function hostileConfig(dir: string, git: (...args: string[]) => string, marker: string): void {
  const command = `sh -c 'echo ran >> ${marker}'`;
  cleanup(() => rmSync(marker, { force: true }));
  git("config", "core.fsmonitor", command);
  git("config", "filter.evil.clean", command);
  git("config", "filter.evil.process", command);
  git("config", "core.hooksPath", join(dir, "hooks"));
  git("config", "diff.external", command);
  writeFileSync(join(dir, ".git", "info", "attributes"), "* filter=evil diff=evil\n");
}

describe("revisionTag", () => {
  test("is the first 12 hex digits of HEAD, -dirty once a tracked file changes, untracked files aside", async () => {
    const { dir, git } = repository();
    const sha = git("rev-parse", "HEAD").slice(0, 12);
    assert.deepEqual(await revisionTag(dir, ENV, { checkDirty: true }), { ok: true, tag: sha, dirty: false });
    writeFileSync(join(dir, "untracked.txt"), "x");
    assert.deepEqual(await revisionTag(dir, ENV, { checkDirty: true }), { ok: true, tag: sha, dirty: false });
    writeFileSync(join(dir, "app.ts"), "export const a = 2;\n");
    assert.deepEqual(await revisionTag(dir, ENV, { checkDirty: true }), { ok: true, tag: `${sha}-dirty`, dirty: true });
    git("add", "app.ts");
    assert.deepEqual(
      await revisionTag(dir, ENV, { checkDirty: true }),
      { ok: true, tag: `${sha}-dirty`, dirty: true },
      "a staged change is a change",
    );
  });

  test("reads packed refs, a detached HEAD and a linked worktree from the files", async () => {
    const { dir, git } = repository();
    const sha = git("rev-parse", "HEAD");
    git("pack-refs", "--all");
    assert.ok(!existsSync(join(dir, ".git", "refs", "heads", "main")));
    assert.deepEqual(await revisionTag(dir, ENV, { checkDirty: true }), {
      ok: true,
      tag: sha.slice(0, 12),
      dirty: false,
    });
    const linked = `${dir}-wt`;
    cleanup(() => rmSync(linked, { recursive: true, force: true }));
    git("worktree", "add", "-q", "--detach", linked, "HEAD");
    assert.deepEqual(await revisionTag(linked, ENV, { checkDirty: true }), {
      ok: true,
      tag: sha.slice(0, 12),
      dirty: false,
    });
    writeFileSync(join(linked, "app.ts"), "changed\n");
    assert.deepEqual(await revisionTag(linked, ENV, { checkDirty: true }), {
      ok: true,
      tag: `${sha.slice(0, 12)}-dirty`,
      dirty: true,
    });
  });

  test("runs nothing the repository configures: fsmonitor, filters, hooks and diff drivers stay idle", async () => {
    const { dir, git, marker } = repository();
    hostileConfig(dir, git, marker);
    writeFileSync(join(dir, "app.ts"), "export const a = 3;\n");
    const result = await revisionTag(dir, ENV, { checkDirty: true });
    assert.equal(result.ok && result.dirty, true);
    assert.equal(await gitIgnores(dir, ".secrets.local.cue", ENV), "ignored");
    assert.equal(await gitIgnores(dir, "app.ts", ENV), "not-ignored");
    assert.ok(!existsSync(marker), "a command from .git/config ran");
  });

  test("reads a checkout owned by another user without switching off git's ownership check", async () => {
    const { dir, git, marker } = repository();
    hostileConfig(dir, git, marker);
    const sha = git("rev-parse", "HEAD").slice(0, 12);
    execFileSync("chown", ["-R", "4321:4321", dir]);
    assert.throws(
      () => execFileSync("git", ["status"], { cwd: dir, stdio: "pipe" }),
      /dubious ownership/,
      "git itself refuses this checkout",
    );
    assert.deepEqual(await revisionTag(dir, ENV, { checkDirty: true }), { ok: true, tag: sha, dirty: false });
    assert.equal(statSync(join(dir, ".git", "index")).uid, 4321, "the index was not rewritten");
    assert.ok(!existsSync(marker));
  });

  test("without checking (plan) it runs no git at all", async () => {
    const { dir, git } = repository();
    writeFileSync(join(dir, "app.ts"), "changed\n");
    const result = await revisionTag(dir, { PATH: "/nonexistent" }, { checkDirty: false });
    assert.deepEqual(result, { ok: true, tag: git("rev-parse", "HEAD").slice(0, 12), dirty: "unchecked" });
  });

  test("says why there is no tag: no repository, no commit yet", async () => {
    const outside = mkdtempSync(join(tmpdir(), "stagecraft-norepo-"));
    cleanup(() => rmSync(outside, { recursive: true, force: true }));
    const none = await revisionTag(outside, ENV, { checkDirty: true });
    assert.equal(none.ok, false);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: outside });
    const empty = await revisionTag(outside, ENV, { checkDirty: true });
    assert.deepEqual(empty, { ok: false, reason: `${outside}: refs/heads/main has no commit yet` });
    assert.deepEqual(
      readdirSync(tmpdir()).filter(
        (name) => name.startsWith("stagecraft-git-") && !existsSync(join(tmpdir(), name, "HEAD")),
      ),
      [],
    );
  });
});
