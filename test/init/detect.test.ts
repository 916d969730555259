import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAppFile } from "../../src/encore/app-file.ts";
import { declaredSecrets, encoreDevRange } from "../../src/init/detect.ts";
import { withIgnored } from "../../src/init/gitignore.ts";

describe("declaredSecrets", () => {
  const cases: [string, string, string[]][] = [
    ["a double-quoted literal", 'const key = secret("STRIPE_KEY");', ["STRIPE_KEY"]],
    ["single quotes, backticks and spaces", "secret( 'A_1' ); secret(`B`)", ["A_1", "B"]],
    [
      "each call in order, duplicates kept for the caller to merge",
      'secret("B"); secret("A"); secret("B")',
      ["B", "A", "B"],
    ],
    ["not a literal: Encore cannot read it either", "secret(name); secret(`X_${env}`)", []],
    ["another function that ends in secret", 'getSecret("NOPE"); mysecret("NO")', []],
    ["a name Encore would reject", 'secret("1BAD"); secret("has-dash")', []],
    ["mismatched quotes", "secret(\"A')", []],
  ];
  for (const [name, source, expected] of cases) test(name, () => assert.deepEqual(declaredSecrets(source), expected));
});

describe("encoreDevRange", () => {
  test("from dependencies, else devDependencies, as written", () => {
    assert.equal(encoreDevRange({ dependencies: { "encore.dev": "^1.56.0" } }), "^1.56.0");
    assert.equal(encoreDevRange({ devDependencies: { "encore.dev": "1.57.0" } }), "1.57.0");
    assert.equal(encoreDevRange({ dependencies: { other: "1" } }), undefined);
    assert.equal(encoreDevRange(undefined), undefined);
  });
});

describe("parseAppFile (HuJSON)", () => {
  const cases: [string, string, string | undefined, boolean][] = [
    [
      "comments and a trailing comma",
      '{\n  // linked\n  "id": "hello-x7k2", /* yes */\n  "lang": "typescript",\n}\n',
      "hello-x7k2",
      false,
    ],
    ["an empty id: not linked", '{"id": ""}', "", false],
    ["no id: not linked", '{"lang": "typescript"}', "", false],
    ["a non-string id: Encore cannot read it", '{"id": 42}', undefined, true],
    ["a URL inside a string is not a comment", '{"id": "a//b"}', "a//b", false],
    ["broken JSON names the problem", '{"id": "x"', undefined, true],
  ];
  for (const [name, text, id, problem] of cases) {
    test(name, () => {
      const parsed = parseAppFile(text);
      assert.equal(parsed.ok ? parsed.app.id : undefined, id);
      assert.equal(!parsed.ok, problem);
    });
  }
});

describe("withIgnored", () => {
  const names = [".secrets.local.cue", ".env.local"];
  const block = "# stagecraft-encore: Encore's local secrets and the dev env file\n.secrets.local.cue\n.env.local\n";
  const cases: [string, string | undefined, string | undefined][] = [
    ["no .gitignore: a new one", undefined, block],
    ["an empty one", "", block],
    ["appended after a blank line", "node_modules/\n", `node_modules/\n\n${block}`],
    ["a last line without a newline is closed first", "dist", `dist\n\n${block}`],
    ["both present, bare or anchored: nothing to do", "/.secrets.local.cue\n**/.env.local\n", undefined],
    [
      "only the missing one",
      ".secrets.local.cue\r\n",
      ".secrets.local.cue\r\n\n# stagecraft-encore: Encore's local secrets and the dev env file\n.env.local\n",
    ],
  ];
  for (const [name, existing, expected] of cases)
    test(name, () => assert.equal(withIgnored(existing, names), expected));

  test("applied to its own output, it adds nothing", () => {
    assert.equal(withIgnored(withIgnored("x\n", names), names), undefined);
  });
});
