import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

type Located = { ok: true; path: string } | { ok: false; reason: "not-found" | "not-executable"; path?: string };

/** Finds a command on PATH the way a shell would, distinguishing "missing" from "not executable". */
export function locateExecutable(name: string, pathVariable: string | undefined): Located {
  if (isAbsolute(name)) return check(name) ?? { ok: false, reason: "not-found" };
  let notExecutable: string | undefined;
  for (const dir of (pathVariable ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    const result = check(candidate);
    if (result?.ok) return result;
    if (result) notExecutable ??= candidate;
  }
  return notExecutable
    ? { ok: false, reason: "not-executable", path: notExecutable }
    : { ok: false, reason: "not-found" };
}

function check(path: string): Located | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
  } catch {
    return undefined;
  }
  try {
    accessSync(path, constants.X_OK);
    return { ok: true, path };
  } catch {
    return { ok: false, reason: "not-executable", path };
  }
}
