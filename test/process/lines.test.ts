import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LineSplitter, MAX_LINE_CHARS } from "../../src/process/lines.ts";

describe("LineSplitter", () => {
  test("keeps an unfinished line until its newline arrives", () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push("a\nb"), ["a"]);
    assert.deepEqual(splitter.push("c\n\nd"), ["bc", ""]);
    assert.deepEqual(splitter.end(), ["d"]);
  });

  test("strips the CR of CRLF line ends", () => {
    assert.deepEqual(new LineSplitter().push("a\r\nb\r\n"), ["a", "b"]);
  });

  test("decodes UTF-8 split across chunks", () => {
    const bytes = Buffer.from("héllo wörld\n");
    const splitter = new LineSplitter();
    assert.deepEqual([...splitter.push(bytes.subarray(0, 2)), ...splitter.push(bytes.subarray(2))], ["héllo wörld"]);
  });

  test("cuts an endless line so memory stays bounded", () => {
    const splitter = new LineSplitter();
    const lines = splitter.push("x".repeat(MAX_LINE_CHARS * 2 + 10));
    assert.deepEqual(
      lines.map((line) => line.length),
      [MAX_LINE_CHARS, MAX_LINE_CHARS],
    );
    assert.deepEqual(splitter.end(), ["x".repeat(10)]);
  });
});
