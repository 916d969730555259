import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { validateProviderConfig } from "../../src/config/settings.ts";
import { ProviderError, UsageError } from "../../src/errors/index.ts";
import { IMAGE_ENCORE_VERSION, PUBLISHED_IMAGE, publishedImageRef } from "../../src/image/published.ts";
import { runInit, type InitRequest } from "../../src/init/run.ts";
import { deferred } from "../support/cleanup.ts";
import { ENCORE_VERSION } from "../support/image.ts";
import { runCli } from "../support/cli.ts";
import { ROOT, tempProject, type TempProject } from "../support/project.ts";

const cleanup = deferred();

/** An Encore.ts app repository; `app` is where encore.app goes. */
function appRepo(
  options: {
    app?: string;
    linked?: boolean;
    secrets?: string[];
    database?: boolean;
    files?: Record<string, string>;
  } = {},
): TempProject {
  const at = (file: string) => (options.app && options.app !== "." ? `${options.app}/${file}` : file);
  const secrets = (options.secrets ?? [])
    .map((name) => `export const ${name.toLowerCase()} = secret("${name}");`)
    .join("\n");
  const repo = tempProject({
    [at("encore.app")]:
      `{\n  // written by encore app create\n  "id": "${options.linked ? "shop-x7k2" : ""}",\n  "lang": "typescript",\n}\n`,
    [at("package.json")]: JSON.stringify(
      { name: "shop", type: "module", dependencies: { "encore.dev": "1.56.4" } },
      null,
      2,
    ),
    [at("package-lock.json")]: "{}\n",
    [at("shop/api.ts")]:
      `import { api } from "encore.dev/api";\nimport { secret } from "encore.dev/config";\n${secrets}\nexport const get = api({}, async () => ({}));\n`,
    ...(options.database
      ? {
          [at("shop/db.ts")]: 'export const db = new SQLDatabase("shop", { migrations: "./migrations" });\n',
          [at("shop/migrations/1_init.up.sql")]: "create table t (id int);\n",
        }
      : {}),
    // Never read: dependencies and Encore's generated code.
    [at("node_modules/lib/index.ts")]: 'secret("FROM_NODE_MODULES")',
    [at("encore.gen/clients/index.ts")]: 'secret("FROM_ENCORE_GEN")',
    ...options.files,
  });
  cleanup(() => repo.remove());
  return repo;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function init(repo: TempProject, options: Partial<Omit<InitRequest, "stdout" | "stderr">> = {}): Ran {
  let stdout = "";
  let stderr = "";
  const code = runInit({
    projectDir: repo.dir,
    force: false,
    dryRun: false,
    ...options,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

function initError(repo: TempProject, options: Partial<Omit<InitRequest, "stdout" | "stderr">> = {}): ProviderError {
  try {
    init(repo, options);
  } catch (error) {
    assert.ok(error instanceof ProviderError, String(error));
    return error;
  }
  assert.fail("init succeeded");
}

function read(repo: TempProject, path: string): string {
  return readFileSync(repo.path(path), "utf8");
}

/** Every file under the repo with its content and mtime: what "writes nothing" is checked against. */
function snapshot(repo: TempProject, paths: readonly string[]): string[] {
  return paths.map((path) => {
    try {
      return `${path} ${statSync(repo.path(path)).mtimeMs} ${read(repo, path)}`;
    } catch {
      return `${path} absent`;
    }
  });
}

const WRITTEN = [
  "stagecraft.yml",
  ".env.local",
  "compose.stagecraft.yml",
  ".devcontainer/devcontainer.json",
  ".github/workflows/stagecraft-build.yml",
  ".gitignore",
];
const schema = JSON.parse(readFileSync(join(ROOT, "schema", "stagecraft.schema.json"), "utf8")) as object;
const validateJsonSchema = new Ajv.default({ allErrors: true, strict: false }).compile(schema);

function providerBlock(config: unknown): unknown {
  return (config as { backend: { providers: Record<string, unknown> } }).backend.providers["encore-ts"];
}

describe("stagecraft-encore init: where the app is", () => {
  const layouts: [string, string, string][] = [
    ["encore.app in the project directory", ".", "stagecraft.yml"],
    ["the one app in backend/", "backend", "backend/stagecraft.yml"],
    ["the one app in apps/api/", "apps/api", "apps/api/stagecraft.yml"],
  ];
  for (const [name, app, config] of layouts) {
    test(`${name}: stagecraft.yml and the env file next to encore.app, the rest at the repository root`, () => {
      const repo = appRepo({ app });
      assert.equal(init(repo).code, 0);
      const compose = parseYaml(read(repo, "compose.stagecraft.yml"));
      assert.equal(compose.services["stagecraft-dev"].volumes[0], `${app === "." ? "." : `./${app}`}:/workspace`);
      assert.match(read(repo, config), /env_file: \.env\.local/);
      assert.equal(read(repo, app === "." ? ".env.local" : `${app}/.env.local`).startsWith("#"), true);
      for (const path of [
        "compose.stagecraft.yml",
        ".devcontainer/devcontainer.json",
        ".github/workflows/stagecraft-build.yml",
        ".gitignore",
      ])
        statSync(repo.path(path));
    });
  }

  const refused: [string, (repo: TempProject) => string, RegExp, RegExp][] = [
    ["two apps below", () => "", /found 2 Encore apps below .*: apps\/a, apps\/b/, /--project-dir apps\/a/],
    ["no app at all", () => "", /no encore\.app in /, /encore app create/],
    [
      "inside an app: the toolbox would not see encore.app",
      (repo) => "shop",
      /is inside the Encore app at /,
      /run init in /,
    ],
  ];
  for (const [name, subdir, message, fix] of refused) {
    test(`${name}: INVALID_PROJECT (exit 3) with a fix, nothing written`, () => {
      const files: Record<string, string> =
        name === "two apps below"
          ? { "apps/a/encore.app": "{}", "apps/b/encore.app": "{}" }
          : name === "no app at all"
            ? { "README.md": "hi" }
            : { "encore.app": "{}", "shop/api.ts": "" };
      const repo = tempProject(files);
      cleanup(() => repo.remove());
      const error = initError({ ...repo, dir: repo.path(subdir(repo)) });
      assert.deepEqual(
        [error.category, error.exitCode, error.operation, error.provider],
        ["INVALID_PROJECT", 3, "init", "encore-ts"],
      );
      assert.match(error.message, message);
      assert.match(error.fix ?? "", fix);
      assert.deepEqual(
        snapshot(repo, WRITTEN).filter((line) => !line.endsWith("absent")),
        [],
      );
    });
  }
});

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

    const withDb = appRepo({ database: true });
    init(withDb, { image: "registry.example/tools/stagecraft-encore:1.2.3" });
    const db = parseYaml(read(withDb, "compose.stagecraft.yml"));
    assert.deepEqual(Object.keys(db.services), ["stagecraft-dev", "postgres"]);
    assert.equal(db.services["stagecraft-dev"].image, "registry.example/tools/stagecraft-encore:1.2.3");
    assert.equal(db.services["stagecraft-dev"].environment.ENCORE_SQLDB_HOST, "postgres:5432");
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

describe("stagecraft-encore init: safe to run", () => {
  test("a second run changes nothing: byte-identical files, untouched mtimes, every file reported unchanged", () => {
    const repo = appRepo({ secrets: ["A"], database: true });
    assert.equal(init(repo).code, 0);
    const before = snapshot(repo, WRITTEN);
    const second = init(repo);
    assert.equal(second.code, 0);
    assert.deepEqual(snapshot(repo, WRITTEN), before);
    assert.deepEqual(
      second.stdout
        .split("\n")
        .filter((line) => /^\S+ +\S+$/.test(line) && !line.startsWith("Encore"))
        .map((line) => line.split(/ +/)[0]),
      ["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"],
    );
    assert.doesNotMatch(second.stdout, /Next:/);
  });

  test("a file with other content is never overwritten without --force, and then nothing at all is written", () => {
    const repo = appRepo({ files: { "stagecraft.yml": "# mine\n", ".gitignore": "node_modules/\n" } });
    const error = initError(repo);
    assert.deepEqual([error.category, error.exitCode], ["INVALID_PROJECT", 3]);
    assert.match(error.message, /^stagecraft\.yml already exists with other content; nothing was written$/);
    assert.match(error.fix ?? "", /--force/);
    assert.deepEqual(error.facts["conflicts"], ["stagecraft.yml"]);
    assert.equal(read(repo, "stagecraft.yml"), "# mine\n");
    assert.equal(read(repo, ".gitignore"), "node_modules/\n");
    for (const path of ["compose.stagecraft.yml", ".env.local", ".devcontainer/devcontainer.json"])
      assert.throws(() => statSync(repo.path(path)));
  });

  test("--force overwrites what differs but keeps the env file's values and the .gitignore's lines", () => {
    const repo = appRepo({
      files: { "stagecraft.yml": "# mine\n", ".env.local": "API_KEY=kept\n", ".gitignore": "node_modules/\n" },
    });
    const { code, stdout } = init(repo, { force: true });
    assert.equal(code, 0);
    assert.match(stdout, /^overwrote +stagecraft\.yml$/m);
    assert.match(read(repo, "stagecraft.yml"), /provider: encore-ts/);
    assert.equal(read(repo, ".env.local"), "API_KEY=kept\n");
    assert.equal(
      read(repo, ".gitignore"),
      "node_modules/\n\n# stagecraft-encore: Encore's local secrets and the dev env file\n.secrets.local.cue\n.env.local\n",
    );
  });

  test("--dry-run prints each file's content (or a diff) and writes nothing", () => {
    const repo = appRepo({ files: { ".devcontainer/devcontainer.json": "{}\n" } });
    const before = snapshot(repo, WRITTEN);
    const { code, stdout } = init(repo, { dryRun: true, force: true });
    assert.equal(code, 0);
    assert.deepEqual(snapshot(repo, WRITTEN), before);
    assert.match(stdout, /^would create +compose\.stagecraft\.yml\n {4}# Local development/m);
    assert.match(
      stdout,
      /^would overwrite +\.devcontainer\/devcontainer\.json\n {4}--- \.devcontainer\/devcontainer\.json\tnow\n {4}\+\+\+ \.devcontainer\/devcontainer\.json\tinit\n/m,
    );
    assert.match(stdout, /^ {4}-\{\}$/m);
  });

  test("--dry-run without --force shows the conflict's diff and fails like the real run would", () => {
    const repo = appRepo({ files: { "stagecraft.yml": "# mine\n" } });
    let stdout = "";
    assert.throws(
      () =>
        runInit({
          projectDir: repo.dir,
          force: false,
          dryRun: true,
          stdout: (text) => (stdout += text),
          stderr: () => {},
        }),
      /stagecraft\.yml already exists/,
    );
    assert.match(stdout, /^differs, would not write +stagecraft\.yml\n {4}--- stagecraft\.yml/m);
    assert.throws(() => statSync(repo.path("compose.stagecraft.yml")));
  });
});

describe("stagecraft-encore init: hostile input", () => {
  test("an --image that is not an image reference is a usage error before anything is read or written", () => {
    const repo = appRepo();
    for (const image of ['x"; rm -rf / #', "Upper/Case:1", "ghcr.io/a/b:tag with space", ""]) {
      assert.throws(
        () => init(repo, { image }),
        (error: Error) => error instanceof UsageError && /^--image /.test(error.message),
      );
    }
    assert.throws(() => statSync(repo.path("compose.stagecraft.yml")));
  });

  test("an app folder whose name a compose volume or a shell would misread is INVALID_PROJECT", () => {
    for (const folder of ["my app", "api$(id)", "a:b"]) {
      const repo = tempProject({ [`${folder}/encore.app`]: "{}" });
      cleanup(() => repo.remove());
      const error = initError(repo);
      assert.equal(error.category, "INVALID_PROJECT");
      assert.match(error.fix ?? "", /rename it/);
    }
  });
});

describe("stagecraft-encore init on the command line", () => {
  test("a conflict is a headline on stderr with the category, the operation and a fix, exit 3; the plan is on stdout", async () => {
    const repo = appRepo({ files: { "stagecraft.yml": "# mine\n" } });
    const finished = await runCli(["init"], { cwd: repo.dir, env: {} });
    assert.equal(finished.code, 3);
    assert.match(
      finished.stderr,
      /^encore-ts init: INVALID_PROJECT: stagecraft\.yml already exists with other content; nothing was written\n {2}fix: .*--force/m,
    );
    assert.doesNotMatch(finished.stderr, /\n\s+at /, "no stack trace");
    assert.match(finished.stdout, /^differs, not written +stagecraft\.yml$/m);
  });

  test("--project-dir and --dry-run: nothing written, exit 0", async () => {
    const repo = appRepo();
    const finished = await runCli(["init", "--dry-run", "--project-dir", repo.dir], { cwd: ROOT, env: {} });
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stdout, /^would create +\.github\/workflows\/stagecraft-build\.yml$/m);
    assert.throws(() => statSync(repo.path("stagecraft.yml")));
  });
});
