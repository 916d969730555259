// Adds an Encore CLI release to data/encore-release-sha256.tsv:
//
//   npm run add-release -- 1.58.2                  # downloads the four tarballs and hashes them
//   npm run add-release -- 1.58.2 --from ./vendor  # hashes local files (air-gapped)
//   npm run add-release -- 1.58.2 --set-default    # and makes it the Dockerfile's default
//
// ENCORE_RELEASE_BASE_URL replaces the download host (a mirror). Behind a proxy, set
// NODE_USE_ENV_PROXY=1 so Node's fetch uses HTTPS_PROXY; NODE_EXTRA_CA_CERTS adds its CA.
// Encore publishes no checksum files: the hashes are of what was downloaded, so check the
// row against another source (Encore's Homebrew formula lists the same sha256 values).
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import semver from "semver";
import { DEFAULT_BASE_URL, TARGETS, addRow, setDefaultVersion, tarballName, type Sums } from "./release-table.ts";

const ROOT = new URL("..", import.meta.url).pathname;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: "string" },
      "set-default": { type: "boolean", default: false },
      table: { type: "string", default: join(ROOT, "data", "encore-release-sha256.tsv") },
      dockerfile: { type: "string", default: join(ROOT, "Dockerfile") },
    },
  });
  const [version, ...extra] = positionals;
  if (version === undefined || extra.length > 0) throw new UsageError("give exactly one version, e.g. 1.58.2");
  if (semver.valid(version) !== version || version.startsWith("v"))
    throw new UsageError(`"${version}" is not a release version like 1.58.2 (no v)`);

  const sums = {} as Sums;
  for (const target of TARGETS) {
    const name = tarballName(version, target);
    sums[target] = values.from
      ? await hashFile(join(values.from, name))
      : await hashDownload(`${process.env.ENCORE_RELEASE_BASE_URL || DEFAULT_BASE_URL}/${name}`);
    process.stderr.write(`add-release: ${target} ${sums[target]}\n`);
  }

  const table = readFileSync(values.table, "utf8");
  const result = addRow(table, version, sums);
  if (result.kind === "mismatch") {
    const differ = TARGETS.filter((target) => result.listed[target] !== sums[target]);
    throw new Error(
      `${version} is already listed with other checksums for ${differ.join(", ")} (listed ${differ.map((t) => result.listed[t]).join(", ")}); the files are not the ones listed, so nothing was changed`,
    );
  }
  if (result.kind === "added") writeFileSync(values.table, result.text);
  process.stderr.write(
    `add-release: ${version} ${result.kind === "added" ? "added to" : "already listed in"} ${values.table}\n`,
  );

  if (values["set-default"]) {
    const updated = setDefaultVersion(readFileSync(values.dockerfile, "utf8"), version);
    if (updated === undefined) throw new Error(`${values.dockerfile} has no ARG ENCORE_VERSION= line`);
    writeFileSync(values.dockerfile, updated);
    process.stderr.write(
      `add-release: the Dockerfile's default is now ${version}; pin encore.dev to ${version} in examples/hello/package.json if the registry has it\n`,
    );
  }
  return 0;
}

async function hashDownload(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(
      `could not download ${url}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`,
    );
  }
  if (!response.ok || !response.body)
    throw new Error(`could not download ${url}: HTTP ${response.status}; is the version released for every target?`);
  const hash = createHash("sha256");
  for await (const chunk of response.body) hash.update(chunk);
  return hash.digest("hex");
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk);
  } catch (error) {
    throw new Error(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; --from needs all four official tarballs (${TARGETS.join(", ")})`,
    );
  }
  return hash.digest("hex");
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`add-release: error: ${error.message}\n`);
    if (error instanceof UsageError)
      process.stderr.write("usage: npm run add-release -- <version> [--from DIR] [--set-default]\n");
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
