/**
 * "Did you mean": one suggestion by edit distance everywhere, and unknown keys checked against
 * every key the schemas declare (derived from them, so a new key is suggested without a list to keep).
 */
import { z } from "zod";
import { suggest } from "../../provider/model/suggest";
import { KNOWN_KEYS, schemaKeys } from "../../provider/model/zod-issues";
import { load, SMALL_INVENTORY } from "../support/estate";

const brief = (issues: { severity: string; code: string; path?: string; help?: string }[]) =>
  issues.map((i) => `${i.severity} ${i.code} ${i.path ?? ""} | ${i.help ?? ""}`);

describe("suggest", () => {
  test.each([
    ["a letter off", "analyst", ["engineers", "analysts"], undefined, "analysts"],
    ["a difference in case only", "FIN", ["fine", "fin"], undefined, "fin"],
    ["two letters swapped", "dna", ["dan", "ann"], undefined, "dan"],
    ["a mere prefix is too far", "fin", ["finance"], undefined, undefined],
    ["the closest wins over the first", "analyst", ["analysts-emea", "analysts"], undefined, "analysts"],
    ["ties go to the first", "t9", ["t1", "t2"], undefined, "t1"],
    ["a limit of one edit", "anna", ["ann"], 1, "ann"],
    ["two edits over a limit of one", "annie", ["ann"], 1, undefined],
    ["the name itself is no suggestion", "ann", ["ann"], undefined, undefined],
  ])("%s", (_, s, candidates, max, expected) => {
    expect(suggest(s, candidates, max)).toBe(expected);
  });
});

describe("known keys", () => {
  test("are every key of objects reachable through unions, arrays, defaults, lazy schemas and record values", () => {
    const Leaf: z.ZodType<unknown> = z.lazy(() => z.strictObject({ deep: z.array(Leaf).optional() }));
    const root = z.union([
      z.strictObject({ a: z.strictObject({ b: z.string() }).default({ b: "" }), list: z.array(z.strictObject({ c: z.number() })) }),
      z.strictObject({
        rec: z.record(z.string(), z.strictObject({ d: z.string() })),
        lazy: Leaf,
        piped: z.string().transform((s) => s.length),
      }),
    ]);
    expect(schemaKeys([root])).toEqual(["a", "list", "b", "c", "rec", "lazy", "piped", "d", "deep"]);
  });

  test("include keys of policies, conditions, inventory items and the project file", () => {
    for (const k of [
      "acknowledgeSharedRole",
      "anyOf",
      "attribute",
      "approvedBy",
      "identityCenter",
      "bigLake",
      "sharedRoles",
      "rulesPath",
      "onMissing",
      "inventory",
    ])
      expect(KNOWN_KEYS.has(k)).toBe(true);
  });

  test("a misspelt configuration key is suggested from the schema", () => {
    const r = load({ inventory: { "inv.yaml": SMALL_INVENTORY }, config: "trino:\n  rulesPth: /etc/trino/rules.json\n" });
    expect(brief(r.issues)).toEqual(["error unknown-key trino.rulesPth | did you mean `rulesPath`?"]);
  });
});
