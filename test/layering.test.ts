// The architecture you can draw: src/ folders depend in one direction, and no file or folder
// imports itself back through others. Read from the import specifiers of src/, no bundler.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "./support/project.ts";

const SRC = join(ROOT, "src");

/**
 * Layers, top first. A folder may import folders of its own layer or below, never above;
 * inside a layer, the no-cycle rule below keeps the direction. A new folder goes here.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["(root)", "cli"],
  ["init", "doctor"],
  ["provider", "debugger"],
  ["config"],
  ["encore", "secrets", "env", "tls", "docker", "image", "git", "registry", "packages"],
  ["process", "logging", "errors", "files"],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Relative import specifiers: `import … from`, `export … from`, `import "…"` and `import("…")`. */
function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ];
  return found.map((match) => match[1]!).filter((specifier) => specifier.startsWith("."));
}

/** file → files it imports, as paths relative to src/; imports leaving src/ (package.json) are left out. */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(SRC)) {
    const from = relative(SRC, file);
    const targets = importSpecifiers(readFileSync(file, "utf8"))
      .map((specifier) => relative(SRC, resolve(dirname(file), specifier)))
      .filter((target) => !target.startsWith(".."));
    graph.set(from, new Set(targets));
  }
  return graph;
}

const folderOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : "(root)");

/** Strongly connected components of more than one node, or one node importing itself: the cycles. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("layering of src/", () => {
  const files = importGraph();
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    if (!folders.has(from)) folders.set(from, new Set());
    for (const target of targets) if (folderOf(target) !== from) folders.get(from)!.add(folderOf(target));
  }

  test("the import graph is read (a sanity check of the parser)", () => {
    assert.ok(files.size > 50, `only ${files.size} files`);
    assert.ok(files.get("main.ts")?.has("cli/run.ts"), "main.ts imports cli/run.ts");
  });

  test("no file imports itself back through other files", () => {
    assert.deepEqual(cycles(files), []);
  });

  test("no folder imports itself back through other folders", () => {
    assert.deepEqual(cycles(folders), []);
  });

  test("every folder has a layer, and imports only its own layer or those below", () => {
    const layer = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));
    const unplaced = [...folders.keys()].filter((folder) => !layer.has(folder));
    assert.deepEqual(unplaced, [], "add each new src/ folder to LAYERS in test/layering.test.ts");
    const upward = [...folders].flatMap(([from, targets]) =>
      [...targets].filter((to) => layer.get(to)! < layer.get(from)!).map((to) => `${from} → ${to}`),
    );
    assert.deepEqual(upward, []);
  });

  test("outside provider/, only a provider's index.ts, registry.ts and types.ts are imported: a provider's other modules are its own", () => {
    const PUBLIC = /^provider\/(registry\.ts|types\.ts|[^/]+\/index\.ts)$/;
    const reaching = [...files].flatMap(([from, targets]) =>
      folderOf(from) === "provider"
        ? []
        : [...targets].filter((to) => folderOf(to) === "provider" && !PUBLIC.test(to)).map((to) => `${from} → ${to}`),
    );
    assert.deepEqual(reaching, []);
  });

  test("the rules catch what they are for", () => {
    assert.deepEqual(
      importSpecifiers(
        'import a from "./a.ts";\nexport { b } from "../b.ts";\nimport "./c.ts";\nconst d = await import("./d.ts");\n// import x from "./x.ts";\nimport fs from "node:fs";',
      ),
      ["./a.ts", "../b.ts", "./c.ts", "./d.ts"],
    );
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    assert.deepEqual(cycles(graph), [["a", "b", "c"]]);
  });
});
