import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBounded } from "../files/read-bounded.ts";
import { locateExecutable } from "../process/executable.ts";
import { runCommand, stopRequest, type Exit, type StopRequest } from "../process/spawn.ts";
import type { Repository } from "./repository.ts";

// Git run against a repository without the repository's configuration. Several settings in
// a checkout's .git/config make git run commands (core.fsmonitor, filter drivers, hooks
// through core.hooksPath, diff drivers), and `safe.directory=*`, which a mounted checkout
// of another uid would need, turns off the one protection against that. So git never opens
// the checkout's git directory as a repository: it gets a fresh git directory of our own,
// with an empty config, that points at the checkout's objects and index by environment
// variables. Nothing the repository configures is read, so nothing it names runs, and
// git's ownership check stays as it is.

const EXCLUDE_MAX = 1024 * 1024;
/** Without a run to stop it (doctor, local secrets), git gets this long. */
const GIT_TIMEOUT_MS = 60_000;

interface IsolatedResult {
  exit: Exit;
  stdout: string[];
}

export async function runIsolatedGit(
  repo: Repository,
  head: string | undefined,
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string>>; stop?: StopRequest | undefined },
): Promise<IsolatedResult | { unavailable: string }> {
  const git = locateExecutable("git", options.env.PATH);
  if (!git.ok) return { unavailable: "git is not installed" };
  const shadow = mkdtempSync(join(tmpdir(), "stagecraft-git-"));
  try {
    prepareShadow(shadow, repo, head);
    const stdout: string[] = [];
    const exit = await runCommand(
      {
        file: git.path,
        // Belt and braces: the config is empty, and these are off whatever a global file says.
        args: [
          "-c",
          "core.fsmonitor=false",
          "-c",
          "core.hooksPath=/dev/null",
          "-c",
          "core.untrackedCache=false",
          ...args,
        ],
        cwd: options.cwd,
        env: isolatedEnv(options.env, shadow, repo),
      },
      {
        onLine: (stream, line) => stream === "stdout" && stdout.push(line),
        stop: options.stop ?? stopRequest([AbortSignal.timeout(GIT_TIMEOUT_MS)]),
      },
    );
    return { exit, stdout };
  } finally {
    rmSync(shadow, { recursive: true, force: true });
  }
}

function prepareShadow(shadow: string, repo: Repository, head: string | undefined): void {
  mkdirSync(join(shadow, "refs"));
  mkdirSync(join(shadow, "info"));
  // A detached HEAD at the commit read from the files: no ref of the checkout is consulted.
  writeFileSync(join(shadow, "HEAD"), head ? `${head}\n` : "ref: refs/heads/stagecraft-none\n");
  const sha256 = head?.length === 64;
  writeFileSync(
    join(shadow, "config"),
    `[core]\n\trepositoryformatversion = ${sha256 ? 1 : 0}\n\tbare = false\n${sha256 ? "[extensions]\n\tobjectformat = sha256\n" : ""}`,
  );
  // The checkout's own ignore list is data, not configuration: check-ignore needs it.
  const exclude = readBounded(join(repo.commonDir, "info", "exclude"), EXCLUDE_MAX);
  if (exclude.ok) writeFileSync(join(shadow, "info", "exclude"), exclude.data);
  // A split index names its shared part by file name, looked up in the git directory.
  for (const name of safeList(repo.gitDir))
    if (/^sharedindex\.[0-9a-f]+$/.test(name)) symlinkSync(join(repo.gitDir, name), join(shadow, name));
}

function isolatedEnv(env: Readonly<Record<string, string>>, shadow: string, repo: Repository): Record<string, string> {
  const out: Record<string, string> = {};
  // The caller's GIT_* variables could point git elsewhere or at other config: none pass.
  for (const [key, value] of Object.entries(env)) if (!key.startsWith("GIT_")) out[key] = value;
  return {
    ...out,
    GIT_DIR: shadow,
    GIT_WORK_TREE: repo.workTree,
    GIT_INDEX_FILE: join(repo.gitDir, "index"),
    GIT_OBJECT_DIRECTORY: join(repo.commonDir, "objects"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_TERMINAL_PROMPT: "0",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_PAGER: "cat",
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
