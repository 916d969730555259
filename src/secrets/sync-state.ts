import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBounded } from "../files/read-bounded.ts";
import { canonicalSecretType, type SecretType } from "./types.ts";

// skip_unchanged: remembers an HMAC of (app, name, types, value) per secret after a successful
// sync, under Encore's config directory (a named volume in the toolbox). Never the value.
// The key lives beside it (0600), so the file alone cannot be used to guess values.
//
// It is a cache: whatever is wrong with it (unwritable HOME, a corrupted or foreign file, a
// named pipe in its place) costs a full sync and a warning, never the run. Reads are bounded
// and never block.

interface StateFile {
  version: 1;
  secrets: Record<string, string>;
}

const STATE_MAX_BYTES = 4 * 1024 * 1024;
const KEY_BYTES = 32;

type Warn = (message: string, fix: string) => void;

export class SecretSyncState {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #state: StateFile;
  readonly #warn: Warn;

  private constructor(dir: string, key: Buffer, state: StateFile, warn: Warn) {
    this.#dir = dir;
    this.#key = key;
    this.#state = state;
    this.#warn = warn;
  }

  /** The state under `home`, or undefined (with a warning) when it cannot be kept there. */
  static open(home: string, warn: Warn = () => {}): SecretSyncState | undefined {
    const dir = join(home, ".config", "encore", "stagecraft-encore");
    const keyFile = join(dir, "secret-sync.key");
    const stateFile = join(dir, "secret-sync.json");
    const fix = `make ${dir} a writable directory (HOME=${home}), or turn dev.encore_secrets.skip_unchanged off`;
    let key: Buffer;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const read = readBounded(keyFile, KEY_BYTES);
      if (read.ok && read.data.length === KEY_BYTES) key = read.data;
      else {
        key = randomBytes(KEY_BYTES);
        writeFileSync(`${keyFile}.${process.pid}.tmp`, key, { mode: 0o600 });
        renameSync(`${keyFile}.${process.pid}.tmp`, keyFile);
      }
    } catch (error) {
      warn(`skip_unchanged: the sync state cannot be kept in ${dir} (${codeOf(error)}); every secret is synced`, fix);
      return undefined;
    }
    let state: StateFile = { version: 1, secrets: {} };
    const read = readBounded(stateFile, STATE_MAX_BYTES);
    if (read.ok) {
      const parsed = parseState(read.data.toString("utf8"));
      if (parsed) state = parsed;
      else
        warn(
          `skip_unchanged: ${stateFile} is not a sync state this tool wrote; it is replaced, and every secret is synced`,
          "nothing to do; remove the file if it keeps happening",
        );
    } else if (read.reason !== "missing") {
      warn(
        `skip_unchanged: ${stateFile} cannot be used (${read.reason}); it is replaced, and every secret is synced`,
        fix,
      );
    }
    return new SecretSyncState(dir, key, state, warn);
  }

  digest(appDir: string, name: string, types: readonly SecretType[], value: string): string {
    const canonical = [...new Set(types.map(canonicalSecretType))].sort();
    return createHmac("sha256", this.#key)
      .update(JSON.stringify([appDir, name, canonical, value]))
      .digest("hex");
  }

  unchanged(appDir: string, name: string, digest: string): boolean {
    return (
      Object.hasOwn(this.#state.secrets, `${appDir}\u0000${name}`) &&
      this.#state.secrets[`${appDir}\u0000${name}`] === digest
    );
  }

  remember(appDir: string, name: string, digest: string): void {
    this.#state.secrets[`${appDir}\u0000${name}`] = digest;
  }

  /** The secrets are set already: a failure here is a warning (the next run syncs them again). */
  save(): void {
    const file = join(this.#dir, "secret-sync.json");
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.#state, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, file);
    } catch (error) {
      this.#warn(
        `skip_unchanged: the sync state could not be saved to ${file} (${codeOf(error)}); the next run syncs every secret again`,
        `make ${this.#dir} writable`,
      );
    }
  }
}

function parseState(text: string): StateFile | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { version, secrets } = parsed as { version?: unknown; secrets?: unknown };
    if (version !== 1 || typeof secrets !== "object" || secrets === null || Array.isArray(secrets)) return undefined;
    const entries = Object.entries(secrets);
    if (!entries.every(([, digest]) => typeof digest === "string")) return undefined;
    return { version: 1, secrets: Object.fromEntries(entries) as Record<string, string> };
  } catch {
    return undefined;
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : "error");
}
