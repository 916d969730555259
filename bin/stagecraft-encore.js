#!/usr/bin/env node
// Runs the bundled runner (dist/main.cjs) when it has been built (`npm run build`; the image ships
// it), through V8's code cache (./code-cache.cjs); else the TypeScript sources through tsx (a
// clone after `npm ci`). Built-ins come from process.getBuiltinModule: importing them would
// build their ES module facades, milliseconds of start-up.
const { existsSync } = process.getBuiltinModule("node:fs");
const { createRequire, enableCompileCache } = process.getBuiltinModule("node:module");
const { fileURLToPath } = process.getBuiltinModule("node:url");

const bundle = fileURLToPath(new URL("../dist/main.cjs", import.meta.url));
if (existsSync(bundle)) {
  createRequire(import.meta.url)("./code-cache.cjs").runBundle(bundle);
} else {
  // Node's compile cache on disk for the sources: later starts skip compiling them.
  enableCompileCache();
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/main.ts", import.meta.url).href);
}
