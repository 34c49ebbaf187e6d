/** Sorted joins and list helpers, for comparing two plans without hashing what is already in order. */

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a join of a base list and a head list reports. */
export interface JoinVisitor<T> {
  /** An element of each side with equal keys. */
  both(base: T, head: T): void;
  /** An element of the base alone. */
  baseOnly(base: T): void;
  /** An element of the head alone. */
  headOnly(head: T): void;
}

/**
 * Merge-joins `base` and `head`, each expected strictly ascending under `compare` (no key twice),
 * reporting pairs and single elements to `visit` in key order.
 *
 * It checks both sides' order as it goes, at one comparison per base element and per head element
 * met alone: a head element met in a pair equals its base element, which is after every head
 * element consumed before it (each was below a base element at most this one, or equal to an earlier
 * one). On the first element out of order it stops and returns false: `visit` has then seen part of
 * the lists, and what it collected must be thrown away.
 */
export function sortedJoin<T>(base: readonly T[], head: readonly T[], compare: (x: T, y: T) => number, visit: JoinVisitor<T>): boolean {
  const nb = base.length;
  const na = head.length;
  let i = 0;
  let j = 0;
  while (i < nb && j < na) {
    const x = base[i]!;
    const y = head[j]!;
    const o = compare(x, y);
    if (o === 0) {
      if (i > 0 && !(compare(base[i - 1]!, x) < 0)) return false;
      i++;
      j++;
      visit.both(x, y);
    } else if (o < 0) {
      if (i > 0 && !(compare(base[i - 1]!, x) < 0)) return false;
      i++;
      visit.baseOnly(x);
    } else {
      if (j > 0 && !(compare(head[j - 1]!, y) < 0)) return false;
      j++;
      visit.headOnly(y);
    }
  }
  for (; i < nb; i++) {
    const x = base[i]!;
    if (i > 0 && !(compare(base[i - 1]!, x) < 0)) return false;
    visit.baseOnly(x);
  }
  for (; j < na; j++) {
    const y = head[j]!;
    if (j > 0 && !(compare(head[j - 1]!, y) < 0)) return false;
    visit.headOnly(y);
  }
  return true;
}

/** Element-by-element equality of two lists, without allocating. */
export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Elements of `a` missing from `b`, sorted, each once. */
export function minus(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0) return [];
  // Privilege and policy lists hold a few names: scanning them costs less than two sets per call
  // (a diff asks four times per changed entry). Longer lists go through a set.
  if (a.length * (a.length + b.length) <= 256) {
    const out: string[] = [];
    for (const x of a) if (!b.includes(x) && !out.includes(x)) out.push(x);
    return out.length > 1 ? out.sort(cmp) : out;
  }
  const s = new Set(b);
  return [...new Set(a)].filter((x) => !s.has(x)).sort(cmp);
}
