import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { describe, test } from "node:test";
import { deferred } from "../../support/cleanup.ts";
import { runCli, RunningCli } from "../../support/cli.ts";
import { commandOf, doubleWorld, runnerCalls, type DoubleWorld } from "../../support/double.ts";
import { encoreProject, type TempProject } from "../../support/project.ts";
import { freePort } from "../../support/ports.ts";

const defer = deferred();

interface Fixture {
  project: TempProject;
  world: DoubleWorld;
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
}

async function fixture(secrets: string, envFile: string, scenario: unknown = {}, loggedIn = true): Promise<Fixture> {
  const port = await freePort();
  const project = encoreProject(
    `backend:
  provider: encore-ts
  providers:
    encore-ts:
      dev:
        env_file: .env.local
        listen: "127.0.0.1:${port}"
        encore_secrets: ${secrets}
`,
    { ".env.local": envFile },
  );
  const world = await doubleWorld(scenario);
  if (loggedIn) world.logIn();
  defer(
    () => project.remove(),
    () => world.remove(),
  );
  return { project, world, env: (extra = {}) => world.env(extra) };
}

/** Starts dev, waits until ready, stops it, and returns everything it printed. */
async function devUntilReady(
  f: Fixture,
  env = f.env(),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = new RunningCli(["dev"], { cwd: f.project.dir, env });
  defer(() => run.kill("SIGKILL"));
  await run.waitForLine(/dev server ready/);
  run.kill("SIGTERM");
  return run.finished();
}

const SIX =
  "A_ONE=value-1-aaaa\nB_TWO=value-2-bbbb\nC_THREE=value-3-cccc\nD_FOUR=value-4-dddd\nE_FIVE=value-5-eeee\nF_SIX=value-6-ffff\n";

describe("secret sync", () => {
  test("runs at most `concurrency` calls at once and logs in the configured order", async () => {
    const f = await fixture("{from_env: [A_ONE, B_TWO, C_THREE, D_FOUR, E_FIVE, F_SIX], concurrency: 3}", SIX, {
      secretSet: { delayMs: 150 },
    });
    const { code, stderr } = await devUntilReady(f);
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      [...stderr.matchAll(/secret (\w+) set/g)].map((m) => m[1]),
      ["A_ONE", "B_TWO", "C_THREE", "D_FOUR", "E_FIVE", "F_SIX"],
    );
    // Overlap, from the double's own timestamps: never more than 3 secret sets alive at once.
    const events = f.world.events();
    const sets = runnerCalls(f.world).filter((call) => commandOf(call) === "secret set");
    const spans = sets.map((call) => [
      events.find((e) => e.pid === call.pid && e.event === "call") as unknown as { time: number },
      events.find((e) => e.pid === call.pid && e.event === "exit") as unknown as { time: number },
    ]);
    const maxOverlap = Math.max(
      ...spans.map(([start]) => spans.filter(([s, e]) => s!.time <= start!.time && e!.time > start!.time).length),
    );
    assert.ok(maxOverlap <= 3, `overlap ${maxOverlap}`);
    assert.ok(maxOverlap >= 2, "calls did run concurrently");
  });

  test("the first failure starts no more calls and the error lists what was set and what was not", async () => {
    const f = await fixture("{from_env: [A_ONE, B_TWO, C_THREE, D_FOUR, E_FIVE, F_SIX], concurrency: 2}", SIX, {
      secretSet: { fail: ["C_THREE"], delayMs: 100 },
    });
    const finished = await runCli(["dev", "--log-format", "json"], { cwd: f.project.dir, env: f.env() });
    assert.equal(finished.code, 5);
    const error = JSON.parse(finished.stderr.trim().split("\n").at(-1)!);
    assert.equal(error.secret, "C_THREE");
    assert.ok(error.set.includes("A_ONE") && error.set.includes("B_TWO"));
    assert.ok(error.notSet.includes("C_THREE") && error.notSet.includes("F_SIX"));
    assert.deepEqual([...error.set, ...error.notSet].sort(), [
      "A_ONE",
      "B_TWO",
      "C_THREE",
      "D_FOUR",
      "E_FIVE",
      "F_SIX",
    ]);
    const called = runnerCalls(f.world)
      .filter((call) => commandOf(call) === "secret set")
      .map((call) => call.argv.at(-1));
    assert.ok(!called.includes("F_SIX"), `no call starts after the failure: ${called.join(",")}`);
    assert.equal(
      runnerCalls(f.world).some((call) => commandOf(call) === "run"),
      false,
    );
  });

  test("skip_unchanged: a second start sets nothing unchanged, a changed value is set again, and no value is stored", async () => {
    const f = await fixture(
      "{from_env: [A_ONE, B_TWO], skip_unchanged: true}",
      "A_ONE=first-value\nB_TWO=second-value\n",
    );
    await devUntilReady(f);
    const second = await devUntilReady(f);
    assert.match(second.stderr, /secret A_ONE is unchanged since the last sync; skipped/);
    f.project.write(".env.local", "A_ONE=changed-value\nB_TWO=second-value\n");
    const third = await devUntilReady(f);
    assert.match(third.stderr, /secret A_ONE set/);
    assert.match(third.stderr, /secret B_TWO is unchanged/);
    const setCalls = runnerCalls(f.world)
      .filter((call) => commandOf(call) === "secret set")
      .map((call) => call.argv.at(-1));
    assert.deepEqual(setCalls.sort(), ["A_ONE", "A_ONE", "B_TWO"]);
    const state = readFileSync(f.world.home.path(".config", "encore", "stagecraft-encore", "secret-sync.json"), "utf8");
    for (const value of ["first-value", "second-value", "changed-value"]) assert.ok(!state.includes(value));
    assert.equal(
      statSync(f.world.home.path(".config", "encore", "stagecraft-encore", "secret-sync.key")).mode & 0o777,
      0o600,
    );
  });
});

describe("CI login", () => {
  test("logs in once with ENCORE_AUTH_KEY before the secrets, and the key appears nowhere", async () => {
    const f = await fixture("{from_env: [A_ONE]}", "A_ONE=value-one-1234\n", {}, false);
    const { code, stdout, stderr } = await devUntilReady(f, f.env({ ENCORE_AUTH_KEY: "ek_live_0123456789" }));
    assert.equal(code, 0, stderr);
    const commands = runnerCalls(f.world)
      .map(commandOf)
      .filter((command) => command !== "version");
    assert.deepEqual(commands, ["auth login", "secret set", "run"]);
    assert.ok(!`${stdout}${stderr}`.includes("ek_live_0123456789"));
    assert.match(stderr, /logging in to Encore with ENCORE_AUTH_KEY/);
    for (const call of runnerCalls(f.world))
      assert.equal(call.env.ENCORE_AUTH_KEY, undefined, "the app encore run starts must not inherit the CI key");
  });

  test("accepts the official image's ENCORE_AUTHKEY", async () => {
    const f = await fixture("{from_env: [A_ONE]}", "A_ONE=value-one-1234\n", {}, false);
    const { code } = await devUntilReady(f, f.env({ ENCORE_AUTHKEY: "ek_other_987654321" }));
    assert.equal(code, 0);
    assert.deepEqual(runnerCalls(f.world).find((call) => commandOf(call) === "auth login")?.argv, [
      "auth",
      "login",
      "--auth-key=ek_other_987654321",
    ]);
  });

  test("a rejected key is a clear error naming the variable, not the key", async () => {
    const f = await fixture("{from_env: [A_ONE]}", "A_ONE=value-one-1234\n", {}, false);
    const finished = await runCli(["dev"], { cwd: f.project.dir, env: f.env({ ENCORE_AUTH_KEY: "bad_key_abcdef" }) });
    assert.equal(finished.code, 2);
    assert.match(
      finished.stderr,
      /INVALID_CONFIG: encore auth login with the key in ENCORE_AUTH_KEY failed \(exited with code 1\)/,
    );
    assert.ok(!finished.stderr.includes("bad_key_abcdef"));
  });
});

describe("local secrets", () => {
  const gitInit = (dir: string) => execFileSync("git", ["init", "-q", dir]);

  test("writes Encore's .secrets.local.cue with CUE escaping and mode 0600 when git ignores it", async () => {
    // dotenv: single quotes are literal; "\n" in double quotes is a newline.
    const f = await fixture(
      "{from_env: [A_ONE, B_TWO], mode: local}",
      `A_ONE='say "hi" \\ back \\(x)'\nB_TWO="line1\\nline2"\n`,
      {},
      false,
    );
    // Unlinked: local secrets are for apps without Encore Cloud (a linked app would fetch its secrets there).
    f.project.write("encore.app", '{"id": "", "lang": "typescript"}');
    gitInit(f.project.dir);
    f.project.write(".gitignore", ".secrets.local.cue\n");
    const { code, stderr } = await devUntilReady(f);
    assert.equal(code, 0, stderr);
    const file = f.project.path(".secrets.local.cue");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const lines = readFileSync(file, "utf8").split("\n");
    assert.match(lines[0]!, /^\/\/ Written by stagecraft-encore/);
    assert.equal(
      lines[1],
      'A_ONE: "say \\"hi\\" \\\\ back \\\\(x)"',
      "quotes and backslashes escaped, so \\( is no CUE interpolation",
    );
    assert.equal(lines[2], 'B_TWO: "line1\\nline2"');
    assert.equal(
      runnerCalls(f.world).some((call) => commandOf(call) === "secret set"),
      false,
      "no cloud calls",
    );
  });

  test("refuses when git does not ignore the file, naming the line to add", async () => {
    const f = await fixture("{from_env: [A_ONE], mode: local}", "A_ONE=value-one-1234\n");
    gitInit(f.project.dir);
    const finished = await runCli(["dev"], { cwd: f.project.dir, env: f.env() });
    assert.equal(finished.code, 5);
    assert.match(finished.stderr, /git does not ignore it/);
    assert.match(finished.stderr, /fix: add this line to .*\.gitignore: \.secrets\.local\.cue/);
  });

  test("never overwrites a .secrets.local.cue it did not write", async () => {
    const f = await fixture("{from_env: [A_ONE], mode: local}", "A_ONE=value-one-1234\n");
    f.project.write(".secrets.local.cue", 'Mine: "hand-written"\n');
    const finished = await runCli(["dev"], { cwd: f.project.dir, env: f.env() });
    assert.equal(finished.code, 5);
    assert.match(finished.stderr, /exists and was not written by stagecraft-encore/);
    assert.equal(readFileSync(f.project.path(".secrets.local.cue"), "utf8"), 'Mine: "hand-written"\n');
  });
});
