import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "../support/project.ts";

// docker-compose.yml as `docker compose config` resolves it (the real Compose CLI; no engine needed).
interface ComposeService {
  build?: { args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: { target: number; published: string; host_ip?: string }[];
}

function composeConfig(env: Record<string, string>): { services: Record<string, ComposeService> } {
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

  test("publishes the debugger relay on the host's loopback only, and turns the relay on", () => {
    const dev = composeConfig({}).services["stagecraft-dev"];
    assert.equal(dev?.environment?.["STAGECRAFT_DEBUG_RELAY"], "0.0.0.0:9230");
    assert.deepEqual(
      dev?.ports?.filter((port) => port.target === 9230).map(({ host_ip, published }) => ({ host_ip, published })),
      [{ host_ip: "127.0.0.1", published: "9229" }],
    );
  });
});
