// No dead exports: every name src/ exports is imported somewhere else (by src/, the tests,
// the scripts or the bench). An export nothing imports is either dead code or a name that
// should be private to its module.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "./support/project.ts";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "fixtures" || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

const DECLARED =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm;

describe("exports of src/", () => {
  test("every exported name is imported by another file", () => {
    const src = sources(join(ROOT, "src"));
    const others = ["test", "scripts", "bench"].flatMap((dir) => sources(join(ROOT, dir)));
    const texts = new Map([...src, ...others].map((file) => [file, readFileSync(file, "utf8")] as const));
    const unused: string[] = [];
    for (const file of src) {
      for (const [, name] of texts.get(file)!.matchAll(DECLARED)) {
        const word = new RegExp(`\\b${name!.replace(/\$/g, "\\$")}\\b`);
        const used = [...texts].some(([other, text]) => other !== file && word.test(text));
        if (!used) unused.push(`${relative(ROOT, file)}: ${name}`);
      }
    }
    assert.deepEqual(unused, [], "remove these, or drop their `export` if the module uses them itself");
  });
});
