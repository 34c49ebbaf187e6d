/**
 * Coverage: the data sources no active grant policy reaches. Nobody can hold access to them through
 * accessplane, so they are either meant to stay closed or forgotten by every policy; either way a
 * reviewer should see them. (A policy that admits nobody or selects nothing, and a condition on an
 * attribute key or value no user carries, are load-time warnings: `policy-admits-nobody`,
 * `selection-empty`, `unknown-attribute`, `unknown-attribute-value`.)
 */
import type { Estate } from "../model/estate";
import { DataSourceIndex } from "../model/select";
import type { Platform } from "../model/schema";

/** A data source no active grant policy selects. */
export interface UncoveredDataSource {
  dataSource: string;
  platform: Platform;
  objectType: string;
  owners: string[];
  /** Staged policies that would select it once active (sorted). */
  stagedPolicies: string[];
}

/** Every data source no active grant policy selects, sorted by id. */
export function uncoveredDataSources(estate: Estate): UncoveredDataSource[] {
  const index = new DataSourceIndex(estate.inventory.dataSources);
  const covered = new Set<string>();
  const staged = new Map<string, string[]>();
  for (const p of estate.policies) {
    if (p.kind !== "grant") continue;
    for (const d of index.select(p.dataSources)) {
      if (p.state === "active") covered.add(d.id);
      else {
        const l = staged.get(d.id);
        if (l) l.push(p.name);
        else staged.set(d.id, [p.name]);
      }
    }
  }
  return estate.inventory.dataSources
    .filter((d) => !covered.has(d.id))
    .map((d) => ({
      dataSource: d.id,
      platform: d.platform,
      objectType: d.objectType,
      owners: [...d.owners],
      stagedPolicies: (staged.get(d.id) ?? []).sort(),
    }))
    .sort((a, b) => (a.dataSource < b.dataSource ? -1 : a.dataSource > b.dataSource ? 1 : 0));
}
