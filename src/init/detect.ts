// Pure detection: facts about an Encore.ts app from the text of its files. The file-system
// walk that feeds these lives in scan.ts.

export interface PackageJson {
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
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
