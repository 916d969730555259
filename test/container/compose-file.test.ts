import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "../support/project.ts";

// docker-compose.yml as `docker compose config` resolves it (the real Compose CLI; no engine needed).
interface ComposeService {
  build?: { args?: Record<string, string> };
  environment?: Record<string, string | null>;
  ports?: { target: number; published: string; host_ip?: string }[];
}

function composeConfig(env: Record<string, string>): { services: Record<string, ComposeService> } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith("ENCORE_") && !key.startsWith("STAGECRAFT_") && !/_proxy$/i.test(key),
    ),
  );
  const stdout = execFileSync(
    "docker",
    ["compose", "-f", join(ROOT, "docker-compose.yml"), "--profile", "dind", "config", "--format", "json"],
    { encoding: "utf8", env: { ...clean, ...env } },
  );
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

  test("passes the proxy variables that are set, in either case, to the toolbox and to its image build", () => {
    const proxies = {
      HTTPS_PROXY: "http://proxy.corp:3128",
      http_proxy: "http://proxy.corp:3128",
      NO_PROXY: ".corp.example",
    };
    const config = composeConfig(proxies);
    for (const name of ["stagecraft-dev", "stagecraft-dev-dind"]) {
      const service = config.services[name]!;
      assert.deepEqual(service.build?.args, proxies, name);
      const set = Object.fromEntries(
        Object.entries(service.environment ?? {}).filter(([key, value]) => /_proxy$/i.test(key) && value !== null),
      );
      assert.deepEqual(set, proxies, name);
    }
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
