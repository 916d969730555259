// Reads what a relay printed and checks the double's flood in it: lines
// `seq=<n> stream=<stdout|stderr> ....` must arrive for each stream as 1, 2, 3, … with none
// missing, then `flood done` once per flooded stream. Written for speed (no regex per
// line), so the reader is never the bottleneck of a relay that does more.

export interface StreamCheck {
  lines: number;
  /** Lines whose number was not the previous one plus one (lost, duplicated or reordered). */
  outOfOrder: number;
  last: number;
}

export interface FloodResult {
  perStream: Record<"stdout" | "stderr", StreamCheck>;
  bytes: number;
  otherLines: number;
  /** performance.now() of the first flood line and of the last `flood done`. */
  firstAt: number;
  doneAt: number;
}

export class FloodCheck {
  readonly perStream = { stdout: { lines: 0, outOfOrder: 0, last: 0 }, stderr: { lines: 0, outOfOrder: 0, last: 0 } };
  bytes = 0;
  otherLines = 0;
  firstAt = 0;
  doneAt = 0;
  #partial = "";
  #done = 0;
  readonly #streams: number;
  readonly #finished: Promise<FloodResult>;
  #resolve: (result: FloodResult) => void = () => {};

  /** `streams`: how many `flood done` lines end the flood (2 for stream "both"). */
  constructor(streams: number) {
    this.#streams = streams;
    this.#finished = new Promise((resolve) => (this.#resolve = resolve));
  }

  get finished(): Promise<FloodResult> {
    return this.#finished;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const text = this.#partial + chunk.toString("latin1");
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      this.#line(text, start, end);
      start = end + 1;
    }
    this.#partial = text.slice(start);
  }

  #line(text: string, start: number, end: number): void {
    const at = text.indexOf("seq=", start);
    if (at === -1 || at > end) {
      if (text.startsWith("flood done", end - 10)) {
        if (++this.#done === this.#streams) {
          this.doneAt = performance.now();
          this.#resolve({
            perStream: this.perStream,
            bytes: this.bytes,
            otherLines: this.otherLines,
            firstAt: this.firstAt,
            doneAt: this.doneAt,
          });
        }
      } else {
        this.otherLines++;
      }
      return;
    }
    if (this.firstAt === 0) this.firstAt = performance.now();
    let n = 0;
    let i = at + 4;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    const check = text.startsWith(" stream=stdout", i) ? this.perStream.stdout : this.perStream.stderr;
    if (n !== check.last + 1) check.outOfOrder++;
    check.last = n;
    check.lines++;
  }
}
