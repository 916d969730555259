import { LiteralMatcher } from "./matcher.ts";
import { sanitize } from "./sanitize.ts";

const REDACTED = "[redacted]";

/** Shorter fragments of a multiline secret are not worth masking everywhere they might occur. */
const MIN_FRAGMENT_LENGTH = 4;

/**
 * Replaces every known secret value with `[redacted]`. Values are added as soon as they
 * are known (env file, auth key), before anything that could print them runs.
 *
 * Text is sanitized first (escape sequences and invisible characters removed, see
 * sanitize.ts), so a value printed with a colour code inside it is still found, and what
 * comes out is what a terminal would show. Each value is matched raw and sanitized. Output
 * is relayed line by line, so each line of a multiline value is masked on its own too.
 * Matching is linear in the text for any number and size of values (matcher.ts).
 */
export class Redactor {
  readonly #values = new Set<string>();
  #matcher: LiteralMatcher | undefined;

  add(values: Iterable<string | undefined>): void {
    const before = this.#values.size;
    for (const value of values) {
      if (!value) continue;
      for (const form of new Set([value, sanitize(value)])) {
        if (form) this.#values.add(form);
        for (const line of form.split(/\r?\n|\r/)) {
          const trimmed = line.trim();
          if (trimmed.length >= MIN_FRAGMENT_LENGTH) this.#values.add(trimmed);
        }
      }
    }
    if (this.#values.size !== before) this.#matcher = new LiteralMatcher(this.#values);
  }

  redact(text: string): string {
    const shown = sanitize(text);
    const ranges = this.#matcher?.ranges(shown);
    if (!ranges || ranges.length === 0) return shown;
    let out = "";
    let from = 0;
    for (const [start, end] of ranges) {
      out += shown.slice(from, start) + REDACTED;
      from = end;
    }
    return out + shown.slice(from);
  }

  get size(): number {
    return this.#values.size;
  }
}
