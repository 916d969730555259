import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import semver from "semver";
import { runCommand, stopRequest } from "../process/spawn.ts";
import { versionArgs } from "./commands.ts";
import { parseEncoreVersion } from "./version.ts";

// The CLI's version without depending on the network. `encore version` checks for updates
// BEFORE it prints (cli/cmd/encore/version.go: update.Check with a 10 s timeout, then the
// line), so where packets are dropped it says nothing for 10 s. The image knows better: its
// build verified the release tarball and wrote the version next to the install.

/** Written into the install root by docker/install-encore.sh once the tarball is verified. */
const RELEASE_FILE = "encore-release.json";

/** How long a host without that file waits for `encore version`. */
const VERSION_COMMAND_TIMEOUT_MS = 3000;

type CliVersion =
  | { ok: true; version: string; source: "install" | "command" }
  | { ok: false; reason: "timeout" | "no-version"; message: string };

interface CliVersionRequest {
  /** The `encore` executable as found on PATH. */
  encorePath: string;
  cwd: string;
  env: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** Stops the fallback command early (e.g. the runner is shutting down). */
  signal?: AbortSignal;
  /** Every line `encore version` prints, for a debug log. */
  onLine?: (stream: "stdout" | "stderr", line: string) => void;
}

/**
 * The version of the `encore` at `encorePath`: from the release file of its install root when
 * there is one (no process, no network), else from `encore version`, parsed whatever the exit
 * code and bounded by a short timeout.
 */
export async function readCliVersion(request: CliVersionRequest): Promise<CliVersion> {
  const installed = readInstalledRelease(request.encorePath);
  if (installed) return { ok: true, version: installed, source: "install" };

  const timeoutMs = request.timeoutMs ?? VERSION_COMMAND_TIMEOUT_MS;
  let version: string | undefined;
  const enough = new AbortController();
  const timeout = AbortSignal.timeout(timeoutMs);
  await runCommand(
    { file: request.encorePath, args: versionArgs(), cwd: request.cwd, env: request.env },
    {
      onLine: (stream, line) => {
        request.onLine?.(stream, line);
        if (stream !== "stdout" || version) return;
        version = parseEncoreVersion(line);
        // What follows the line is the update notice: not needed.
        if (version) enough.abort();
      },
      stop: stopRequest([enough.signal, timeout, ...(request.signal ? [request.signal] : [])]),
    },
  );
  if (version) return { ok: true, version, source: "command" };
  if (timeout.aborted) {
    return {
      ok: false,
      reason: "timeout",
      message: `\`encore version\` printed no version within ${timeoutMs} ms (it checks for updates over the network before it prints)`,
    };
  }
  return { ok: false, reason: "no-version", message: "`encore version` printed no version" };
}

/**
 * The version in the release file beside the install `encorePath` belongs to, or undefined.
 * The file is trusted only for the binary it was written with: `<root>/bin/encore`.
 */
export function readInstalledRelease(encorePath: string): string | undefined {
  try {
    const binary = realpathSync(encorePath);
    const root = dirname(dirname(binary));
    if (realpathSync(join(root, "bin", "encore")) !== binary) return undefined;
    const data = JSON.parse(readFileSync(join(root, RELEASE_FILE), "utf8")) as { version?: unknown };
    return typeof data.version === "string" ? (semver.valid(data.version) ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}
