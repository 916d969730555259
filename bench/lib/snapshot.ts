import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Source } from "./types.ts";

// What is measured is a frozen copy of the sources, never the live tree: others edit src/
// while the bench runs, and the image build needs a context that does not move. Two
// installs of the runner come out of it, the two ways bin/stagecraft-encore.js runs:
//   - `tsx`:  the sources, run through tsx (a clone after `npm ci`);
//   - `dist`: bin/ + dist/ (`npm run build`), what the image ships.
// Both share the repository's node_modules through a symlink.

export interface Snapshot {
  source: Source;
  /** The sources: the tsx install, and the image's build context. */
  dir: string;
  /** bin/, data/, package.json, node_modules and the compiled dist/. */
  distDir: string;
  /** The encore test double's bin/ (put first on PATH). */
  doubleBin: string;
  /** vendor/encore/encore-<v>-linux_<arch>.tar.gz packed from the double, and its sha256. */
  encoreTarball: { version: string; arch: string; sha256: string };
  /** What entrypoint.sh runs with node for runner commands (its RUNNER=), inside the image. */
  imageRunner: string;
}

export function takeSnapshot(root: string, workDir: string, rev: string | undefined): Snapshot {
  const dir = join(workDir, "src-snapshot");
  const distDir = join(workDir, "dist-install");
  for (const d of [dir, distDir]) rmSync(d, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", root, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  const commit = git("rev-parse", rev ?? "HEAD").trim();
  let source: Source;
  if (rev) {
    execFileSync("sh", ["-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "sh", root, commit, dir]);
    source = { kind: "rev", commit, dirty: [] };
  } else {
    // Tracked and untracked-but-not-ignored files, as they are now.
    for (const file of git("ls-files", "-z", "-co", "--exclude-standard").split("\0").filter(Boolean)) {
      const from = join(root, file);
      if (!existsSync(from) || file.startsWith("bench/")) continue;
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(from, join(dir, file));
    }
    const dirty = git("status", "--porcelain", "--untracked-files=all", "--", ".", ":!bench")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(3));
    source = { kind: "worktree", commit, dirty };
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));

  // The project's own build (`npm run build`: tsc or esbuild, whichever the snapshot uses) writes
  // dist/; it moves to the dist install so that the sources stay the tsx install.
  execFileSync("npm", ["run", "build", "--silent"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  mkdirSync(distDir, { recursive: true });
  renameSync(join(dir, "dist"), join(distDir, "dist"));
  for (const part of ["bin", "data", "package.json"]) cpSync(join(dir, part), join(distDir, part), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(distDir, "node_modules"));

  // The image installs Encore from vendor/encore (offline); pack.sh builds that tarball from the double.
  const version = "1.56.4";
  const arch = process.arch === "arm64" ? "arm64" : "amd64";
  mkdirSync(join(dir, "vendor", "encore"), { recursive: true });
  const sha256 = execFileSync(
    "sh",
    [join(dir, "test", "fixtures", "encore", "pack.sh"), version, arch, join(dir, "vendor", "encore")],
    { encoding: "utf8" },
  ).trim();
  const imageRunner = /^RUNNER=(\S+)$/m.exec(readFileSync(join(dir, "entrypoint.sh"), "utf8"))?.[1];
  if (!imageRunner) throw new Error("entrypoint.sh has no RUNNER= line; update bench/lib/snapshot.ts");
  return {
    source,
    dir,
    distDir,
    doubleBin: join(dir, "test", "fixtures", "encore", "bin"),
    encoreTarball: { version, arch, sha256 },
    imageRunner,
  };
}
