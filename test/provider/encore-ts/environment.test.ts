import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { createLogger } from "../../../src/logging/logger.ts";
import { prepareEnvironment } from "../../../src/provider/encore-ts/environment.ts";
import { deferred } from "../../support/cleanup.ts";
import { tempProject } from "../../support/project.ts";

const defer = deferred();

describe("prepareEnvironment", () => {
  test("warns about dotenv's literal escapes, naming the file, line and key but never the value", () => {
    const project = tempProject({ ".env.local": 'OK=plain\nTOKEN="s3cr\\"et-value"\n' });
    defer(() => project.remove());
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: "info", format: "json", color: false, stream, context: { operation: "dev" } });
    const env = prepareEnvironment({
      operation: "dev",
      processEnv: {},
      envFile: project.path(".env.local"),
      disableTelemetry: true,
      log,
    });
    assert.equal(env.get("TOKEN")?.value, 's3cr\\"et-value', "dotenv keeps the backslash");
    const records = chunks
      .join("")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const warning = records.find((r) => r.level === "warn");
    assert.match(
      warning.message,
      new RegExp(
        `^${project.path(".env.local").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: TOKEN has \\\\" inside double quotes, which dotenv keeps as written`,
      ),
    );
    assert.equal(chunks.join("").includes("s3cr"), false, "the value is in the log");
  });
});
