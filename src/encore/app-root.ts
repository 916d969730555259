import { statSync } from "node:fs";
import { dirname, join } from "node:path";

type AppRoot = { ok: true; dir: string; file: string } | { ok: false; reason: "missing" | "directory"; path?: string };

/** The nearest `encore.app` file in `start` or its parents, as Encore looks for it. */
export function findAppRoot(start: string): AppRoot {
  let dir = start;
  let directory: string | undefined;
  for (;;) {
    const file = join(dir, "encore.app");
    try {
      const stat = statSync(file);
      if (stat.isFile()) return { ok: true, dir, file };
      directory ??= file;
    } catch {
      // not here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir)
      return directory ? { ok: false, reason: "directory", path: directory } : { ok: false, reason: "missing" };
    dir = parent;
  }
}
