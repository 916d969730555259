/**
 * Finds every occurrence of any of a set of literal strings in one pass (Aho-Corasick), in
 * time linear in the text whatever the number and length of the strings. Hand-written:
 * a regular expression alternation of the values is neither linear (each position retries
 * every alternative) nor bounded in size (V8 rejects a pattern of tens of kilobytes), and
 * no maintained package offers a small, dependency-free automaton over UTF-16 strings.
 */
export class LiteralMatcher {
  // Node 0 is the root. A node's first edge is stored inline (most nodes of long values
  // have one child), further edges in a Map: a 50 kB PEM chain stays a few MB.
  readonly #edgeChar: number[] = [-1];
  readonly #edgeNode: number[] = [0];
  readonly #more: (Map<number, number> | undefined)[] = [undefined];
  readonly #fail: number[] = [0];
  /** Length of the longest value ending at this node, itself or through its fail chain. */
  readonly #longest: number[] = [0];
  /** Code units that start some value: elsewhere at the root, a character is skipped at once. */
  readonly #starts = new Uint8Array(0x10000);

  constructor(values: Iterable<string>) {
    for (const value of values) if (value.length > 0) this.#insert(value);
    this.#link();
  }

  #child(node: number, char: number): number {
    if (this.#edgeChar[node] === char) return this.#edgeNode[node]!;
    return this.#more[node]?.get(char) ?? -1;
  }

  #insert(value: string): void {
    let node = 0;
    this.#starts[value.charCodeAt(0)] = 1;
    for (let i = 0; i < value.length; i++) {
      const char = value.charCodeAt(i);
      let next = this.#child(node, char);
      if (next < 0) {
        next = this.#edgeChar.length;
        this.#edgeChar.push(-1);
        this.#edgeNode.push(0);
        this.#more.push(undefined);
        this.#fail.push(0);
        this.#longest.push(0);
        if (this.#edgeChar[node] === -1) {
          this.#edgeChar[node] = char;
          this.#edgeNode[node] = next;
        } else {
          (this.#more[node] ??= new Map()).set(char, next);
        }
      }
      node = next;
    }
    this.#longest[node] = Math.max(this.#longest[node]!, value.length);
  }

  *#edges(node: number): Generator<[number, number]> {
    if (this.#edgeChar[node] !== -1) yield [this.#edgeChar[node]!, this.#edgeNode[node]!];
    const more = this.#more[node];
    if (more) yield* more;
  }

  /** Breadth-first: each node's fail link is the longest proper suffix that is also in the trie. */
  #link(): void {
    const queue: number[] = [];
    for (const [, child] of this.#edges(0)) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [char, child] of this.#edges(node)) {
        let fail = this.#fail[node]!;
        while (fail !== 0 && this.#child(fail, char) < 0) fail = this.#fail[fail]!;
        const target = this.#child(fail, char);
        this.#fail[child] = target >= 0 && target !== child ? target : 0;
        this.#longest[child] = Math.max(this.#longest[child]!, this.#longest[this.#fail[child]!]!);
        queue.push(child);
      }
    }
  }

  /** Start and end (exclusive) of every stretch covered by some value; merged, in order. */
  ranges(text: string): [number, number][] {
    const ranges: [number, number][] = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (node === 0 && this.#starts[char] === 0) continue;
      let next = this.#child(node, char);
      while (next < 0 && node !== 0) {
        node = this.#fail[node]!;
        next = this.#child(node, char);
      }
      node = next < 0 ? 0 : next;
      const length = this.#longest[node]!;
      if (length === 0) continue;
      // A longer value may start before stretches already found: they merge into it.
      let start = i + 1 - length;
      while (ranges.length > 0 && start <= ranges[ranges.length - 1]![1]) start = Math.min(start, ranges.pop()![0]);
      ranges.push([start, i + 1]);
    }
    return ranges;
  }
}
