// `encore secret set` and `encore auth login` in the test double: the value comes from
// stdin only, the checks run in the real order, and the messages are the real ones.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ENCORE, encore, sandboxes, stripAnsi, type Sandbox } from "./harness.ts";

const box = sandboxes();

const LINKED = { "encore.app": '{"id": "hello-x7k2", "lang": "typescript"}\n' };
async function loggedIn(files: Record<string, string> = LINKED): Promise<Sandbox> {
  const b = await box(files);
  const r = await encore(["auth", "login", "--auth-key=good-key"], { cwd: b.app, env: b.env() });
  assert.equal(r.stdout, "Successfully logged in!\n");
  return b;
}
function storedSecrets(b: Sandbox): Record<string, Record<string, { selector: string[]; sha256: string }[]>> {
  return JSON.parse(readFileSync(join(b.home, ".config", "encore", "double-secrets.json"), "utf8"));
}
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("encore secret set", () => {
  test("reads the value from stdin to EOF, trims trailing CR/LF, and stores only its sha256", async () => {
    const b = await loggedIn();
    const r = await encore(["secret", "set", "--type", "dev,preview,local", "ApiKey"], {
      cwd: b.app,
      env: b.env(),
      stdin: "line1\nline2\r\n\n",
    });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, "Successfully created secret value for ApiKey.\n", ""]);
    const group = storedSecrets(b)["hello-x7k2"]?.["ApiKey"]?.[0];
    assert.deepEqual(group?.selector, ["type:development", "type:local", "type:preview"]);
    assert.equal(group?.sha256, sha256("line1\nline2"));
    assert.doesNotMatch(readFileSync(join(b.home, ".config", "encore", "double-secrets.json"), "utf8"), /line1/);
    const stdinEvent = b.events().find((e) => e.event === "stdin");
    assert.equal(stdinEvent?.["stdin"], "line1\nline2");
  });

  test("reports 'updated' for the same selector, given as repeated flags or aliases", async () => {
    const b = await loggedIn();
    await encore(["secrets", "set", "-t", "prod", "Key"], { cwd: b.app, env: b.env(), stdin: "v1" });
    const r = await encore(["secrets", "set", "--type=production", "Key"], { cwd: b.app, env: b.env(), stdin: "v2" });
    assert.equal(r.stdout, "Successfully updated secret value for Key.\n");
  });

  test("refuses an empty value (stdin from /dev/null)", async () => {
    const b = await loggedIn();
    const r = await encore(["secret", "set", "--type", "dev", "Key"], { cwd: b.app, env: b.env(), stdin: "ignore" });
    assert.deepEqual([r.code, r.stderr], [1, "error: unable to create secret: secret value must not be empty\n"]);
  });

  test(
    "refuses a terminal on stdin instead of prompting",
    { skip: !hasScript() && "util-linux `script` is not installed" },
    async () => {
      const b = await loggedIn();
      const out = stripAnsi(
        execFileSync("script", ["-qec", `${ENCORE} secret set --type dev Key; echo "rc=$?"`, "/dev/null"], {
          cwd: b.app,
          env: b.env(),
          encoding: "utf8",
        }),
      );
      assert.match(out, /error: stdin is a terminal; the test double requires the value on stdin/);
      assert.match(out, /rc=1/);
    },
  );

  test("validates environment types case-sensitively", async () => {
    const b = await loggedIn();
    const bad = await encore(["secret", "set", "--type", "dev,Local", "Key"], { cwd: b.app, env: b.env(), stdin: "v" });
    assert.deepEqual([bad.code, bad.stderr], [1, 'error: invalid environment type "Local"\n']);
    const aliases = await encore(["secret", "set", "--type", "development,pr,ephemeral", "Key"], {
      cwd: b.app,
      env: b.env(),
      stdin: "v",
    });
    assert.equal(aliases.code, 0, aliases.stderr);
  });

  test("requires --type or --env, and knows only the app's environments", async () => {
    const b = await loggedIn();
    const none = await encore(["secret", "set", "Key"], { cwd: b.app, env: b.env(), stdin: "v" });
    assert.equal(none.stderr, "error: must specify at least one environment with --type/--env (or --dev/--prod)\n");
    const unknown = await encore(["secret", "set", "--env", "qa", "Key"], { cwd: b.app, env: b.env(), stdin: "v" });
    assert.equal(unknown.stderr, 'error: environment "qa" not found\n');
    const staging = await encore(["secret", "set", "-e", "staging", "Key"], { cwd: b.app, env: b.env(), stdin: "v" });
    assert.equal(staging.code, 0);
  });

  test("checks app root, then link, then login, in that order (after reading stdin)", async () => {
    const noApp = await box({});
    const unlinked = await box({ "encore.app": '{"id": ""}' });
    const notLoggedIn = await box(LINKED);
    const cases: [Sandbox, string][] = [
      [noApp, "error: no encore.app found in directory (or any of the parent directories)\n"],
      [unlinked, "error: app is not linked with the Encore Platform (see 'encore app link')\n"],
      [
        notLoggedIn,
        `error: unable to list environments: Get "https://api.encore.cloud/apps/hello-x7k2/envs": not logged in: run 'encore auth login' first\n`,
      ],
    ];
    for (const [b, message] of cases) {
      // An invalid type is only noticed after these checks, as in the real CLI.
      const r = await encore(["secret", "set", "--type", "Bogus", "Key"], { cwd: b.app, env: b.env(), stdin: "v" });
      assert.deepEqual([r.code, r.stderr], [1, message]);
      assert.equal(b.events().filter((e) => e.event === "stdin").length, 1, "stdin was read first");
    }
  });

  test("scenario secretSet.fail rejects the listed names", async () => {
    const b = await loggedIn();
    const env = b.env({ ENCORE_DOUBLE_SCENARIO: '{"secretSet":{"fail":["Denied"]}}' });
    const r = await encore(["secret", "set", "--type", "dev", "Denied"], { cwd: b.app, env, stdin: "v" });
    assert.deepEqual([r.code, r.stderr], [1, "error: unable to create secret: permission denied\n"]);
  });

  test("echoEnv prints the environment and the value read to both streams (for leak tests)", async () => {
    const b = await loggedIn();
    const env = b.env({ ENCORE_DOUBLE_SCENARIO: '{"echoEnv":true}', LEAKY: "s3cr3t-env" });
    const r = await encore(["secret", "set", "--type", "dev", "Key"], { cwd: b.app, env, stdin: "s3cr3t-value" });
    for (const stream of [r.stdout, r.stderr]) {
      assert.match(stream, /\[encore-double\] env LEAKY=s3cr3t-env\n/);
      assert.match(stream, /\[encore-double\] stdin "s3cr3t-value"\n/);
    }
  });
});

describe("encore auth login", () => {
  test("writes a 0600 token for --auth-key=KEY, -k KEY and --auth-key KEY", async () => {
    for (const args of [["--auth-key=k1"], ["-k", "k2"], ["--auth-key", "k3"]]) {
      const b = await box();
      const r = await encore(["auth", "login", ...args], { cwd: b.app, env: b.env() });
      assert.deepEqual([r.code, r.stdout], [0, "Successfully logged in!\n"]);
      assert.equal(statSync(join(b.home, ".config", "encore", ".auth_token")).mode & 0o777, 0o600);
    }
  });

  test("fails for a key starting with 'bad' and for an empty key", async () => {
    const b = await box();
    const bad = await encore(["auth", "login", "-k", "bad-key"], { cwd: b.app, env: b.env() });
    assert.deepEqual([bad.code, bad.stderr], [1, "error: authentication failed: invalid auth key\n"]);
    const empty = await encore(["auth", "login", "--auth-key="], { cwd: b.app, env: b.env() });
    assert.equal(empty.code, 1);
  });

  test("an unreadable .auth_token is an error, not a login", async () => {
    const b = await box(LINKED);
    const env = b.env({ ENCORE_CONFIG_DIR: b.home });
    writeFileSync(join(b.home, ".auth_token"), "not json");
    const r = await encore(["secret", "set", "--type", "dev", "Key"], { cwd: b.app, env, stdin: "v" });
    assert.match(
      r.stderr,
      /^error: unable to list environments: Get "https:\/\/api\.encore\.cloud\/apps\/hello-x7k2\/envs": could not get Encore auth token: conf\.CurrentUser: /,
    );
  });
});

function hasScript(): boolean {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
