import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TEST_CA } from "../support/project.ts";

/** Where one case runs: a project that is valid in every way the case does not break. */
export interface CaseWorld {
  root: string;
  /** The project directory: the CLI's cwd. */
  project: string;
  /** HOME for the run; the runner must write nothing here (no CA bundle, no sync state). */
  home: string;
  /** ENCORE_DOUBLE_LOG; must never come into existence. */
  callLog: string;
  remove(): void;
}

/**
 * ```
 * <root>/outside/{ca.pem, .env, infra.json}   everything a traversal might reach
 * <root>/home/                                  HOME, empty
 * <root>/project/                               the cwd
 *   stagecraft.yml                              the case
 *   encore.app, package.json, node_modules/, .env.local, certs/ca.pem, sub/
 *   .env.link → ../outside/.env                 symlinks that leave the project
 *   infra.link → ../outside/infra.json
 *   link-out → ../outside
 *   certs/outside-ca.pem → ../../outside/ca.pem
 *   dir.env/                                    a directory where a file belongs
 *   fifo.env                                    a named pipe (opening it would block)
 *   huge.env                                    a 2 GiB sparse file
 * ```
 */
export function caseWorld(config: string | Buffer): CaseWorld {
  const root = mkdtempSync(join(tmpdir(), "stagecraft-encore-corpus-"));
  const ca = readFileSync(TEST_CA);
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  write("outside/ca.pem", ca);
  write("outside/.env", "OUTSIDE=1\n");
  write("outside/infra.json", "{}\n");
  mkdirSync(join(root, "home"));
  write("project/stagecraft.yml", config);
  write("project/encore.app", '{"id": "corpus-x7k2", "lang": "typescript"}\n');
  write("project/package.json", '{"name": "corpus", "type": "module", "dependencies": {"encore.dev": "1.56.4"}}\n');
  write("project/node_modules/.keep", "");
  write("project/.env.local", "PLAIN=1\n");
  write("project/certs/ca.pem", ca);
  write("project/sub/infra.json", "{}\n");
  mkdirSync(join(root, "project", "dir.env"));
  symlinkSync("../outside/.env", join(root, "project", ".env.link"));
  symlinkSync("../outside/infra.json", join(root, "project", "infra.link"));
  symlinkSync("../outside", join(root, "project", "link-out"));
  symlinkSync("../../outside/ca.pem", join(root, "project", "certs", "outside-ca.pem"));
  execFileSync("mkfifo", [join(root, "project", "fifo.env")]);
  const huge = openSync(join(root, "project", "huge.env"), "w");
  ftruncateSync(huge, 2 * 1024 ** 3);
  closeSync(huge);
  return {
    root,
    project: join(root, "project"),
    home: join(root, "home"),
    callLog: join(root, "encore-calls.jsonl"),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
