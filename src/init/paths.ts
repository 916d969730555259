import type { ProjectFacts } from "./scan.ts";

/** Where init writes, relative to the project directory, with "/" separators. */
export const COMPOSE_FILE = "compose.stagecraft.yml";
export const DEVCONTAINER_FILE = ".devcontainer/devcontainer.json";
export const WORKFLOW_FILE = ".github/workflows/stagecraft-build.yml";
export const GITIGNORE_FILE = ".gitignore";
export const CONFIG_FILE = "stagecraft.yml";
/** The env file init creates (empty) when the app has none: dev requires one. */
export const NEW_ENV_FILE = ".env.local";
/** The compose service, as in this repository's docker-compose.yml. */
export const SERVICE = "stagecraft-dev";

/** A path inside the app directory, relative to the project directory. */
export function inApp(facts: Pick<ProjectFacts, "appPath">, file: string): string {
  return facts.appPath === "." ? file : `${facts.appPath}/${file}`;
}

/** The app directory as a relative path a compose file or a shell accepts: "." or "./backend". */
export function appMount(facts: Pick<ProjectFacts, "appPath">): string {
  return facts.appPath === "." ? "." : `./${facts.appPath}`;
}
