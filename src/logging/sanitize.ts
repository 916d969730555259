import { stripAnsi } from "./ansi.ts";

// What a child prints must not steer the terminal or the reader: ESC sequences are
// stripped, and the characters that overwrite, reorder or hide text are removed (CR,
// backspace, BEL and the other C0/C1 controls, bidi overrides and isolates, zero-width and
// other format characters, line and paragraph separators, lone surrogates). Removed rather
// than escaped, so a secret split by them is whole again before redaction. Newline and tab
// stay: an error detail is several lines.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");

/** `text` as it may be shown: no escape sequences, no control or invisible characters but `\n` and `\t`. */
export function sanitize(text: string): string {
  if (!INVISIBLE.test(text)) return text;
  return stripAnsi(text).replace(INVISIBLE_ALL, "");
}
