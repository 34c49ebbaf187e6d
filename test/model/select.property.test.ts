/**
 * `DataSourceIndex.select` equals the definition of a selection: the data sources named or whose
 * tags match (`anyOf`: one of them, `allOf`: every one), narrowed by platform, each once, by id.
 * Data sources come in any order, with repeated tags and ids named twice or not at all; ids of the
 * estate are unique (the loader rejects a repeated one). With repeated ids, every selected id is
 * one of the matching data sources of that id, once.
 */
import fc from "fast-check";
import { DataSourceIndex } from "../../provider/model/select";
import type { DataSource, DataSourceSelection, Platform } from "../../provider/model/schema";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const TAGS = ["t0", "t1", "t2", "t3", "t4"];
const IDS = Array.from({ length: 40 }, (_, i) => `ds${String(i).padStart(2, "0")}`);
const PLATFORMS: Platform[] = ["snowflake", "s3", "trino"];

const sourceArb = (id: fc.Arbitrary<string>) =>
  fc.record({ id, tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 4 }), platform: fc.constantFrom(...PLATFORMS) });

const selectionArb: fc.Arbitrary<DataSourceSelection> = fc.record(
  {
    names: fc.array(fc.constantFrom(...IDS, "missing"), { maxLength: 6 }),
    tags: fc.record(
      {
        anyOf: fc.array(fc.constantFrom(...TAGS, "absent"), { maxLength: 3 }),
        allOf: fc.array(fc.constantFrom(...TAGS, "absent"), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    platforms: fc.array(fc.constantFrom(...PLATFORMS), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const asSources = (xs: { id: string; tags: string[]; platform: Platform }[]) => xs as unknown as DataSource[];

/** The definition, data source by data source. */
function definition(sel: DataSourceSelection, d: Pick<DataSource, "id" | "tags" | "platform">): boolean {
  const anyOf = sel.tags?.anyOf ?? [];
  const allOf = sel.tags?.allOf ?? [];
  const tagged =
    (anyOf.length > 0 || allOf.length > 0) &&
    (anyOf.length === 0 || anyOf.some((t) => d.tags.includes(t))) &&
    allOf.every((t) => d.tags.includes(t));
  const named = (sel.names ?? []).includes(d.id);
  return (named || tagged) && (!sel.platforms || sel.platforms.length === 0 || sel.platforms.includes(d.platform));
}

describe("data-source selection", () => {
  test("equals the definition on unique ids, in any input order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(sourceArb(fc.constantFrom(...IDS)), { selector: (d) => d.id, maxLength: 40 }), selectionArb, (xs, sel) => {
        const all = asSources(xs);
        const expected = all.filter((d) => definition(sel, d)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const got = new DataSourceIndex(all).select(sel);
        expect(got.map((d) => d.id)).toEqual(expected.map((d) => d.id));
        got.forEach((d, i) => expect(d).toBe(expected[i]));
      }),
      { numRuns: RUNS },
    );
  });

  test("with repeated ids, selects each matching id once, as one of its data sources", () => {
    fc.assert(
      fc.property(fc.array(sourceArb(fc.constantFrom(...IDS.slice(0, 8))), { maxLength: 20 }), selectionArb, (xs, sel) => {
        const all = asSources(xs);
        const got = new DataSourceIndex(all).select(sel);
        const ids = got.map((d) => d.id);
        expect(ids).toEqual([...new Set(ids)].sort());
        for (const d of got) {
          expect(all).toContain(d);
          expect(definition(sel, d)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
