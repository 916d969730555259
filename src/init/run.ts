import { ProviderError, UsageError } from "../errors/index.ts";
import { checkFullReference } from "../image/reference.ts";
import { planFiles, wantedFiles, warnings, type InitOptions } from "./plan.ts";
import { describeFacts, describePlan, nextSteps } from "./report.ts";
import { scanProject } from "./scan.ts";
import { readExisting, writePlan } from "./write.ts";

export interface InitRequest extends InitOptions {
  projectDir: string;
  dryRun: boolean;
  /** Results: the facts, the plan, file contents in a dry run. */
  stdout: (text: string) => void;
  /** Warnings. */
  stderr: (text: string) => void;
}

/**
 * Sets up the app in projectDir: detect, render, compare, then write all or nothing.
 * Returns 0 when the files are written or already up to date. Files that exist with other
 * content, without --force, are INVALID_PROJECT, and nothing is written.
 */
export function runInit(request: InitRequest): number {
  // The reference lands in YAML and in the workflow's shell line: only a valid one gets there.
  const image = request.image === undefined ? { ok: true as const } : checkFullReference(request.image);
  if (!image.ok)
    throw new UsageError(
      `--image ${JSON.stringify(request.image)} ${image.message}`,
      "e.g. --image ghcr.io/your-org/stagecraft-encore:0.1.0-encore1.56.4",
    );
  const facts = scanProject(request.projectDir);
  const plan = planFiles(wantedFiles(facts, request), (path) => readExisting(request.projectDir, path), request.force);
  for (const warning of warnings(facts, request)) request.stderr(`warning: ${warning}\n`);
  request.stdout(describeFacts(facts));
  request.stdout(describePlan(plan, request.dryRun));
  const conflicts = plan.filter((file) => file.action === "conflict");
  if (conflicts.length > 0) {
    throw new ProviderError({
      category: "INVALID_PROJECT",
      provider: "encore-ts",
      operation: "init",
      message: `${conflicts.map((file) => file.path).join(", ")} already exist${conflicts.length === 1 ? "s" : ""} with other content; nothing was written`,
      fix: "review the differences with --dry-run --force, then run init --force to overwrite, or move the files aside",
      facts: { conflicts: conflicts.map((file) => file.path) },
    });
  }
  if (request.dryRun) return 0;
  writePlan(request.projectDir, plan);
  if (plan.some((file) => file.action === "create" || file.action === "overwrite"))
    request.stdout(`\n${nextSteps(facts)}`);
  return 0;
}
