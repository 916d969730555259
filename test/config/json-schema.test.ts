import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stagecraftJsonSchema } from "../../scripts/json-schema.ts";
import { ROOT } from "../support/project.ts";

describe("stagecraftJsonSchema", () => {
  test("the committed schema is the one generated from the valibot schema (run `npm run schema`)", () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "schema", "stagecraft.schema.json"), "utf8"));
    assert.deepEqual(committed, stagecraftJsonSchema());
  });

  test("it is strict inside the encore-ts block and carries the defaults and enums", () => {
    const block = stagecraftJsonSchema().definitions as { encoreTs: Record<string, any> };
    const dev = block.encoreTs.properties.dev;
    assert.equal(block.encoreTs.additionalProperties, false);
    assert.equal(dev.additionalProperties, false);
    assert.deepEqual(dev.properties.encore_secrets.properties.types.default, ["dev", "preview", "local"]);
    assert.deepEqual(dev.properties.encore_secrets.properties.mode.enum, ["cloud", "local"]);
    assert.deepEqual(block.encoreTs.properties.build.properties.arch.enum, ["amd64", "arm64"]);
    assert.equal(dev.properties.shutdown.properties.timeout_ms.default, 8000);
  });
});
