import { homedir } from "node:os";
import { join } from "node:path";
import { readAppFile } from "../../encore/app-file.ts";
import { definedEnv } from "../../env/environment.ts";
import { findAuthKey, hasAuthToken } from "../../encore/auth.ts";
import { LOCAL_SECRETS_FILE, gitIgnores } from "../../secrets/local-store.ts";
import { fail, pass, type Check } from "../types.ts";

/** Cloud secrets need a linked app and a login; local secrets need a git-ignored store. */
export const checkSecrets: Check = async (ctx) => {
  const secrets = ctx.settings?.secrets;
  if (!secrets || secrets.fromEnv.length === 0)
    return [pass("secrets", "no secrets to sync (encore_secrets.from_env is empty)")];
  if (!ctx.appDir) return [];
  if (secrets.mode === "local") {
    const ignored = await gitIgnores(ctx.appDir, LOCAL_SECRETS_FILE, definedEnv(ctx.env));
    return ignored === "not-ignored"
      ? [
          fail(
            "secrets",
            `local mode writes ${join(ctx.appDir, LOCAL_SECRETS_FILE)}, which git does not ignore`,
            `add this line to ${join(ctx.appDir, ".gitignore")}: ${LOCAL_SECRETS_FILE}`,
          ),
        ]
      : [
          pass(
            "secrets",
            `local mode: ${secrets.fromEnv.length} secret(s) go to ${LOCAL_SECRETS_FILE}${ignored === "ignored" ? ", which git ignores" : ""}`,
          ),
        ];
  }
  const linked = appId(join(ctx.appDir, "encore.app"));
  const home = ctx.env.HOME ?? homedir();
  const key = findAuthKey(ctx.env);
  const loggedIn = key !== undefined || hasAuthToken(home);
  const toLocal =
    "or set dev.encore_secrets.mode: local to keep the values in Encore's local store (.secrets.local.cue)";
  if (!linked)
    return [
      fail(
        "secrets",
        "encore_secrets.from_env needs an app linked to Encore Cloud, and encore.app has no id",
        `link it (encore app link), ${toLocal}`,
      ),
    ];
  if (!loggedIn)
    return [
      fail(
        "secrets",
        `app ${linked} is linked, but Encore has no login (no auth token, no ENCORE_AUTH_KEY)`,
        `set ENCORE_AUTH_KEY (CI) or run encore auth login, ${toLocal}`,
      ),
    ];
  return [pass("secrets", `app ${linked} is linked and ${key ? `${key.variable} is set` : "Encore has a login"}`)];
};

/** The Encore Cloud id in encore.app (HuJSON), when the app is linked. */
function appId(file: string): string | undefined {
  const read = readAppFile(file);
  return read.ok && read.app.id !== "" ? read.app.id : undefined;
}
