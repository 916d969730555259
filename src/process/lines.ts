import { StringDecoder } from "node:string_decoder";

/** Longer lines are cut here, so one endless line cannot grow memory without bound. */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Splits a byte stream into lines (`\n` or `\r\n`), keeping the unfinished tail between chunks
 * and decoding UTF-8 across chunk boundaries. Pure apart from its own buffer.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  #partial = "";

  push(chunk: Buffer | string): string[] {
    const text = this.#partial + (typeof chunk === "string" ? chunk : this.#decoder.write(chunk));
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    while (this.#partial.length > MAX_LINE_CHARS) {
      lines.push(this.#partial.slice(0, MAX_LINE_CHARS));
      this.#partial = this.#partial.slice(MAX_LINE_CHARS);
    }
    return lines.map(stripCarriageReturn);
  }

  /** The last line, if the stream did not end with a newline. */
  end(): string[] {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = "";
    return rest === "" ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
