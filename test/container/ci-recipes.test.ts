// The README's GitLab CI recipe, taken from README.md as it is (so the two cannot drift) and run
// by gitlab-ci-local against the real engine, with a docker:dind service over TLS and a
// Postgres service. (The GitHub recipe is linted in test/ci-recipes.test.ts.)
//
// What stands in, because no container registry is reachable here (the README says so too):
// docker:dind, encoredotdev/postgres:18 and node:24-bookworm-slim are the look-alikes of
// test/stand-ins/; gitlab-ci-local's helper image is debian:bookworm-slim (also a stand-in),
// its wait-for-it image is built from test/container/gitlab/wait-for-it; the engine refuses
// --privileged, so gitlab-ci-local's container executable is test/container/gitlab/
// docker-unprivileged.mjs, which passes the equivalent options instead; the inner engine uses
// the vfs storage driver and starts with the build's base image loaded (Encore would pull it).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { execa } from "execa";
import { deferred } from "../support/cleanup.ts";
import { docker, dockerOk, loadImageInto, uniqueName, waitForLogLine } from "../support/docker.ts";
import { ROOT } from "../support/project.ts";
import { readmeRecipe } from "../support/readme.ts";
import { addDatabaseTests } from "./app-tests.ts";
import { helloProject, toolboxImage } from "./toolbox.ts";
// What the GitLab runner's engine would let the dind service do (docker-unprivileged.mjs uses the same).
import { UNPRIVILEGED } from "./gitlab/unprivileged-options.mjs";

const defer = deferred();
const BIN = join(ROOT, "node_modules", ".bin");
const GITLAB = join(ROOT, "test", "container", "gitlab");

/** PATH with this Node (24) first: gitlab-ci-local and the wrapper need it. */
const PATH = `${dirname(process.execPath)}:${BIN}:${process.env.PATH ?? "/usr/bin:/bin"}`;

describe("the README's GitLab CI recipe", () => {
  describe("the GitLab job under gitlab-ci-local", () => {
    let image: string;
    before(async () => {
      image = await toolboxImage();
    });

    test("runs the tests against the Postgres service, builds into docker:dind over TLS, prints the image reference, and stops at docker login for want of a registry", async () => {
      const job = readmeRecipe("**GitLab CI**");
      const jobName = /^([\w-]+):\n/.exec(job)![1]!;

      // The project: examples/hello with tests, in a git repository on a GitLab remote whose
      // host cannot resolve (RFC 6761 .invalid), as the registry gitlab-ci-local derives from it.
      // Owned by this user: git (here and in gitlab-ci-local) refuses a repository of another.
      const copy = addDatabaseTests(helloProject({ uid: process.getuid!(), gid: process.getgid!() }));
      defer(() => copy.remove());
      writeFileSync(join(copy.dir, ".gitlab-ci.yml"), job);
      const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.invalid", ...args], { cwd: copy.dir });
      git("init", "-q", "-b", "main");
      git("remote", "add", "origin", "git@gitlab.invalid:team/backend.git");
      git("add", "-A");
      git("commit", "-q", "-m", "app");
      const sha = execFileSync("git", ["rev-parse", "--short=8", "HEAD"], { cwd: copy.dir, encoding: "utf8" }).trim();

      // The job image, where the README has the team push it: $CI_REGISTRY_IMAGE/...
      const jobImage = /name: (\S+)/
        .exec(job)![1]!
        .replace("$CI_REGISTRY_IMAGE", "local-registry.gitlab.invalid/team/backend");
      await dockerOk(["tag", image, jobImage]);
      defer(() => docker(["image", "rm", jobImage]));

      const waitImage = await waitForItImage();
      const { dataVolume, certsVolume } = await innerEngineVolumes();
      const daemonJson = join(copy.doubleDir, "daemon.json");
      writeFileSync(daemonJson, JSON.stringify({ "storage-driver": "vfs" }));

      const run = await execa(
        join(BIN, "gitlab-ci-local"),
        [
          jobName,
          "--privileged",
          "--container-executable",
          join(GITLAB, "docker-unprivileged.mjs"),
          "--helper-image",
          "debian:bookworm-slim",
          "--wait-image",
          waitImage,
          // The runner's config.toml share: volumes = ["/certs/client"]
          "--volume",
          `${certsVolume}:/certs/client`,
          "--volume",
          `${dataVolume}:/var/lib/docker`,
          "--volume",
          `${daemonJson}:/etc/docker/daemon.json:ro`,
          "--variable",
          "CI_REGISTRY_USER=gitlab-ci-token",
          "--variable",
          "CI_REGISTRY_PASSWORD=job-token",
          // The encore test double's knob: it skips the real npm install.
          "--variable",
          'ENCORE_DOUBLE_SCENARIO={"npmInstall":"fake"}',
          "--no-color",
        ],
        { cwd: copy.dir, reject: false, all: true, env: { PATH }, timeout: 300_000 },
      );
      const output = String(run.all);
      // The tests ran, against the Postgres service, and passed.
      assert.match(output, /database postgres:5432 answered [SN]/, output);
      assert.match(output, /ℹ pass 2|# pass 2/);
      // The build loaded the image into the dind service over TLS and the job printed it.
      const ref = `ghcr.io/example-org/api:${sha}`;
      assert.match(output, new RegExp(`^${jobName}\\s+> ${ref.replaceAll(".", "\\.")}$`, "m"));
      assert.match(output, /INF successfully saved local docker image/);
      // The one step that cannot run here: logging in to a registry that does not exist.
      const steps = [...output.matchAll(new RegExp(`^${jobName}\\s+\\$ (.*)$`, "gm"))].map((match) => match[1]);
      assert.equal(
        steps.at(-1),
        'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
      );
      assert.match(output, /local-registry\.gitlab\.invalid/);
      assert.notEqual(run.exitCode, 0);
    });
  });
});

/** gitlab-ci-local's wait-for-it image (STAND-IN), built once per recipe. */
async function waitForItImage(): Promise<string> {
  const dir = join(GITLAB, "wait-for-it");
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  const tag = `stagecraft-test/wait-for-it:${hash.digest("hex").slice(0, 12)}`;
  if ((await docker(["image", "inspect", tag])).exitCode !== 0)
    await dockerOk(["build", "-q", "-t", tag, dir], { timeoutMs: 120_000 });
  return tag;
}

/**
 * Volumes for the inner engine: its data, with the build's base image loaded into a vfs store
 * by a throwaway docker:dind (the double cannot pull it), and the client certificates.
 */
async function innerEngineVolumes(): Promise<{ dataVolume: string; certsVolume: string }> {
  const dataVolume = uniqueName("gcl-dind-data").toLowerCase();
  const certsVolume = uniqueName("gcl-certs-client").toLowerCase();
  defer(() => docker(["volume", "rm", "-f", dataVolume, certsVolume]));
  await dockerOk(["volume", "create", certsVolume]);
  const name = uniqueName("gcl-dind-seed").toLowerCase();
  defer(() => docker(["rm", "-f", "-v", name]));
  await dockerOk([
    "run",
    "-d",
    "--name",
    name,
    ...UNPRIVILEGED,
    "-e",
    "DOCKER_TLS_CERTDIR=",
    "--volume",
    `${dataVolume}:/var/lib/docker`,
    "docker:dind",
    "--storage-driver",
    "vfs",
  ]);
  await waitForLogLine(name, /API listen on/);
  await loadImageInto(name, "node:24-bookworm-slim");
  await dockerOk(["rm", "-f", name]);
  return { dataVolume, certsVolume };
}
