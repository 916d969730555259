import { existsSync } from "node:fs";
import { readAppFile } from "../../encore/app-file.ts";
import { findAppRoot } from "../../encore/app-root.ts";
import { fail, pass, type Check, type CheckResult } from "../types.ts";

/** encore.app from dev.workdir, read as Encore reads it (HuJSON), and the env file. */
export const checkProject: Check = (ctx) => {
  const results = [appFileCheck(ctx.settings?.workDir ?? ctx.projectDir)];
  if (ctx.settings) {
    results.push(
      existsSync(ctx.settings.envFile)
        ? pass("env-file", ctx.settings.envFile)
        : fail("env-file", `${ctx.settings.envFile} does not exist`, "create it (it may be empty) or fix dev.env_file"),
    );
  }
  return results;
};

function appFileCheck(start: string): CheckResult {
  const root = findAppRoot(start);
  if (!root.ok) {
    const message =
      root.reason === "directory"
        ? `${root.path} is a directory, not Encore's app file`
        : `no encore.app in ${start} or its parents`;
    return fail("encore-app", message, "point dev.workdir at the directory that holds encore.app");
  }
  const read = readAppFile(root.file);
  if (!read.ok)
    return fail(
      "encore-app",
      `${root.file} is ${read.message}`,
      "fix the file; Encore reads JSON with comments and trailing commas (HuJSON)",
    );
  return pass(
    "encore-app",
    `${root.file} (${read.app.lang}${read.app.id ? `, linked to ${read.app.id}` : ", not linked"})`,
  );
}
