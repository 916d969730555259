import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { deferred } from "./support/cleanup.ts";
import { compileCli, type CompiledCli } from "./support/compiled.ts";
import { ROOT } from "./support/project.ts";

describe("bin/stagecraft-encore.js", () => {
  test("runs the CLI as npx does: help on stdout, exit 0", () => {
    const stdout = execFileSync(process.execPath, [join(ROOT, "bin", "stagecraft-encore.js"), "--help"], {
      encoding: "utf8",
    });
    assert.match(stdout, /^stagecraft-encore: runs an Encore\.ts backend/);
    assert.match(stdout, /Commands:\n {2}dev /);
  });
});

describe("bin/code-cache.cjs: the bundle runs from V8's code cache in dist/v8-cache/", () => {
  let built: CompiledCli;
  before(() => {
    built = compileCli();
  });
  after(() => built.remove());
  const defer = deferred();

  /** bin/ and package.json as shipped, beside a copy of the built dist/main.cjs. */
  const install = () => {
    const dir = mkdtempSync(join(tmpdir(), "stagecraft-encore-bin-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "dist"));
    for (const file of ["bin/stagecraft-encore.js", "bin/code-cache.cjs", "package.json"])
      copyFileSync(join(ROOT, file), join(dir, file));
    copyFileSync(built.main, join(dir, "dist", "main.cjs"));
    return dir;
  };
  const cacheDir = (dir: string) => join(dir, "dist", "v8-cache");
  const caches = (dir: string) => (existsSync(cacheDir(dir)) ? readdirSync(cacheDir(dir)).sort() : []);
  const start = (dir: string, env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [join(dir, "bin", "stagecraft-encore.js"), "version"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, NODE_DEBUG: "stagecraft-code-cache", ...env },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^stagecraft-encore \d+\.\d+\.\d+/);
    return result.stderr;
  };
  const name = new RegExp(`^[0-9a-f]{8}-${process.version.replace(/\./g, "\\.")}-${process.arch}\\.bin$`);

  test("the first start writes the cache, the next one uses it", () => {
    const dir = install();
    assert.match(start(dir), /STAGECRAFT-CODE-CACHE \d+: wrote .*v8-cache/);
    const [file, ...others] = caches(dir);
    assert.match(file ?? "", name);
    assert.deepEqual(others, []);
    assert.match(start(dir), new RegExp(`used .*v8-cache/${file}`));
  });

  test("a cache V8 rejects is replaced, and the runner still runs", () => {
    const dir = install();
    start(dir);
    const [file] = caches(dir);
    writeFileSync(join(cacheDir(dir), file!), "not a V8 code cache");
    const stderr = start(dir);
    assert.match(stderr, /rejected by V8: .*v8-cache/);
    assert.match(stderr, /wrote .*v8-cache/);
    assert.match(start(dir), /used /);
  });

  test("a rebuilt bundle gets its own cache, and the old one is removed", () => {
    const dir = install();
    start(dir);
    const [old] = caches(dir);
    const bundle = join(dir, "dist", "main.cjs");
    writeFileSync(bundle, `${readFileSync(bundle, "utf8")}\n// rebuilt\n`);
    assert.match(start(dir), /wrote /);
    const [current, ...others] = caches(dir);
    assert.notEqual(current, old);
    assert.deepEqual(others, []);
  });

  test("NODE_DISABLE_COMPILE_CACHE=1 turns it off: nothing is read or written", () => {
    const dir = install();
    assert.doesNotMatch(start(dir, { NODE_DISABLE_COMPILE_CACHE: "1" }), /STAGECRAFT-CODE-CACHE/);
    assert.deepEqual(caches(dir), []);
  });

  test("where no cache can be written, the bundle is compiled as usual and the start goes on", () => {
    const dir = install();
    writeFileSync(cacheDir(dir), "a file where the directory belongs");
    const stderr = start(dir);
    assert.match(stderr, /not written .*v8-cache\): not a writable directory/);
    assert.doesNotMatch(stderr, /wrote /);
  });

  test("`node bin/code-cache.cjs dist/main.cjs` writes it ahead (the image build does)", () => {
    const dir = install();
    execFileSync(process.execPath, [join(dir, "bin", "code-cache.cjs"), join(dir, "dist", "main.cjs")]);
    assert.match(caches(dir)[0] ?? "", name);
    assert.match(start(dir), /used /);
  });
});
