#!/usr/bin/env node
// Runs the compiled runner when it has been built (the image ships it), else the
// TypeScript sources through tsx (a clone after `npm ci`).
import { existsSync } from "node:fs";

const compiled = new URL("../dist/main.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/main.ts", import.meta.url).href);
}
