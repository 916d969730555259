import { createPatch } from "diff";
import { COMPOSE_FILE, NEW_ENV_FILE, SERVICE, inApp } from "./paths.ts";
import type { PlannedFile } from "./plan.ts";
import type { ProjectFacts } from "./scan.ts";

const VERB: Record<PlannedFile["action"], [done: string, dryRun: string]> = {
  create: ["created", "would create"],
  overwrite: ["overwrote", "would overwrite"],
  unchanged: ["unchanged", "unchanged"],
  keep: ["kept", "would keep"],
  conflict: ["differs, not written", "differs, would not write"],
};

/** What init found, in a few lines. */
export function describeFacts(facts: ProjectFacts): string {
  const lines = [
    `Encore app: ${facts.appPath === "." ? "." : facts.appPath}/encore.app (${facts.appId ? `linked: ${facts.appId}` : "not linked"}; ${facts.packageManager}; encore.dev ${facts.encoreDev ?? "not in package.json"})`,
    `  secrets:   ${facts.secrets.length ? facts.secrets.join(", ") : "none declared"}${facts.secrets.length ? ` (from_env, mode ${facts.appId ? "cloud" : "local"})` : ""}`,
    ...(facts.appInMount === "."
      ? []
      : [
          `  workspace: ${facts.mountPath === "." ? "the repository root" : facts.mountPath} (packages install from there, so it is what the toolbox mounts)`,
        ]),
    `  databases: ${facts.databases.length ? `${facts.databases.join(", ")} (a Postgres service)` : "none"}`,
    `  env file:  ${facts.envFile ?? "none yet (an empty .env.local is created)"}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** One line per file; with `dryRun`, each new or changed file's content or diff follows. */
export function describePlan(plan: readonly PlannedFile[], dryRun: boolean): string {
  const width = Math.max(...plan.map((file) => VERB[file.action][dryRun ? 1 : 0].length));
  let text = "";
  for (const file of plan) {
    text += `${VERB[file.action][dryRun ? 1 : 0].padEnd(width)}  ${file.path}\n`;
    if (!dryRun) continue;
    if (file.action === "create") text += indent(file.content);
    else if (file.action === "overwrite" || file.action === "conflict") text += indent(diffOf(file));
  }
  return text;
}

function diffOf(file: PlannedFile): string {
  // Drop jsdiff's "Index:" and "====" lines: the path is on the line above.
  return createPatch(file.path, file.existing ?? "", file.content, "now", "init")
    .split("\n")
    .slice(2)
    .join("\n");
}

function indent(text: string): string {
  return `${text
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n")}\n`;
}

/** What to run next. */
export function nextSteps(facts: ProjectFacts): string {
  const compose = `docker compose -f ${COMPOSE_FILE}`;
  const lines = [
    ...(facts.secrets.length > 0
      ? [
          `put the values of ${facts.secrets.join(", ")} in ${inApp(facts, facts.envFile ?? NEW_ENV_FILE)} (git ignores it)`,
        ]
      : []),
    // Cloud mode runs `encore secret set`, which needs a login; the encore-config volume keeps it.
    ...(facts.secrets.length > 0 && facts.appId
      ? [`log in to Encore Cloud once: ${compose} run --rm ${SERVICE} encore auth login (or export ENCORE_AUTH_KEY)`]
      : []),
    `${compose} up ${SERVICE}      # API on http://localhost:4000, dashboard on :9400`,
    'devcontainer open .   (or "Reopen in Container" in your editor)',
    "commit the files above; the workflow builds the backend image on every push",
  ];
  return `Next:\n${lines.map((line) => `  ${line}\n`).join("")}`;
}
