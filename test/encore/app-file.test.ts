import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAppFile } from "../../src/encore/app-file.ts";

// encore.app is HuJSON (pkg/appfile/appfile.go: hujson.Standardize, then encoding/json).
describe("parseAppFile", () => {
  test("accepts comments and trailing commas, as hujson does", () => {
    const text = '// the app\n{\n  "id": "hello-x7k2", /* linked */\n  "lang": "typescript",\n}\n';
    assert.deepEqual(parseAppFile(text), { ok: true, app: { id: "hello-x7k2", lang: "typescript" } });
    assert.deepEqual(parseAppFile('{"id": "a,}", "build": {"docker": {"bundle_source": true,},},}'), {
      ok: true,
      app: { id: "a,}", lang: "go" },
    });
  });

  test("rejects what hujson rejects: a lone comma, two commas, single quotes, two values", () => {
    for (const text of ["{,}", '{"id": "a",,}', "{'id': 'a'}", '{"id": "a"}{}', "", '{"id": "a" /* open']) {
      const read = parseAppFile(text);
      assert.equal(read.ok, false, text);
    }
    assert.deepEqual(parseAppFile("{,}"), {
      ok: false,
      message: "not valid JSON with comments: ValueExpected at line 1, column 2",
    });
  });

  test("reads fields as Go's encoding/json does: keys case-insensitively, the last one wins, null is empty", () => {
    assert.deepEqual(parseAppFile('{"ID": "upper"}'), { ok: true, app: { id: "upper", lang: "go" } });
    assert.deepEqual(parseAppFile('{"id": "first", "Id": "last"}'), { ok: true, app: { id: "last", lang: "go" } });
    assert.deepEqual(parseAppFile('{"id": null}'), { ok: true, app: { id: "", lang: "go" } });
  });

  test("wrong types and languages are errors", () => {
    assert.deepEqual(parseAppFile('{"id": 5}'), { ok: false, message: '"id" must be a string' });
    assert.deepEqual(parseAppFile('{"lang": "rust"}'), {
      ok: false,
      message: '"lang" must be "go" or "typescript", not "rust"',
    });
    assert.deepEqual(parseAppFile("[]"), { ok: false, message: "not a JSON object" });
  });
});
