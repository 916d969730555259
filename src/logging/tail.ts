/**
 * The last lines of a process's output, bounded in count and bytes, for error details
 * (docs/provider-contract.md §Dev command). Lines are kept as relayed; `text` redacts them, so the relay's hot path redacts once.
 */
export class LineTail {
  readonly #lines: string[] = [];
  readonly maxLines: number;
  readonly maxBytes: number;

  constructor(maxLines = 20, maxBytes = 4096) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.maxLines) this.#lines.shift();
  }

  /** Newest lines kept whole where possible; the oldest are dropped first to fit maxBytes. */
  text(redact: (line: string) => string = (line) => line): string {
    const kept: string[] = [];
    let bytes = 0;
    for (let i = this.#lines.length - 1; i >= 0; i--) {
      const line = redact(this.#lines[i] ?? "");
      const size = Buffer.byteLength(line) + 1;
      if (bytes + size > this.maxBytes) {
        if (kept.length === 0) kept.unshift(truncateBytes(line, this.maxBytes - 1));
        break;
      }
      kept.unshift(line);
      bytes += size;
    }
    return kept.join("\n");
  }
}

function truncateBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text);
  return buffer.length <= bytes ? text : `${buffer.subarray(0, Math.max(0, bytes - 3)).toString("utf8")}...`;
}
