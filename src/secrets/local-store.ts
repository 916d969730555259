import { chmodSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { describeFailure, readBounded } from "../files/read-bounded.ts";
import { join } from "node:path";
import { ProviderError } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import { runIsolatedGit } from "../git/isolated.ts";
import { findRepository, readHead } from "../git/repository.ts";
import { LOCAL_SECRETS_HEADER, renderLocalSecrets } from "./cue.ts";

export const LOCAL_SECRETS_FILE = ".secrets.local.cue";
/** What this tool writes is small; anything larger there is not ours. */
const EXISTING_MAX_BYTES = 4 * 1024 * 1024;

function refuse(message: string, fix: string): ProviderError {
  return new ProviderError({ category: "SECRET_SYNC_FAILED", provider: "encore-ts", operation: "dev", message, fix });
}

/**
 * Local mode: write the values to Encore's own local store next to encore.app, mode 0600,
 * only where git ignores it and only over a file this tool wrote.
 */
export async function writeLocalSecrets(
  appDir: string,
  secrets: readonly { name: string; value: string }[],
  env: Readonly<Record<string, string>>,
  log: Logger,
): Promise<void> {
  const file = join(appDir, LOCAL_SECRETS_FILE);
  // Bounded and non-blocking: a directory, a pipe or a huge file in its place is refused.
  const existing = readBounded(file, EXISTING_MAX_BYTES);
  if (!existing.ok && existing.reason !== "missing") {
    throw refuse(
      `${file} ${describeFailure(existing, EXISTING_MAX_BYTES)}; it is left untouched`,
      `remove or move it aside so the local secrets file can be written there, or use dev.encore_secrets.mode: cloud`,
    );
  }
  if (existing.ok && !existing.data.toString("utf8").startsWith(LOCAL_SECRETS_HEADER)) {
    throw refuse(
      `${file} exists and was not written by stagecraft-encore; it is left untouched`,
      `move it aside, or use dev.encore_secrets.mode: cloud`,
    );
  }
  const ignored = await gitIgnores(appDir, LOCAL_SECRETS_FILE, env);
  if (ignored === "not-ignored") {
    throw refuse(
      `${file} would hold secret values but git does not ignore it`,
      `add this line to ${join(appDir, ".gitignore")}: ${LOCAL_SECRETS_FILE}`,
    );
  }
  if (ignored === "no-repository") log.debug("not a git repository; nothing can commit the local secrets file");

  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, renderLocalSecrets(secrets), { mode: 0o600, flag: "wx" });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw refuse(
      `cannot write the local secrets file ${file} (${code})`,
      code === "EROFS" || code === "EACCES" || code === "EPERM"
        ? `the app directory ${appDir} is read-only here: make it writable (mount it read-write), or use dev.encore_secrets.mode: cloud`
        : `check ${appDir}, or use dev.encore_secrets.mode: cloud`,
    );
  }
  log.info(`wrote ${secrets.length} secret(s) to ${file} (mode 0600)`, { secrets: secrets.map((s) => s.name) });
}

export async function gitIgnores(
  dir: string,
  file: string,
  env: Readonly<Record<string, string>>,
): Promise<"ignored" | "not-ignored" | "no-repository"> {
  const repo = findRepository(dir);
  if (!repo.ok) return "no-repository";
  const head = readHead(repo.value);
  // `check-ignore` exits 0 when ignored, 1 when not. Run without the checkout's config
  // (isolated.ts): anything else, git missing included, counts as not ignored, the safe side.
  const result = await runIsolatedGit(
    repo.value,
    head.ok ? head.value : undefined,
    ["check-ignore", "-q", "--no-index", file],
    { cwd: dir, env },
  );
  if (!("unavailable" in result) && result.exit.exitCode === 0) return "ignored";
  return "not-ignored";
}
