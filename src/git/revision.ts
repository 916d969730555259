import type { StopRequest } from "../process/spawn.ts";
import { runIsolatedGit } from "./isolated.ts";
import { findRepository, readHead } from "./repository.ts";

type Revision = { ok: true; tag: string; dirty: boolean | "unchecked" } | { ok: false; reason: string };

/** Long enough to stay unique in large repositories, where git's own short form grows past 7. */
const SHORT_SHA_LENGTH = 12;

/**
 * The default image tag: the first 12 hex digits of the commit HEAD points at, with `-dirty`
 * when tracked files differ from it. The commit is read from .git's files; the dirty state
 * from git run without the repository's configuration (isolated.ts), so the checkout can
 * make nothing run. `checkDirty: false` (plan) runs nothing at all.
 */
export async function revisionTag(
  projectDir: string,
  env: Readonly<Record<string, string>>,
  options: { checkDirty: boolean; stop?: StopRequest | undefined },
): Promise<Revision> {
  const repo = findRepository(projectDir);
  if (!repo.ok) return { ok: false, reason: repo.reason };
  const head = readHead(repo.value);
  if (!head.ok) return { ok: false, reason: `${repo.value.workTree}: ${head.reason}` };
  const short = head.value.slice(0, SHORT_SHA_LENGTH);
  if (!options.checkDirty) return { ok: true, tag: short, dirty: "unchecked" };
  const status = await runIsolatedGit(
    repo.value,
    head.value,
    ["status", "--porcelain", "--untracked-files=no", "--ignore-submodules=all", "--no-renames"],
    {
      cwd: repo.value.workTree,
      env,
      stop: options.stop,
    },
  );
  if ("unavailable" in status) return { ok: false, reason: status.unavailable };
  if (status.exit.exitCode !== 0)
    return {
      ok: false,
      reason: `git status could not compare the worktree with ${short} (git ${status.exit.signal ?? `exit ${status.exit.exitCode}`})`,
    };
  const dirty = status.stdout.some((line) => line.trim() !== "");
  return { ok: true, tag: dirty ? `${short}-dirty` : short, dirty };
}
