import { existsSync } from "node:fs";
import { join } from "node:path";

// How Encore knows who is logged in (docs/encore-cli.md §Auth login): a token the CLI wrote
// to its config directory, or, in CI, an auth key that `encore auth login --auth-key` takes.

/** `ENCORE_AUTH_KEY`, or `ENCORE_AUTHKEY` as the official image names it. */
const AUTH_KEY_VARIABLES = ["ENCORE_AUTH_KEY", "ENCORE_AUTHKEY"] as const;

export interface AuthKey {
  variable: (typeof AUTH_KEY_VARIABLES)[number];
  value: string;
}

/** Never in an encore child's environment: the app `encore run` starts would inherit the CI key. */
export function withheldAuthVariables(): string[] {
  return [...AUTH_KEY_VARIABLES];
}

export function findAuthKey(env: Readonly<Record<string, string | undefined>>): AuthKey | undefined {
  for (const variable of AUTH_KEY_VARIABLES) {
    const value = env[variable];
    if (value) return { variable, value };
  }
  return undefined;
}

/** The token `encore auth login` writes, under the user's Encore config directory. */
export function hasAuthToken(home: string): boolean {
  return existsSync(join(home, ".config", "encore", ".auth_token"));
}
