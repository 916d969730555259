import { runCommand } from "../process/spawn.ts";
import { locateExecutable } from "../process/executable.ts";

export type Revision = { ok: true; tag: string } | { ok: false; reason: string };

/**
 * The default image tag: the project's short commit SHA, with `-dirty` when tracked files
 * changed. `safe.directory=*` because a mounted checkout belongs to another uid in a container.
 */
export async function revisionTag(projectDir: string, env: Readonly<Record<string, string>>): Promise<Revision> {
  const git = locateExecutable("git", env.PATH);
  if (!git.ok) return { ok: false, reason: "git is not installed" };
  const run = async (args: string[]) => {
    const out: string[] = [];
    const exit = await runCommand(
      { file: git.path, args: ["-c", "safe.directory=*", ...args], cwd: projectDir, env },
      { onLine: (stream, line) => stream === "stdout" && out.push(line) },
    );
    return { ok: exit.exitCode === 0, out };
  };
  const head = await run(["rev-parse", "--short", "HEAD"]);
  const sha = head.out[0]?.trim();
  if (!head.ok || !sha) return { ok: false, reason: `${projectDir} is not a git repository with a commit` };
  const status = await run(["status", "--porcelain", "--untracked-files=no"]);
  return { ok: true, tag: status.out.some((line) => line.trim() !== "") ? `${sha}-dirty` : sha };
}
