// Bundles the runner into one CommonJS file, dist/main.cjs: start-up loads one file instead
// of hundreds of modules (valibot, yaml, winston-transport), and CommonJS reaches Node's
// built-ins through require(), skipping the ESM facades that cost tens of milliseconds
// (node:http's alone loads undici). bin/code-cache.cjs then runs it from V8's code cache, so
// that a start compiles none of it. Minified: half the size to read, hash and cache. Names are
// kept, as code reads function names (doctor's check ids). Type-checking is
// `npm run typecheck`; esbuild only strips types.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: new URL("../dist/main.cjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  legalComments: "none",
  minify: true,
  keepNames: true,
  // jsonc-parser's "main" is a UMD build whose require() calls sit in a factory esbuild
  // cannot follow (the bundle then fails at run time); its "module" build bundles cleanly.
  mainFields: ["module", "main"],
  logLevel: "warning",
});
