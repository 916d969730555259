import { walkAppSources } from "./sources.ts";

/** Where the app declares SQL databases: `migrations` directories or `new SQLDatabase(` in code. */
export function findSqlDatabases(appDir: string): string[] {
  const found: string[] = [];
  walkAppSources(appDir, {
    directory(path, name) {
      if (name !== "migrations") return true;
      found.push(path);
      return false;
    },
    source(path, text) {
      if (text.includes("new SQLDatabase(")) found.push(path);
    },
  });
  return found;
}
