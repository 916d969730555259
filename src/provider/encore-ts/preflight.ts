import { checkDockerAccess } from "../../docker/access.ts";
import type { DockerEndpoint } from "../../docker/endpoint.ts";
import { ProviderError, type Operation } from "../../errors/index.ts";
import { findAppRoot } from "../../encore/app-root.ts";
import { versionArgs } from "../../encore/commands.ts";
import { isSupported, parseEncoreVersion, supportedRangeText, type Semver } from "../../encore/version.ts";
import type { Logger } from "../../logging/logger.ts";
import { locateExecutable } from "../../process/executable.ts";
import { runCommand } from "../../process/spawn.ts";

export const ENCORE_BIN = "encore";

/** PROVIDER_NOT_AVAILABLE unless `encore` is on PATH and executable. */
export function requireEncore(path: string | undefined, operation: Operation): string {
  const found = locateExecutable(ENCORE_BIN, path);
  if (found.ok) return found.path;
  throw new ProviderError({
    category: "PROVIDER_NOT_AVAILABLE",
    provider: "encore-ts",
    operation,
    message: found.reason === "not-executable" ? `${found.path} is not executable` : "the encore CLI was not found on PATH",
    fix:
      found.reason === "not-executable"
        ? `chmod +x ${found.path}`
        : "install it (https://encore.dev/docs/install) or use the stagecraft-encore image, which ships a pinned, checksum-verified encore",
  });
}

/** INVALID_PROJECT unless an `encore.app` file is in `dir` or a parent, as Encore itself looks. */
export function requireAppRoot(dir: string, operation: Operation, field: string): string {
  const root = findAppRoot(dir);
  if (root.ok) return root.dir;
  throw new ProviderError({
    category: "INVALID_PROJECT",
    provider: "encore-ts",
    operation,
    message:
      root.reason === "directory"
        ? `${root.path} is a directory, not Encore's app file`
        : `no encore.app found in ${dir} or any of its parent directories`,
    fix: `point ${field} at the directory that holds your encore.app file (JSON), or create one with \`encore app init\``,
  });
}

/**
 * Reads the version from `encore version`. Stdout is parsed whatever the exit code: the real
 * CLI prints the version, then checks for updates over the network (and exits 1 offline).
 * Once the version line is in, the update check is not waited for.
 */
export async function readEncoreVersion(
  spec: { file: string; cwd: string; env: Readonly<Record<string, string>> },
  onLine: (stream: "stdout" | "stderr", line: string) => void = () => {},
  stop?: AbortSignal,
): Promise<Semver | undefined> {
  let version: Semver | undefined;
  const enough = new AbortController();
  await runCommand(
    { ...spec, args: versionArgs() },
    {
      onLine: (stream, line) => {
        onLine(stream, line);
        if (stream !== "stdout" || version) return;
        version = parseEncoreVersion(line);
        if (version) enough.abort();
      },
      signal: AbortSignal.any([enough.signal, AbortSignal.timeout(10_000), ...(stop ? [stop] : [])]),
    },
  );
  return version;
}

/** The preflight check (docs/provider-contract.md §Supported versions): outside the supported range is a warning, never an error. */
export async function checkEncoreVersion(
  spec: { file: string; cwd: string; env: Readonly<Record<string, string>> },
  log: Logger,
  stop?: AbortSignal,
): Promise<Semver | undefined> {
  const version = await readEncoreVersion(spec, (stream, line) => log.debug(line, { stream }), stop);
  if (stop?.aborted) return version;
  if (!version) {
    log.warn("could not read the encore version from `encore version`; continuing", { supported: supportedRangeText() });
  } else if (!isSupported(version)) {
    log.warn(`encore ${version.text} is outside the supported range (${supportedRangeText()}); continuing`, { encoreVersion: version.text });
  } else {
    log.debug(`encore ${version.text}`, { encoreVersion: version.text });
  }
  return version;
}

/**
 * `encore build docker` loads the image into the engine its daemon can reach; check that
 * engine first so a missing socket or permission is a clear error, not a failed build.
 */
export async function requireDockerEngine(endpoint: DockerEndpoint): Promise<void> {
  const access = await checkDockerAccess(endpoint);
  if (access.ok) return;
  throw new ProviderError({
    category: "PROVIDER_NOT_AVAILABLE",
    provider: "encore-ts",
    operation: "build",
    message: `the Docker engine is not usable: ${access.message}`,
    fix: access.fix,
    facts: { dockerHost: endpoint.text },
  });
}
