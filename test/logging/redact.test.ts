import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LiteralMatcher } from "../../src/logging/matcher.ts";
import { Redactor } from "../../src/logging/redact.ts";
import { sanitize } from "../../src/logging/sanitize.ts";

describe("Redactor", () => {
  test("replaces every occurrence of every value, longest first", () => {
    const redactor = new Redactor();
    redactor.add(["sk_live_123", "sk_live_123456", undefined, ""]);
    assert.equal(redactor.redact("a sk_live_123456 b sk_live_123 c"), "a [redacted] b [redacted] c");
  });

  test("treats values literally, not as patterns", () => {
    const redactor = new Redactor();
    redactor.add(["a.b*(c)"]);
    assert.equal(redactor.redact("x a.b*(c) aXb"), "x [redacted] aXb");
  });

  test("masks each line of a multiline value, because output is relayed line by line", () => {
    const redactor = new Redactor();
    redactor.add(["first-line\r\nsecond-line\nx"]);
    assert.equal(redactor.redact("got second-line here"), "got [redacted] here");
    assert.equal(redactor.redact("x stays"), "x stays");
  });

  test("is a no-op until it knows a value, apart from sanitizing", () => {
    assert.equal(new Redactor().redact("anything"), "anything");
    assert.equal(new Redactor().redact("a\u001B[31mred\u001B[0m\r\u202Eline"), "aredline");
  });

  test("overlapping occurrences are masked as one stretch", () => {
    const redactor = new Redactor();
    redactor.add(["abcd", "cdef"]);
    assert.equal(redactor.redact("xabcdefy abcdabcd"), "x[redacted]y [redacted]");
  });

  test("a value printed with colour codes, CR, BEL or bidi characters inside it is still masked", () => {
    const redactor = new Redactor();
    redactor.add(["tok_1234567890"]);
    for (const shown of [
      "tok_\u001B[1;31m1234\u001B[0m567890",
      "tok_12\r34567890",
      "tok_\u0007123\u202E4567890",
      "tok_1234\u200B567890",
      "\u001B]8;;http://x\u0007tok_1234567890\u001B]8;;\u0007",
    ]) {
      assert.equal(redactor.redact(`before ${shown} after`), "before [redacted] after", JSON.stringify(shown));
    }
  });

  test("a value that itself holds escape sequences is masked raw and as shown", () => {
    const redactor = new Redactor();
    redactor.add(["\u001B[31mred-secret\u001B[0m"]);
    assert.equal(redactor.redact("x red-secret y"), "x [redacted] y");
  });

  test("a PEM chain of a dozen certificates (tens of kilobytes) is masked, whole and line by line", () => {
    const block = (i: number) =>
      `-----BEGIN CERTIFICATE-----\n${Array.from({ length: 25 }, (_, j) => `MII${String(i).padStart(2, "0")}${String(j).padStart(2, "0")}${"Q".repeat(57)}`).join("\n")}\n-----END CERTIFICATE-----`;
    const chain = Array.from({ length: 12 }, (_, i) => block(i)).join("\n");
    assert.ok(chain.length > 20_000);
    const redactor = new Redactor();
    redactor.add([chain, "x".repeat(200_000)]);
    assert.equal(redactor.redact(`cert: ${chain}`), "cert: [redacted]");
    assert.equal(redactor.redact(`line MII0307${"Q".repeat(57)} end`), "line [redacted] end");
  });

  test("cost is linear: a value that nearly matches everywhere does not make redaction quadratic", () => {
    const redactor = new Redactor();
    redactor.add([`${"a".repeat(50_000)}b`]);
    const started = performance.now();
    assert.equal(redactor.redact("a".repeat(1_000_000)), "a".repeat(1_000_000));
    // Generous: the quadratic version takes minutes; linear takes milliseconds.
    assert.ok(performance.now() - started < 5_000);
  });
});

describe("LiteralMatcher", () => {
  const cases: [string[], string, [number, number][]][] = [
    [["he", "she", "his", "hers"], "ushers", [[1, 6]]],
    [
      ["abc"],
      "xxabcxxabc",
      [
        [2, 5],
        [7, 10],
      ],
    ],
    [["aab"], "aaab", [[1, 4]]],
    [["a"], "", []],
    [["b", "abc"], "abc", [[0, 3]]],
    [["😀x"], "a😀x", [[1, 4]]],
  ];
  for (const [values, text, ranges] of cases) {
    test(`${JSON.stringify(values)} in ${JSON.stringify(text)}`, () =>
      assert.deepEqual(new LiteralMatcher(values).ranges(text), ranges));
  }
});

describe("sanitize", () => {
  test("keeps newline, tab and printable text; drops escapes and invisible characters", () => {
    assert.equal(sanitize("a\tb\nc"), "a\tb\nc");
    assert.equal(sanitize("ok\u0008\u0007\u009B\u2066x\u2069\uFEFF\u2028"), "okx");
    assert.equal(sanitize("\u001B[2J\u001B[Hspoof"), "spoof");
    assert.equal(sanitize("é 日本 😀"), "é 日本 😀");
  });
});
