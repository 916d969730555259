import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LOCAL_SECRETS_HEADER, renderLocalSecrets } from "../../src/secrets/cue.ts";

describe("renderLocalSecrets", () => {
  test('one `Name: "value"` line per secret, after the header that marks the file as ours', () => {
    assert.equal(
      renderLocalSecrets([
        { name: "STRIPE_API_KEY", value: "sk_test_123" },
        { name: "DOMAIN", value: "example.com" },
      ]),
      `${LOCAL_SECRETS_HEADER}\nSTRIPE_API_KEY: "sk_test_123"\nDOMAIN: "example.com"\n`,
    );
  });

  const values: [string, string, string][] = [
    ["a quote", 'say "hi"', '"say \\"hi\\""'],
    ["a backslash", "C:\\dir", '"C:\\\\dir"'],
    ["CUE interpolation syntax, kept literal", "\\(x)", '"\\\\(x)"'],
    ["a newline and a tab", "a\nb\tc", '"a\\nb\\tc"'],
    ["a control character", "a\u0001b", '"a\\u0001b"'],
    ["line and paragraph separators", "a\u2028b\u2029c", '"a\\u2028b\\u2029c"'],
    ["non-ASCII text, kept as is", "héllo ✓", '"héllo ✓"'],
    ["an empty value", "", '""'],
  ];
  for (const [name, value, literal] of values) {
    test(`escapes ${name}`, () => {
      const line = renderLocalSecrets([{ name: "S", value }]).split("\n")[1];
      assert.equal(line, `S: ${literal}`);
      assert.ok(!line!.slice(3).includes("\n"), "one line per secret");
    });
  }
});
