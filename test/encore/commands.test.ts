import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildDockerArgs, runArgs, secretSetArgs, versionArgs } from "../../src/encore/commands.ts";
import { isBannerLine, isPortInUseLine, levelOfLine } from "../../src/encore/banner.ts";
import { isSupported, parseEncoreVersion } from "../../src/encore/version.ts";

describe("encore argv", () => {
  test("run is the contract's command line plus --browser=never", () => {
    assert.deepEqual(runArgs("0.0.0.0:4000"), [
      "run",
      "--debug",
      "--verbose",
      "--watch",
      "--listen",
      "0.0.0.0:4000",
      "--browser=never",
    ]);
  });
  test("build docker takes the reference as its one argument", () => {
    assert.deepEqual(buildDockerArgs("ghcr.io/acme/api:abc"), ["build", "docker", "ghcr.io/acme/api:abc"]);
  });
  test("secret set passes all types in one comma-separated --type and never a value", () => {
    assert.deepEqual(secretSetArgs("STRIPE_KEY", ["dev", "preview", "local"]), [
      "secret",
      "set",
      "--type",
      "dev,preview,local",
      "STRIPE_KEY",
    ]);
  });
  test("version", () => assert.deepEqual(versionArgs(), ["version"]));
});

describe("encore output", () => {
  test("finds the banner inside ANSI codes", () => {
    assert.equal(isBannerLine("  \u001B[32mEncore development server running!\u001B[0m"), true);
    assert.equal(isBannerLine("Encore development server starting"), false);
  });
  test("recognises the real port-in-use message", () => {
    assert.equal(isPortInUseLine("Failed to run on 0.0.0.0:4000 - port is already in use"), true);
  });
  test("maps zerolog levels so encore's errors are errors", () => {
    assert.equal(levelOfLine("2:49PM ERR unable to save docker image error=x"), "error");
    assert.equal(levelOfLine("WRN something"), "warn");
    assert.equal(levelOfLine("2:49PM INF compiling Encore application"), "info");
    assert.equal(levelOfLine("plain app output"), "info");
  });
});

describe("encore version", () => {
  test("parses the version line whatever follows it, keeping prereleases", () => {
    assert.equal(parseEncoreVersion("encore version v1.56.4\n"), "1.56.4");
    assert.equal(
      parseEncoreVersion("encore version v1.58.2-beta.1\nUpdate available: v1.58.2-beta.1 -> v1.58.2\n"),
      "1.58.2-beta.1",
    );
    assert.equal(parseEncoreVersion("encore version devel"), undefined);
    assert.equal(parseEncoreVersion("garbage"), undefined);
  });
  test("declares a supported range, prereleases of supported versions included", () => {
    assert.equal(isSupported("1.56.4"), true);
    assert.equal(isSupported("1.58.0-beta.1"), true);
    assert.equal(isSupported("1.49.9"), false);
    assert.equal(isSupported("2.0.0"), false);
    assert.equal(isSupported("2.0.0-rc.1"), false);
  });
});
