// Pure detection: facts about an Encore.ts app from the text of its files. The file-system
// walk that feeds these lives in scan.ts.

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** Lock files in the order package managers are usually preferred when several exist. */
const LOCK_FILES: readonly (readonly [string, PackageManager])[] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

export interface PackageJson {
  packageManager?: unknown;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

/**
 * `packageManager` in package.json (corepack's field, e.g. "pnpm@9.12.0") wins; else the
 * lock file present; else npm, which Encore itself runs.
 */
export function detectPackageManager(pkg: PackageJson | undefined, files: readonly string[]): PackageManager {
  const declared =
    typeof pkg?.packageManager === "string" ? /^(npm|pnpm|yarn|bun)@/.exec(pkg.packageManager)?.[1] : undefined;
  if (declared) return declared as PackageManager;
  return LOCK_FILES.find(([file]) => files.includes(file))?.[1] ?? "npm";
}

/** The `encore.dev` range the app depends on, as written (e.g. "1.56.4", "^1.50.0"). */
export function encoreDevRange(pkg: PackageJson | undefined): string | undefined {
  const raw = pkg?.dependencies?.["encore.dev"] ?? pkg?.devDependencies?.["encore.dev"];
  return typeof raw === "string" ? raw : undefined;
}

// `secret("NAME")` from encore.dev/config: Encore takes the name from a string literal
// only, so a literal is all there is to find. Only names that are also environment
// variable names are taken: encore_secrets.from_env accepts nothing else.
const SECRET_CALL = /\bsecret\(\s*(["'`])([A-Za-z_][A-Za-z0-9_]*)\1\s*[,)]/g;

/** The secret names a source file declares, in order of appearance. */
export function declaredSecrets(source: string): string[] {
  return [...source.matchAll(SECRET_CALL)].map((match) => match[2]!);
}
