import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { readBounded } from "../files/read-bounded.ts";

// A git repository read as files, never through git: HEAD, refs and packed-refs are plain
// text. Nothing here can run a command the repository's configuration names (fsmonitor,
// filters, hooks), whoever owns the checkout.

const SMALL = 64 * 1024;
const PACKED_REFS_MAX = 64 * 1024 * 1024;
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export interface Repository {
  /** The worktree's top directory (where `.git` is). */
  workTree: string;
  /** This worktree's git directory (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  /** Where objects and shared refs live (the main `.git` for a linked worktree). */
  commonDir: string;
}

type Found<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The repository that holds `dir`, found as git does: the nearest `.git` upwards. */
export function findRepository(dir: string): Found<Repository> {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const dotGit = join(current, ".git");
    const stat = statOrUndefined(dotGit);
    if (stat?.isDirectory())
      return { ok: true, value: { workTree: current, gitDir: dotGit, commonDir: commonDirOf(dotGit) } };
    if (stat?.isFile()) {
      // A gitfile (linked worktree, submodule): "gitdir: <path>".
      const text = readText(dotGit);
      const target = text?.match(/^gitdir: (.+?)\s*$/m)?.[1];
      if (!target) return { ok: false, reason: `${dotGit} is not a valid gitfile` };
      const gitDir = isAbsolute(target) ? target : resolve(current, target);
      return { ok: true, value: { workTree: current, gitDir, commonDir: commonDirOf(gitDir) } };
    }
    if (dirname(current) === current)
      return { ok: false, reason: `${dir} is not a git repository (no .git in it or above it)` };
  }
}

function commonDirOf(gitDir: string): string {
  const text = readText(join(gitDir, "commondir"))?.trim();
  if (!text) return gitDir;
  return isAbsolute(text) ? text : resolve(gitDir, text);
}

/** The commit HEAD points at (full object id), following symbolic refs. */
export function readHead(repo: Repository): Found<string> {
  if (existsSync(join(repo.commonDir, "reftable")))
    return { ok: false, reason: "the repository stores refs as a reftable, which is not read" };
  let ref = "HEAD";
  for (let depth = 0; depth < 5; depth++) {
    const value = readRef(repo, ref);
    if (value === undefined)
      return { ok: false, reason: ref === "HEAD" ? "HEAD cannot be read" : `${ref} has no commit yet` };
    const symbolic = value.match(/^ref: (refs\/\S+)$/)?.[1];
    if (!symbolic)
      return OBJECT_ID.test(value) ? { ok: true, value } : { ok: false, reason: `${ref} does not hold a commit id` };
    if (symbolic.split("/").includes("..")) return { ok: false, reason: `${ref} points outside refs/` };
    ref = symbolic;
  }
  return { ok: false, reason: "HEAD is a chain of symbolic refs too long to follow" };
}

/** HEAD and per-worktree refs live in the worktree's git dir; the rest in the common dir, loose or packed. */
function readRef(repo: Repository, ref: string): string | undefined {
  const perWorktree = ref === "HEAD" || ref.startsWith("refs/worktree/") || ref.startsWith("refs/bisect/");
  const loose = readText(join(perWorktree ? repo.gitDir : repo.commonDir, ref))?.trim();
  if (loose) return loose;
  if (perWorktree) return undefined;
  const packed = readBounded(join(repo.commonDir, "packed-refs"), PACKED_REFS_MAX);
  if (!packed.ok) return undefined;
  for (const line of packed.data.toString("utf8").split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0 && line.slice(space + 1).trimEnd() === ref && !line.startsWith("#")) return line.slice(0, space);
  }
  return undefined;
}

function readText(path: string): string | undefined {
  const read = readBounded(path, SMALL);
  return read.ok ? read.data.toString("utf8") : undefined;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
