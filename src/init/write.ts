import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ProviderError } from "../errors/index.ts";
import type { PlannedFile } from "./plan.ts";

/** A file's text, or undefined when there is none. A directory in its place is an error. */
export function readExisting(projectDir: string, path: string): string | undefined {
  const file = join(projectDir, path);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) throw cannotWrite(path, "it exists and is not a regular file", "move it aside");
  return readFileSync(file, "utf8");
}

/** Writes the files to create or overwrite, each atomically (a temporary file renamed). */
export function writePlan(projectDir: string, plan: readonly PlannedFile[]): void {
  for (const file of plan) {
    if (file.action !== "create" && file.action !== "overwrite") continue;
    const target = join(projectDir, file.path);
    const temporary = `${target}.${process.pid}.stagecraft-init`;
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(temporary, file.content);
      renameSync(temporary, target);
    } catch (error) {
      throw cannotWrite(
        file.path,
        (error as NodeJS.ErrnoException).code ?? String(error),
        "make the project directory writable by your user",
        error,
      );
    }
  }
}

function cannotWrite(path: string, reason: string, fix: string, cause?: unknown): ProviderError {
  return new ProviderError({
    category: "INVALID_PROJECT",
    provider: "encore-ts",
    operation: "init",
    message: `cannot write ${path}: ${reason}`,
    fix,
    cause,
  });
}
