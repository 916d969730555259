import { checkDockerAccess } from "../../docker/access.ts";
import type { DockerEndpoint } from "../../docker/endpoint.ts";
import { ProviderError, type Operation } from "../../errors/index.ts";
import { findAppRoot } from "../../encore/app-root.ts";
import type { Logger } from "../../logging/logger.ts";
import { locateExecutable } from "../../process/executable.ts";
import type { CommandSpec } from "../../process/spawn.ts";

const ENCORE_BIN = "encore";

/** PROVIDER_NOT_AVAILABLE unless `encore` is on PATH and executable. */
export function requireEncore(path: string | undefined, operation: Operation): string {
  const found = locateExecutable(ENCORE_BIN, path);
  if (found.ok) return found.path;
  throw new ProviderError({
    category: "PROVIDER_NOT_AVAILABLE",
    provider: "encore-ts",
    operation,
    message:
      found.reason === "not-executable" ? `${found.path} is not executable` : "the encore CLI was not found on PATH",
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
 * The preflight check (docs/provider-contract.md §Supported versions): outside the supported
 * range is a warning, never an error. It runs in the background; `encore version` may wait out
 * its 10 s update check before it prints, so the command gets a little longer than that, and
 * the run's end stops it anyway.
 */
export async function checkEncoreVersion(
  spec: CommandSpec,
  log: Logger,
  stop?: AbortSignal,
): Promise<string | undefined> {
  // Loaded here, not at start-up: semver is only needed once a version has been read.
  const [{ readCliVersion }, { isSupported, supportedRangeText }] = await Promise.all([
    import("../../encore/cli-version.ts"),
    import("../../encore/version.ts"),
  ]);
  const read = await readCliVersion({
    encorePath: spec.file,
    cwd: spec.cwd,
    env: spec.env,
    timeoutMs: BACKGROUND_VERSION_TIMEOUT_MS,
    onLine: (stream, line) => log.debug(line, { stream }),
    ...(stop ? { signal: stop } : {}),
  });
  if (stop?.aborted) return read.ok ? read.version : undefined;
  if (!read.ok) {
    log.warn(`could not read the encore version: ${read.message}; continuing`, { supported: supportedRangeText() });
    return undefined;
  }
  if (!isSupported(read.version)) {
    log.warn(`encore ${read.version} is outside the supported range (${supportedRangeText()}); continuing`, {
      encoreVersion: read.version,
    });
  } else {
    log.debug(`encore ${read.version}`, { encoreVersion: read.version, source: read.source });
  }
  return read.version;
}

/** Above `encore version`'s own 10 s update check (cli/cmd/encore/version.go). */
const BACKGROUND_VERSION_TIMEOUT_MS = 12_000;

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
