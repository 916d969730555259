import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { inspectPem } from "../../src/tls/certificate.ts";
import { TEST_CA } from "../support/project.ts";

const CA = readFileSync(TEST_CA, "utf8");
const KEY_HEADERS = [
  "PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "OPENSSH PRIVATE KEY",
];

describe("inspectPem", () => {
  test("a CA certificate: one certificate, with its subject", () => {
    const result = inspectPem(CA);
    assert.equal(result.kind, "certificates");
    assert.equal(result.kind === "certificates" && result.count, 1);
    assert.match(result.kind === "certificates" ? result.subjects[0]! : "", /CN=/);
  });

  test("a bundle of two certificates, with text around them", () => {
    const result = inspectPem(`# bundle\n${CA}\nsome comment\n${CA}`);
    assert.equal(result.kind === "certificates" && result.count, 2);
  });

  for (const header of KEY_HEADERS) {
    test(`a ${header} is refused as a key, even beside a certificate or truncated`, () => {
      const key = `-----BEGIN ${header}-----\nMIIB\n-----END ${header}-----\n`;
      assert.deepEqual(inspectPem(key), { kind: "private-key" });
      assert.deepEqual(inspectPem(`${CA}${key}`), { kind: "private-key" });
      assert.deepEqual(inspectPem(`-----BEGIN ${header}-----\nMIIB`), { kind: "private-key" });
    });
  }

  const invalid: [string, string, RegExp][] = [
    ["an empty file", "", /no PEM certificate/],
    ["DER-like binary", "\u0030\u0082\u0001", /no PEM certificate/],
    ["a public key only", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n", /no PEM certificate/],
    ["a certificate without its END line", CA.split("-----END")[0]!, /no PEM certificate/],
    [
      "a CERTIFICATE block that is not X.509",
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
      /does not parse/,
    ],
  ];
  for (const [name, text, reason] of invalid) {
    test(`${name} is not a CA`, () => {
      const result = inspectPem(text);
      assert.equal(result.kind, "invalid");
      assert.match(result.kind === "invalid" ? result.reason : "", reason);
    });
  }
});
