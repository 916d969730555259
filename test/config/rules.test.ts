import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { checkRules, type RuleContext } from "../../src/config/rules.ts";
import { deferred } from "../support/cleanup.ts";
import { TEST_CA, tempProject } from "../support/project.ts";

const P = "backend.providers.encore-ts";
const defer = deferred();

function project() {
  const made = tempProject({
    ".env.local": "A=1\n",
    "certs/ca.pem": readFileSync(TEST_CA, "utf8"),
    "certs/key.pem": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
    "backend/encore.app": "{}",
    "infra.json": "{}",
  });
  defer(() => made.remove());
  return made;
}

type Case = [
  name: string,
  block: unknown,
  ctx: Omit<RuleContext, "projectDir">,
  expected: [path: string, message: RegExp][],
];

const dev = { env_file: ".env.local", listen: "0.0.0.0:4000" };
const cases: Case[] = [
  ["a minimal dev config passes", { dev }, { operation: "dev" }, []],
  [
    "dev needs listen and env_file",
    { dev: {} },
    { operation: "dev" },
    [
      [`${P}.dev.listen`, /is required for dev/],
      [`${P}.dev.env_file`, /is required for dev/],
    ],
  ],
  ["build needs neither", { dev: {} }, { operation: "build", imageTag: "v1" }, []],
  [
    "an env file that is not there",
    { dev: { ...dev, env_file: "missing.env" } },
    { operation: "dev" },
    [[`${P}.dev.env_file`, /file not found/]],
  ],
  [
    "an env file outside the project",
    { dev: { ...dev, env_file: "../outside.env" } },
    { operation: "dev" },
    [[`${P}.dev.env_file`, /outside the project|leaves the project/]],
  ],
  [
    "a workdir that is a file",
    { dev: { ...dev, workdir: ".env.local" } },
    { operation: "dev" },
    [[`${P}.dev.workdir`, /is not a directory/]],
  ],
  [
    "a CA that is a private key",
    { dev: { ...dev, node_extra_ca_certs: "certs/key.pem" } },
    { operation: "dev" },
    [[`${P}.dev.node_extra_ca_certs`, /contains a PRIVATE KEY/]],
  ],
  [
    "a CA that is not PEM",
    { dev: { ...dev, node_extra_ca_certs: ".env.local" } },
    { operation: "dev" },
    [[`${P}.dev.node_extra_ca_certs`, /is not a PEM certificate/]],
  ],
  ["a CA certificate passes", { dev: { ...dev, node_extra_ca_certs: "certs/ca.pem" } }, { operation: "dev" }, []],
  [
    "a build workdir that is missing",
    { build: { workdir: "nope" } },
    { operation: "build", imageTag: "v1" },
    [[`${P}.build.workdir`, /directory not found/]],
  ],
  [
    "build.config is relative to build.workdir",
    { build: { workdir: "backend", config: "infra.json" } },
    { operation: "build", imageTag: "v1" },
    [[`${P}.build.config`, /file not found/]],
  ],
  [
    "build.config with skip_config",
    { build: { config: "infra.json", skip_config: true } },
    { operation: "build", imageTag: "v1" },
    [[`${P}.build.skip_config`, /cannot be true together with build.config/]],
  ],
  ["a tag with a shell character", {}, { operation: "build", imageTag: "v1;rm" }, [["--tag", /"v1;rm"/]]],
  [
    "a registry in upper case",
    {},
    { operation: "build", imageTag: "v1", registry: "GHCR.io/Org" },
    [["project.registry", /"GHCR.io\/Org"/]],
  ],
  [
    "a registry that is not a string",
    {},
    { operation: "build", imageTag: "v1", registry: 42 },
    [["project.registry", /must be a string/]],
  ],
];

describe("checkRules", () => {
  for (const [name, block, ctx, expected] of cases) {
    test(name, () => {
      const issues = checkRules(block, { projectDir: project().dir, ...ctx });
      assert.deepEqual(
        issues.map((issue) => issue.path),
        expected.map(([path]) => path),
        JSON.stringify(issues, null, 2),
      );
      issues.forEach((issue, index) => assert.match(issue.message, expected[index]![1]));
    });
  }
});
