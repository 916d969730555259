import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decideInstall,
  fingerprintOf,
  INSTALL_REASONS,
  type InstallFingerprint,
} from "../../src/packages/fingerprint.ts";
import { compareSdk, declaredVersion, encoreWillRewrite } from "../../src/packages/installed-sdk.ts";
import { networkFailureIn } from "../../src/packages/network-failure.ts";

const base = {
  manager: "npm",
  nodeMajor: 24,
  lockfileBytes: new TextEncoder().encode("lock"),
  dependencyFields: { ".": { dependencies: { "encore.dev": "1.56.4" } } },
};

describe("install fingerprint", () => {
  test("ignores key order in package.json", () => {
    const a = fingerprintOf({
      ...base,
      dependencyFields: { ".": { dependencies: { a: "1", b: "2" }, devDependencies: {} } },
    });
    const b = fingerprintOf({
      ...base,
      dependencyFields: { ".": { devDependencies: {}, dependencies: { b: "2", a: "1" } } },
    });
    assert.deepEqual(a, b);
  });
  test("no lockfile is null, not the hash of nothing", () => {
    assert.equal(fingerprintOf({ ...base, lockfileBytes: undefined }).lockfile, null);
  });
});

describe("decideInstall", () => {
  const current: InstallFingerprint = fingerprintOf(base);
  const cases: [string, Parameters<typeof decideInstall>[0], { run: boolean; reason: string }][] = [
    [
      "turned off, whatever else",
      { enabled: false, nodeModules: "missing", recorded: undefined, current },
      { run: false, reason: INSTALL_REASONS.off },
    ],
    [
      "no node_modules",
      { enabled: true, nodeModules: "missing", recorded: current, current },
      { run: true, reason: "node_modules is missing" },
    ],
    [
      "an empty node_modules (a new volume)",
      { enabled: true, nodeModules: "empty", recorded: undefined, current },
      { run: true, reason: "node_modules is empty" },
    ],
    [
      "packages with no record (installed by someone else)",
      { enabled: true, nodeModules: "present", recorded: undefined, current },
      { run: true, reason: INSTALL_REASONS.unrecorded },
    ],
    [
      "another package manager",
      { enabled: true, nodeModules: "present", recorded: { ...current, manager: "pnpm@9.15.0" }, current },
      { run: true, reason: "the package manager changed" },
    ],
    [
      "another Node major",
      { enabled: true, nodeModules: "present", recorded: { ...current, nodeMajor: 22 }, current },
      { run: true, reason: "Node major changed" },
    ],
    [
      "another lockfile",
      { enabled: true, nodeModules: "present", recorded: { ...current, lockfile: "x" }, current },
      { run: true, reason: "the lockfile changed" },
    ],
    [
      "other dependencies",
      { enabled: true, nodeModules: "present", recorded: { ...current, dependencies: "x" }, current },
      { run: true, reason: "package.json dependencies changed" },
    ],
    [
      "nothing changed",
      { enabled: true, nodeModules: "present", recorded: current, current },
      { run: false, reason: "up to date" },
    ],
  ];
  for (const [name, state, expected] of cases) {
    test(`${name}: ${expected.run ? "install" : "skip"} (${expected.reason})`, () =>
      assert.deepEqual(decideInstall(state), expected));
  }
});

describe("installed SDK against the CLI", () => {
  const cases: [string, string, string][] = [
    ["1.56.4", "1.56.4", "same"],
    ["1.57.4", "1.56.4", "ahead"],
    ["2.0.0", "1.56.4", "ahead"],
    ["1.56.5", "1.56.4", "ahead-patch"],
    ["1.56.2", "1.56.4", "behind"],
    ["1.50.0", "1.56.4", "behind"],
    ["file:../encore.dev", "1.56.4", "unknown"],
  ];
  for (const [installed, cli, kind] of cases) {
    test(`encore.dev ${installed} with encore ${cli}: ${kind}`, () =>
      assert.equal(compareSdk(installed, cli).kind, kind));
  }
  test("Encore rewrites an older, missing or non-semver declaration, as its source does", () => {
    assert.equal(encoreWillRewrite("1.56.4", "1.56.4"), false);
    assert.equal(encoreWillRewrite("^1.56.4", "1.56.4"), false);
    assert.equal(encoreWillRewrite("~1.56.2", "1.56.4"), true);
    assert.equal(encoreWillRewrite(undefined, "1.56.4"), true);
    assert.equal(encoreWillRewrite("latest", "1.56.4"), true);
    assert.equal(encoreWillRewrite("1.57.4", "1.56.4"), false, "newer: Encore refuses instead");
    assert.equal(declaredVersion("=^1.2.3"), "1.2.3");
  });
});

describe("network failures in a package manager's output", () => {
  const cases: [string, string | undefined][] = [
    [
      "npm error code ENOTFOUND\nnpm error request to https://registry.npmjs.org/encore.dev failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org",
      "dns",
    ],
    ["npm error code EAI_AGAIN", "dns"],
    ["npm error errno ECONNREFUSED", "refused"],
    ["npm error code ETIMEDOUT", "timeout"],
    [
      "npm error code SELF_SIGNED_CERT_IN_CHAIN\nnpm error request to https://registry.npmjs.org/ failed, reason: self-signed certificate in certificate chain",
      "tls",
    ],
    [
      "ERR_PNPM_META_FETCH_FAIL GET https://registry.npmjs.org/encore.dev: request to https://registry.npmjs.org/encore.dev failed, reason: unable to get local issuer certificate",
      "tls",
    ],
    ["code UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "tls"],
    ["npm error code ETARGET\nnpm error notarget No matching version found for encore.dev@9.9.9.", undefined],
    [
      "npm error code EUSAGE\nnpm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.",
      undefined,
    ],
  ];
  for (const [output, kind] of cases) {
    test(`${output.split("\n").at(-1)!.slice(0, 60)}: ${kind ?? "not the network"}`, () =>
      assert.equal(networkFailureIn(output), kind));
  }
});
