// A config value shown in an error message must never reach the terminal raw: an ESC
// sequence would be interpreted, an RTL override would reorder the line, a zero-width
// character would make `listen` look like `listen`. JSON escaping covers only C0
// controls, so C1 controls, format characters (bidi, zero-width, BOM) and line or
// paragraph separators, and lone surrogates are escaped here too.

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Free text (a path, a parser message) with control and invisible characters escaped; quotes kept. */
export function visible(text: string, max = 240): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  return truncate(
    text.replace(INVISIBLE, (char) => named[char] ?? escapeCodePoint(char)),
    max,
  );
}

/** A value for inside double quotes: JSON-escaped, then every invisible character escaped. */
export function printable(text: string, max = 80): string {
  return truncate(JSON.stringify(text).slice(1, -1).replace(INVISIBLE, escapeCodePoint), max);
}

/** One escape sequence or one code point: the units a cut must not split. */
const UNIT = /\\u\{[0-9a-f]+\}|\\u[0-9a-f]{4}|\\.|[^]/gsu;

/** Cuts after `max` characters at most, never inside an escape sequence or a surrogate pair. */
function truncate(shown: string, max: number): string {
  if (shown.length <= max) return shown;
  let length = 0;
  for (const [unit] of shown.matchAll(UNIT)) {
    if (length + unit.length > max) break;
    length += unit.length;
  }
  return `${shown.slice(0, length)}…`;
}
