import fc from "fast-check";
import { minus, sameList, sortedJoin } from "../../provider/plan/join";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The definition: each element of `a` that `b` lacks, once, in ordinal order. */
const reference = (a: readonly string[], b: readonly string[]) => [...new Set(a)].filter((x) => !b.includes(x)).sort(cmp);

describe("minus", () => {
  // Short lists take the scanning path, long ones the set path: both must agree with the definition.
  const name = fc.constantFrom("SELECT", "INSERT", "UPDATE", "DELETE", "USAGE", "a", "b", "B", "é", "", "x y");
  it("matches its definition on short and long lists, with duplicates", () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), fc.array(name, { maxLength: 40 }), (a, b) => {
        expect(minus(a, b)).toEqual(reference(a, b));
      }),
      { numRuns: RUNS },
    );
  });

  it("returns a new array the caller may change", () => {
    const a = ["SELECT"];
    const out = minus(a, []);
    expect(out).toEqual(["SELECT"]);
    expect(out).not.toBe(a);
  });
});

describe("sortedJoin and sameList", () => {
  it("visit each key once, on the side that has it", () => {
    const sorted = fc.uniqueArray(fc.integer({ min: 0, max: 50 })).map((xs) => xs.sort((x, y) => x - y));
    fc.assert(
      fc.property(sorted, sorted, (b, a) => {
        const seen: string[] = [];
        const ok = sortedJoin(b, a, (x, y) => x - y, {
          both: (x) => seen.push(`=${x}`),
          baseOnly: (x) => seen.push(`-${x}`),
          headOnly: (x) => seen.push(`+${x}`),
        });
        expect(ok).toBe(true);
        const expected = [...new Set([...b, ...a])]
          .sort((x, y) => x - y)
          .map((x) => (b.includes(x) && a.includes(x) ? `=${x}` : b.includes(x) ? `-${x}` : `+${x}`));
        expect(seen).toEqual(expected);
        expect(sameList(b, a)).toBe(b.length === a.length && b.every((x, i) => a[i] === x));
      }),
      { numRuns: RUNS },
    );
  });
});
