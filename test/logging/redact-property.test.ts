import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { renderError } from "../../src/cli/render-error.ts";
import { ProviderError } from "../../src/errors/index.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { sanitize } from "../../src/logging/sanitize.ts";
import { LineTail } from "../../src/logging/tail.ts";
import { LineSplitter } from "../../src/process/lines.ts";

// Property: whatever a secret looks like (any length up to tens of kilobytes, one line or
// many, ASCII, Unicode, regex metacharacters, control characters, escape sequences) and
// however a child prints it (coloured piece by piece, with CR, BEL, bidi or zero-width
// characters between its characters, in chunks that split lines and UTF-8 sequences), no
// log format and no error block shows it. Seeded, so every run is the same; bounded in size.

const SEED = 0x5eed_2026;
const TRIALS = 120;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = [
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
  ".*+?^${}()|[]\\/-_:;'\"`~!@#%&<>,",
  "éüßñ日本語中文한국어😀🔑ΩЖ",
  "\u001B\u0007\u0008\u009B\u202E\u200B\t ",
];
const NOISE = [
  "\u001B[31m",
  "\u001B[0m",
  "\u001B[1;38;5;208m",
  "\r",
  "\u0007",
  "\u0008",
  "\u202E",
  "\u2066",
  "\u200B",
  "\u001B]8;;https://x\u0007",
];

function secretOf(rand: () => number): string {
  const size = rand() < 0.1 ? 8_000 + Math.floor(rand() * 40_000) : 12 + Math.floor(rand() * 200);
  const lines = rand() < 0.3 ? 1 + Math.floor(rand() * 30) : 1;
  const chars = Array.from(ALPHABETS[0]!);
  const extra = Array.from(ALPHABETS[1 + Math.floor(rand() * 3)]!);
  let out = "";
  for (let i = 0; i < size; i++) {
    const pool = rand() < 0.8 ? chars : extra;
    out += pool[Math.floor(rand() * pool.length)];
    if (lines > 1 && i > 0 && i % Math.ceil(size / lines) === 0) out += "\n";
  }
  return out;
}

/** The secret as a child might print it: noise between characters, now and then. */
function disguise(secret: string, rand: () => number): string {
  const rate = rand() < 0.5 ? 0 : rand() * 0.2;
  let out = "";
  for (const char of secret) {
    out += char;
    if (rate > 0 && char !== "\n" && rand() < rate) out += NOISE[Math.floor(rand() * NOISE.length)];
  }
  return out;
}

/** Every piece of the secret that must never be shown: the whole, and each line of 4+ characters. */
function forbidden(secret: string): string[] {
  const shown = sanitize(secret);
  const pieces = new Set<string>();
  for (const form of [secret, shown]) {
    if (!form.includes("\n") && form.trim()) pieces.add(form);
    for (const line of form.split(/\r?\n|\r/)) if (line.trim().length >= 4) pieces.add(line.trim());
  }
  return [...pieces];
}

function capture() {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(""),
  };
}

describe("Redactor, property", () => {
  test(`${TRIALS} random secrets, disguised and chunked, never appear in pretty, coloured, JSON or error output`, () => {
    const rand = random(SEED);
    for (let trial = 0; trial < TRIALS; trial++) {
      const secret = secretOf(rand);
      const printed = `${"x".repeat(Math.floor(rand() * 20))}secret=${disguise(secret, rand)} tail\nnext line\n`;
      const bytes = Buffer.from(printed);
      for (const [format, color] of [
        ["pretty", false],
        ["pretty", true],
        ["json", false],
      ] as const) {
        const out = capture();
        const log = createLogger({ level: "debug", format, color, stream: out.stream });
        log.redactor.add([secret]);
        const splitter = new LineSplitter();
        const tail = new LineTail(50, 1 << 20);
        let offset = 0;
        while (offset < bytes.length) {
          const size = 1 + Math.floor(rand() * 4096);
          for (const line of splitter.push(bytes.subarray(offset, offset + size))) {
            tail.push(line);
            log.line("stderr", line);
          }
          offset += size;
        }
        for (const line of splitter.end()) log.line("stderr", line);
        const error = new ProviderError({
          category: "DEV_SERVER_FAILED",
          provider: "encore-ts",
          operation: "dev",
          message: `failed: ${printed}`,
          detail: tail.text((text) => log.redactor.redact(text)),
        });
        const rendered = renderError(error, format, (text) => log.redactor.redact(text));
        const shown = format === "json" ? jsonStrings(out.text() + rendered) : out.text() + rendered;
        for (const piece of forbidden(secret)) {
          assert.ok(
            !shown.includes(piece),
            `trial ${trial} (${format}${color ? ", colour" : ""}): ${JSON.stringify(piece.slice(0, 60))}… shown`,
          );
        }
      }
    }
  });
});

/** The decoded text of every JSON line: a secret must not be hidden by JSON escaping only. */
function jsonStrings(text: string): string {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) =>
      Object.values(JSON.parse(line) as Record<string, unknown>)
        .map(String)
        .join("\n"),
    )
    .join("\n");
}
