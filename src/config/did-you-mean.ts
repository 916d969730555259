/** Levenshtein distance, small inputs only (config keys). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest known key when it is plausibly a typo (case, `-` for `_`, or a few edits). */
export function didYouMean(input: string, known: readonly string[]): string | undefined {
  // Far longer than any known key cannot be a typo of one; and the distance is quadratic.
  if (input.length > 64) return undefined;
  const normalized = input.toLowerCase().replaceAll("-", "_");
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = key === normalized ? 0 : editDistance(normalized, key);
    if (!best || distance < best.distance) best = { key, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(best.key.length / 3));
  return best.distance <= allowed ? best.key : undefined;
}
