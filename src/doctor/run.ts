import { networkInterfaces } from "node:os";
import { existsSync } from "node:fs";
import { readStagecraftDocument, selectProvider } from "../config/document.ts";
import { PROVIDER_ID, resolveDevSettings } from "../config/settings.ts";
import { findAppRoot } from "../encore/app-root.ts";
import { ProviderError } from "../errors/index.ts";
import { locateExecutable } from "../process/executable.ts";
import { checkConfig } from "./checks/config.ts";
import { checkDatabases, checkDocker } from "./checks/docker.ts";
import { checkEncore } from "./checks/encore.ts";
import { checkPackages } from "./checks/packages.ts";
import { checkPorts } from "./checks/ports.ts";
import { checkProject } from "./checks/project.ts";
import { checkProxy } from "./checks/proxy.ts";
import { checkSecrets } from "./checks/secrets.ts";
import { checkTls } from "./checks/tls.ts";
import { renderJson, renderText, summarize } from "./render.ts";
import type { Check, CheckResult, DoctorContext } from "./types.ts";

/** In order of what to fix first. */
const CHECKS: readonly Check[] = [
  checkConfig,
  checkEncore,
  checkProject,
  checkPackages,
  checkTls,
  checkProxy,
  checkDocker,
  checkDatabases,
  checkPorts,
  checkSecrets,
];

interface DoctorInput {
  projectDir: string;
  configPath: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Detected (/.dockerenv) unless given. */
  inContainer?: boolean;
  /** Whether this network namespace is the engine host's (docker0 visible); detected unless given. */
  hostNetwork?: boolean;
}

interface DoctorReport {
  results: CheckResult[];
  /** 0 when nothing fails (warnings allowed), 1 otherwise. */
  exitCode: number;
  render(format: "text" | "json", color: boolean): string;
}

/** Runs every check; one failing check never stops the others. Reads values, never prints them. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const ctx = gather(input);
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    try {
      results.push(...(await check(ctx)));
    } catch (error) {
      results.push({
        id: check.name.replace(/^check/, "").toLowerCase(),
        status: "fail",
        message: `the check itself failed: ${(error as Error).message}`,
        fix: "report this as a bug",
      });
    }
  }
  return {
    results,
    exitCode: summarize(results).fail > 0 ? 1 : 0,
    render: (format, color) =>
      format === "json" ? renderJson(input.projectDir, results) : renderText(input.projectDir, results, color),
  };
}

function gather(input: DoctorInput): DoctorContext {
  const base = {
    ...input,
    inContainer: input.inContainer ?? (existsSync("/.dockerenv") || input.env.container !== undefined),
    hostNetwork: input.hostNetwork ?? Object.keys(networkInterfaces()).includes("docker0"),
  };
  let settings: DoctorContext["settings"];
  let configIssues: DoctorContext["configIssues"] = [];
  let configError: string | undefined;
  try {
    const document = readStagecraftDocument(input.configPath, "dev", input.cwd);
    const selection = selectProvider(document, "dev");
    if (selection.providerId !== PROVIDER_ID)
      throw new ProviderError({
        category: "INVALID_CONFIG",
        provider: PROVIDER_ID,
        operation: "dev",
        message: `backend.provider is "${selection.providerId}"; this tool runs ${PROVIDER_ID}`,
      });
    settings = resolveDevSettings(selection.block, { projectDir: input.projectDir, source: document.source });
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    configError = error.message;
    configIssues = error.issues;
  }
  const encore = locateExecutable("encore", input.env.PATH);
  const root = findAppRoot(settings?.workDir ?? input.projectDir);
  return {
    ...base,
    settings,
    configIssues,
    configError,
    encorePath: encore.ok ? encore.path : undefined,
    appDir: root.ok ? root.dir : undefined,
  };
}
