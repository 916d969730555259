import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProviderError, type Operation } from "../../errors/index.ts";
import { EnvFileError, readEnvFileNoting } from "../../env/env-file.ts";
import { composeEnvironment, type Environment } from "../../env/environment.ts";
import type { Logger } from "../../logging/logger.ts";
import { cacheDir, findSystemBundle, writeCombinedBundle } from "../../tls/bundle.ts";

interface EnvironmentRequest {
  operation: Operation;
  processEnv: Readonly<Record<string, string | undefined>>;
  envFile?: string | undefined;
  disableTelemetry: boolean;
  caFile?: string | undefined;
  log: Logger;
}

/**
 * Everything the `encore` daemon must see before the FIRST encore call: it keeps the
 * environment it started with (docs/encore-cli.md §Daemon environment), so nothing may be added later.
 */
export function prepareEnvironment(request: EnvironmentRequest): Environment {
  const { log } = request;
  const fileEnv = request.envFile ? readEnvFileOrFail(request.envFile, request.operation, log) : undefined;
  let caBundle: string | undefined;
  if (request.caFile) {
    const system = findSystemBundle(request.processEnv);
    if (system) {
      caBundle = writeBundleSomewhere(system, request.caFile, request.processEnv, request.operation, log);
      log.debug("combined CA bundle written for encore, git and curl", { bundle: caBundle });
    } else {
      log.warn("no system CA bundle found; the encore CLI will not trust node_extra_ca_certs (Node still will)");
    }
    const previous = request.processEnv.NODE_EXTRA_CA_CERTS;
    if (previous && previous !== request.caFile) {
      log.warn("NODE_EXTRA_CA_CERTS from the environment is replaced by dev.node_extra_ca_certs", {
        replaced: previous,
      });
    }
  }
  return composeEnvironment({
    processEnv: request.processEnv,
    ...(fileEnv ? { fileEnv } : {}),
    disableTelemetry: request.disableTelemetry,
    caFile: request.caFile,
    caBundle,
  });
}

function readEnvFileOrFail(path: string, operation: Operation, log: Logger): Record<string, string> {
  try {
    const { values, escapes } = readEnvFileNoting(path);
    for (const escape of escapes) {
      // The file, line and key only: the value may be a secret.
      log.warn(
        `${path}:${escape.line}: ${escape.key} has ${escape.sequences.join(" and ")} inside double quotes, which dotenv keeps as written (a backslash stays) while Docker Compose and shells unescape it; to mean the same everywhere, put the value in single quotes without escapes`,
        { envFile: path, line: escape.line, key: escape.key },
      );
    }
    // A NUL cannot be passed in an environment variable: exec would fail with a bare "exit 126".
    const withNul = Object.keys(values).filter((key) => values[key]!.includes("\u0000"));
    if (withNul.length > 0) {
      throw new ProviderError({
        category: "INVALID_CONFIG",
        provider: "encore-ts",
        operation,
        message: `backend.providers.encore-ts.dev.env_file: ${path}: the value of ${withNul.join(", ")} contains a NUL byte, which no environment variable can hold`,
        fix: "remove the NUL byte from the value (a binary value belongs base64-encoded)",
        facts: { keys: withNul },
      });
    }
    return values;
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    const reason =
      error instanceof EnvFileError ? error.message : ((error as NodeJS.ErrnoException).code ?? String(error));
    throw new ProviderError({
      category: "INVALID_CONFIG",
      provider: "encore-ts",
      operation,
      message: `backend.providers.encore-ts.dev.env_file: cannot read ${path}: ${reason}`,
      fix: "point dev.env_file at a regular dotenv file readable by the user that runs the dev server",
    });
  }
}

/**
 * The bundle goes to the user's cache; when that cannot be written (`docker run --user 1234`
 * gives HOME=/), to a fresh private temporary directory instead, with a warning. The bundle
 * holds public certificates only.
 */
function writeBundleSomewhere(
  system: string,
  caFile: string,
  env: Readonly<Record<string, string | undefined>>,
  operation: Operation,
  log: Logger,
): string {
  const preferred = cacheDir(env);
  try {
    return writeCombinedBundle(system, caFile, preferred);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    try {
      const fallback = writeCombinedBundle(system, caFile, mkdtempSync(join(tmpdir(), "stagecraft-encore-ca-")));
      log.warn(`cannot write the CA bundle to ${preferred} (${code}); using ${fallback}`, {
        fix: "set HOME or XDG_CACHE_HOME to a writable directory to keep one bundle across runs",
      });
      return fallback;
    } catch (second) {
      throw new ProviderError({
        category: "INVALID_CONFIG",
        provider: "encore-ts",
        operation,
        message: `backend.providers.encore-ts.dev.node_extra_ca_certs: the combined CA bundle cannot be written to ${preferred} (${code}) or to ${tmpdir()} (${(second as NodeJS.ErrnoException).code ?? "error"})`,
        fix: "set HOME or XDG_CACHE_HOME to a writable directory (e.g. docker run -e HOME=/tmp)",
      });
    }
  }
}
