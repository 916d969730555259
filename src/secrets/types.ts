// Encore's secret environment types and their aliases, case-sensitive as the CLI is
// (cli/cmd/encore/secrets/set.go: dev, prod, pr and ephemeral; ephemeral is preview, not local).
export const SECRET_TYPES = [
  "development",
  "production",
  "preview",
  "local",
  "dev",
  "prod",
  "pr",
  "ephemeral",
] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

const CANONICAL: Readonly<Record<SecretType, string>> = {
  development: "development",
  dev: "development",
  production: "production",
  prod: "production",
  preview: "preview",
  pr: "preview",
  local: "local",
  ephemeral: "preview",
};

export function isSecretType(value: string): value is SecretType {
  return Object.hasOwn(CANONICAL, value);
}

/** The type an alias stands for, so `dev` and `development` count as the same. */
export function canonicalSecretType(type: SecretType): string {
  return CANONICAL[type];
}
