/**
 * Data-source selection by names and/or tags, narrowed by platform. Names and tags combine with OR
 * (a data source is selected when it is named or its tags match); platforms narrow the result.
 */
import type { DataSource, DataSourceSelection } from "./schema";

/** Indexes data sources by id and tag so that selection costs what it returns, not the estate size. */
export class DataSourceIndex {
  readonly byId = new Map<string, DataSource>();
  readonly byTag = new Map<string, DataSource[]>();
  constructor(readonly all: readonly DataSource[]) {
    for (const d of all) {
      this.byId.set(d.id, d);
      for (const t of new Set(d.tags)) {
        const list = this.byTag.get(t);
        if (list) list.push(d);
        else this.byTag.set(t, [d]);
      }
    }
  }

  /** The selected data sources, sorted by id. */
  select(sel: DataSourceSelection): DataSource[] {
    const out = new Map<string, DataSource>();
    for (const n of sel.names ?? []) {
      const d = this.byId.get(n);
      if (d) out.set(d.id, d);
    }
    const anyOf = sel.tags?.anyOf ?? [];
    const allOf = sel.tags?.allOf ?? [];
    if (anyOf.length > 0 || allOf.length > 0) {
      // Candidates come from the rarest tag; the rest are checked per candidate.
      const lists = [
        ...(anyOf.length > 0 ? [anyOf.flatMap((t) => this.byTag.get(t) ?? [])] : []),
        ...allOf.map((t) => this.byTag.get(t) ?? []),
      ];
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
    return result.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/** Selects data sources without a prebuilt index (convenience for one-off calls). */
export function selectDataSources(sel: DataSourceSelection, all: readonly DataSource[]): DataSource[] {
  return new DataSourceIndex(all).select(sel);
}
