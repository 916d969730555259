import { closeSync, constants, openSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import pkg from "../../package.json" with { type: "json" };
import { readStagecraftDocument, selectProvider } from "../config/document.ts";
import { PROVIDER_ID } from "../config/settings.ts";
import { definedEnv } from "../env/environment.ts";
import { ProviderError, exitCodeFor, type Operation } from "../errors/index.ts";
import { revisionTag } from "../git/revision.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import { encoreTsProvider } from "../provider/encore-ts/index.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import type { BackendProvider, BuiltImage, ProviderConfig } from "../provider/types.ts";
import { parseInvocation, type Invocation } from "./args.ts";
import { HELP } from "./help.ts";
import { formatPlan } from "./plan-output.ts";
import { renderError } from "./render-error.ts";
import { listenForStopSignals } from "./shutdown.ts";

/** docs/provider-contract.md §Provider registry */
const PROVIDERS = new ProviderRegistry([encoreTsProvider]);

interface Io {
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
    io.stderr.write(`${renderError(error, requestedFormat(io), (text) => text)}\n`);
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

/** The log format asked for, read leniently: a usage error is reported in it too. */
function requestedFormat(io: Io): "json" | "pretty" {
  let format = io.env.STAGECRAFT_LOG_FORMAT;
  for (let i = 0; i < io.argv.length; i++) {
    const arg = io.argv[i]!;
    if (arg === "--") break;
    if (arg === "--log-format") format = io.argv[i + 1];
    else if (arg.startsWith("--log-format=")) format = arg.slice("--log-format=".length);
  }
  return format === "json" ? "json" : "pretty";
}

function useColor(io: Io): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return io.stderr.isTTY === true;
}

/** What every provider command needs: the project, its config, the provider, a scoped logger. */
interface Context {
  projectDir: string;
  configPath: string;
  provider: BackendProvider;
  config: ProviderConfig;
  log: Logger;
}

function inputs(invocation: Invocation, io: Io): { projectDir: string; configPath: string } {
  const projectDir = resolve(io.cwd, invocation.projectDir ?? io.env.STAGECRAFT_PROJECT_DIR ?? ".");
  const configPath = resolve(
    io.cwd,
    invocation.config ?? io.env.STAGECRAFT_CONFIG ?? resolve(projectDir, "stagecraft.yml"),
  );
  return { projectDir, configPath };
}

function loadContext(invocation: Invocation, io: Io, log: Logger, operation: Operation): Context {
  const { projectDir, configPath } = inputs(invocation, io);
  const document = readStagecraftDocument(configPath, operation, io.cwd);
  const selection = selectProvider(document, operation);
  const provider = requireProvider(selection.providerId, operation, document.source);
  return {
    projectDir,
    configPath,
    provider,
    config: { block: selection.block, registry: selection.registry, source: document.source },
    log: log.child({ provider: provider.id, operation }),
  };
}

async function dispatch(invocation: Invocation, io: Io, log: Logger): Promise<number> {
  switch (invocation.command) {
    case "help":
      io.stdout.write(`${HELP[invocation.topic ?? "help"]}\n`);
      return 0;
    case "version":
      if (invocation.help) break;
      io.stdout.write(`stagecraft-encore ${pkg.version}\n`);
      return 0;
    case "doctor": {
      if (invocation.help) break;
      const { projectDir, configPath } = inputs(invocation, io);
      // Loaded on demand: dev and build start faster without doctor's and init's modules.
      const { runDoctor } = await import("../doctor/run.ts");
      const report = await runDoctor({ projectDir, configPath, env: io.env, cwd: io.cwd });
      io.stdout.write(report.render(invocation.json ? "json" : "text", useColor({ ...io, stderr: io.stdout })));
      return report.exitCode;
    }
    case "init": {
      if (invocation.help) break;
      const { projectDir } = inputs(invocation, io);
      const write = (stream: Io["stdout"]) => (text: string) => void stream.write(text);
      const { runInit } = await import("../init/run.ts");
      return runInit({
        projectDir,
        force: invocation.force,
        dryRun: invocation.dryRun,
        image: invocation.image,
        stdout: write(io.stdout),
        stderr: write(io.stderr),
      });
    }
    case "plan": {
      if (invocation.help) break;
      const target = invocation.target!;
      const ctx = loadContext(invocation, io, log, target);
      const plan =
        target === "dev"
          ? ctx.provider.planDev(devOptions(ctx, invocation, io))
          : target === "test"
            ? ctx.provider.planTest(testOptions(ctx, invocation, io))
            : ctx.provider.planBuild({ ...(await buildOptions(ctx, invocation, io)) });
      io.stdout.write(invocation.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
      return 0;
    }
    case "dev":
    case "build":
    case "test":
      if (invocation.help) break;
      return runOperation(invocation.command, invocation, io, log);
  }
  io.stdout.write(`${HELP[invocation.command]}\n`);
  return 0;
}

async function runOperation(operation: Operation, invocation: Invocation, io: Io, log: Logger): Promise<number> {
  const ctx = loadContext(invocation, io, log, operation);
  const stop = listenForStopSignals(ctx.log);
  try {
    if (operation === "dev") {
      await ctx.provider.dev({ ...devOptions(ctx, invocation, io), force: stop.force }, stop.signal);
      return 0;
    }
    // The test command's own exit code, passed through: not one of the categories.
    if (operation === "test")
      return await ctx.provider.test({ ...testOptions(ctx, invocation, io), force: stop.force }, stop.signal);
    let built: BuiltImage | undefined;
    const options = await buildOptions(ctx, invocation, io);
    const imageRef = await ctx.provider.buildDocker(
      { ...options, force: stop.force, onBuilt: (result) => (built = result) },
      stop.signal,
    );
    const json =
      invocation.output === "json" && built
        ? JSON.stringify({ image: imageRef, pushed: built.pushed, durationMs: built.durationMs })
        : undefined;
    io.stdout.write(`${json ?? imageRef}\n`);
    if (io.env.GITHUB_OUTPUT) {
      // A side channel: the image is built (or pushed) already, so a failure here only warns.
      const failed = appendLine(io.env.GITHUB_OUTPUT, `image=${imageRef}\n`);
      if (failed)
        ctx.log.warn(
          `could not append image=${imageRef} to GITHUB_OUTPUT (${io.env.GITHUB_OUTPUT}): ${failed}; the image itself is fine`,
          { fix: "point GITHUB_OUTPUT at a writable file, or read the reference from stdout" },
        );
    }
    return 0;
  } finally {
    stop.dispose();
  }
}

/** Appends without blocking (a named pipe with no reader fails at once); returns the error code, if any. */
function appendLine(path: string, line: string): string | undefined {
  try {
    const fd = openSync(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK,
      0o644,
    );
    try {
      writeSync(fd, line);
    } finally {
      closeSync(fd);
    }
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "error";
  }
}

function devOptions(ctx: Context, invocation: Invocation, io: Io) {
  return { env: io.env, listen: invocation.listen, workDir: ctx.projectDir, config: ctx.config, log: ctx.log };
}

function testOptions(ctx: Context, invocation: Invocation, io: Io) {
  return { env: io.env, args: invocation.testArgs, workDir: ctx.projectDir, config: ctx.config, log: ctx.log };
}

async function buildOptions(ctx: Context, invocation: Invocation, io: Io) {
  const imageTag =
    invocation.tag ??
    (await defaultTag(ctx.projectDir, io.env, ctx.provider.id, ctx.log, invocation.command !== "plan"));
  return { imageTag, workDir: ctx.projectDir, config: ctx.config, env: io.env, log: ctx.log, push: invocation.push };
}

/**
 * `--tag` defaults to the project's commit (`-dirty` with uncommitted changes). `plan` runs
 * nothing, so it shows the commit without checking the worktree.
 */
async function defaultTag(
  projectDir: string,
  env: Io["env"],
  provider: string,
  log: Logger,
  checkDirty: boolean,
): Promise<string> {
  const revision = await revisionTag(projectDir, definedEnv(env), { checkDirty });
  if (!revision.ok) {
    throw new ProviderError({
      category: "INVALID_CONFIG",
      provider,
      operation: "build",
      message: `--tag was not given and no default could be found: ${revision.reason}`,
      fix: "pass --tag, e.g. --tag 1.2.3",
    });
  }
  if (revision.dirty === "unchecked")
    log.info(
      `no --tag given; the commit is ${revision.tag} (build adds -dirty if tracked files changed; plan runs nothing to check)`,
      { tag: revision.tag },
    );
  else log.info(`no --tag given; using the commit: ${revision.tag}`, { tag: revision.tag });
  return revision.tag;
}

function requireProvider(id: string, operation: Operation, source: string): BackendProvider {
  const provider = PROVIDERS.get(id);
  if (provider) return provider;
  throw new ProviderError({
    category: "INVALID_CONFIG",
    provider: PROVIDER_ID,
    operation,
    message: `backend.provider: unknown provider "${id}" in ${source}; known providers: ${PROVIDERS.ids().join(", ")}`,
    fix: `set backend.provider: ${PROVIDER_ID}`,
  });
}
