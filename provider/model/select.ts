/**
 * Data-source selection by names and/or tags, narrowed by platform. Names and tags combine with OR
 * (a data source is selected when it is named or its tags match); platforms narrow the result.
 */
import type { DataSource, DataSourceSelection } from "./schema";

const byId = (a: DataSource, b: DataSource) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Indexes data sources by id and tag so that selection costs what it returns, not the estate size.
 *
 * Data sources are addressed by their rank in id order, and each tag lists the ranks of its data
 * sources ascending: a selection intersects and unites those lists (walking the shortest), and its result comes out
 * in id order with integer comparisons only (no string-keyed sets, no sort by id per selection; a
 * policy selects thousands of sources on a large estate, and resolve selects once per policy).
 */
export class DataSourceIndex {
  readonly byId = new Map<string, DataSource>();
  /** Data sources in id order, or undefined when two share an id (then `selectGeneral` decides). */
  private readonly sorted: readonly DataSource[] | undefined;
  /** Each id's rank in `sorted`. */
  private readonly rankOf = new Map<string, number>();
  /** Each tag's data sources, as ranks ascending (each rank once). */
  private readonly byTag = new Map<string, number[]>();
  /** Each tag's data sources in input order, when ids repeat. */
  private readonly sourcesByTag = new Map<string, DataSource[]>();

  constructor(readonly all: readonly DataSource[]) {
    for (const d of all) this.byId.set(d.id, d);
    if (this.byId.size !== all.length) {
      this.sorted = undefined;
      for (const d of all) {
        for (const t of new Set(d.tags)) listOf(this.sourcesByTag, t).push(d);
      }
      return;
    }
    let inOrder = true;
    for (let i = 1; i < all.length && inOrder; i++) inOrder = all[i - 1]!.id < all[i]!.id;
    const sorted = inOrder ? all : [...all].sort(byId);
    this.sorted = sorted;
    for (let r = 0; r < sorted.length; r++) {
      const d = sorted[r]!;
      this.rankOf.set(d.id, r);
      for (const t of d.tags) {
        const list = listOf(this.byTag, t);
        // Ranks arrive ascending: a tag listed twice on one source is its list's last element.
        if (list[list.length - 1] !== r) list.push(r);
      }
    }
  }

  /** The selected data sources, sorted by id. */
  select(sel: DataSourceSelection): DataSource[] {
    const sorted = this.sorted;
    if (!sorted) return this.selectGeneral(sel);
    const anyOf = sel.tags?.anyOf ?? [];
    const allOf = sel.tags?.allOf ?? [];
    let ranks: number[] = [];
    if (anyOf.length > 0 || allOf.length > 0) {
      const tagged = (t: string) => this.byTag.get(t) ?? [];
      const bounds = allOf.map(tagged);
      if (anyOf.length > 0) bounds.push(union(anyOf.map(tagged)));
      ranks = intersection(bounds);
    }
    if (sel.names && sel.names.length > 0) {
      const named: number[] = [];
      for (const n of sel.names) {
        const r = this.rankOf.get(n);
        if (r !== undefined) named.push(r);
      }
      named.sort((x, y) => x - y);
      ranks = union([ranks, named.filter((r, i) => i === 0 || r !== named[i - 1])]);
    }
    const out: DataSource[] = [];
    if (sel.platforms && sel.platforms.length > 0) {
      const ps = new Set<string>(sel.platforms);
      for (const r of ranks) if (ps.has(sorted[r]!.platform)) out.push(sorted[r]!);
    } else for (const r of ranks) out.push(sorted[r]!);
    return out;
  }

  /**
   * Selection when ids repeat (only in estates validation rejects): one data source per id, the
   * named one (the last of its id) first, else the first candidate whose tags match.
   */
  private selectGeneral(sel: DataSourceSelection): DataSource[] {
    const tagged = (t: string) => this.sourcesByTag.get(t) ?? [];
    const out = new Map<string, DataSource>();
    for (const n of sel.names ?? []) {
      const d = this.byId.get(n);
      if (d) out.set(d.id, d);
    }
    const anyOf = sel.tags?.anyOf ?? [];
    const allOf = sel.tags?.allOf ?? [];
    if (anyOf.length > 0 || allOf.length > 0) {
      // Candidates come from the rarest tag; the rest are checked per candidate.
      const lists = [...(anyOf.length > 0 ? [anyOf.flatMap(tagged)] : []), ...allOf.map(tagged)];
      lists.sort((a, b) => a.length - b.length);
      for (const d of lists[0] ?? []) {
        if (out.has(d.id)) continue;
        const tags = d.tags;
        if (anyOf.length > 0 && !anyOf.some((t) => tags.includes(t))) continue;
        if (!allOf.every((t) => tags.includes(t))) continue;
        out.set(d.id, d);
      }
    }
    let result = [...out.values()];
    if (sel.platforms && sel.platforms.length > 0) {
      const ps = new Set(sel.platforms);
      result = result.filter((d) => ps.has(d.platform));
    }
    return result.sort(byId);
  }
}

function listOf<T>(m: Map<string, T[]>, tag: string): T[] {
  let list = m.get(tag);
  if (!list) m.set(tag, (list = []));
  return list;
}

/** The union of ascending lists of ranks, ascending, each rank once (a list itself when it is the only one). */
function union(lists: readonly number[][]): number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const all = Int32Array.from(nonEmpty.flat()).sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]!);
  return out;
}

/**
 * The intersection of ascending lists of ranks (at least one), ascending: the shortest list's ranks
 * that every other list holds, each found by galloping forward in that list (a list itself when it
 * is the only one).
 */
function intersection(lists: number[][]): number[] {
  if (lists.length === 1) return lists[0]!;
  const [shortest, ...others] = [...lists].sort((a, b) => a.length - b.length);
  const at = others.map(() => 0);
  const out: number[] = [];
  next: for (const r of shortest!) {
    for (let k = 0; k < others.length; k++) {
      const list = others[k]!;
      let lo = at[k]!;
      // Gallop to a bound past `r`, then binary-search the first element not below it.
      let step = 1;
      let hi = lo;
      while (hi < list.length && list[hi]! < r) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      hi = Math.min(hi, list.length);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      at[k] = lo;
      if (list[lo] !== r) continue next;
    }
    out.push(r);
  }
  return out;
}

/** Selects data sources without a prebuilt index (convenience for one-off calls). */
export function selectDataSources(sel: DataSourceSelection, all: readonly DataSource[]): DataSource[] {
  return new DataSourceIndex(all).select(sel);
}
