/**
 * "Did you mean" for names: edit distances between what was written and what exists. Letters are
 * compared without case, so a name that differs only in case is always the closest candidate.
 */

/** Edit distance ignoring case, counting a swap of two adjacent letters as one edit (a common typo). */
export function distance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  const n = bl.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= al.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = al[i - 1] === bl[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && al[i - 1] === bl[j - 2] && al[i - 2] === bl[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * The closest known name to `s`, when it is close enough to be a likely typo: at most `maxEdits`
 * edits away (by default one edit per three letters, at least one). Ties go to the first candidate.
 */
export function suggest(s: string, candidates: Iterable<string>, maxEdits = Math.max(1, Math.floor(s.length / 3))): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const len = s.toLowerCase().length;
  for (const c of candidates) {
    if (c === s) continue;
    // The distance is at least the difference in length: skip what cannot be close enough or closer.
    const gap = Math.abs(c.toLowerCase().length - len);
    if (gap > maxEdits || gap >= bestD) continue;
    const d = distance(s, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= maxEdits ? best : undefined;
}

/** "did you mean" text for `s` among `candidates`, naming a difference in case only as such. */
export function didYouMean(s: string, candidates: Iterable<string>): string | undefined {
  const c = suggest(s, candidates);
  if (c === undefined) return undefined;
  return c.toLowerCase() === s.toLowerCase() ? `did you mean \`${c}\`? (it differs only in case)` : `did you mean \`${c}\`?`;
}
