import type { PackageManagerChoice } from "./manager.ts";

// The install command for each package manager. With the manager's own lockfile the
// install is frozen: it installs exactly what is locked, or fails, and never rewrites the
// lockfile in the user's checkout.

interface InstallCommand {
  /** The executable: the manager itself, or `corepack` when only corepack is on PATH. */
  file: string;
  args: string[];
  /** Added to the prepared environment for this command only. */
  env: Record<string, string>;
  /** How a person would type it, for messages. */
  display: string;
}

// A frozen install also prefers the download cache: the lockfile fixes every version and
// integrity, so what is cached is right without asking the registry (and a warm cache, such as
// the compose volume, installs offline). Yarn 2+ works from its cache that way already.
export function installArgs(choice: Pick<PackageManagerChoice, "name" | "lockfile" | "yarnBerry">): string[] {
  const frozen = choice.lockfile !== undefined;
  switch (choice.name) {
    case "npm":
      // audit and fund are extra registry calls and noise; an install needs neither.
      return frozen ? ["ci", "--prefer-offline", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
    case "pnpm":
      return frozen ? ["install", "--frozen-lockfile", "--prefer-offline"] : ["install"];
    case "yarn":
      if (!frozen) return ["install"];
      return choice.yarnBerry ? ["install", "--immutable"] : ["install", "--frozen-lockfile", "--prefer-offline"];
  }
}

/**
 * `via.corepack` false runs the manager found on PATH; true runs `corepack <manager>[@<version>]`,
 * which fetches the version `packageManager` pins.
 */
export function installCommand(
  choice: Pick<PackageManagerChoice, "name" | "version" | "lockfile" | "yarnBerry">,
  via: { file: string; corepack: boolean },
): InstallCommand {
  const args = installArgs(choice);
  const env: Record<string, string> = {
    // corepack asks before downloading a manager; nobody is there to answer.
    COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
  };
  // Encore needs node_modules (it sets yarn's nodeLinker in .yarnrc.yml before its own
  // install); the environment says so without editing the user's file.
  if (choice.name === "yarn" && choice.yarnBerry) env.YARN_NODE_LINKER = "node-modules";
  const fullArgs = via.corepack ? [choice.version ? `${choice.name}@${choice.version}` : choice.name, ...args] : args;
  return { file: via.file, args: fullArgs, env, display: [choice.name, ...args].join(" ") };
}
