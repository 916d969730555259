import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runDoctor } from "../../src/doctor/run.ts";
import { deferred } from "../support/cleanup.ts";
import { encoreProject, type TempProject } from "../support/project.ts";

const defer = deferred();
const YML = (extra = "") =>
  `backend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      dev: {env_file: .env.local, listen: "127.0.0.1:4999"}\n${extra}`;

async function packagesCheck(p: TempProject) {
  const report = await runDoctor({
    projectDir: p.dir,
    configPath: p.path("stagecraft.yml"),
    cwd: p.dir,
    inContainer: false,
    env: { PATH: process.env.PATH, HOME: p.path(".home") },
  });
  const found = report.results.find((result) => result.id === "packages");
  assert.ok(found);
  return found;
}

describe("doctor: packages", () => {
  test("reports the manager, where it installs, and whether the next start installs", async () => {
    const p = encoreProject(YML());
    defer(() => p.remove());
    const upToDate = await packagesCheck(p);
    assert.equal(upToDate.status, "pass");
    assert.match(
      upToDate.message,
      new RegExp(`^npm \\(from the default\\) in ${p.dir}: up to date; the next start installs nothing$`),
    );
    p.write("package-lock.json", "{}");
    assert.match(
      (await packagesCheck(p)).message,
      /the next start runs `npm ci --prefer-offline --no-audit --no-fund` \(the lockfile changed\)/,
    );
  });

  test("turned off, and a bun app", async () => {
    const off = encoreProject(YML("      install: {enabled: false}\n"));
    defer(() => off.remove());
    assert.match((await packagesCheck(off)).message, /turned off/);
    const bun = encoreProject(YML(), { "bun.lock": "" });
    defer(() => bun.remove());
    const check = await packagesCheck(bun);
    assert.equal(check.status, "fail");
    assert.match(check.fix ?? "", /npm, pnpm or yarn/);
  });
});
