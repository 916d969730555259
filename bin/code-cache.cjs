"use strict";
// Runs the bundled runner (dist/main.cjs) from V8's code cache, so that a start compiles nothing.
//
// Node's own compile cache (module.enableCompileCache) stores a script as compiled before it
// runs: its top level. V8 compiles each function when it is first called, so every start
// compiled again the hundreds of functions on the way to `encore run`, about a third of the
// runner's start-up (the bench's start-up rows). No maintained library caches eagerly compiled
// code, so this file does, in the fewest steps: compile the whole bundle once with V8's
// --no-lazy, store V8's cache of it beside the bundle, and hand that cache to V8 on later starts.
//
// - The cache is V8's own format. V8 checks it against its version, its flags and the source
//   length, and rejects a stranger; the file name adds the bundle's CRC-32 (as Node's compile
//   cache does) and the Node version, so a rebuilt bundle never meets an old cache.
// - It lives in dist/v8-cache/, as trusted as the bundle beside it. The image writes it when
//   it is built (Dockerfile); a checkout writes it on its first start. Where dist/ is read-only
//   and holds none, the bundle is compiled as usual.
// - NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's. NODE_DEBUG=stagecraft-code-cache
//   says what happened.
//
// `node bin/code-cache.cjs dist/main.cjs` writes the cache without running the runner.

const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");
const { crc32 } = require("node:zlib");
const debug = require("node:util").debuglog("stagecraft-code-cache");

// CommonJS's module wrapper, on a line of its own so that line numbers stay the bundle's.
const HEAD = "(function (exports, require, module, __filename, __dirname) {\n";
const TAIL = "\n})";

/** Where the cache of this bundle, for this Node, lives. */
function cacheFile(bundlePath, source) {
  const key = crc32(source).toString(16).padStart(8, "0");
  return path.join(path.dirname(bundlePath), "v8-cache", `${key}-${process.version}-${process.arch}.bin`);
}

function compile(bundlePath, source, cachedData) {
  return new vm.Script(HEAD + source + TAIL, {
    filename: bundlePath,
    lineOffset: -1,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

/** Every function compiled now rather than at its first call, so that V8's cache holds them all. */
function compileEagerly(bundlePath, source) {
  v8.setFlagsFromString("--no-lazy");
  try {
    return compile(bundlePath, source);
  } finally {
    // Back to the default before anything runs: V8 also checks its flags when it reads a cache.
    v8.setFlagsFromString("--lazy");
  }
}

/** Written whole or not at all (a rename), and the caches of other builds of the bundle removed. */
function store(file, script) {
  const dir = path.dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, file);
    const build = path.basename(file).split("-")[0];
    for (const name of fs.readdirSync(dir))
      if (!name.startsWith(`${build}-`) && name.endsWith(".bin")) fs.rmSync(path.join(dir, name), { force: true });
    debug("wrote %s", file);
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Never written.
    }
    debug("not written (%s): %s", file, error.code ?? error.message);
  }
}

function readCache(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Whether a cache can be written to `dir` (made if missing): a read-only install compiles as usual. */
function canStore(dir) {
  try {
    if (!fs.statSync(dir).isDirectory()) return false;
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch (error) {
    if (error.code !== "ENOENT") return false;
  }
  try {
    fs.accessSync(path.dirname(dir), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The compiled bundle: from the cache when V8 takes it; else compiled eagerly and the cache
 * (re)written; else, where no cache can be written, compiled as usual (lazily, which is faster
 * once than compiling everything for nothing).
 */
function load(bundlePath) {
  const source = fs.readFileSync(bundlePath, "utf8");
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return compile(bundlePath, source);
  const file = cacheFile(bundlePath, source);
  const cachedData = readCache(file);
  if (cachedData) {
    const script = compile(bundlePath, source, cachedData);
    if (!script.cachedDataRejected) {
      debug("used %s", file);
      return script;
    }
    debug("rejected by V8: %s", file);
  }
  if (!canStore(path.dirname(file))) {
    debug("not written (%s): not a writable directory", path.dirname(file));
    return compile(bundlePath, source);
  }
  const script = compileEagerly(bundlePath, source);
  store(file, script);
  return script;
}

/** Runs the bundle as a CommonJS module would run. */
function runBundle(bundlePath) {
  const bundleModule = { exports: {}, filename: bundlePath };
  const bundleRequire = require("node:module").createRequire(bundlePath);
  const wrapper = load(bundlePath).runInThisContext();
  wrapper(bundleModule.exports, bundleRequire, bundleModule, bundlePath, path.dirname(bundlePath));
}

if (require.main === module) {
  const bundlePath = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "dist", "main.cjs"));
  const source = fs.readFileSync(bundlePath, "utf8");
  const file = cacheFile(bundlePath, source);
  store(file, compileEagerly(bundlePath, source));
  if (!fs.existsSync(file)) {
    process.stderr.write(`code-cache: could not write ${file}\n`);
    process.exitCode = 1;
  }
}

module.exports = { runBundle };
