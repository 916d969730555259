import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Redactor } from "../../src/logging/redact.ts";

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

  test("is a no-op until it knows a value", () => {
    assert.equal(new Redactor().redact("anything"), "anything");
  });
});
