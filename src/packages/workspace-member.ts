import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

// Encore installs again whenever `<app root>/node_modules` does not exist
// (docs/encore-cli.md §Workspace package manager). A workspace install hoists everything to the workspace root and
// often leaves no node_modules in the member, so Encore would run its own install, over the
// network, on every start. Once the workspace root is installed, an empty node_modules in the
// app root tells Encore the packages are there; Node resolves them from the root as before.

/** Creates `<appRoot>/node_modules` when the install ran elsewhere and it is missing; true if it did. */
export function markMemberInstalled(appRoot: string, installRoot: string): boolean {
  if (appRoot === installRoot) return false;
  const dir = join(appRoot, "node_modules");
  if (existsSync(dir)) return false;
  mkdirSync(dir);
  return true;
}
