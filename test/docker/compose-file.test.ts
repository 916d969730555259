import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "../support/project.ts";

// docker-compose.yml as `docker compose config` resolves it (real Compose, no engine needed).
function composeConfig(env: Record<string, string>): { services: Record<string, { build?: { args?: Record<string, string> } }> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ENCORE_") && !key.startsWith("STAGECRAFT_")));
  const stdout = execFileSync("docker", ["compose", "-f", join(ROOT, "docker-compose.yml"), "--profile", "dind", "config", "--format", "json"], { encoding: "utf8", env: { ...clean, ...env } });
  return JSON.parse(stdout);
}

describe("docker-compose.yml", () => {
  test("passes ENCORE_VERSION and ENCORE_SHA256 from the environment to the image build", () => {
    const sha = "a".repeat(64);
    const config = composeConfig({ ENCORE_VERSION: "1.58.2", ENCORE_SHA256: sha });
    for (const name of ["stagecraft-dev", "stagecraft-dev-dind"]) {
      assert.deepEqual(config.services[name]?.build?.args, { ENCORE_VERSION: "1.58.2", ENCORE_SHA256: sha }, name);
    }
  });

  test("passes neither when they are unset, so the Dockerfile's default version applies", () => {
    const config = composeConfig({});
    assert.equal(config.services["stagecraft-dev"]?.build?.args, undefined);
  });
});
