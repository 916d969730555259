import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { printable, visible } from "./printable.ts";

type Contained = { ok: true; path: string } | { ok: false; message: string; fix: string };

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Resolves a configured path against `from` (the project dir unless the field is relative to
 * another directory) and refuses anything outside the project dir,
 * lexically and again after following symlinks. In the toolbox image only the project
 * is mounted, so a path outside it would not exist there anyway.
 */
export function resolveInsideProject(projectDir: string, value: string, from = projectDir): Contained {
  const target = resolve(from, value);
  const fix = "use a path inside the project directory (relative paths resolve against it)";
  if (!isInside(projectDir, target)) {
    return {
      ok: false,
      message: `"${printable(value)}" resolves to ${visible(target)}, outside the project directory ${visible(projectDir)}`,
      fix,
    };
  }
  const realTarget = realpathOrUndefined(target);
  const realRoot = realpathOrUndefined(projectDir);
  if (realTarget && realRoot && !isInside(realRoot, realTarget)) {
    return {
      ok: false,
      message: `"${printable(value)}" is a link to ${visible(realTarget)}, outside the project directory`,
      fix,
    };
  }
  return { ok: true, path: target };
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
