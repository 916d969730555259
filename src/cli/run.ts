import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import pkg from "../../package.json" with { type: "json" };
import { readStagecraftDocument, selectProvider } from "../config/document.ts";
import { PROVIDER_ID } from "../config/settings.ts";
import { ProviderError, exitCodeFor, type Operation } from "../errors/index.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import { getProvider, providerIds } from "../provider/registry.ts";
import { revisionTag } from "../git/revision.ts";
import type { BackendProvider, BuiltImage, ProviderConfig } from "../provider/types.ts";
import "../provider/encore-ts/index.ts";
import { parseInvocation, type Invocation } from "./args.ts";
import { HELP } from "./help.ts";
import { renderError } from "./render-error.ts";
import { listenForStopSignals } from "./shutdown.ts";

export interface Io {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

/** Runs one CLI invocation and returns its exit code; it never throws. */
export async function run(io: Io): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(io.argv, io.env);
  } catch (error) {
    io.stderr.write(`${renderError(error, "pretty", (text) => text)}\n`);
    return exitCodeFor(error);
  }
  const log = createLogger({
    level: invocation.logLevel,
    format: invocation.logFormat,
    color: useColor(io),
    stream: io.stderr,
  });
  try {
    return await dispatch(invocation, io, log);
  } catch (error) {
    io.stderr.write(`${renderError(error, invocation.logFormat, (text) => log.redactor.redact(text))}\n`);
    return exitCodeFor(error);
  }
}

function useColor(io: Io): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return io.stderr.isTTY === true;
}

async function dispatch(invocation: Invocation, io: Io, log: Logger): Promise<number> {
  if (invocation.command === "help" || invocation.help) {
    io.stdout.write(`${HELP[invocation.topic ?? invocation.command]}\n`);
    return 0;
  }
  if (invocation.command === "version") {
    io.stdout.write(`stagecraft-encore ${pkg.version}\n`);
    return 0;
  }
  const operation: Operation = invocation.command;
  const projectDir = resolve(io.cwd, invocation.projectDir ?? io.env.STAGECRAFT_PROJECT_DIR ?? ".");
  const configPath = resolve(io.cwd, invocation.config ?? io.env.STAGECRAFT_CONFIG ?? resolve(projectDir, "stagecraft.yml"));
  const document = readStagecraftDocument(configPath, operation, io.cwd);
  const selection = selectProvider(document, operation);
  const provider = requireProvider(selection.providerId, operation, document.source);
  const config: ProviderConfig = { block: selection.block, registry: selection.registry, source: document.source };
  const opLog = log.child({ provider: provider.id, operation });

  const stop = listenForStopSignals(opLog);
  try {
    if (operation === "dev") {
      await provider.dev({ env: io.env, listen: invocation.listen, workDir: projectDir, config, log: opLog, force: stop.force }, stop.signal);
      return 0;
    }
    const imageTag = invocation.tag ?? (await defaultTag(projectDir, io.env, provider.id, opLog));
    let built: BuiltImage | undefined;
    const imageRef = await provider.buildDocker(
      { imageTag, workDir: projectDir, config, env: io.env, log: opLog, push: invocation.push, onBuilt: (result) => (built = result) },
      stop.signal,
    );
    io.stdout.write(invocation.output === "json" && built ? `${JSON.stringify({ image: imageRef, pushed: built.pushed, durationMs: built.durationMs })}\n` : `${imageRef}\n`);
    if (io.env.GITHUB_OUTPUT) appendFileSync(io.env.GITHUB_OUTPUT, `image=${imageRef}\n`);
    return 0;
  } finally {
    stop.dispose();
  }
}

/** `--tag` defaults to the project's short commit SHA (`-dirty` with uncommitted changes). */
async function defaultTag(projectDir: string, env: Io["env"], provider: string, log: Logger): Promise<string> {
  const revision = await revisionTag(projectDir, definedOnly(env));
  if (!revision.ok) {
    throw new ProviderError({ category: "INVALID_CONFIG", provider, operation: "build", message: `--tag was not given and no default could be found: ${revision.reason}`, fix: "pass --tag, e.g. --tag 1.2.3" });
  }
  log.info(`no --tag given; using the commit: ${revision.tag}`, { tag: revision.tag });
  return revision.tag;
}

function definedOnly(env: Io["env"]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function requireProvider(id: string, operation: Operation, source: string): BackendProvider {
  const provider = getProvider(id);
  if (provider) return provider;
  throw new ProviderError({
    category: "INVALID_CONFIG",
    provider: PROVIDER_ID,
    operation,
    message: `backend.provider: unknown provider "${id}" in ${source}; known providers: ${providerIds().join(", ")}`,
    fix: `set backend.provider: ${PROVIDER_ID}`,
  });
}
