// The repository speaks of itself only: every `§` reference names a heading of a file in
// docs/, and nothing points at a machine path, an issue tracker number or a document that is
// not in the repository.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "./support/project.ts";

const SCANNED = [
  "src",
  "test",
  "docs",
  "bench",
  "scripts",
  "bin",
  "docker",
  "examples",
  ".ci",
  "README.md",
  "Dockerfile",
  "entrypoint.sh",
  "docker-compose.yml",
  "package.json",
];
/** This file states the rule, so it holds examples of what the rule forbids. */
const SELF = relative(ROOT, import.meta.filename);
const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", ".work", ".cache", "report"]);

function files(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [path];
  if (!stat.isDirectory()) return [];
  return readdirSync(path)
    .filter((name) => !SKIPPED_DIRS.has(name))
    .flatMap((name) => files(join(path, name)));
}

function texts(): { file: string; text: string }[] {
  return SCANNED.flatMap((entry) => files(join(ROOT, entry)))
    .map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, "utf8") }))
    .filter(({ file, text }) => file !== SELF && !text.includes("\0"));
}

/** Markdown headings (`#` to `######`) of one file in docs/. */
function headings(doc: string): string[] {
  const text = readFileSync(join(ROOT, doc), "utf8");
  return [...text.matchAll(/^#{1,6} +(.+?) *$/gm)].map((match) => match[1]!);
}

interface Reference {
  file: string;
  line: number;
  doc: string;
  text: string;
}

/**
 * Every `§`, with the document it refers to: the nearest `docs/<name>.md` before it on the
 * same line, else (inside docs/) the file itself.
 */
function references(file: string, text: string): Reference[] {
  const found: Reference[] = [];
  text.split("\n").forEach((content, index) => {
    for (const match of content.matchAll(/§/g)) {
      const before = content.slice(0, match.index);
      const docs = [...before.matchAll(/docs\/[\w-]+\.md/g)];
      const doc = docs.at(-1)?.[0] ?? (file.startsWith("docs/") ? file : "");
      found.push({ file, line: index + 1, doc, text: content.slice(match.index + 1) });
    }
  });
  return found;
}

function resolves(reference: Reference, headingsOf: (doc: string) => string[]): boolean {
  if (reference.text.startsWith("<heading>")) return true; // how the scheme is written down
  if (reference.doc === "") return false;
  return headingsOf(reference.doc).some(
    (heading) => reference.text.startsWith(heading) && !/^[\w-]/.test(reference.text.slice(heading.length)),
  );
}

describe("references in the repository", () => {
  const all = texts();
  const cache = new Map<string, string[]>();
  const headingsOf = (doc: string): string[] => {
    if (!cache.has(doc)) cache.set(doc, statSync(join(ROOT, doc), { throwIfNoEntry: false }) ? headings(doc) : []);
    return cache.get(doc)!;
  };

  test("every § names a heading of a file in docs/", () => {
    const refs = all.flatMap(({ file, text }) => references(file, text));
    assert.ok(refs.length > 20, `only ${refs.length} references found: is the scan looking in the right place?`);
    const broken = refs
      .filter((ref) => !resolves(ref, headingsOf))
      .map((ref) => `${ref.file}:${ref.line}: ${ref.doc || "(no docs/ file)"} §${ref.text.slice(0, 40)}`);
    assert.deepEqual(broken, []);
  });

  test("the reference rule itself: a heading must match whole, in the named file", () => {
    const heads = (doc: string) => (doc === "docs/a.md" ? ["Secrets sync", "Dev"] : []);
    const ref = (line: string, file = "src/x.ts") => references(file, line)[0]!;
    assert.equal(resolves(ref("see docs/a.md §Secrets sync."), heads), true);
    assert.equal(resolves(ref("docs/a.md §Secrets sync, §Dev"), heads), true);
    assert.equal(resolves(references("src/x.ts", "docs/a.md §Secrets sync, §Dev")[1]!, heads), true);
    assert.equal(resolves(ref("docs/a.md §Develop"), heads), false);
    assert.equal(resolves(ref("docs/b.md §Dev"), heads), false);
    assert.equal(resolves(ref("contract §4.2"), heads), false);
    assert.equal(resolves(ref("(see §Dev)", "docs/a.md"), heads), true);
  });

  test("no machine paths, issue numbers or documents outside the repository", () => {
    // Built from parts so this file does not match itself.
    const forbidden = [
      new RegExp("/" + "work/"),
      new RegExp("\\bissue " + "#?\\d", "i"),
      new RegExp("(?<!docs/)encore-" + "cli\\.md"),
      new RegExp("\\bspec " + "§"),
    ];
    const hits = all.flatMap(({ file, text }) =>
      text
        .split("\n")
        .flatMap((content, index) =>
          forbidden
            .filter((pattern) => pattern.test(content))
            .map(() => `${file}:${index + 1}: ${content.trim().slice(0, 80)}`),
        ),
    );
    assert.deepEqual(hits, []);
  });
});
