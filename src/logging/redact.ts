export const REDACTED = "[redacted]";

/** Shorter fragments of a multiline secret are not worth masking everywhere they might occur. */
const MIN_FRAGMENT_LENGTH = 4;

/**
 * Replaces every known secret value with `[redacted]`. Values are added as soon as they
 * are known (env file, auth key), before anything that could print them runs.
 * Output is relayed line by line, so a multiline value is also masked line by line.
 */
export class Redactor {
  #values = new Set<string>();
  #pattern: RegExp | undefined;

  add(values: Iterable<string | undefined>): void {
    for (const value of values) {
      if (!value) continue;
      this.#values.add(value);
      if (/[\r\n]/.test(value)) {
        for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_FRAGMENT_LENGTH) this.#values.add(line.trim());
      }
    }
    const sorted = [...this.#values].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : undefined;
  }

  redact(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }

  get size(): number {
    return this.#values.size;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
