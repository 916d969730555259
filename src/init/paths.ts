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

/** `file` inside the relative directory `dir` ("." or "a/b"). */
export function within(dir: string, file: string): string {
  return dir === "." ? file : `${dir}/${file}`;
}

/** A path inside the app directory, relative to the project directory. */
export function inApp(facts: Pick<ProjectFacts, "appPath">, file: string): string {
  return within(facts.appPath, file);
}

/** A path inside the directory mounted at /workspace, relative to the project directory. */
export function inMount(facts: Pick<ProjectFacts, "mountPath">, file: string): string {
  return within(facts.mountPath, file);
}

/** The mounted directory as a relative path a compose file accepts: "." or "./backend". */
export function mountSource(facts: Pick<ProjectFacts, "mountPath">): string {
  return facts.mountPath === "." ? "." : `./${facts.mountPath}`;
}
