import semver from "semver";
import { IMAGE_ENCORE_VERSION, publishedImageRef } from "../image/published.ts";
import { renderCompose } from "./render-compose.ts";
import { renderConfig, renderEnvFile } from "./render-config.ts";
import { renderDevcontainer } from "./render-devcontainer.ts";
import { renderWorkflow } from "./render-workflow.ts";
import { ignoredNames, withIgnored } from "./gitignore.ts";
import {
  COMPOSE_FILE,
  CONFIG_FILE,
  DEVCONTAINER_FILE,
  GITIGNORE_FILE,
  NEW_ENV_FILE,
  WORKFLOW_FILE,
  inApp,
  inMount,
} from "./paths.ts";
import type { ProjectFacts } from "./scan.ts";

export interface InitOptions {
  /** The toolbox image the compose file, devcontainer and workflow use. Default: the published one, pinned. */
  image?: string | undefined;
  force: boolean;
}

/** One file init wants to exist with `content`. */
interface WantedFile {
  /** Relative to the project directory, "/" separators. */
  path: string;
  content: string;
  /** Written only when absent, whatever --force says (the env file: it holds the user's values). */
  keepExisting?: boolean;
}

/** Every file init writes, rendered from the facts. Pure. */
export function wantedFiles(facts: ProjectFacts, options: Pick<InitOptions, "image">): WantedFile[] {
  const image = options.image ?? publishedImageRef();
  const envFile = facts.envFile ?? NEW_ENV_FILE;
  const gitignore = withIgnored(facts.gitignore, ignoredNames(envFile));
  return [
    { path: inMount(facts, CONFIG_FILE), content: renderConfig(facts) },
    ...(facts.envFile ? [] : [{ path: inApp(facts, NEW_ENV_FILE), content: renderEnvFile(), keepExisting: true }]),
    { path: COMPOSE_FILE, content: renderCompose(facts, { image }) },
    { path: DEVCONTAINER_FILE, content: renderDevcontainer(facts) },
    { path: WORKFLOW_FILE, content: renderWorkflow(facts, { image }) },
    { path: GITIGNORE_FILE, content: gitignore ?? facts.gitignore ?? "" },
  ];
}

type Action = "create" | "overwrite" | "unchanged" | "conflict" | "keep";

export interface PlannedFile extends WantedFile {
  action: Action;
  /** What is there now, if anything. */
  existing: string | undefined;
}

/**
 * What to do with each wanted file given what exists. Never overwrites without --force;
 * .gitignore is only ever extended (withIgnored keeps every existing line), so it is
 * not a conflict.
 */
export function planFiles(
  wanted: readonly WantedFile[],
  existing: (path: string) => string | undefined,
  force: boolean,
): PlannedFile[] {
  return wanted.map((file) => {
    const current = existing(file.path);
    let action: Action;
    if (current === undefined) action = "create";
    else if (current === file.content) action = "unchanged";
    else if (file.keepExisting) action = "keep";
    else if (file.path === GITIGNORE_FILE || force) action = "overwrite";
    else action = "conflict";
    return { ...file, action, existing: current };
  });
}

/** Things worth knowing that change nothing init writes. */
export function warnings(facts: ProjectFacts, options: Pick<InitOptions, "image">): string[] {
  const result: string[] = [];
  const wanted = facts.encoreDev ? semver.minVersion(facts.encoreDev, { loose: true }) : null;
  if (wanted && options.image === undefined && semver.gt(wanted, IMAGE_ENCORE_VERSION)) {
    result.push(
      `encore.dev ${facts.encoreDev} is newer than the image's Encore CLI ${IMAGE_ENCORE_VERSION}, and Encore refuses to compile then; ` +
        `pass --image with a toolbox built with --build-arg ENCORE_VERSION=${wanted.version}, or pin encore.dev to ${IMAGE_ENCORE_VERSION}`,
    );
  }
  if (facts.packageProblem) result.push(facts.packageProblem);
  return result;
}
