// renovate.json: valid for Renovate itself (its own validator, strict), and its custom manager
// finds the Encore CLI version under its annotation in the Dockerfile, as Renovate would
// (Renovate applies matchStrings as JavaScript regular expressions when RE2 is absent, and
// RE2 accepts these too).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { deferred } from "../support/cleanup.ts";
import { ENCORE_VERSION } from "../support/image.ts";
import { ROOT } from "../support/project.ts";
import { validateRenovateConfig } from "../support/renovate.ts";

interface RenovateConfig {
  customManagers: { customType: string; managerFilePatterns: string[]; matchStrings: string[] }[];
  packageRules: { matchDepNames?: string[]; matchPackageNames?: string[]; allowedVersions?: string }[];
}

const config = JSON.parse(readFileSync(join(ROOT, "renovate.json"), "utf8")) as RenovateConfig;
const defer = deferred("file");

/** A Renovate pattern in /…/ form, as a RegExp. */
function slashed(pattern: string): RegExp {
  const match = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  assert.ok(match, `${pattern} is not /…/`);
  return new RegExp(match[1]!, match[2]);
}

describe("renovate.json", () => {
  test("passes renovate-config-validator --strict, which rejects an unknown option", async () => {
    const valid = await validateRenovateConfig(ROOT);
    assert.ok(valid.ok, valid.output);

    const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-renovate-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "renovate.json"), JSON.stringify({ ...config, labelz: ["x"] }));
    const invalid = await validateRenovateConfig(dir);
    assert.equal(invalid.ok, false);
    assert.match(invalid.output, /Invalid configuration option: labelz/);
  });

  test("its regex manager reads the Encore CLI version, datasource and tag format from the Dockerfile's annotation", () => {
    const [manager] = config.customManagers;
    assert.ok(manager);
    assert.ok(manager.managerFilePatterns.map(slashed).some((pattern) => pattern.test("Dockerfile")));
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const found = manager.matchStrings.flatMap((source) =>
      [...dockerfile.matchAll(new RegExp(source, "g"))].map((match) => ({ ...match.groups })),
    );
    assert.deepEqual(found, [
      {
        datasource: "github-releases",
        depName: "encoredev/encore",
        versioning: undefined,
        extractVersion: "^v(?<version>.+)$",
        currentValue: ENCORE_VERSION,
      },
    ]);
  });

  test("keeps the Node base image on bookworm slim", () => {
    const rule = config.packageRules.find((each) => each.matchPackageNames?.includes("node"));
    const allowed = slashed(rule?.allowedVersions ?? "//x");
    assert.deepEqual(
      ["24-bookworm-slim", "26-bookworm-slim", "26-trixie-slim", "26-alpine"].map((tag) => allowed.test(tag)),
      [true, true, false, false],
    );
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
  });
});
