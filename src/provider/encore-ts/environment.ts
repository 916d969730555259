import { ProviderError, type Operation } from "../../errors/index.ts";
import { readEnvFileNoting } from "../../env/env-file.ts";
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
      caBundle = writeCombinedBundle(system, request.caFile, cacheDir(request.processEnv));
      log.debug("combined CA bundle written for encore, git and curl", { bundle: caBundle });
    } else {
      log.warn("no system CA bundle found; the encore CLI will not trust node_extra_ca_certs (Node still will)");
    }
    const previous = request.processEnv.NODE_EXTRA_CA_CERTS;
    if (previous && previous !== request.caFile) {
      log.warn("NODE_EXTRA_CA_CERTS from the environment is replaced by dev.node_extra_ca_certs", { replaced: previous });
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
    return values;
  } catch (error) {
    throw new ProviderError({
      category: "INVALID_CONFIG",
      provider: "encore-ts",
      operation,
      message: `backend.providers.encore-ts.dev.env_file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      fix: "make the env file readable by the user that runs the dev server",
    });
  }
}
