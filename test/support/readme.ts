import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./project.ts";

/** The yaml block that follows `label` (e.g. "**GitLab CI**") in the README's CI recipes section, as it is. */
export function readmeRecipe(label: string): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## CI recipes"));
  const block = /```yaml\n([\s\S]*?)```/.exec(section.slice(section.indexOf(label)));
  assert.ok(block && section.includes(label), `README.md has a yaml block after ${label} in its CI recipes`);
  return block[1]!;
}
