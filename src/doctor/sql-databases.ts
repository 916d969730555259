import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", ".git", ".encore", "encore.gen", "dist", "build"]);
const MAX_FILES = 5000;

/** Where the app declares SQL databases: `migrations` directories or `new SQLDatabase(` in code. */
export function findSqlDatabases(appDir: string): string[] {
  const found: string[] = [];
  let budget = MAX_FILES;
  const walk = (dir: string, depth: number) => {
    if (depth > 8 || budget <= 0) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (--budget <= 0) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIP.has(entry.name) || entry.name.startsWith("encore.gen")) continue;
        if (entry.name === "migrations") found.push(relative(appDir, path));
        else walk(path, depth + 1);
      } else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        try {
          if (readFileSync(path, "utf8").includes("new SQLDatabase(")) found.push(relative(appDir, path));
        } catch {
          // unreadable: not ours to judge
        }
      }
    }
  };
  walk(appDir, 0);
  return found;
}
