import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderError } from "../../src/cli/render-error.ts";
import { ProviderError, UsageError } from "../../src/errors/index.ts";
import { Redactor } from "../../src/logging/redact.ts";

const redact = (text: string) => text.replaceAll("s3cr3t", "[redacted]");

const configError = new ProviderError({
  category: "INVALID_CONFIG",
  provider: "encore-ts",
  operation: "dev",
  message: "stagecraft.yml has 2 problems",
  issues: [
    { path: "backend.providers.encore-ts.dev.lisen", message: "is not a known key", fix: 'did you mean "listen"?' },
    { path: "backend.providers.encore-ts.dev.listen", message: "is required for dev" },
  ],
  fix: "fix each problem listed above",
});

const buildError = new ProviderError({
  category: "BUILD_FAILED",
  provider: "encore-ts",
  operation: "build",
  message: "encore build docker api:v1 exited with code 1",
  detail: "\u001b[31mERR\u001b[0m token s3cr3t rejected\nsecond line",
  fix: "read encore's output above",
  facts: { imageRef: "api:v1", encoreExitCode: 1 },
});

describe("renderError", () => {
  const pretty: [string, unknown, string][] = [
    [
      "a config error lists every issue with its path and fix",
      configError,
      [
        "encore-ts dev: INVALID_CONFIG: stagecraft.yml has 2 problems",
        '  - backend.providers.encore-ts.dev.lisen: is not a known key (did you mean "listen"?)',
        "  - backend.providers.encore-ts.dev.listen: is required for dev",
        "  fix: fix each problem listed above",
      ].join("\n"),
    ],
    [
      "a failed build shows the redacted output tail without colour codes",
      buildError,
      [
        "encore-ts build: BUILD_FAILED: encore build docker api:v1 exited with code 1",
        "  last output:",
        "    ERR token [redacted] rejected",
        "    second line",
        "  fix: read encore's output above",
      ].join("\n"),
    ],
    [
      "a usage error escapes control characters",
      new UsageError("unknown flag --\u001b[2Jx"),
      "stagecraft-encore: unknown flag --\\u001b[2Jx\n  fix: run `stagecraft-encore --help` for usage",
    ],
  ];
  for (const [name, error, text] of pretty) test(name, () => assert.equal(renderError(error, "pretty", redact), text));

  test("JSON: one record with category, provider, operation, exit code, facts, issues, detail and fix", () => {
    const record = JSON.parse(renderError(buildError, "json", redact));
    assert.equal(typeof record.time, "string");
    delete record.time;
    assert.deepEqual(record, {
      level: "error",
      message: "encore build docker api:v1 exited with code 1",
      provider: "encore-ts",
      operation: "build",
      feature: "PROVIDER_BACKEND_ENCORE",
      category: "BUILD_FAILED",
      imageRef: "api:v1",
      encoreExitCode: 1,
      exitCode: 7,
      detail: "ERR token [redacted] rejected\nsecond line",
      fix: "read encore's output above",
    });
  });

  test("a bug says so, redacted, and never as a user's mistake", () => {
    const text = renderError(new Error("boom with s3cr3t"), "pretty", redact);
    assert.match(
      text,
      /^stagecraft-encore: internal error \(this is a bug, please report it\): boom with \[redacted\]/,
    );
    assert.ok(!text.includes("s3cr3t"));
    assert.equal(JSON.parse(renderError(new Error("boom"), "json", redact)).category, "INTERNAL");
  });

  test("a bug's stack is reduced to code locations: data in it is never printed", () => {
    const bug = new Error("boom");
    bug.stack = `Error: boom\n    at parse (/app/x.js:1:2)\nraw data line: hunter2-not-registered\n    at main (/app/y.js:3:4)`;
    const text = renderError(bug, "pretty", redact);
    assert.match(text, /at parse \(\/app\/x\.js:1:2\)\n {4}at main \(\/app\/y\.js:3:4\)/);
    assert.ok(!text.includes("hunter2-not-registered"));
  });

  test("encore's output in the detail cannot steer the terminal: escapes, CR, BEL, bidi removed", () => {
    const error = new ProviderError({
      category: "DEV_SERVER_FAILED",
      provider: "encore-ts",
      operation: "dev",
      message: "failed",
      detail: "ok\r\u001B[2Kspoofed \u202Eevil\u0007\nnext \u009Bline",
    });
    const text = renderError(error, "pretty", (value) => new Redactor().redact(value));
    assert.ok(!/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E]/.test(text), JSON.stringify(text));
    assert.match(text, /okspoofed evil\n {4}next line/);
  });
});
