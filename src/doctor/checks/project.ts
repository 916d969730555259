import { existsSync } from "node:fs";
import { findAppRoot } from "../../encore/app-root.ts";
import { fail, pass, type Check, type CheckResult } from "../types.ts";

/** encore.app from dev.workdir, and the env file. */
export const checkProject: Check = (ctx) => {
  const start = ctx.settings?.workDir ?? ctx.projectDir;
  const root = findAppRoot(start);
  const results: CheckResult[] = [
    root.ok
      ? pass("encore-app", `${root.file}`)
      : fail(
          "encore-app",
          root.reason === "directory" ? `${root.path} is a directory, not Encore's app file` : `no encore.app in ${start} or its parents`,
          "point dev.workdir at the directory that holds encore.app",
        ),
  ];
  if (ctx.settings) {
    results.push(
      existsSync(ctx.settings.envFile)
        ? pass("env-file", ctx.settings.envFile)
        : fail("env-file", `${ctx.settings.envFile} does not exist`, "create it (it may be empty) or fix dev.env_file"),
    );
  }
  return results;
};
