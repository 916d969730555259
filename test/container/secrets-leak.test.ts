// Secrets never leak (docs/provider-contract.md §Security). The dev flow (compose) and the build flow (docker run)
// run with the encore double echoing its whole environment and every secret it reads on
// stdin, to stdout and stderr, so anything the runner passes on carelessly would show. Then
// every byte printed (the runner's stdout and stderr, `docker logs`, `docker compose logs`)
// and every file written (in the project, in the container's writable layer and in its
// named volumes, among them ~/.cache/stagecraft-encore and ~/.config/encore/stagecraft-encore)
// is searched for each secret value and the auth key. The runner logs at debug level, so
// encore's output from every call (version, auth login, secret set) is printed too.
//
// Not searched: the double's call log (in a directory of its own, outside the project),
// which records argv and stdin by design, and .env.local, the user's own input, which the
// runner reads but does not write. Encore's local store (.secrets.local.cue) is not used:
// these projects are in mode cloud, and the tests check that no such file appears.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { commandOf } from "../support/double.ts";
import { docker, removeContainers, removeImages, uniqueName } from "../support/docker.ts";
import { deferred } from "../support/cleanup.ts";
import { LeakScanner } from "./leaks.ts";
import {
  FAKE_NPM,
  IMAGE_REPOSITORY,
  errorHeadline,
  helloCompose,
  helloProject,
  runToolbox,
  toolboxImage,
  type HelloCopy,
} from "./toolbox.ts";

const suffix = Math.random().toString(36).slice(2, 10);
const SECRETS = { HELLO_API_TOKEN: `hello-token-${suffix}`, PAYMENT_API_KEY: `payment-key-${suffix}` };
const AUTH_KEY = `ci-auth-key-${suffix}`;
const NEEDLES = { ...SECRETS, ENCORE_AUTH_KEY: AUTH_KEY };
const ECHO = { ...FAKE_NPM, echoEnv: true };

let image: string;
const defer = deferred("file");

before(async () => {
  image = await toolboxImage();
});

/** examples/hello linked to Encore Cloud, secrets in mode cloud, HELLO_API_TOKEN in .env.local. */
function linkedProject(): HelloCopy {
  const copy = helloProject({
    appId: "hello-leak-test",
    provider: [
      [["dev", "encore_secrets", "mode"], "cloud"],
      [["dev", "encore_secrets", "from_env"], Object.keys(SECRETS)],
    ],
    envLocal: [`HELLO_API_TOKEN=${SECRETS.HELLO_API_TOKEN}`],
  });
  defer(() => copy.remove());
  return copy;
}

/** The files the run created or changed in the project; .env.local is input, never written. */
function scanProject(scanner: LeakScanner, copy: HelloCopy): void {
  const written = copy.writtenFiles();
  assert.ok(!written.includes(".secrets.local.cue"), "mode cloud writes no local secret store");
  assert.ok(!written.includes(".env.local"));
  scanner.scanFiles(copy.dir, written);
}

/** The values did reach encore, so finding none elsewhere means something. */
function assertPassedThroughEncore(copy: HelloCopy, values: Record<string, string>): void {
  const log = JSON.stringify(copy.events());
  for (const [name, value] of Object.entries(values)) assert.ok(log.includes(value), `${name} never reached encore`);
}

function report(scanner: LeakScanner): string {
  return `found: ${JSON.stringify(scanner.findings)}\nsearched: ${scanner.sources.join(", ")}`;
}

describe("secrets never leak", () => {
  test("dev in compose, encore echoing its environment and stdin: no secret value or auth key in any output or written file", async () => {
    const copy = linkedProject();
    const { compose } = await helloCompose({
      image,
      project: copy,
      scenario: ECHO,
      authKey: AUTH_KEY,
      paymentApiKey: SECRETS.PAYMENT_API_KEY,
      logLevel: "debug",
    });
    defer(() => compose.down());
    await compose.up(["stagecraft-dev"]);
    const dev = await compose.containerId("stagecraft-dev");
    await compose.runOk(["stop", "--timeout", "30", "stagecraft-dev"]);

    const scanner = new LeakScanner(NEEDLES);
    const composeLogs = await compose.runOk(["logs", "--no-color"]);
    const logs = await docker(["logs", dev]);
    scanner.scan("docker compose logs", composeLogs.stdout + composeLogs.stderr);
    scanner.scan("docker logs (stdout)", logs.stdout);
    scanner.scan("docker logs (stderr)", logs.stderr);
    scanProject(scanner, copy);
    await scanner.scanContainer(dev);

    assertPassedThroughEncore(copy, NEEDLES);
    assert.match(
      logs.stderr,
      /\[encore-double\] stdin "\[redacted\]"/,
      "the double echoed the secrets it read, and the runner redacted them",
    );
    assert.doesNotMatch(
      logs.stderr,
      /\[encore-double\] env ENCORE_AUTH_KEY=/,
      "the key reaches encore through auth login only, never its environment",
    );
    assert.ok(
      scanner.sources.some((source) => source.startsWith("container:/home/node/.cache/stagecraft-encore")),
      report(scanner),
    );
    assert.ok(scanner.sources.includes("container:/home/node/.config/encore"), report(scanner));
    assert.deepEqual(scanner.findings, [], report(scanner));
  });

  test("dev in compose whose second secret set fails (SECRET_SYNC_FAILED, exit 5): no secret value or auth key anywhere", async () => {
    const copy = linkedProject();
    const scenario = { ...ECHO, secretSet: { fail: ["PAYMENT_API_KEY"] } };
    const { compose } = await helloCompose({
      image,
      project: copy,
      scenario,
      authKey: AUTH_KEY,
      paymentApiKey: SECRETS.PAYMENT_API_KEY,
      logLevel: "debug",
    });
    defer(() => compose.down());
    const up = await compose.run(["up", "--no-color", "--exit-code-from", "stagecraft-dev", "stagecraft-dev"], {
      timeoutMs: 180_000,
    });
    assert.equal(up.exitCode, 5, up.stdout + up.stderr);
    const dev = await compose.containerId("stagecraft-dev");

    const scanner = new LeakScanner(NEEDLES);
    const composeLogs = await compose.runOk(["logs", "--no-color"]);
    const logs = await docker(["logs", dev]);
    scanner.scan("docker compose up", up.stdout + up.stderr);
    scanner.scan("docker compose logs", composeLogs.stdout + composeLogs.stderr);
    scanner.scan("docker logs (stdout)", logs.stdout);
    scanner.scan("docker logs (stderr)", logs.stderr);
    scanProject(scanner, copy);
    await scanner.scanContainer(dev);

    assert.equal(
      errorHeadline(logs.stderr),
      "encore-ts dev: SECRET_SYNC_FAILED: encore secret set PAYMENT_API_KEY (types dev,local) exited with code 1",
    );
    assert.match(logs.stderr, /unable to create secret: permission denied/);
    assert.equal(
      copy.calls().some((call) => commandOf(call) === "run"),
      false,
      "dev never started",
    );
    assertPassedThroughEncore(copy, NEEDLES);
    assert.deepEqual(scanner.findings, [], report(scanner));
  });

  describe("build in docker run, encore echoing its environment", () => {
    async function build(
      env: Record<string, string>,
    ): Promise<{ copy: HelloCopy; scanner: LeakScanner; stderr: string }> {
      const copy = linkedProject();
      const name = uniqueName("stagecraft-leak-build");
      const tag = uniqueName("leak");
      defer(
        () => removeContainers(name),
        () => removeImages(`${IMAGE_REPOSITORY}:${tag}`),
      );
      const result = await runToolbox({
        image,
        command: ["build", "--tag", tag],
        project: copy,
        socket: "host",
        scenario: ECHO,
        env: { STAGECRAFT_LOG_LEVEL: "debug", ...env },
        name,
      });
      assert.deepEqual([result.exitCode, result.stdout], [0, `${IMAGE_REPOSITORY}:${tag}\n`], result.stderr);

      const scanner = new LeakScanner(NEEDLES);
      const logs = await docker(["logs", name]);
      scanner.scan("runner stdout", result.stdout);
      scanner.scan("runner stderr", result.stderr);
      scanner.scan("docker logs (stdout)", logs.stdout);
      scanner.scan("docker logs (stderr)", logs.stderr);
      scanProject(scanner, copy);
      await scanner.scanContainer(name);
      return { copy, scanner, stderr: result.stderr };
    }

    test("with ENCORE_AUTH_KEY: the key is in no output and no written file", async () => {
      const { copy, scanner, stderr } = await build({ ENCORE_AUTH_KEY: AUTH_KEY });
      assertPassedThroughEncore(copy, { ENCORE_AUTH_KEY: AUTH_KEY });
      assert.doesNotMatch(
        stderr,
        /\[encore-double\] env ENCORE_AUTH_KEY=/,
        "the key reaches encore through auth login only, never its environment",
      );
      assert.deepEqual(scanner.findings, [], report(scanner));
    });

    // Build withholds dev.encore_secrets.from_env from encore's environment and redacts their
    // values, so a CI job that has them in its environment prints them nowhere.
    test("with the app's from_env secrets in the CI environment too: no value is in any output or written file", async () => {
      const { scanner } = await build({ ENCORE_AUTH_KEY: AUTH_KEY, ...SECRETS });
      assert.deepEqual(scanner.findings, [], report(scanner));
    });
  });
});
