import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../support/project.ts";

export interface CompiledCli {
  /** `node <main> …` runs the runner as the image ships it. */
  main: string;
  remove(): void;
}

/**
 * The runner built as the image ships it, into a temp dir, so the budgets measure the config
 * handling rather than tsx compiling TypeScript at start-up. `dist/` in the checkout is left
 * alone: bin/stagecraft-encore.js would prefer it over the sources.
 */
export async function compileCli(): Promise<CompiledCli> {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-compiled-"));
  const main = join(dir, "dist", "main.js");
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (!(await bundle(main))) compile(dir);
  } catch (error) {
    remove();
    throw error;
  }
  if (!existsSync(main)) throw new Error(`the build produced no ${main}`);
  return { main, remove };
}

/** One ESM file, as scripts/build.ts (`npm run build`) makes it; false without esbuild. */
async function bundle(outfile: string): Promise<boolean> {
  // Through a variable: esbuild is optional here, and its types may not be installed.
  const name = "esbuild";
  let esbuild: { build(options: Record<string, unknown>): Promise<unknown> };
  try {
    esbuild = await import(name);
  } catch {
    return false;
  }
  await esbuild.build({
    entryPoints: [join(ROOT, "src", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: "none",
    logLevel: "error",
  });
  return true;
}

/** tsc's output; type errors do not stop it emitting and are `npm run typecheck`'s to report. */
function compile(dir: string): void {
  try {
    execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(dir, "dist")], { stdio: "pipe" });
  } catch {
    // Emitted anyway; the caller checks for main.js.
  }
  // dist/cli/run.js imports ../../package.json, and bare imports resolve through node_modules.
  copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
}
