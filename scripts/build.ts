// Bundles the runner into one ESM file, dist/main.js: start-up loads one file instead of
// hundreds of modules (winston, execa, valibot, yaml), which halves the time to the first
// encore call. Type-checking is `npm run typecheck`; esbuild only strips types.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: new URL("../dist/main.js", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  // winston and its helpers are CommonJS and call require().
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: "none",
  logLevel: "warning",
});
