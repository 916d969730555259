/** The header that marks a .secrets.local.cue as ours, so a user's own file is never overwritten. */
export const LOCAL_SECRETS_HEADER =
  "// Written by stagecraft-encore from dev.encore_secrets.from_env. Do not edit or commit; it is rewritten on every dev start.";

/**
 * A CUE string literal. JSON's escapes are a subset of CUE's, and escaping every backslash
 * also keeps `\(` from becoming CUE interpolation.
 */
function cueString(value: string): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Encore's local secret store: `Name: "value"` lines (docs/encore-cli.md §Local secrets). Pure. */
export function renderLocalSecrets(secrets: readonly { name: string; value: string }[]): string {
  return `${LOCAL_SECRETS_HEADER}\n${secrets.map(({ name, value }) => `${name}: ${cueString(value)}`).join("\n")}\n`;
}
