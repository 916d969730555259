import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { validateProviderConfig } from "../../src/config/settings.ts";
import { IMAGE_ENCORE_VERSION, PUBLISHED_IMAGE, publishedImageRef } from "../../src/image/published.ts";
import { ENCORE_VERSION } from "../support/image.ts";
import { ROOT } from "../support/project.ts";
import { appRepo, init, read } from "./app-repo.ts";

const schema = JSON.parse(readFileSync(join(ROOT, "schema", "stagecraft.schema.json"), "utf8")) as object;
const validateJsonSchema = new Ajv.default({ allErrors: true, strict: false }).compile(schema);

function providerBlock(config: unknown): unknown {
  return (config as { backend: { providers: Record<string, unknown> } }).backend.providers["encore-ts"];
}

describe("stagecraft-encore init: what it writes", () => {
  test("stagecraft.yml passes the runner's own validation for dev and build, and the JSON Schema", () => {
    for (const options of [{}, { linked: true, secrets: ["STRIPE_KEY"], database: true }]) {
      const repo = appRepo(options);
      init(repo);
      const config = parseYaml(read(repo, "stagecraft.yml"));
      for (const operation of ["dev", "build"] as const) {
        const result = validateProviderConfig(providerBlock(config), { projectDir: repo.dir, operation });
        assert.equal(result.ok, true, JSON.stringify(result));
      }
      assert.equal(validateJsonSchema(config), true, JSON.stringify(validateJsonSchema.errors));
    }
  });

  test("from_env lists the secrets the code declares, sorted, once each; node_modules and encore.gen are not read", () => {
    const repo = appRepo({
      secrets: ["STRIPE_KEY", "LOGTO_SECRET"],
      files: { "billing/keys.ts": "secret(\"STRIPE_KEY\"); secret('GITHUB_TOKEN')" },
    });
    init(repo);
    const block = providerBlock(parseYaml(read(repo, "stagecraft.yml"))) as {
      dev: { encore_secrets: { from_env: string[]; mode: string } };
    };
    assert.deepEqual(block.dev.encore_secrets.from_env, ["GITHUB_TOKEN", "LOGTO_SECRET", "STRIPE_KEY"]);
  });

  test("an unlinked app gets mode local; a linked one mode cloud and ENCORE_AUTH_KEY in the workflow", () => {
    const unlinked = appRepo({ secrets: ["A"] });
    init(unlinked);
    assert.match(read(unlinked, "stagecraft.yml"), /^ {10}mode: local$/m);
    assert.doesNotMatch(read(unlinked, ".github/workflows/stagecraft-build.yml"), /ENCORE_AUTH_KEY/);
    const linked = appRepo({ secrets: ["A"], linked: true });
    init(linked);
    assert.match(read(linked, "stagecraft.yml"), /^ {10}mode: cloud$/m);
    assert.match(
      read(linked, ".github/workflows/stagecraft-build.yml"),
      /ENCORE_AUTH_KEY: \$\{\{ secrets\.ENCORE_AUTH_KEY \}\}/,
    );
    // Locally, a key in the shell reaches the toolbox (passed only when set).
    const compose = parseYaml(read(linked, "compose.stagecraft.yml"));
    assert.equal(compose.services["stagecraft-dev"].environment.ENCORE_AUTH_KEY, null);
  });

  test("the compose file runs the published image pinned by tag, with Postgres only when the app has databases", () => {
    const plain = appRepo();
    init(plain);
    const compose = parseYaml(read(plain, "compose.stagecraft.yml"));
    assert.equal(compose.services["stagecraft-dev"].image, publishedImageRef());
    assert.match(
      publishedImageRef(),
      new RegExp(`^${PUBLISHED_IMAGE}:\\d+\\.\\d+\\.\\d+-encore${IMAGE_ENCORE_VERSION.replaceAll(".", "\\.")}$`),
    );
    assert.deepEqual(Object.keys(compose.services), ["stagecraft-dev"]);
    assert.equal(compose.services["stagecraft-dev"].environment.ENCORE_SQLDB_HOST, undefined);
    // The inspector relay, as in docker-compose.yml: published on the host's loopback only.
    assert.ok(compose.services["stagecraft-dev"].ports.includes("127.0.0.1:${STAGECRAFT_DEBUG_PORT:-9229}:9230"));
    assert.equal(compose.services["stagecraft-dev"].environment.STAGECRAFT_DEBUG_RELAY, "0.0.0.0:9230");
    // Proxies pass through from the shell only when set (a key without a value); no auth key for an unlinked app.
    assert.deepEqual(
      Object.entries(compose.services["stagecraft-dev"].environment)
        .filter(([, value]) => value === null)
        .map(([name]) => name),
      ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"],
    );

    const withDb = appRepo({ database: true });
    init(withDb, { image: "registry.example/tools/stagecraft-encore:1.2.3" });
    const db = parseYaml(read(withDb, "compose.stagecraft.yml"));
    assert.deepEqual(Object.keys(db.services), ["stagecraft-dev", "postgres"]);
    assert.equal(db.services["stagecraft-dev"].image, "registry.example/tools/stagecraft-encore:1.2.3");
    assert.equal(db.services["stagecraft-dev"].environment.ENCORE_SQLDB_HOST, "postgres:5432");
    assert.equal(db.services["stagecraft-dev"].environment.ENCORE_AUTH_KEY, undefined);
    // As in docker-compose.yml: one package cache for every app on the machine.
    assert.ok(db.services["stagecraft-dev"].volumes.includes("package-cache:/home/node/.cache/packages"));
    assert.deepEqual(db.volumes["package-cache"], {
      name: "${STAGECRAFT_PACKAGE_CACHE:-stagecraft-encore-package-cache}",
    });
    assert.deepEqual(db.services["stagecraft-dev"].depends_on, { postgres: { condition: "service_healthy" } });
    assert.match(
      read(withDb, ".github/workflows/stagecraft-build.yml"),
      /registry\.example\/tools\/stagecraft-encore:1\.2\.3 build --tag/,
    );
  });

  test("the devcontainer is built on the service: ports, node, the mounted app, and the service's own command", () => {
    const repo = appRepo({ app: "backend" });
    init(repo);
    const devcontainer = JSON.parse(read(repo, ".devcontainer/devcontainer.json"));
    assert.deepEqual(devcontainer.dockerComposeFile, ["../compose.stagecraft.yml"]);
    assert.equal(devcontainer.service, "stagecraft-dev");
    assert.deepEqual(devcontainer.forwardPorts, [4000, 9400]);
    assert.equal(devcontainer.remoteUser, "node");
    assert.equal(devcontainer.workspaceFolder, "/workspace");
    assert.equal(devcontainer.overrideCommand, false);
  });

  test("the README's quick start runs init from the image this version publishes", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    assert.ok(readme.includes(`docker run --rm -v "$PWD:/workspace" ${publishedImageRef()} init`), publishedImageRef());
  });

  test("the published image's Encore is the Dockerfile's default ENCORE_VERSION", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    assert.equal(/^ARG ENCORE_VERSION=(\S+)$/m.exec(dockerfile)?.[1], IMAGE_ENCORE_VERSION);
    assert.equal(ENCORE_VERSION, IMAGE_ENCORE_VERSION);
  });

  test("an encore.dev newer than the image's Encore is a warning that names --image", () => {
    const repo = appRepo({ files: { "package.json": JSON.stringify({ dependencies: { "encore.dev": "^9.1.0" } }) } });
    const { code, stderr } = init(repo);
    assert.equal(code, 0);
    assert.match(stderr, /^warning: encore\.dev \^9\.1\.0 is newer than the image's Encore CLI .*--image/m);
  });
});

describe("stagecraft-encore init: workspaces and package managers", () => {
  test("a workspace member: the workspace root is mounted, stagecraft.yml sits there and points at the app", () => {
    const repo = appRepo({
      app: "apps/api",
      files: {
        "package.json": JSON.stringify({ name: "monorepo", private: true, packageManager: "pnpm@9.15.0" }),
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        // The member has no lock file of its own (appRepo writes one; pnpm members have none).
        "apps/api/package-lock.json": "",
      },
    });
    rmSync(repo.path("apps", "api", "package-lock.json"));
    const { stdout } = init(repo);
    assert.match(stdout, /; pnpm; /);
    assert.match(stdout, /^ {2}workspace: the repository root /m);
    const compose = parseYaml(read(repo, "compose.stagecraft.yml"));
    assert.equal(compose.services["stagecraft-dev"].volumes[0], ".:/workspace");
    const config = parseYaml(read(repo, "stagecraft.yml"));
    const block = providerBlock(config) as { dev: { workdir: string; env_file: string }; build: { workdir: string } };
    assert.deepEqual(
      [block.dev.workdir, block.dev.env_file, block.build.workdir],
      ["apps/api", "apps/api/.env.local", "apps/api"],
    );
    for (const operation of ["dev", "build"] as const) {
      const result = validateProviderConfig(block, { projectDir: repo.dir, operation });
      assert.equal(result.ok, true, JSON.stringify(result));
    }
    assert.match(read(repo, ".github/workflows/stagecraft-build.yml"), /-v "\$PWD:\/workspace"/);
  });

  test("an app with its own lock file below a workspace root is mounted alone", () => {
    const repo = appRepo({ app: "backend", files: { "package.json": JSON.stringify({ workspaces: ["backend"] }) } });
    init(repo);
    assert.equal(
      parseYaml(read(repo, "compose.stagecraft.yml")).services["stagecraft-dev"].volumes[0],
      "./backend:/workspace",
    );
    assert.match(read(repo, "backend/stagecraft.yml"), /^ {8}workdir: \.$/m);
  });

  test("a package manager the toolbox cannot install with is a warning with a fix; init still writes", () => {
    const repo = appRepo({ files: { "bun.lock": "{}\n" } });
    rmSync(repo.path("package-lock.json"));
    const { code, stderr } = init(repo);
    assert.equal(code, 0);
    assert.match(stderr, /^warning: the app uses bun .*; switch the app to npm, pnpm or yarn/m);
  });
});
