// GitHub Actions workflow files checked with action-validator (the npm package
// @action-validator/cli, a devDependency): the workflow schema, plus its checks of globs and
// `needs`. It takes one file per run and exits 1 with its findings as JSON on stdout.
import { execa } from "execa";
import { join } from "node:path";
import { ROOT } from "./project.ts";

const VALIDATOR = join(ROOT, "node_modules", ".bin", "action-validator");

export interface WorkflowLint {
  file: string;
  ok: boolean;
  /** What the validator printed: empty when the file is valid. */
  output: string;
}

/** Validates one workflow (or action) file; never throws for an invalid file. */
export async function lintWorkflow(file: string): Promise<WorkflowLint> {
  const result = await execa(VALIDATOR, [file], { reject: false, all: true, stdin: "ignore" });
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new Error(`action-validator ${file} exited with ${result.exitCode}:\n${result.all}`);
  }
  return { file, ok: result.exitCode === 0, output: String(result.all ?? "").trim() };
}
