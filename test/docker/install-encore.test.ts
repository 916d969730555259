import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readInstalledRelease } from "../../src/encore/cli-version.ts";
import { ROOT } from "../support/project.ts";

// docker/install-encore.sh, the image's Encore install step, run on the host against the
// double packed as an official release tarball (the offline path the Dockerfile takes).
const TABLE = join(ROOT, "data", "encore-release-sha256.tsv");
let work: string;
let vendor: string;
let packedSha: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), "install-encore-"));
  vendor = join(work, "vendor");
  packedSha = execFileSync("sh", [join(ROOT, "test", "fixtures", "encore", "pack.sh"), "1.56.4", "amd64", vendor], {
    encoding: "utf8",
  }).trim();
});
after(() => rmSync(work, { recursive: true, force: true }));

function install(env: Record<string, string>) {
  const prefix = join(work, `prefix-${Math.random().toString(36).slice(2)}`);
  const result = spawnSync("sh", [join(ROOT, "docker", "install-encore.sh")], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      CHECKSUMS: TABLE,
      VENDOR_DIR: vendor,
      ENCORE_PREFIX: prefix,
      TARGETARCH: "amd64",
      ENCORE_VERSION: "1.56.4",
      ...env,
    },
  });
  return { ...result, prefix };
}

describe("docker/install-encore.sh", () => {
  test("installs a vendored tarball whose checksum matches ENCORE_SHA256, keeping the release layout", () => {
    const result = install({ ENCORE_SHA256: packedSha });
    assert.equal(result.status, 0, result.stderr);
    for (const path of ["bin/encore", "encore-go", "runtimes/go", "runtimes/js/encore-runtime.node"]) {
      assert.ok(existsSync(join(result.prefix, path)), `${path} is missing`);
    }
    // The verified version, which the runner reads instead of asking `encore version`.
    assert.deepEqual(JSON.parse(readFileSync(join(result.prefix, "encore-release.json"), "utf8")), {
      version: "1.56.4",
      target: "linux_amd64",
      sha256: packedSha,
    });
    assert.equal(readInstalledRelease(join(result.prefix, "bin", "encore")), "1.56.4");
  });

  test("fails when the tarball does not match the table's checksum (no silent skip)", () => {
    // Without an override the table's sha256 of the real 1.56.4 release applies; the double differs.
    const result = install({});
    assert.equal(result.status, 1);
    assert.match(result.stderr, /checksum mismatch for encore-1\.56\.4-linux_amd64\.tar\.gz: expected f0f485e5c633/);
    assert.ok(!existsSync(join(result.prefix, "bin", "encore")), "nothing was installed");
  });

  test("fails when ENCORE_SHA256 does not match", () => {
    const result = install({ ENCORE_SHA256: "0".repeat(64) });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /checksum mismatch/);
  });

  test("fails for a version the table does not know, naming the build argument", () => {
    const result = install({ ENCORE_VERSION: "9.9.9" });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no checksum for Encore 9\.9\.9 \(linux_amd64\)/);
    assert.match(result.stderr, /ENCORE_SHA256/);
  });

  test("refuses an architecture Encore does not publish", () => {
    const result = install({ TARGETARCH: "riscv64", ENCORE_SHA256: packedSha });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /linux_amd64 and linux_arm64 releases only/);
  });
});
