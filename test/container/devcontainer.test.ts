// The devcontainers, brought up by the Dev Containers CLI (`devcontainer up`, which runs
// docker compose) as an editor would, then a request to the API from inside the container
// (`devcontainer exec`):
//   - this repository's .devcontainer/ on docker-compose.yml, with examples/hello mounted;
//     test/container/compose.test.yml runs the test image instead of building one;
//   - the one `stagecraft-encore init` writes, init itself run through the test image
//     (`docker run … init`) in a repository whose app is in a subfolder, with --image
//     naming the test image in place of the published one. As for the example, a test file
//     after init's compose file only hands the double its scenario.
// In both, the runner installs the app's packages for real (npm from the registry), and
// TypeScript, run inside the container as the editor runs it, resolves `encore.dev`'s types.
// The toolbox image is the test build (the encore double as its Encore); Postgres is the
// encoredotdev/postgres:18 STAND-IN (test/stand-ins/).
import assert from "node:assert/strict";
import { appendFileSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { execa } from "execa";
import { parse as parseJsonc } from "jsonc-parser";
import { parseDocument, stringify } from "yaml";
import { deferred } from "../support/cleanup.ts";
import { ComposeProject, containerProcesses, docker, uniqueName, waitForLogLine } from "../support/docker.ts";
import { freePort } from "../support/ports.ts";
import { ROOT } from "../support/project.ts";
import { RUNNER_DEV, helloProject, toolboxImage, type HelloCopy } from "./toolbox.ts";

const cleanup = deferred();
const DEVCONTAINER = join(ROOT, "node_modules", ".bin", "devcontainer");

interface Workspace {
  /** --workspace-folder */
  folder: string;
  /** The devcontainer.json to use: the workspace's own, or an override. */
  config: string;
  /** Environment of the CLI and so of docker compose: project name, ports, test knobs. */
  env: Record<string, string>;
  /** The compose files the config names, for tearing down. */
  composeFiles: string[];
}

/** `devcontainer up`, or `devcontainer exec` in the container `up` started (found by its ID). */
function devcontainer(
  workspace: Workspace,
  userData: string,
  exec?: { containerId: string; command: readonly string[] },
) {
  const options = [
    "--workspace-folder",
    workspace.folder,
    "--config",
    workspace.config,
    "--user-data-folder",
    userData,
  ];
  const args = exec ? ["exec", "--container-id", exec.containerId, ...options, ...exec.command] : ["up", ...options];
  return execa(DEVCONTAINER, args, {
    reject: false,
    stdin: "ignore",
    env: { ...workspace.env, NO_COLOR: "1" },
    timeout: 180_000,
  });
}

/** `devcontainer up`, the API answering from inside, then `down`; returns what the checks need. */
/** What both devcontainers must give: the API answering inside, as node in /workspace, the SDK's types resolved, the runner's dev running. */
async function assertServing(seen: Awaited<ReturnType<typeof upAndRequest>>): Promise<void> {
  assert.equal(seen.response, EXPECTED_RESPONSE);
  assert.deepEqual([seen.user, seen.workdir], ["node 1000", "/workspace"]);
  assert.equal(seen.types, "/workspace/node_modules/encore.dev/api/mod.ts");
  assert.ok(
    (await containerProcesses(seen.containerId)).some((p) => RUNNER_DEV.test(p.args)),
    "the runner's dev is the container's command",
  );
}

async function upAndRequest(
  workspace: Workspace,
  /** The app's directory inside the container, where its packages are installed. */
  appDir: string,
): Promise<{ containerId: string; response: string; user: string; workdir: string; types: string; upMs: number }> {
  const userData = mkdtempSync(join(tmpdir(), "stagecraft-devcontainer-"));
  cleanup(() => rmSync(userData, { recursive: true, force: true }));
  const compose = new ComposeProject({
    name: workspace.env["COMPOSE_PROJECT_NAME"]!,
    files: workspace.composeFiles,
    variables: workspace.env,
  });
  cleanup(() => compose.down());

  const started = performance.now();
  const up = await devcontainer(workspace, userData);
  const upMs = Math.round(performance.now() - started);
  assert.equal(
    up.exitCode,
    0,
    `devcontainer up failed:\n${String(up.stdout)}\n${String(up.stderr).split("\n").slice(-30).join("\n")}`,
  );
  const result = JSON.parse(String(up.stdout).trim().split("\n").at(-1)!) as {
    outcome: string;
    containerId: string;
    composeProjectName: string;
  };
  assert.equal(result.outcome, "success");
  assert.equal(result.composeProjectName, workspace.env["COMPOSE_PROJECT_NAME"]);

  // The service's own command started the dev server; wait for the runner to say it is ready.
  await waitForLogLine(result.containerId, /dev server ready at /, 120_000);
  const inside = (command: readonly string[]) =>
    devcontainer(workspace, userData, { containerId: result.containerId, command });
  const request = await inside([
    "node",
    "-e",
    "fetch('http://127.0.0.1:4000/hello/world').then(async (r) => console.log(r.status, await r.text()))",
  ]);
  assert.equal(request.exitCode, 0, String(request.stderr));
  const who = await inside([
    "sh",
    "-c",
    'echo "$(id -un) $(id -u)"; pwd; test -d node_modules && test -w node_modules && echo node_modules writable',
  ]);
  assert.equal(who.exitCode, 0, String(who.stderr));
  const [user, workdir, modules] = String(who.stdout).trim().split("\n");
  assert.equal(modules, "node_modules writable");
  // What the editor's TypeScript does for `import { api } from "encore.dev/api"` in the app:
  // the app's own typescript (a devDependency the runner installed), the app's tsconfig.
  const types = await inside(["node", "-e", RESOLVE_TYPES, appDir]);
  assert.equal(types.exitCode, 0, String(types.stderr));
  return {
    containerId: result.containerId,
    response: String(request.stdout).trim(),
    user: user!,
    workdir: workdir!,
    types: String(types.stdout).trim(),
    upMs,
  };
}

const RESOLVE_TYPES = `
const { createRequire } = require("node:module");
const { join } = require("node:path");
const app = process.argv[1];
const ts = createRequire(join(app, "package.json"))("typescript");
const config = ts.getParsedCommandLineOfConfigFile(join(app, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
const found = ts.resolveModuleName("encore.dev/api", join(app, "hello", "hello.ts"), config.options, ts.sys);
console.log(found.resolvedModule ? found.resolvedModule.resolvedFileName : "unresolved");
`;

/**
 * The runner's install, for real: the double's compile then needs encore.dev to resolve (no
 * \`sdk: "assume"\`). npm in the container reaches the registry through this machine's
 * TLS-intercepting proxy, so the example's extra CA file gets the system bundle appended.
 */
function withRealInstall(project: HelloCopy): void {
  const ca = join(project.dir, "certs", "dev-root-ca.pem");
  appendFileSync(ca, readFileSync(SYSTEM_BUNDLE));
  chownSync(ca, 1000, 1000);
}

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Free host ports, and a package cache volume of this test's own (compose down -v removes it). */
async function isolation(): Promise<Record<string, string>> {
  return {
    STAGECRAFT_PACKAGE_CACHE: uniqueName("stagecraft-test-package-cache").toLowerCase(),
    STAGECRAFT_API_PORT: String(await freePort()),
    STAGECRAFT_DASHBOARD_PORT: String(await freePort()),
    STAGECRAFT_DEBUG_PORT: String(await freePort()),
  };
}

const EXPECTED_RESPONSE = `200 ${JSON.stringify({ double: "encore", method: "GET", path: "/hello/world" })}`;

describe("devcontainer up", () => {
  test("this repository's devcontainer: the dev server starts with the container, the API answers inside, as node in /workspace", async (t) => {
    const image = await toolboxImage();
    const project = helloProject({ install: true });
    cleanup(() => project.remove());
    withRealInstall(project);
    // The repository's devcontainer.json, with the test override after docker-compose.yml.
    const own = parseJsonc(readFileSync(join(ROOT, ".devcontainer", "devcontainer.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const composeFiles = [join(ROOT, "docker-compose.yml"), join(ROOT, "test", "container", "compose.test.yml")];
    const config = join(dirname(project.dir), "devcontainer.json");
    writeFileSync(config, JSON.stringify({ ...own, dockerComposeFile: composeFiles }));
    assert.deepEqual(own["dockerComposeFile"], ["../docker-compose.yml"]);
    const env = {
      COMPOSE_PROJECT_NAME: uniqueName("stagecraft-devcontainer").toLowerCase(),
      STAGECRAFT_PROJECT_DIR: project.dir,
      ...(await isolation()),
      TEST_IMAGE: image,
      TEST_DOUBLE_DIR: project.doubleDir,
      TEST_DOUBLE_SCENARIO: "{}",
    };
    const seen = await upAndRequest({ folder: ROOT, config, env, composeFiles }, "/workspace");
    t.diagnostic(`devcontainer up took ${seen.upMs} ms`);
    await assertServing(seen);
  });

  test("the devcontainer init writes, init run through the image: files owned by the repository's owner, the API answers inside", async (t) => {
    const image = await toolboxImage();
    const project = helloProject({ install: true });
    cleanup(() => project.remove());
    withRealInstall(project);
    // A repository with the app in a subfolder (hello/), set up from scratch by init.
    const repo = dirname(project.dir);
    for (const file of ["stagecraft.yml", ".env.local"]) rmSync(join(project.dir, file));
    chownSync(repo, 1000, 1000); // as a checkout is its user's; the entrypoint maps node to it
    const init = await docker(["run", "--rm", "-v", `${repo}:/workspace`, image, "init", "--image", image]);
    assert.equal(init.exitCode, 0, init.stderr);
    assert.match(init.stdout, /^created +hello\/stagecraft\.yml$/m);
    for (const file of [
      "hello/stagecraft.yml",
      "hello/.env.local",
      "compose.stagecraft.yml",
      ".devcontainer/devcontainer.json",
      ".github/workflows/stagecraft-build.yml",
      ".gitignore",
    ]) {
      const stat = statSync(join(repo, file));
      assert.deepEqual([stat.uid, stat.gid], [1000, 1000], `${file} belongs to the repository's owner`);
    }
    // init wrote a stagecraft.yml of its own: point it at the CA file withRealInstall filled.
    const stagecraftYml = join(project.dir, "stagecraft.yml");
    const document = parseDocument(readFileSync(stagecraftYml, "utf8"));
    document.setIn(["backend", "providers", "encore-ts", "dev", "node_extra_ca_certs"], "certs/dev-root-ca.pem");
    writeFileSync(stagecraftYml, document.toString());
    const env = {
      COMPOSE_PROJECT_NAME: uniqueName("stagecraft-init-devcontainer").toLowerCase(),
      ...(await isolation()),
    };
    // init's devcontainer.json with one test file after init's compose file, as for the
    // example: it only hands the encore double its scenario (its defaults).
    const knobs = mkdtempSync(join(tmpdir(), "stagecraft-init-devcontainer-"));
    cleanup(() => rmSync(knobs, { recursive: true, force: true }));
    const override = join(knobs, "compose.test.yml");
    writeFileSync(
      override,
      stringify({
        services: {
          "stagecraft-dev": { pull_policy: "never", environment: { ENCORE_DOUBLE_SCENARIO: "{}" } },
        },
      }),
    );
    const written = parseJsonc(readFileSync(join(repo, ".devcontainer", "devcontainer.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.deepEqual(written["dockerComposeFile"], ["../compose.stagecraft.yml"]);
    const composeFiles = [join(repo, "compose.stagecraft.yml"), override];
    const config = join(knobs, "devcontainer.json");
    writeFileSync(config, JSON.stringify({ ...written, dockerComposeFile: composeFiles }));
    const seen = await upAndRequest({ folder: repo, config, env, composeFiles }, "/workspace");
    t.diagnostic(`devcontainer up took ${seen.upMs} ms`);
    await assertServing(seen);
  });
});
