import { secretSetArgs } from "../encore/commands.ts";
import type { Environment } from "../env/environment.ts";

export interface SecretCall {
  name: string;
  types: readonly string[];
  args: string[];
}

export interface SecretPlan {
  calls: SecretCall[];
  /** from_env names with no value (missing or empty): warned about, not fatal (docs/provider-contract.md §Secrets sync). */
  missing: string[];
}

/** One `encore secret set --type t1,t2,… NAME` per secret that has a value. Pure. */
export function planSecretSync(fromEnv: readonly string[], types: readonly string[], env: Environment): SecretPlan {
  const calls: SecretCall[] = [];
  const missing: string[] = [];
  for (const name of fromEnv) {
    if (env.get(name)?.value) calls.push({ name, types, args: secretSetArgs(name, types) });
    else missing.push(name);
  }
  return { calls, missing };
}

/** The values to redact everywhere: every from_env variable that has one. */
export function secretValues(fromEnv: readonly string[], env: Environment): string[] {
  return fromEnv.map((name) => env.get(name)?.value ?? "").filter((value) => value !== "");
}
