// The files `stagecraft-encore init` writes, checked by the tools that will read them:
// real Docker Compose (`docker compose config`), the Dev Containers CLI
// (`devcontainer read-configuration`) and a GitHub workflow linter (`action-validator`).
// None of these start a container. Each tool is also shown a broken file, so a check that
// could never fail does not pass for one that works.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { execa } from "execa";
import { runInit } from "../../src/init/run.ts";
import { deferred } from "../support/cleanup.ts";
import { docker, requireDocker } from "../support/docker.ts";
import { lintWorkflow } from "../support/workflow-lint.ts";
import { ROOT, tempProject, type TempProject } from "../support/project.ts";

const cleanup = deferred();
const BIN = join(ROOT, "node_modules", ".bin");

const APPS: [string, Record<string, string>][] = [
  [
    "an unlinked app at the root, no database, no secret",
    { "encore.app": '{"id": ""}', "package.json": '{"dependencies": {"encore.dev": "1.57.0"}}' },
  ],
  [
    "a linked app in backend/ with a database and two secrets",
    {
      "backend/encore.app": '{\n  // linked\n  "id": "shop-x7k2",\n}\n',
      "backend/package.json": '{"dependencies": {"encore.dev": "1.57.0"}}',
      "backend/shop/api.ts": 'const a = secret("STRIPE_KEY"); const b = secret("LOGTO_SECRET");',
      "backend/shop/db.ts": 'new SQLDatabase("shop", { migrations: "./migrations" });',
    },
  ],
];

function initialised(files: Record<string, string>): TempProject {
  const repo = tempProject(files);
  cleanup(() => repo.remove());
  assert.equal(runInit({ projectDir: repo.dir, force: false, dryRun: false, stdout: () => {}, stderr: () => {} }), 0);
  return repo;
}

function tool(name: string, args: readonly string[], cwd: string) {
  return execa(join(BIN, name), args, { cwd, reject: false, stdin: "ignore", env: { NO_COLOR: "1" } });
}

describe("the files init writes are valid for the tools that read them", () => {
  for (const [name, files] of APPS) {
    test(`${name}: docker compose config accepts the compose file, with the services the devcontainer names`, async () => {
      await requireDocker();
      const repo = initialised(files);
      const config = await docker(["compose", "-f", "compose.stagecraft.yml", "config", "--format", "json"], {
        cwd: repo.dir,
      });
      assert.equal(config.exitCode, 0, config.stderr);
      assert.equal(config.stderr, "");
      const services = Object.keys((JSON.parse(config.stdout) as { services: object }).services);
      assert.deepEqual(
        services.sort(),
        name.includes("with a database") ? ["postgres", "stagecraft-dev"] : ["stagecraft-dev"],
      );

      const read = await tool("devcontainer", ["read-configuration", "--workspace-folder", repo.dir], repo.dir);
      assert.equal(read.exitCode, 0, String(read.stderr));
      const { configuration } = JSON.parse(String(read.stdout)) as { configuration: Record<string, unknown> };
      assert.ok(services.includes(String(configuration["service"])));
      assert.deepEqual(
        [
          configuration["dockerComposeFile"],
          configuration["workspaceFolder"],
          configuration["remoteUser"],
          configuration["overrideCommand"],
          configuration["forwardPorts"],
        ],
        [["../compose.stagecraft.yml"], "/workspace", "node", false, [4000, 9400]],
      );
    });

    test(`${name}: action-validator accepts the workflow`, async () => {
      const repo = initialised(files);
      const lint = await lintWorkflow(repo.path(".github", "workflows", "stagecraft-build.yml"));
      assert.equal(lint.ok, true, lint.output);
    });
  }

  // `devcontainer read-configuration` is lenient (a truncated file or a wrong type passes), so
  // it is only a parse here; test/container/devcontainer.test.ts runs `devcontainer up`.
  test("compose and the workflow linter reject a broken file (the checks above can fail)", async () => {
    await requireDocker();
    const repo = tempProject({
      "compose.yml": "services:\n  app:\n    image: x\n    ports: [{ nonsense: true }]\n",
      ".github/workflows/bad.yml": "on: push\njobs:\n  a:\n    steps: []\n",
    });
    cleanup(() => repo.remove());
    assert.notEqual(
      (await docker(["compose", "-f", "compose.yml", "config", "--quiet"], { cwd: repo.dir })).exitCode,
      0,
    );
    assert.equal((await lintWorkflow(repo.path(".github", "workflows", "bad.yml"))).ok, false);
  });
});
