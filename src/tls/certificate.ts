import { X509Certificate } from "node:crypto";

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
/** A CA bundle is small; anything larger is not what the user meant to point at. */
export const MAX_CA_FILE_BYTES = 1024 * 1024;

type PemInspection =
  | { kind: "certificates"; count: number; subjects: string[] }
  | { kind: "private-key" }
  | { kind: "invalid"; reason: string };

/** Classifies the contents of a file meant to hold PEM CA certificates. Pure. */
export function inspectPem(text: string): PemInspection {
  // Any private-key header counts, even without its END line: a truncated key is still a key.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) return { kind: "private-key" };
  const blocks = [...text.matchAll(BLOCK)];
  const certificates = blocks.filter((block) => block[1] === "CERTIFICATE");
  if (certificates.length === 0)
    return { kind: "invalid", reason: "it contains no PEM certificate (-----BEGIN CERTIFICATE-----)" };
  const subjects: string[] = [];
  for (const block of certificates) {
    try {
      subjects.push(new X509Certificate(block[0]).subject.replaceAll("\n", ", "));
    } catch {
      return { kind: "invalid", reason: "a CERTIFICATE block does not parse as an X.509 certificate" };
    }
  }
  return { kind: "certificates", count: certificates.length, subjects };
}
