import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, symlinkSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { resolveBuildSettings, resolveDevSettings, validateProviderConfig } from "../../src/config/settings.ts";
import { ProviderError } from "../../src/errors/index.ts";
import { TEST_CA, tempProject, type TempProject } from "../support/project.ts";

const P = "backend.providers.encore-ts";
let project: TempProject;

before(() => {
  project = tempProject({
    ".env.local": "A=1\n",
    "api/encore.app": "{}",
    "certs/ca.pem": readFileSync(TEST_CA, "utf8"),
  });
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  project.write("certs/ca-key.pem", privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  project.write("certs/garbage.pem", "hello, not a certificate\n");
  project.write("certs/broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
});
after(() => project.remove());

const minimal = { dev: { env_file: ".env.local", listen: "0.0.0.0:4000" } };

function devIssues(block: unknown, listenOverride?: string): { path: string; message: string; fix?: string }[] {
  try {
    resolveDevSettings(block, { projectDir: project.dir, listenOverride });
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    assert.equal(error.category, "INVALID_CONFIG");
    assert.equal(error.provider, "encore-ts");
    assert.equal(error.operation, "dev");
    return [...error.issues];
  }
  return [];
}

describe("resolveDevSettings", () => {
  test("accepts the minimal config (env_file + listen) and applies every default", () => {
    const settings = resolveDevSettings(minimal, { projectDir: project.dir });
    assert.deepEqual(settings, {
      projectDir: project.dir,
      workDir: project.dir,
      envFile: project.path(".env.local"),
      listen: { host: "0.0.0.0", port: 4000, address: "0.0.0.0:4000" },
      disableTelemetry: false,
      caFile: undefined,
      secrets: { types: ["dev", "preview", "local"], fromEnv: [], concurrency: 8, mode: "cloud", skipUnchanged: false },
      readinessTimeoutMs: 120_000,
      shutdownTimeoutMs: 8_000,
      install: { enabled: true, timeoutMs: 600_000 },
    });
  });

  test("accepts local and ephemeral together: ephemeral is an alias of preview, not of local", () => {
    const settings = resolveDevSettings(
      { dev: { ...minimal.dev, encore_secrets: { types: ["local", "ephemeral"] } } },
      { projectDir: project.dir },
    );
    assert.deepEqual(settings.secrets.types, ["local", "ephemeral"]);
  });

  test("resolves relative paths against the project dir and --listen overrides dev.listen", () => {
    const settings = resolveDevSettings(
      { dev: { ...minimal.dev, workdir: "api", node_extra_ca_certs: "certs/ca.pem", disable_telemetry: true } },
      { projectDir: project.dir, listenOverride: "[::1]:5000" },
    );
    assert.equal(settings.workDir, project.path("api"));
    assert.equal(settings.caFile, project.path("certs/ca.pem"));
    assert.equal(settings.listen.address, "[::1]:5000");
    assert.equal(settings.disableTelemetry, true);
  });

  const cases: [string, unknown, string, RegExp][] = [
    ["no dev.listen", { dev: { env_file: ".env.local" } }, `${P}.dev.listen`, /is required for dev/],
    ["no dev block at all", {}, `${P}.dev.env_file`, /is required for dev/],
    ["a listen without a port", { dev: { ...minimal.dev, listen: "0.0.0.0" } }, `${P}.dev.listen`, /has no port/],
    [
      "a listen that is a number",
      { dev: { ...minimal.dev, listen: 4000 } },
      `${P}.dev.listen`,
      /must be a string, got number 4000/,
    ],
    [
      "a missing env_file",
      { dev: { ...minimal.dev, env_file: "nope.env" } },
      `${P}.dev.env_file`,
      /file not found: .*nope\.env/,
    ],
    [
      "an env_file that is a directory",
      { dev: { ...minimal.dev, env_file: "api" } },
      `${P}.dev.env_file`,
      /is not a regular file/,
    ],
    [
      "an env_file outside the project",
      { dev: { ...minimal.dev, env_file: "../../etc/passwd" } },
      `${P}.dev.env_file`,
      /outside the project directory/,
    ],
    [
      "an absolute env_file outside the project",
      { dev: { ...minimal.dev, env_file: "/etc/hostname" } },
      `${P}.dev.env_file`,
      /outside the project directory/,
    ],
    [
      "a workdir outside the project",
      { dev: { ...minimal.dev, workdir: "../" } },
      `${P}.dev.workdir`,
      /outside the project directory/,
    ],
    [
      "a workdir that does not exist",
      { dev: { ...minimal.dev, workdir: "missing" } },
      `${P}.dev.workdir`,
      /directory not found/,
    ],
    [
      "a missing CA",
      { dev: { ...minimal.dev, node_extra_ca_certs: "certs/none.pem" } },
      `${P}.dev.node_extra_ca_certs`,
      /file not found/,
    ],
    [
      "a CA that is a private key",
      { dev: { ...minimal.dev, node_extra_ca_certs: "certs/ca-key.pem" } },
      `${P}.dev.node_extra_ca_certs`,
      /contains a PRIVATE KEY, not a CA certificate/,
    ],
    [
      "a CA that is not PEM",
      { dev: { ...minimal.dev, node_extra_ca_certs: "certs/garbage.pem" } },
      `${P}.dev.node_extra_ca_certs`,
      /no PEM certificate/,
    ],
    [
      "a CA whose PEM does not parse",
      { dev: { ...minimal.dev, node_extra_ca_certs: "certs/broken.pem" } },
      `${P}.dev.node_extra_ca_certs`,
      /does not parse/,
    ],
    [
      "a CA outside the project",
      { dev: { ...minimal.dev, node_extra_ca_certs: "/etc/ssl/certs/ca-certificates.crt" } },
      `${P}.dev.node_extra_ca_certs`,
      /outside the project/,
    ],
    [
      "an unknown secret type",
      { dev: { ...minimal.dev, encore_secrets: { types: ["dev", "staging"] } } },
      `${P}.dev.encore_secrets.types[1]`,
      /"staging" is not an Encore secret type/,
    ],
    [
      "a secret type in the wrong case",
      { dev: { ...minimal.dev, encore_secrets: { types: ["Dev"] } } },
      `${P}.dev.encore_secrets.types[0]`,
      /case-sensitive/,
    ],
    [
      "a type given twice through its alias",
      { dev: { ...minimal.dev, encore_secrets: { types: ["dev", "development"] } } },
      `${P}.dev.encore_secrets.types[1]`,
      /listed twice/,
    ],
    [
      "ephemeral beside pr, both aliases of preview",
      { dev: { ...minimal.dev, encore_secrets: { types: ["pr", "ephemeral"] } } },
      `${P}.dev.encore_secrets.types[1]`,
      /"ephemeral" is listed twice/,
    ],
    [
      "an empty type list",
      { dev: { ...minimal.dev, encore_secrets: { types: [] } } },
      `${P}.dev.encore_secrets.types`,
      /at least one type/,
    ],
    [
      "an invalid env var name",
      { dev: { ...minimal.dev, encore_secrets: { from_env: ["OK", "NOT-OK"] } } },
      `${P}.dev.encore_secrets.from_env[1]`,
      /not a valid environment variable name/,
    ],
    [
      "an env var name with a newline",
      { dev: { ...minimal.dev, encore_secrets: { from_env: ["A\nB"] } } },
      `${P}.dev.encore_secrets.from_env[0]`,
      /"A\\nB" is not a valid/,
    ],
    [
      "from_env as a string",
      { dev: { ...minimal.dev, encore_secrets: { from_env: "A" } } },
      `${P}.dev.encore_secrets.from_env`,
      /must be a list/,
    ],
    [
      "a negative readiness timeout",
      { dev: { ...minimal.dev, readiness: { timeout_ms: -1 } } },
      `${P}.dev.readiness.timeout_ms`,
      /at least 1/,
    ],
    [
      "a fractional shutdown timeout",
      { dev: { ...minimal.dev, shutdown: { timeout_ms: 1.5 } } },
      `${P}.dev.shutdown.timeout_ms`,
      /whole number/,
    ],
    [
      "disable_telemetry as a string",
      { dev: { ...minimal.dev, disable_telemetry: "yes" } },
      `${P}.dev.disable_telemetry`,
      /must be true or false/,
    ],
    ["a typo in a key", { dev: { ...minimal.dev, lisen: "x" } }, `${P}.dev.lisen`, /unknown key "lisen"/],
    ["an unknown top-level key in our block", { ...minimal, deploy: {} }, `${P}.deploy`, /unknown key "deploy"/],
    ["a bad image name", { ...minimal, build: { image_name: "My API" } }, `${P}.build.image_name`, /lowercase/],
    [
      "a bad tag suffix",
      { ...minimal, build: { docker_tag_suffix: "-x;rm" } },
      `${P}.build.docker_tag_suffix`,
      /only letters, digits/,
    ],
    ["dev as a list", { dev: [] }, `${P}.dev`, /must be a mapping, got a list/],
  ];
  for (const [name, block, path, message] of cases) {
    test(`rejects ${name} as INVALID_CONFIG naming ${path.replace(P, "…")}`, () => {
      const issues = devIssues(block);
      const hit = issues.find((issue) => issue.path === path);
      assert.ok(hit, `no issue at ${path}; got ${JSON.stringify(issues)}`);
      assert.match(hit.message, message);
    });
  }

  test("suggests the closest key for a typo", () => {
    const [issue] = devIssues({ dev: { ...minimal.dev, disable_telemetery: true } });
    assert.deepEqual(issue, {
      path: `${P}.dev.disable_telemetery`,
      message: 'unknown key "disable_telemetery"',
      fix: 'did you mean "disable_telemetry"?',
    });
  });

  test("lists the known keys when nothing is close", () => {
    const [issue] = devIssues({ dev: { ...minimal.dev, zzz: 1 } });
    assert.match(issue?.fix ?? "", /known keys here: env_file, listen, workdir/);
  });

  test("reports every problem at once, each with its dot-path", () => {
    const issues = devIssues({
      dev: { listen: "nope", encore_secrets: { types: ["bogus"], from_env: ["1X"] } },
      bild: {},
    });
    assert.deepEqual(
      issues.map((issue) => issue.path),
      [
        `${P}.bild`,
        `${P}.dev.encore_secrets.from_env[0]`,
        `${P}.dev.encore_secrets.types[0]`,
        `${P}.dev.env_file`,
        `${P}.dev.listen`,
      ],
    );
  });

  test("rejects a symlink that leads out of the project", () => {
    symlinkSync("/etc/hostname", project.path("escape.env"));
    const issues = devIssues({ dev: { ...minimal.dev, env_file: "escape.env" } });
    assert.match(issues[0]?.message ?? "", /is a link to .* outside the project directory/);
  });

  test("rejects an invalid --listen, naming the flag", () => {
    const issues = devIssues(minimal, "0.0.0.0:70000");
    assert.deepEqual(
      issues.map((issue) => issue.path),
      ["--listen"],
    );
  });
});

describe("resolveBuildSettings", () => {
  test("defaults image_name to api, the workdir to the project and the suffix to empty", () => {
    const settings = resolveBuildSettings(undefined, {
      projectDir: project.dir,
      imageTag: "abc1234",
      registry: "ghcr.io/acme",
    });
    assert.deepEqual(settings, {
      projectDir: project.dir,
      workDir: project.dir,
      registry: "ghcr.io/acme",
      imageName: "api",
      tagSuffix: "",
      disableTelemetry: false,
      caFile: undefined,
      flags: {
        push: false,
        base: undefined,
        arch: undefined,
        config: undefined,
        skipConfig: false,
        services: undefined,
        gateways: undefined,
      },
      secretNames: [],
      install: { enabled: true, timeoutMs: 600_000 },
    });
  });

  test("does not require the dev section", () => {
    assert.equal(
      validateProviderConfig(
        { build: { image_name: "web" } },
        { projectDir: project.dir, operation: "build", imageTag: "v1" },
      ).ok,
      true,
    );
  });

  const cases: [string, unknown, unknown, string, string, RegExp][] = [
    ["a bad registry", {}, "https://ghcr.io", "v1", "project.registry", /is not a registry host/],
    ["a registry that is a number", {}, 5, "v1", "project.registry", /must be a string/],
    ["a tag with a shell metacharacter", {}, undefined, "v1;id", "--tag", /must start with a letter/],
    ["a tag with a newline", {}, undefined, "v1\nx", "--tag", /"v1\\nx"/],
    ["an empty tag", {}, undefined, "", "--tag", /must start/],
    [
      "a build workdir outside the project",
      { build: { workdir: "/" } },
      undefined,
      "v1",
      `${P}.build.workdir`,
      /outside the project/,
    ],
    [
      "services with skip_config, which Encore ignores",
      { build: { skip_config: true, services: ["hello"] } },
      undefined,
      "v1",
      `${P}.build.services`,
      /ignored by Encore when build\.skip_config is true/,
    ],
    [
      "gateways with skip_config, which Encore ignores",
      { build: { skip_config: true, gateways: ["api-gateway"] } },
      undefined,
      "v1",
      `${P}.build.gateways`,
      /ignored by Encore when build\.skip_config is true/,
    ],
    [
      "a tag + suffix over 128 characters",
      { build: { docker_tag_suffix: `-${"s".repeat(60)}` } },
      undefined,
      "t".repeat(70),
      `${P}.build`,
      /image reference is invalid/,
    ],
  ];
  for (const [name, block, registry, tag, path, message] of cases) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => resolveBuildSettings(block, { projectDir: project.dir, imageTag: tag, registry }),
        (error: unknown) => {
          assert.ok(error instanceof ProviderError);
          assert.equal(error.operation, "build");
          assert.equal(error.category, "INVALID_CONFIG");
          const hit = error.issues.find((issue) => issue.path === path);
          assert.ok(hit, JSON.stringify(error.issues));
          assert.match(hit.message, message);
          return true;
        },
      );
    });
  }
});
