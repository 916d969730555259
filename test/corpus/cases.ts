import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CorpusCase {
  name: string;
  title: string;
  /** The pointed part of the message; matched against the whole of stderr. */
  expect: RegExp;
  /** CLI arguments; `["dev"]` unless the case says otherwise. */
  args: string[];
  content: string | Buffer;
}

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), "cases");

/**
 * A committed case is a stagecraft.yml whose leading comments say what it is and what it
 * must yield (the comments are YAML comments, so they stay in the file the CLI reads):
 *
 * ```
 * # a newline in --tag                     ← the title
 * # expect: /"abc\\ndef" must start with/  ← a regular expression over stderr
 * # args: ["build", "--tag", "abc\ndef"]   ← optional, JSON; default ["dev"]
 * ```
 */
export function committedCases(): CorpusCase[] {
  return readdirSync(CASES_DIR)
    .filter((file) => file.endsWith(".yml"))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((file) => {
      const content = readFileSync(join(CASES_DIR, file));
      const header = content
        .toString("utf8")
        .replace(/^\uFEFF/, "")
        .split("\n");
      const field = (key: string) => header.find((line) => line.startsWith(`# ${key}: `))?.slice(key.length + 4);
      const expect = /^\/(.*)\/([a-z]*)$/.exec(field("expect") ?? "");
      if (!expect) throw new Error(`${file}: no "# expect: /regex/" line`);
      return {
        name: file.replace(/\.yml$/, ""),
        title: header[0]?.replace(/^# /, "") ?? file,
        expect: new RegExp(expect[1]!, expect[2]),
        args: field("args") ? (JSON.parse(field("args")!) as string[]) : ["dev"],
        content,
      };
    });
}

const VALID_HEAD =
  'backend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      dev:\n        env_file: .env.local\n        listen: "127.0.0.1:4000"\n';

/** Cases too big, or too binary, to commit: generated at test time. */
export function generatedCases(): CorpusCase[] {
  const generated = (name: string, title: string, expect: RegExp, content: string | Buffer): CorpusCase => ({
    name,
    title,
    expect,
    args: ["dev"],
    content,
  });
  return [
    generated(
      "g1-10mb-file",
      "a 10 MB file (valid YAML, one comment line after another)",
      /config file stagecraft\.yml is 10\.0 MiB; the limit is 1 MiB/,
      `${VALID_HEAD}${"# padding padding padding padding padding padding padding padding padding\n".repeat(Math.ceil((10 * 1024 * 1024) / 74))}`.slice(
        0,
        10 * 1024 * 1024,
      ),
    ),
    generated(
      "g2-deep-flow-lists",
      "10,000 nested flow lists",
      /stagecraft\.yml:1:\d+: nested more than 64 levels deep/,
      `a: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
    ),
    generated(
      "g3-deep-flow-maps",
      "10,000 nested flow mappings",
      /stagecraft\.yml:1:\d+: nested more than 64 levels deep/,
      `a: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n`,
    ),
    generated(
      "g4-deep-block-lists",
      "10,000 nested block lists on one line (- - - …)",
      /stagecraft\.yml:1:\d+: nested more than 64 levels deep/,
      `${"- ".repeat(10_000)}x\n`,
    ),
    generated(
      "g5-deep-block-maps",
      "1,400 nested block mappings, one more space each (983 KB)",
      /stagecraft\.yml:66:\d+: nested more than 64 levels deep/,
      Array.from({ length: 1400 }, (_, i) => `${" ".repeat(i)}k:\n`).join(""),
    ),
    generated(
      "g6-token-flood",
      "a list of 500,000 numbers (1 MB) in an ignored section",
      /stagecraft\.yml:\d+:\d+: more than 8000 YAML tokens/,
      `${VALID_HEAD}x: [${"1,".repeat(500_000)}1]\n`.slice(0, 1024 * 1024 - 2) + "]\n",
    ),
    generated(
      "g7-largest-accepted",
      "just under the token limit: 990 unknown keys, each one reported, the list capped",
      /encore-ts dev: INVALID_CONFIG: 990 problems in stagecraft\.yml\n[\s\S]*dev\.lisen_0: unknown key "lisen_0"[\s\S]*  - …: and 940 more problems, not listed\n/,
      `${VALID_HEAD}${Array.from({ length: 990 }, (_, i) => `        lisen_${i}: x\n`).join("")}`,
    ),
    generated(
      "g8-raw-nul",
      "a raw NUL byte inside listen",
      /YAML syntax error at stagecraft\.yml:7:32: a raw control character \(U\+0000\); YAML allows none/,
      Buffer.from(VALID_HEAD.replace('"127.0.0.1:4000"', '"127.0.0.1:4000\0"')),
    ),
    generated(
      "g9-long-key",
      "a 200,000-character explicit key",
      /dev\.x{80}…: unknown key "x{80}…" in stagecraft\.yml\n  fix: known keys here: env_file, listen/,
      `${VALID_HEAD}        ? ${"x".repeat(200_000)}\n        : 1\n`,
    ),
  ];
}
