import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Writable } from "node:stream";
import { stripAnsi } from "../../src/logging/ansi.ts";
import { formatJson, formatPretty } from "../../src/logging/format.ts";
import { createLogger } from "../../src/logging/logger.ts";
import type { LogRecord } from "../../src/logging/record.ts";

const record: LogRecord = {
  time: new Date("2026-01-02T03:04:05.678Z"),
  level: "info",
  message: "\u001B[1mEncore development server running!\u001B[0m",
  provider: "encore-ts",
  operation: "dev",
  feature: "PROVIDER_BACKEND_ENCORE",
  stream: "stderr",
  fields: { url: "http://x" },
};

describe("formatJson", () => {
  test("puts the contract's fields on the record and strips ANSI", () => {
    assert.deepEqual(JSON.parse(formatJson(record)), {
      time: "2026-01-02T03:04:05.678Z",
      level: "info",
      message: "Encore development server running!",
      provider: "encore-ts",
      operation: "dev",
      feature: "PROVIDER_BACKEND_ENCORE",
      stream: "stderr",
      url: "http://x",
    });
  });
});

describe("formatPretty", () => {
  test("without colour: plain text, ANSI stripped, relayed lines in a gutter", () => {
    assert.equal(
      formatPretty(record, { color: false }),
      "03:04:05.678 INFO  encore-ts dev  | Encore development server running! url=http://x",
    );
  });
  test("with colour: keeps encore's own colours", () => {
    assert.match(formatPretty(record, { color: true }), /\u001B\[1mEncore/);
  });
});

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("createLogger", () => {
  test("every record carries provider, operation and feature, and secrets are redacted", () => {
    const out = capture();
    const log = createLogger({
      level: "info",
      format: "json",
      color: false,
      stream: out.stream,
      context: { operation: "dev" },
    });
    log.redactor.add(["hunter2"]);
    log.info("value is hunter2", { note: "hunter2!" });
    log.line("stdout", "encore says hunter2");
    log.debug("hidden at info");
    const records = out
      .text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.provider, "encore-ts");
      assert.equal(r.operation, "dev");
      assert.equal(r.feature, "PROVIDER_BACKEND_ENCORE");
    }
    assert.equal(records[0].message, "value is [redacted]");
    assert.equal(records[0].note, "[redacted]!");
    assert.deepEqual(
      [records[1].message, records[1].stream, records[1].level],
      ["encore says [redacted]", "stdout", "info"],
    );
    assert.ok(!out.text().includes("hunter2"));
  });

  test("child loggers keep the redactor and override the context", () => {
    const out = capture();
    const log = createLogger({ level: "debug", format: "json", color: false, stream: out.stream });
    log.redactor.add(["s3cret"]);
    log.child({ operation: "build" }).debug("s3cret");
    const r = JSON.parse(out.text());
    assert.deepEqual([r.operation, r.level, r.message], ["build", "debug", "[redacted]"]);
  });
});

describe("stripAnsi", () => {
  test("removes SGR, cursor save/restore and erase sequences (Encore's progress redraw)", () => {
    const line = "\x1b7\x1b8\x1b[0J\x1b[1000D\x1b[2K\x1b[32m  \u2714 Building Encore application graph... Done!\x1b[0m";
    assert.equal(stripAnsi(line), "  \u2714 Building Encore application graph... Done!");
    assert.equal(stripAnsi("\x1b]8;;http://x\x07link\x1b]8;;\x07"), "link");
  });
});
