import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TARGETS, tarballName } from "../../scripts/release-table.ts";
import { deferred } from "../support/cleanup.ts";
import { ROOT, tempProject } from "../support/project.ts";

// The script against a local HTTP server that stands in for Encore's download host.
const defer = deferred();
const HEADER = ["version", ...TARGETS].join("\t");
const row = (version: string, sum: string) => [version, ...TARGETS.map(() => sum)].join("\t");
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const body = (version: string, target: string) => `stand-in tarball ${version} ${target}`;

const SERVED = ["1.9.10", "1.57.0", "1.58.2", "1.59.0"];
let server: Server;
let baseUrl: string;
const requests: string[] = [];

before(async () => {
  // Served for every target but 1.59.0, which lacks darwin_arm64 (a 404); others are 404s.
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const match = /^\/mirror\/encore-(\d+\.\d+\.\d+)-(\w+)\.tar\.gz$/.exec(req.url ?? "");
    if (!match || !SERVED.includes(match[1]!) || (match[1] === "1.59.0" && match[2] === "darwin_arm64")) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip" }).end(body(match[1]!, match[2]!));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const read = (dir: { path(p: string): string }, file: string) => readFileSync(dir.path(file), "utf8");

function repo() {
  const dir = tempProject({
    "table.tsv": `${HEADER}\n${row("1.9.2", "a".repeat(64))}\n${row("1.56.4", "b".repeat(64))}\n${row("1.57.0", "c".repeat(64))}\n`,
    Dockerfile:
      "ARG NODE_IMAGE=node:24-bookworm-slim\n# renovate: datasource=github-releases depName=encoredev/encore\nARG ENCORE_VERSION=1.56.4\n",
  });
  defer(() => dir.remove());
  return dir;
}

function addRelease(
  dir: { path(p: string): string },
  ...args: string[]
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "scripts", "add-encore-release.ts"),
      ...args,
      "--table",
      dir.path("table.tsv"),
      "--dockerfile",
      dir.path("Dockerfile"),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ENCORE_RELEASE_BASE_URL: baseUrl },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("scripts/add-encore-release.ts", () => {
  test("downloads the four tarballs, hashes them and adds the row in version order; a second run changes nothing", async () => {
    const dir = repo();
    const first = await addRelease(dir, "1.56.10");
    assert.equal(first.code, 1, "1.56.10 is not served");
    assert.match(
      first.stderr,
      /add-release: error: could not download http:\/\/127\.0\.0\.1:\d+\/mirror\/encore-1\.56\.10-linux_amd64\.tar\.gz: HTTP 404/,
    );

    const before = read(dir, "table.tsv");
    const added = await addRelease(dir, "1.9.10");
    assert.equal(added.code, 0, added.stderr);
    const expected = ["1.9.10", ...TARGETS.map((target) => sha(body("1.9.10", target)))].join("\t");
    assert.deepEqual(
      read(dir, "table.tsv")
        .split("\n")
        .map((line) => line.split("\t")[0]),
      ["version", "1.9.2", "1.9.10", "1.56.4", "1.57.0", ""],
    );
    assert.equal(read(dir, "table.tsv").split("\n")[2], expected);
    assert.notEqual(read(dir, "table.tsv"), before);
    assert.deepEqual(
      requests.filter((url) => url.includes("1.9.10")),
      TARGETS.map((target) => `/mirror/${tarballName("1.9.10", target)}`),
    );

    const again = await addRelease(dir, "1.9.10");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /1\.9\.10 already listed in/);
    assert.equal(
      read(dir, "Dockerfile").includes("ARG ENCORE_VERSION=1.56.4"),
      true,
      "the default moves only with --set-default",
    );
  });

  test("--set-default moves the Dockerfile's ARG and keeps the Renovate comment", async () => {
    const dir = repo();
    const result = await addRelease(dir, "1.58.2", "--set-default");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(dir, "table.tsv").trimEnd().split("\n").at(-1)?.split("\t")[0], "1.58.2");
    assert.equal(
      read(dir, "Dockerfile"),
      "ARG NODE_IMAGE=node:24-bookworm-slim\n# renovate: datasource=github-releases depName=encoredev/encore\nARG ENCORE_VERSION=1.58.2\n",
    );
  });

  test("refuses a version whose listed checksums differ from the files, and a release missing a target", async () => {
    const dir = repo();
    const table = read(dir, "table.tsv");
    const mismatch = await addRelease(dir, "1.57.0");
    assert.equal(mismatch.code, 1);
    assert.match(
      mismatch.stderr,
      /error: 1\.57\.0 is already listed with other checksums for linux_amd64, linux_arm64, darwin_amd64, darwin_arm64 .*nothing was changed/,
    );
    const missing = await addRelease(dir, "1.59.0");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /encore-1\.59\.0-darwin_arm64\.tar\.gz: HTTP 404/);
    assert.equal(read(dir, "table.tsv"), table);
  });

  test("hashes local files for air-gapped use, and names a missing one", async () => {
    const files = Object.fromEntries(
      TARGETS.map((target) => [`vendor/${tarballName("1.58.2", target)}`, body("1.58.2", target)]),
    );
    const dir = tempProject({ ...files, "table.tsv": `${HEADER}\n`, Dockerfile: "ARG ENCORE_VERSION=1.56.4\n" });
    defer(() => dir.remove());
    const seen = requests.length;
    const result = await addRelease(dir, "1.58.2", "--from", dir.path("vendor"));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      read(dir, "table.tsv"),
      `${HEADER}\n${["1.58.2", ...TARGETS.map((target) => sha(body("1.58.2", target)))].join("\t")}\n`,
    );
    assert.equal(requests.length, seen, "nothing was downloaded");
    const missing = await addRelease(dir, "1.58.3", "--from", dir.path("vendor"));
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /cannot read .*encore-1\.58\.3-linux_amd64\.tar\.gz: ENOENT; --from needs all four official tarballs/,
    );
  });

  test("rejects a malformed version with usage (exit 2)", async () => {
    const dir = repo();
    const result = await addRelease(dir, "v1.58.2");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"v1\.58\.2" is not a release version like 1\.58\.2 \(no v\)\nusage: /);
  });
});
