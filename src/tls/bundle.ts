import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian/Ubuntu, RHEL/Fedora, Alpine/macOS keep the system CA bundle. */
const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

/** The bundle Go would use by default: `SSL_CERT_FILE` if set, else the first system bundle found. */
export function findSystemBundle(
  env: Readonly<Record<string, string | undefined>>,
  exists = existsSync,
): string | undefined {
  const configured = env.SSL_CERT_FILE;
  if (configured && exists(configured)) return configured;
  return SYSTEM_BUNDLES.find((path) => exists(path));
}

export function cacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base =
    env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, ".cache") : undefined) || join(homedir() || tmpdir(), ".cache");
  return join(base, "stagecraft-encore");
}

/**
 * Writes system bundle + extra CA to a content-addressed file and returns its path.
 * Public certificates only, never a secret; the same inputs always give the same file.
 */
export function writeCombinedBundle(systemBundle: string, caFile: string, dir: string): string {
  const system = readFileSync(systemBundle, "utf8");
  const extra = readFileSync(caFile, "utf8");
  const content = `${system.trimEnd()}\n\n# extra CA: ${caFile}\n${extra.trimEnd()}\n`;
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 16);
  const target = join(dir, `ca-bundle-${digest}.pem`);
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, content, { mode: 0o644 });
    renameSync(temporary, target);
  }
  return target;
}
