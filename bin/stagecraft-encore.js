#!/usr/bin/env node
// Runs the bundled runner (dist/main.cjs) when it has been built (`npm run build`; the image ships it), else
// the TypeScript sources through tsx (a clone after `npm ci`).
import { existsSync } from "node:fs";
import module from "node:module";

// V8's code cache on disk: later starts skip compiling (Node >= 22.1).
module.enableCompileCache?.();

const bundled = new URL("../dist/main.cjs", import.meta.url);
if (existsSync(bundled)) {
  await import(bundled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/main.ts", import.meta.url).href);
}
