import { readdirSync } from "node:fs";
import { readBounded } from "../files/read-bounded.ts";
import { join, relative } from "node:path";

// One bounded walk over an Encore app's source tree, for everything that reads the code
// (SQL databases, declared secrets). Bounded because it runs on arbitrary checkouts: a
// vendored tree or a generated bundle must not make a command slow.

/** Never app sources: dependencies, Encore's own output, build output. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".encore", "encore.gen", "dist", "build"]);
const MAX_ENTRIES = 5000;
const MAX_DEPTH = 8;
/** Far above any hand-written source file; bigger ones are generated. */
const MAX_SOURCE_BYTES = 1024 * 1024;
const SOURCE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

interface SourceVisitor {
  /** A directory (path relative to the app); return false to not descend into it. */
  directory?(path: string, name: string): boolean;
  /** A source file (path relative to the app) and its text. */
  source(path: string, text: string): void;
}

export function walkAppSources(appDir: string, visitor: SourceVisitor): void {
  let budget = MAX_ENTRIES;
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || budget <= 0) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (--budget <= 0) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || entry.name.startsWith("encore.gen")) continue;
        if (visitor.directory?.(relative(appDir, path), entry.name) === false) continue;
        walk(path, depth + 1);
      } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        const text = readSource(path);
        if (text !== undefined) visitor.source(relative(appDir, path), text);
      }
    }
  };
  walk(appDir, 0);
}

/** Bounded by bytes read, refusing anything but a regular file without blocking (read-bounded.ts). */
function readSource(path: string): string | undefined {
  const read = readBounded(path, MAX_SOURCE_BYTES);
  return read.ok ? read.data.toString("utf8") : undefined; // unreadable or too big: not ours to judge
}
