import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LineTail } from "../../src/logging/tail.ts";

describe("LineTail", () => {
  test("keeps the last 20 lines", () => {
    const tail = new LineTail();
    for (let i = 1; i <= 25; i++) tail.push(`line ${i}`);
    const lines = tail.text().split("\n");
    assert.equal(lines.length, 20);
    assert.equal(lines[0], "line 6");
    assert.equal(lines.at(-1), "line 25");
  });

  test("keeps at most 4 KB, dropping the oldest lines first", () => {
    const tail = new LineTail();
    for (let i = 0; i < 20; i++) tail.push(`${i}`.padEnd(1000, "x"));
    const text = tail.text();
    assert.ok(Buffer.byteLength(text) <= 4096);
    assert.ok(text.endsWith("x"));
    assert.equal(text.split("\n").length, 4);
  });

  test("truncates a single huge line", () => {
    const tail = new LineTail();
    tail.push("y".repeat(10_000));
    assert.ok(Buffer.byteLength(tail.text()) <= 4096);
  });
});
