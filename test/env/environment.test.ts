import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { literalEscapes, parseEnvText } from "../../src/env/env-file.ts";
import { composeEnvironment, toRecord } from "../../src/env/environment.ts";

describe("composeEnvironment", () => {
  test("a variable already set in the process wins over the env file (dotenv's convention)", () => {
    const env = composeEnvironment({
      processEnv: { A: "process", EMPTY: "" },
      fileEnv: { A: "file", B: "file", EMPTY: "file" },
      disableTelemetry: false,
    });
    assert.deepEqual(toRecord(env), { A: "process", EMPTY: "", B: "file" });
    assert.equal(env.get("A")?.source, "process");
    assert.equal(env.get("B")?.source, "env_file");
  });

  test("adds DISABLE_ENCORE_TELEMETRY=1 exactly when disable_telemetry is set", () => {
    assert.equal(
      composeEnvironment({ processEnv: {}, disableTelemetry: true }).get("DISABLE_ENCORE_TELEMETRY")?.value,
      "1",
    );
    assert.equal(
      composeEnvironment({ processEnv: { DISABLE_ENCORE_TELEMETRY: "true" }, disableTelemetry: true }).get(
        "DISABLE_ENCORE_TELEMETRY",
      )?.value,
      "1",
    );
    assert.equal(
      composeEnvironment({ processEnv: {}, disableTelemetry: false }).has("DISABLE_ENCORE_TELEMETRY"),
      false,
    );
  });

  test("points Node at the CA and Go, git and curl at the combined bundle", () => {
    const env = composeEnvironment({
      processEnv: { SSL_CERT_FILE: "/old" },
      disableTelemetry: false,
      caFile: "/p/ca.pem",
      caBundle: "/c/bundle.pem",
    });
    assert.deepEqual(Object.fromEntries([...env].map(([key, entry]) => [key, entry])), {
      SSL_CERT_FILE: { value: "/c/bundle.pem", source: "config" },
      NODE_EXTRA_CA_CERTS: { value: "/p/ca.pem", source: "config" },
      GIT_SSL_CAINFO: { value: "/c/bundle.pem", source: "config" },
      CURL_CA_BUNDLE: { value: "/c/bundle.pem", source: "config" },
    });
  });

  test("drops undefined process values", () => {
    assert.deepEqual(toRecord(composeEnvironment({ processEnv: { A: undefined, B: "b" }, disableTelemetry: false })), {
      B: "b",
    });
  });
});

describe("parseEnvText (dotenv's parser)", () => {
  const cases: [string, string, Record<string, string>][] = [
    ["plain lines", "A=1\nB=two\n", { A: "1", B: "two" }],
    ["a byte-order mark", "\uFEFFA=1\n", { A: "1" }],
    ["CRLF line ends", "A=1\r\nB=2\r\n", { A: "1", B: "2" }],
    ["export prefixes", "export A=1\nexport B=2\n", { A: "1", B: "2" }],
    ["quotes", `A="x y"\nB='z'\nC=\`w\`\n`, { A: "x y", B: "z", C: "w" }],
    [
      "a multiline value",
      'KEY="-----BEGIN-----\nline\n-----END-----"\n',
      { KEY: "-----BEGIN-----\nline\n-----END-----" },
    ],
    ["comments and invalid lines", "# comment\nnot a pair\nA=1 # trailing\n=nokey\n", { A: "1" }],
  ];
  for (const [name, text, expected] of cases) {
    test(`parses ${name}`, () => assert.deepEqual(parseEnvText(text), expected));
  }
});

describe("literalEscapes", () => {
  test('dotenv keeps \\" and \\\\ literally inside double quotes (where Compose and shells unescape them)', () => {
    // The premise, from dotenv itself: the backslashes stay.
    assert.deepEqual(parseEnvText('A="say \\"hi\\""\nB="C:\\\\dir"\n'), { A: 'say \\"hi\\"', B: "C:\\\\dir" });
    const text = [
      'PLAIN="no escapes"',
      'A="say \\"hi\\""',
      'export B = "C:\\\\dir"',
      "C='single \\\\ quotes are literal everywhere'",
      'D="line one',
      'line \\\\ two"',
      'E="newline \\n is expanded by all"',
    ].join("\n");
    assert.deepEqual(literalEscapes(text), [
      { line: 2, key: "A", sequences: ['\\"'] },
      { line: 3, key: "B", sequences: ["\\\\"] },
      { line: 6, key: "D", sequences: ["\\\\"] },
    ]);
  });
});
