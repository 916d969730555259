import { LOCAL_SECRETS_FILE } from "../secrets/local-store.ts";

/**
 * The lines git must ignore: Encore's local secret store and the env file. Bare names, so
 * they match next to encore.app wherever the app sits in the repository.
 */
export function ignoredNames(envFile: string): string[] {
  return [LOCAL_SECRETS_FILE, envFile];
}

/**
 * `.gitignore` with the missing lines appended, or undefined when none is missing. A line
 * counts as present written bare, anchored (`/name`) or as `**\/name`; anything else (a
 * negation, a wildcard) is left for git to judge, and the line is added.
 */
export function withIgnored(existing: string | undefined, names: readonly string[]): string | undefined {
  const present = new Set((existing ?? "").split(/\r?\n/).map((line) => line.trim()));
  const missing = names.filter(
    (name, index) =>
      names.indexOf(name) === index && ![name, `/${name}`, `**/${name}`].some((form) => present.has(form)),
  );
  if (missing.length === 0) return undefined;
  const base =
    existing === undefined || existing === "" ? "" : existing.endsWith("\n") ? `${existing}\n` : `${existing}\n\n`;
  return `${base}# stagecraft-encore: Encore's local secrets and the dev env file\n${missing.join("\n")}\n`;
}
