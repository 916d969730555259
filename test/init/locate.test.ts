import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, test } from "node:test";
import { UsageError } from "../../src/errors/index.ts";
import { parse as parseYaml } from "yaml";
import { tempProject, type TempProject } from "../support/project.ts";
import { WRITTEN, appRepo, cleanup, init, initError, read, snapshot } from "./app-repo.ts";

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
