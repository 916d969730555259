import { CATEGORY_EXIT_CODES, type Category, type Operation } from "./categories.ts";

/** One problem found in the input, addressed by its dot-path (e.g. `backend.providers.encore-ts.dev.listen`). */
export interface Issue {
  path: string;
  message: string;
  /** A one-line suggestion for fixing it. */
  fix?: string;
}

export interface ProviderErrorInit {
  category: Category;
  provider: string;
  operation: Operation;
  message: string;
  /** Truncated, redacted context such as a log tail. */
  detail?: string;
  /** A one-line suggestion for the user. */
  fix?: string;
  issues?: readonly Issue[];
  /** Structured facts a machine reader may want (exit code, image ref, ...). */
  facts?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  cause?: unknown;
}

/** A failure the user can act on. Everything a caller needs is data on the object (style principle 3). */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly category: Category;
  readonly provider: string;
  readonly operation: Operation;
  readonly detail: string | undefined;
  readonly fix: string | undefined;
  readonly issues: readonly Issue[];
  readonly facts: Readonly<Record<string, string | number | boolean | readonly string[]>>;

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.category = init.category;
    this.provider = init.provider;
    this.operation = init.operation;
    this.detail = init.detail;
    this.fix = init.fix;
    this.issues = init.issues ?? [];
    this.facts = init.facts ?? {};
  }

  get exitCode(): number {
    return CATEGORY_EXIT_CODES[this.category];
  }
}

/** A command line the CLI cannot understand. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly fix: string;
  constructor(message: string, fix = "run `stagecraft-encore --help` for usage") {
    super(message);
    this.fix = fix;
  }
}
