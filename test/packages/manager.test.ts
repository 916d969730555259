import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { detectPackageManager, findInstallRoot, isYarnBerry, type Files } from "../../src/packages/manager.ts";
import { parsePackageJson } from "../../src/packages/package-json.ts";
import { installArgs, installCommand } from "../../src/packages/install-command.ts";

/** An in-memory file system: path → content. */
function files(tree: Record<string, string>): Files {
  return {
    exists: (path) => path in tree,
    packageJson: (path) =>
      path in tree ? parsePackageJson(tree[path] ?? "") : { ok: false, reason: "missing", message: "ENOENT" },
    head: (path) => (tree[path] ?? "").slice(0, 512),
  };
}

const pkg = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ name: "app", dependencies: { "encore.dev": "1.56.4" }, ...fields });

describe("package manager detection", () => {
  const cases: [string, Record<string, string>, Partial<ReturnType<typeof pick>>][] = [
    [
      "no packageManager and no lockfile: npm, by default",
      { "/app/package.json": pkg() },
      { name: "npm", source: "default", lockfile: undefined },
    ],
    [
      "package-lock.json: npm, frozen",
      { "/app/package.json": pkg(), "/app/package-lock.json": "{}" },
      { name: "npm", source: "lockfile", lockfile: "/app/package-lock.json" },
    ],
    [
      "pnpm-lock.yaml: pnpm",
      { "/app/package.json": pkg(), "/app/pnpm-lock.yaml": "lockfileVersion: '9.0'" },
      { name: "pnpm", source: "lockfile", lockfile: "/app/pnpm-lock.yaml" },
    ],
    [
      "yarn.lock v1: yarn classic",
      { "/app/package.json": pkg(), "/app/yarn.lock": "# yarn lockfile v1\n" },
      { name: "yarn", source: "lockfile", yarnBerry: false },
    ],
    [
      "yarn.lock of yarn 2+: berry",
      { "/app/package.json": pkg(), "/app/yarn.lock": "__metadata:\n  version: 8\n" },
      { name: "yarn", yarnBerry: true },
    ],
    [
      "packageManager wins over a lockfile",
      { "/app/package.json": pkg({ packageManager: "pnpm@9.15.0+sha512.abc" }), "/app/package-lock.json": "{}" },
      { name: "pnpm", version: "9.15.0", source: "packageManager", lockfile: undefined },
    ],
    [
      "packageManager with a bare major",
      { "/app/package.json": pkg({ packageManager: "pnpm@9" }) },
      { name: "pnpm", version: "9", source: "packageManager" },
    ],
    [
      "packageManager in a parent, as Encore looks",
      { "/repo/package.json": JSON.stringify({ packageManager: "yarn@4.5.0" }), "/repo/app/package.json": pkg() },
      { name: "yarn", version: "4.5.0", yarnBerry: true },
    ],
  ];
  function pick(choice: {
    name: string;
    version: string | undefined;
    source: string;
    lockfile: string | undefined;
    yarnBerry: boolean;
  }) {
    return choice;
  }
  for (const [name, tree, expected] of cases) {
    test(name, () => {
      const appRoot = Object.keys(tree).some((p) => p.startsWith("/repo/app/")) ? "/repo/app" : "/app";
      const detected = detectPackageManager(appRoot, appRoot.startsWith("/repo") ? "/repo" : "/app", files(tree));
      assert.equal(detected.ok, true);
      if (!detected.ok) return;
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(detected.choice[key as keyof typeof detected.choice], value, key);
    });
  }

  test("bun, by packageManager or by lockfile, is a clear refusal with what to do", () => {
    const trees: Record<string, string>[] = [
      { "/app/package.json": pkg({ packageManager: "bun@1.1.0" }) },
      { "/app/package.json": pkg(), "/app/bun.lockb": "" },
      { "/app/package.json": pkg(), "/app/bun.lock": "" },
    ];
    for (const tree of trees) {
      const detected = detectPackageManager("/app", "/app", files(tree));
      assert.equal(detected.ok, false);
      if (detected.ok) return;
      assert.equal(detected.name, "bun");
      assert.match(detected.message, /uses bun/);
      assert.match(detected.fix, /npm, pnpm or yarn/);
      assert.match(detected.fix, /install\.enabled: false/);
    }
  });

  test("an unknown packageManager is refused, naming it", () => {
    const detected = detectPackageManager(
      "/app",
      "/app",
      files({ "/app/package.json": pkg({ packageManager: "deno@2.0.0" }) }),
    );
    assert.equal(detected.ok, false);
    if (!detected.ok) assert.match(detected.message, /"deno"/);
  });
});

describe("install root", () => {
  test("the app root when it holds a lockfile", () => {
    assert.equal(
      findInstallRoot(
        "/repo/backend",
        "/repo",
        files({ "/repo/backend/package-lock.json": "", "/repo/package.json": pkg({ workspaces: ["backend"] }) }),
      ),
      "/repo/backend",
    );
  });
  test("the npm/yarn workspace root above an app without a lockfile", () => {
    assert.equal(
      findInstallRoot(
        "/repo/backend",
        "/repo",
        files({ "/repo/backend/package.json": pkg(), "/repo/package.json": pkg({ workspaces: ["backend"] }) }),
      ),
      "/repo",
    );
  });
  test("a pnpm workspace root", () => {
    assert.equal(
      findInstallRoot(
        "/repo/apps/api",
        "/repo",
        files({
          "/repo/apps/api/package.json": pkg(),
          "/repo/pnpm-workspace.yaml": "packages: [apps/*]",
          "/repo/pnpm-lock.yaml": "",
        }),
      ),
      "/repo",
    );
  });
  test("never above the project directory", () => {
    assert.equal(
      findInstallRoot("/home/me/project/backend", "/home/me/project", files({ "/home/me/package-lock.json": "" })),
      "/home/me/project/backend",
    );
  });
  test("a lockfile alone in a parent (another app's, no workspaces) does not count", () => {
    assert.equal(
      findInstallRoot("/p/backend", "/p", files({ "/p/package-lock.json": "", "/p/package.json": pkg() })),
      "/p/backend",
    );
  });
});

describe("yarn flavour", () => {
  test("by packageManager's major, else the lockfile header", () => {
    assert.equal(isYarnBerry("1.22.22", ""), false);
    assert.equal(isYarnBerry("4.5.0", ""), true);
    assert.equal(isYarnBerry(undefined, "# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n"), false);
    assert.equal(isYarnBerry(undefined, "__metadata:\n"), true);
    assert.equal(isYarnBerry(undefined, ""), false);
  });
});

describe("install command", () => {
  const table: [Parameters<typeof installArgs>[0], string[]][] = [
    [
      { name: "npm", lockfile: "/a/package-lock.json", yarnBerry: false },
      ["ci", "--prefer-offline", "--no-audit", "--no-fund"],
    ],
    [{ name: "npm", lockfile: undefined, yarnBerry: false }, ["install", "--no-audit", "--no-fund"]],
    [
      { name: "pnpm", lockfile: "/a/pnpm-lock.yaml", yarnBerry: false },
      ["install", "--frozen-lockfile", "--prefer-offline"],
    ],
    [{ name: "pnpm", lockfile: undefined, yarnBerry: false }, ["install"]],
    [{ name: "yarn", lockfile: "/a/yarn.lock", yarnBerry: true }, ["install", "--immutable"]],
    [
      { name: "yarn", lockfile: "/a/yarn.lock", yarnBerry: false },
      ["install", "--frozen-lockfile", "--prefer-offline"],
    ],
    [{ name: "yarn", lockfile: undefined, yarnBerry: true }, ["install"]],
  ];
  for (const [choice, args] of table) {
    test(`${choice.name}${choice.lockfile ? " with" : " without"} a lockfile${choice.name === "yarn" ? (choice.yarnBerry ? " (berry)" : " (classic)") : ""}: ${args.join(" ")}`, () => {
      assert.deepEqual(installArgs(choice), args);
    });
  }
  test("through corepack when only corepack is on PATH; never prompts; berry gets node_modules", () => {
    const command = installCommand(
      { name: "yarn", version: undefined, lockfile: "/a/yarn.lock", yarnBerry: true },
      { file: "/usr/bin/corepack", corepack: true },
    );
    assert.equal(command.file, "/usr/bin/corepack");
    assert.deepEqual(command.args, ["yarn", "install", "--immutable"]);
    assert.deepEqual(command.env, { COREPACK_ENABLE_DOWNLOAD_PROMPT: "0", YARN_NODE_LINKER: "node-modules" });
    assert.equal(command.display, "yarn install --immutable");
  });
  test("a pinned version (a range too) goes to corepack as <name>@<version>", () => {
    const command = installCommand(
      { name: "pnpm", version: "9", lockfile: undefined, yarnBerry: false },
      { file: "/usr/local/bin/corepack", corepack: true },
    );
    assert.deepEqual([command.file, ...command.args], ["/usr/local/bin/corepack", "pnpm@9", "install"]);
    assert.equal(command.display, "pnpm install");
  });
  test("directly when the manager is on PATH", () => {
    const command = installCommand(
      { name: "pnpm", version: undefined, lockfile: undefined, yarnBerry: false },
      { file: "/usr/local/bin/pnpm", corepack: false },
    );
    assert.deepEqual([command.file, ...command.args], ["/usr/local/bin/pnpm", "install"]);
    assert.deepEqual(command.env, { COREPACK_ENABLE_DOWNLOAD_PROMPT: "0" });
  });
});
