import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalSecretType, type SecretType } from "./types.ts";

// skip_unchanged: remembers an HMAC of (app, name, types, value) per secret after a successful
// sync, under Encore's config directory (a named volume in the toolbox). Never the value.
// The key lives beside it (0600), so the file alone cannot be used to guess values.

interface StateFile {
  version: 1;
  secrets: Record<string, string>;
}

export class SecretSyncState {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #state: StateFile;

  private constructor(dir: string, key: Buffer, state: StateFile) {
    this.#dir = dir;
    this.#key = key;
    this.#state = state;
  }

  static open(home: string): SecretSyncState {
    const dir = join(home, ".config", "encore", "stagecraft-encore");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyFile = join(dir, "secret-sync.key");
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32), { mode: 0o600, flag: "wx" });
    const stateFile = join(dir, "secret-sync.json");
    let state: StateFile = { version: 1, secrets: {} };
    try {
      const parsed = JSON.parse(readFileSync(stateFile, "utf8")) as StateFile;
      if (parsed.version === 1 && typeof parsed.secrets === "object") state = parsed;
    } catch {
      // first run, or unreadable: everything counts as changed
    }
    return new SecretSyncState(dir, readFileSync(keyFile), state);
  }

  digest(appDir: string, name: string, types: readonly SecretType[], value: string): string {
    const canonical = [...new Set(types.map(canonicalSecretType))].sort();
    return createHmac("sha256", this.#key).update(JSON.stringify([appDir, name, canonical, value])).digest("hex");
  }

  unchanged(appDir: string, name: string, digest: string): boolean {
    return this.#state.secrets[`${appDir}\u0000${name}`] === digest;
  }

  remember(appDir: string, name: string, digest: string): void {
    this.#state.secrets[`${appDir}\u0000${name}`] = digest;
  }

  save(): void {
    const file = join(this.#dir, "secret-sync.json");
    writeFileSync(`${file}.tmp`, `${JSON.stringify(this.#state, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
}
