// The GitHub Actions workflows in .github/workflows: each passes the workflow linter, CI
// runs .ci/run, and the release publishes what the README promises. The release's version
// step is run here as the workflow runs it, against this repository's Dockerfile.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { deferred } from "../support/cleanup.ts";
import { ENCORE_VERSION } from "../support/image.ts";
import { ROOT } from "../support/project.ts";
import { lintWorkflow } from "../support/workflow-lint.ts";

const WORKFLOWS = join(ROOT, ".github", "workflows");
const defer = deferred("file");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS, name), "utf8")) as Workflow;
}

function steps(name: string): Step[] {
  return Object.values(workflow(name).jobs).flatMap((job) => job.steps);
}

function step(name: string, action: string): Step {
  const found = steps(name).find((each) => each.uses?.split("@")[0] === action);
  assert.ok(found, `${name} has no ${action} step`);
  return found;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-workflows-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("the workflows", () => {
  test("every workflow passes action-validator, which rejects a broken one", async () => {
    const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
    for (const expected of ["ci.yml", "release.yml"])
      assert.ok(files.includes(expected), `no ${expected} in .github/workflows`);
    for (const file of files) {
      const lint = await lintWorkflow(join(WORKFLOWS, file));
      assert.ok(lint.ok, `${file}:\n${lint.output}`);
    }
    const broken = join(tempDir(), "broken.yml");
    writeFileSync(broken, "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    stepz: []\n");
    const lint = await lintWorkflow(broken);
    assert.equal(lint.ok, false);
    assert.match(lint.output, /Additional property 'stepz' is not allowed/);
  });

  test("CI runs .ci/run on pull requests", () => {
    const ci = workflow("ci.yml");
    assert.ok("pull_request" in ci.on);
    assert.ok(steps("ci.yml").some((each) => each.run?.trim() === ".ci/run"));
  });

  test("a v* tag builds linux/amd64 and linux/arm64 and pushes to GHCR with an SBOM, max provenance and the OCI labels", () => {
    const release = workflow("release.yml");
    assert.deepEqual(release.on, { push: { tags: ["v*"] } });
    assert.equal(release.jobs["image"]?.permissions?.["packages"], "write");
    for (const action of ["docker/setup-qemu-action", "docker/setup-buildx-action"]) step("release.yml", action);
    assert.equal(step("release.yml", "docker/login-action").with?.["registry"], "ghcr.io");

    const meta = step("release.yml", "docker/metadata-action").with!;
    assert.equal(meta["images"], "${{ steps.versions.outputs.image }}");
    assert.deepEqual(String(meta["tags"]).trim().split("\n"), [
      "type=semver,pattern={{version}}",
      "type=semver,pattern={{version}},suffix=-encore${{ steps.versions.outputs.encore }}",
      "type=raw,value=encore${{ steps.versions.outputs.encore }},enable=${{ steps.versions.outputs.stable }}",
      "type=raw,value=latest,enable=${{ steps.versions.outputs.stable }}",
    ]);

    const build = step("release.yml", "docker/build-push-action").with!;
    assert.equal(build["platforms"], "linux/amd64,linux/arm64");
    assert.deepEqual([build["push"], build["sbom"], build["provenance"]], [true, true, "mode=max"]);
    assert.equal(build["labels"], "${{ steps.meta.outputs.labels }}");
    // The Dockerfile's own OCI labels take these build arguments.
    const args = String(build["build-args"])
      .trim()
      .split("\n")
      .map((line) => line.split("=")[0]);
    assert.deepEqual(args, ["VERSION", "REVISION", "SOURCE"]);
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    for (const arg of args) assert.match(dockerfile, new RegExp(`^ARG ${arg}=`, "m"));
  });
});

describe("the release's version step, run against this repository", () => {
  const script = steps("release.yml").find((each) => each.name === "Versions")?.run;
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    version: string;
    config: { image: string };
  };

  function versions(tag: string, packageVersion = pkg.version) {
    assert.ok(script, "release.yml has no Versions step");
    const dir = tempDir();
    copyFileSync(join(ROOT, "Dockerfile"), join(dir, "Dockerfile"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ ...pkg, version: packageVersion }));
    const output = join(dir, "github-output");
    writeFileSync(output, "");
    const result = spawnSync("bash", ["-e", "-c", script], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", GITHUB_REF_NAME: tag, GITHUB_OUTPUT: output },
    });
    const outputs = Object.fromEntries(
      readFileSync(output, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("=", 2) as [string, string]),
    );
    return { status: result.status, stdout: result.stdout, outputs };
  }

  test("reads the Encore version from the Dockerfile's ARG ENCORE_VERSION default, and the image name from package.json", () => {
    const result = versions(`v${pkg.version}`);
    assert.equal(result.status, 0, result.stdout);
    assert.deepEqual(result.outputs, { image: pkg.config.image, encore: ENCORE_VERSION, stable: "true" });
    assert.match(pkg.config.image, /^ghcr\.io\/[a-z0-9-]+\/stagecraft-encore$/);
  });

  test("a pre-release tag is not stable, so it moves neither latest nor encore<version>", () => {
    const result = versions("v2.0.0-rc.1", "2.0.0-rc.1");
    assert.deepEqual([result.status, result.outputs["stable"]], [0, "false"]);
  });

  test("a tag that is not package.json's version fails the release", () => {
    const result = versions("v9.9.9");
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      `::error file=package.json::tag v9.9.9 does not match package.json version ${pkg.version}\n`,
    );
  });
});
