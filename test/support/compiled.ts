import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./project.ts";

export interface CompiledCli {
  /** `node <main> …` runs the runner as the image ships it. */
  main: string;
  remove(): void;
}

/**
 * The runner built as the image ships it, into a temp dir, so the budgets measure the config
 * handling rather than tsx compiling TypeScript at start-up. The project's own build script
 * runs from a copy beside links to src/ and node_modules/, so it writes its output there;
 * `dist/` in the checkout is left alone (bin/stagecraft-encore.js would prefer it).
 */
export function compileCli(): CompiledCli {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-built-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const link of ["src", "node_modules", "package.json"]) symlinkSync(join(ROOT, link), join(dir, link));
    const script = join(ROOT, "scripts", "build.ts");
    if (existsSync(script)) {
      mkdirSync(join(dir, "scripts"));
      copyFileSync(script, join(dir, "scripts", "build.ts"));
      execFileSync(process.execPath, ["--import", "tsx", join(dir, "scripts", "build.ts")], {
        cwd: ROOT,
        stdio: "pipe",
      });
    } else {
      compileWithTsc(dir);
    }
  } catch (error) {
    remove();
    throw error;
  }
  const main = ["main.cjs", "main.mjs", "main.js"]
    .map((name) => join(dir, "dist", name))
    .find((file) => existsSync(file));
  if (!main) {
    remove();
    throw new Error(`the build wrote no dist/main.{cjs,mjs,js} in ${dir}`);
  }
  return { main, remove };
}

/** tsc's output; type errors do not stop it emitting and are `npm run typecheck`'s to report. */
function compileWithTsc(dir: string): void {
  try {
    execFileSync(
      join(ROOT, "node_modules", ".bin", "tsc"),
      ["-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(dir, "dist")],
      { stdio: "pipe" },
    );
  } catch {
    // Emitted anyway; the caller checks for the entry point.
  }
}
