// A monorepo: an Encore app in apps/api of an npm workspace, a shared package in
// packages/shared, the lockfile at the workspace root. The whole repository is mounted at
// /workspace with dev.workdir: apps/api, as the README says, and compose's node_modules
// volume sits at the workspace root. The install is a real `npm` workspace install inside the
// toolbox (the npm registry through this network's intercepting proxy, whose CA the project
// trusts through dev.node_extra_ca_certs).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  chmodSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { deferred } from "../support/cleanup.ts";
import { waitForLogLine } from "../support/docker.ts";
import { ENCORE_VERSION } from "../support/image.ts";
import { helloCompose, toolboxImage, type HelloCompose, type HelloCopy } from "./toolbox.ts";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const defer = deferred("file");
let repo: string;
let env: HelloCompose;
let devId: string;

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "acme", private: true, workspaces: ["apps/*", "packages/*"] }, null, 2),
  "packages/shared/package.json": JSON.stringify({ name: "@acme/shared", version: "1.0.0", main: "index.js" }, null, 2),
  "packages/shared/index.js": 'exports.greeting = "hello from shared";\n',
  "apps/api/package.json": JSON.stringify(
    {
      name: "@acme/api",
      version: "1.0.0",
      private: true,
      type: "module",
      dependencies: { "encore.dev": ENCORE_VERSION, "@acme/shared": "1.0.0" },
    },
    null,
    2,
  ),
  "apps/api/encore.app": '{"id": "", "lang": "typescript"}\n',
  "apps/api/hello/api.ts": 'import { greeting } from "@acme/shared";\nexport const hello = () => greeting;\n',
  "apps/api/hello/encore.service.ts":
    'import { Service } from "encore.dev/service";\nexport default new Service("hello");\n',
  ".env.local": "GREETING=hi\n",
  "stagecraft.yml": `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        workdir: apps/api
        env_file: .env.local
        listen: "0.0.0.0:4000"
        disable_telemetry: true
        node_extra_ca_certs: certs/trusted.pem
`,
};

function chownTree(path: string): void {
  chownSync(path, 1000, 1000);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry));
}

before(async () => {
  const image = await toolboxImage();
  const root = mkdtempSync(join(tmpdir(), "stagecraft-monorepo-"));
  chmodSync(root, 0o755);
  defer(() => rmSync(root, { recursive: true, force: true }));
  repo = join(root, "repo");
  const doubleDir = join(root, "double");
  mkdirSync(doubleDir, { mode: 0o777 });
  chmodSync(doubleDir, 0o777);
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    writeFileSync(join(repo, file), text);
  }
  mkdirSync(join(repo, "certs"));
  writeFileSync(join(repo, "certs", "trusted.pem"), existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE) : "");
  // The workspace's lockfile, at its root, resolved by the real npm (metadata only).
  execFileSync(
    "npm",
    ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: repo, stdio: ["ignore", "ignore", "pipe"] },
  );
  rmSync(join(repo, "node_modules"), { recursive: true, force: true });
  chownTree(repo);

  const project = { dir: repo, doubleDir } as HelloCopy;
  env = await helloCompose({ image, project, scenario: { npmInstall: "real" } });
  defer(() => env.compose.down());
  await env.compose.up(["stagecraft-dev"], 240_000);
  devId = await env.compose.containerId("stagecraft-dev");
});

/** `node -e` as the node user inside the running toolbox, from the app root. */
async function nodeInApp(script: string): Promise<string> {
  const { stdout } = await env.compose.runOk([
    "exec",
    "-T",
    "-u",
    "node",
    "-w",
    "/workspace/apps/api",
    "stagecraft-dev",
    "node",
    "-e",
    script,
  ]);
  return stdout.trim();
}

describe("a monorepo app in apps/api of an npm workspace", () => {
  test("starts from dev.workdir and serves", async () => {
    const res = await fetch(`http://127.0.0.1:${env.apiPort}/hello`);
    assert.equal(res.status, 200);
  });

  test("its packages are installed once, at the workspace root, in the node_modules volume, not in the checkout", async () => {
    const where = await nodeInApp(
      "const fs=require('fs');console.log(['/workspace/node_modules/encore.dev', '/workspace/apps/api/node_modules/encore.dev'].map((d) => fs.existsSync(d + '/package.json')).join(' '))",
    );
    assert.equal(where, "true false", "encore.dev at the root, not under apps/api");
    assert.equal(
      await nodeInApp("console.log(require.resolve('encore.dev/service'))"),
      "/workspace/node_modules/encore.dev/dist/service/mod.js",
    );
    // The volume's mount point is all the checkout sees of node_modules.
    assert.deepEqual(existsSync(join(repo, "node_modules")) ? readdirSync(join(repo, "node_modules")) : [], []);
    assert.ok(existsSync(join(repo, "package-lock.json")), "the workspace's lockfile stays at the root");
    // The runner's install ran at the root; the empty node_modules it leaves in apps/api keeps
    // Encore from installing the workspace again (it installs whenever that path is missing).
    assert.deepEqual(readdirSync(join(repo, "apps", "api", "node_modules")), []);
    const events = readFileSync(join(dirname(repo), "double", "calls.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string });
    assert.deepEqual(
      events.filter((event) => event.event === "npm-install"),
      [],
      "Encore did not run its own install",
    );
  });

  test("the shared package outside the app root resolves from the app, to the workspace's own source", async () => {
    assert.equal(
      await nodeInApp("console.log(require.resolve('@acme/shared'))"),
      "/workspace/packages/shared/index.js",
    );
    assert.equal(await nodeInApp("console.log(require('@acme/shared').greeting)"), "hello from shared");
  });

  test("a change under the app root reloads the app (one under packages/ does not: Encore watches the app root only)", async () => {
    writeFileSync(join(repo, "apps", "api", "hello", "api.ts"), `${FILES["apps/api/hello/api.ts"]}// touched\n`);
    await waitForLogLine(devId, /Reloaded successfully\./, 30_000);
  });
});
