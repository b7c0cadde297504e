// "did you mean …" for misspelt keys and enum values: the closest candidate by edit distance
// (adjacent transpositions count once), case-insensitively, if it is close enough to be a typo.
// A shortened or extended long name (`rejectInvalidCerts`) is matched first by the one candidate sharing
// its longest prefix, since edit distance would rather pick any name of similar length.
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const shortened = abbreviated(w, candidates);
  if (shortened) return shortened;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(w, candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** The one candidate sharing the longest prefix with the word, if that prefix is long (a tie names none). */
function abbreviated(word: string, candidates: readonly string[]): string | undefined {
  const needed = Math.max(8, Math.ceil(word.length * 0.6));
  let best: string | undefined;
  let bestLength = 0;
  let tie = false;
  for (const candidate of candidates) {
    const length = commonPrefix(word, candidate.toLowerCase());
    if (length > bestLength) { best = candidate; bestLength = length; tie = false; } else if (length === bestLength) tie = true;
  }
  return bestLength >= needed && !tie ? best : undefined;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.length, b.length);
}
