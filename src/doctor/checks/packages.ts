import { definedEnv } from "../../env/environment.ts";
import { ProviderError } from "../../errors/index.ts";
import { prepareInstall } from "../../provider/encore-ts/index.ts";
import { fail, pass, type Check } from "../types.ts";

/** The install step's state: which package manager, where, and whether the next start installs. */
export const checkPackages: Check = (ctx) => {
  if (!ctx.settings || !ctx.appDir) return [];
  if (!ctx.settings.install.enabled) {
    return [
      pass(
        "packages",
        "the install step is turned off (install.enabled: false): node_modules is yours to keep up to date",
      ),
    ];
  }
  try {
    const step = prepareInstall({
      settings: ctx.settings.install,
      appRoot: ctx.appDir,
      boundary: ctx.projectDir,
      env: definedEnv(ctx.env),
      operation: "dev",
    });
    const { choice, decision } = step.inspection;
    const manager = `${choice.name}${choice.version ? `@${choice.version}` : ""} (from ${choice.source === "lockfile" ? "the lockfile" : choice.source === "packageManager" ? "packageManager" : "the default"})`;
    return [
      decision.run
        ? pass("packages", `${manager} in ${choice.root}: the next start runs \`${step.display}\` (${decision.reason})`)
        : pass("packages", `${manager} in ${choice.root}: ${decision.reason}; the next start installs nothing`),
    ];
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return [fail("packages", error.message, error.fix ?? "see the README, Packages")];
  }
};
