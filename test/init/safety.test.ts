import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, test } from "node:test";
import { runInit } from "../../src/init/run.ts";
import { runCli } from "../support/cli.ts";
import { ROOT } from "../support/project.ts";
import { WRITTEN, appRepo, init, initError, read, snapshot } from "./app-repo.ts";

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

describe("stagecraft-encore init: what to do next", () => {
  test("names the secrets to fill in and where, and the login a linked app's secrets need", () => {
    const { stdout } = init(appRepo({ app: "backend", linked: true, secrets: ["STRIPE_KEY", "LOGTO_SECRET"] }));
    assert.match(
      stdout,
      /^ {2}put the values of LOGTO_SECRET, STRIPE_KEY in backend\/\.env\.local \(git ignores it\)$/m,
    );
    assert.match(
      stdout,
      /^ {2}log in to Encore Cloud once: docker compose -f compose\.stagecraft\.yml run --rm stagecraft-dev encore auth login/m,
    );
    assert.match(stdout, /^ {2}docker compose -f compose\.stagecraft\.yml up stagecraft-dev /m);
    const unlinked = init(appRepo({ secrets: ["A"] })).stdout;
    assert.doesNotMatch(unlinked, /encore auth login/);
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
