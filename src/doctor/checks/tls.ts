import { X509Certificate } from "node:crypto";
import { accessSync, constants, readFileSync } from "node:fs";
import { runCommand, stopRequest } from "../../process/spawn.ts";
import { inspectPem } from "../../tls/certificate.ts";
import { cacheDir, findSystemBundle, writeCombinedBundle } from "../../tls/bundle.ts";
import { fail, pass, warn, type Check, type CheckResult } from "../types.ts";

/**
 * The extra CA: a readable PEM certificate (never a key), and trusted by both Node (which
 * loads it from NODE_EXTRA_CA_CERTS at start-up) and the Go-based encore (SSL_CERT_FILE).
 */
export const checkTls: Check = async (ctx) => {
  const caFile = ctx.settings?.caFile;
  if (!caFile) return [pass("tls", "no dev.node_extra_ca_certs; the system trust store applies")];
  let text: string;
  try {
    accessSync(caFile, constants.R_OK);
    text = readFileSync(caFile, "utf8");
  } catch (error) {
    return [
      fail(
        "tls",
        `${caFile} is not readable by uid ${process.getuid?.() ?? "?"}: ${(error as NodeJS.ErrnoException).code}`,
        "make it readable by the user that runs dev",
      ),
    ];
  }
  const pem = inspectPem(text);
  if (pem.kind === "private-key")
    return [
      fail("tls", `${caFile} contains a PRIVATE KEY`, "point node_extra_ca_certs at the CA certificate, never its key"),
    ];
  if (pem.kind === "invalid")
    return [
      fail(
        "tls",
        `${caFile} is not a PEM certificate: ${pem.reason}`,
        "point node_extra_ca_certs at a PEM CA certificate",
      ),
    ];

  const results: CheckResult[] = [];
  const certificate = new X509Certificate(text);
  const expired = Date.parse(certificate.validTo) < Date.now();
  results.push(
    expired
      ? fail(
          "tls",
          `${caFile} expired on ${certificate.validTo}`,
          "regenerate the CA (e.g. mkcert -install) and re-issue its certificates",
        )
      : certificate.ca
        ? pass("tls", `${caFile}: ${pem.subjects[0]}, valid until ${certificate.validTo}`)
        : warn(
            "tls",
            `${caFile} is not a CA certificate (basicConstraints CA:FALSE)`,
            "point it at the root CA that signed your local certificates",
          ),
  );

  // Node: ask a fresh node what it loaded from NODE_EXTRA_CA_CERTS (tls.getCACertificates, Node >= 22.15).
  let loaded = "";
  await runCommand(
    {
      file: process.execPath,
      args: [
        "-e",
        "const t=require('node:tls');console.log(t.getCACertificates?t.getCACertificates('extra').length:'unknown')",
      ],
      cwd: ctx.projectDir,
      env: { PATH: ctx.env.PATH ?? "", NODE_EXTRA_CA_CERTS: caFile },
    },
    {
      onLine: (stream, line) => stream === "stdout" && (loaded += line),
      stop: stopRequest([AbortSignal.timeout(15_000)]),
    },
  );
  results.push(
    loaded === "unknown" || Number(loaded) > 0
      ? pass(
          "tls-node",
          `Node trusts it through NODE_EXTRA_CA_CERTS${loaded === "unknown" ? " (not verifiable on this Node)" : ""}`,
        )
      : fail(
          "tls-node",
          "Node does not load it from NODE_EXTRA_CA_CERTS",
          "check that the file is a valid PEM CA certificate",
        ),
  );

  // encore (Go): the runner points SSL_CERT_FILE at the system bundle plus this CA.
  const system = findSystemBundle(ctx.env);
  if (!system) {
    results.push(
      warn(
        "tls-encore",
        "no system CA bundle found, so the encore CLI cannot be given this CA",
        "install ca-certificates",
      ),
    );
  } else {
    const bundle = writeCombinedBundle(system, caFile, cacheDir(ctx.env));
    const trusted = readFileSync(bundle, "utf8").includes(text.trim().split("\n")[1] ?? "\u0000");
    results.push(
      trusted
        ? pass("tls-encore", `encore trusts it through SSL_CERT_FILE=${bundle} (system bundle + CA)`)
        : fail("tls-encore", `the bundle ${bundle} does not contain the CA`, "remove the cached bundle and run again"),
    );
  }
  return results;
};
