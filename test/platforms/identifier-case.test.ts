/** `foldIdentifier`: how each platform stores the names the inventory writes, quoted or not. */
import fc from "fast-check";
import { PLATFORMS } from "../../provider/model/schema";
import { ADAPTERS } from "../../provider/platforms";
import { type CaseRule, foldIdentifier, foldLocation } from "../../provider/platforms/types";
import { config, source } from "./support";

const RULES: CaseRule[] = ["upper", "lower", "lower-always", "exact", "verbatim"];

describe("foldIdentifier", () => {
  // name, then the stored name under upper, lower, lower-always, exact, verbatim.
  const ROWS: [string, string, string, string, string, string][] = [
    ["sales", "SALES", "sales", "sales", "sales", "sales"],
    ["MixedCase_1$", "MIXEDCASE_1$", "mixedcase_1$", "mixedcase_1$", "MixedCase_1$", "MixedCase_1$"],
    ["_Private", "_PRIVATE", "_private", "_private", "_Private", "_Private"],
    // Quoted: the exact case, quotes removed, doubled quotes undone (lowered where names are case-insensitive).
    ['"MixedCase"', "MixedCase", "MixedCase", "mixedcase", "MixedCase", '"MixedCase"'],
    ['"a ""quoted"" name"', 'a "quoted" name', 'a "quoted" name', 'a "quoted" name', 'a "quoted" name', '"a ""quoted"" name"'],
    ['"sales"', "sales", "sales", "sales", "sales", '"sales"'],
    // Not valid unquoted identifiers: they can only have been created quoted, so they are stored as written.
    ["raw-data", "raw-data", "raw-data", "raw-data", "raw-data", "raw-data"],
    ["Alice@Example.com", "Alice@Example.com", "Alice@Example.com", "alice@example.com", "Alice@Example.com", "Alice@Example.com"],
    ["IAM:Alice", "IAM:Alice", "IAM:Alice", "iam:alice", "IAM:Alice", "IAM:Alice"],
    ["1st", "1st", "1st", "1st", "1st", "1st"],
    ["My Table", "My Table", "My Table", "my table", "My Table", "My Table"],
    // Redshift's standard identifiers allow multibyte letters (their case is kept); Snowflake's do not.
    ["Café", "Café", "café", "café", "Café", "Café"],
    // A lone quote or a half-quoted name is no quoted identifier.
    ['"', '"', '"', '"', '"', '"'],
    ['"Open', '"Open', '"Open', '"open', '"Open', '"Open'],
  ];
  test.each(ROWS)("%s -> upper %s, lower %s, lower-always %s, exact %s, verbatim %s", (name, ...stored) => {
    expect(RULES.map((r) => foldIdentifier(name, r))).toEqual(stored);
  });

  const unquoted = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !(s.length >= 2 && s.startsWith('"') && s.endsWith('"')));
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

  test("a quoted name keeps its exact case under every rule that reads quotes, lowered where names are case-insensitive", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        expect(foldIdentifier(quote(s), "upper")).toBe(s);
        expect(foldIdentifier(quote(s), "lower")).toBe(s);
        expect(foldIdentifier(quote(s), "exact")).toBe(s);
        expect(foldIdentifier(quote(s), "lower-always")).toBe(s.toLowerCase());
      }),
    );
  });

  test("folding an unquoted name twice gives what folding it once gives, and only changes letter case", () => {
    fc.assert(
      fc.property(unquoted, fc.constantFrom(...RULES), (s, rule) => {
        const once = foldIdentifier(s, rule);
        if (!(once.length >= 2 && once.startsWith('"') && once.endsWith('"'))) expect(foldIdentifier(once, rule)).toBe(once);
        expect(once.toLowerCase()).toBe(s.toLowerCase());
      }),
    );
  });

  test("the stored name of an unquoted valid identifier is the platform's case of it", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$]{0,10}$/), (s) => {
        expect(foldIdentifier(s, "upper")).toBe(s.toUpperCase());
        expect(foldIdentifier(s, "lower")).toBe(s.toLowerCase());
        expect(foldIdentifier(s, "exact")).toBe(s);
      }),
    );
  });

  test("foldLocation folds every part and leaves absent parts absent", () => {
    expect(foldLocation({ database: "Sales", schema: '"Raw"', table: "orders" }, "upper")).toEqual({
      database: "SALES",
      schema: "Raw",
      table: "ORDERS",
    });
    expect(foldLocation({ bucket: "b", prefix: undefined }, "lower")).toEqual({ bucket: "b", prefix: undefined });
    const loc = { bucket: "B", prefix: '"x"/' };
    expect(foldLocation(loc, "verbatim")).toBe(loc);
  });
});

describe("each adapter states its folding rule", () => {
  test("objects and users per platform", () => {
    expect(Object.fromEntries(PLATFORMS.map((p) => [p, ADAPTERS[p].identifierCase]))).toEqual({
      snowflake: { objects: "upper", users: "upper" },
      "databricks-unity-catalog": { objects: "lower-always", users: "exact" },
      "databricks-spark": { objects: "lower-always", users: "exact" },
      trino: { objects: "lower-always", users: "exact" },
      redshift: { objects: "lower", users: "lower" },
      synapse: { objects: "exact", users: "exact" },
      bigquery: { objects: "exact", users: "verbatim" },
      s3: { objects: "verbatim", users: "verbatim" },
    });
  });
});

describe("hostile quoted names", () => {
  test("are unquoted once and quoted again for the platform's dialect", () => {
    const evil = { table: '"x"" ; DROP TABLE t; --"' };
    const sf = ADAPTERS.snowflake.target(
      source("snowflake", "BASE TABLE", { location: { database: "db", schema: "s", ...evil } }) as never,
      config(),
    );
    expect(sf.object).toBe('"DB"."S"."x"" ; DROP TABLE t; --"');
    const trino = ADAPTERS.trino.target(
      source("trino", "BASE TABLE", { location: { catalog: "c", schema: "s", ...evil } }) as never,
      config(),
    );
    expect(trino.object).toBe('"c"."s"."x"" ; drop table t; --"');
    const rs = ADAPTERS.redshift.target(
      source("redshift", "BASE TABLE", { location: { database: "d", schema: "s", ...evil } }) as never,
      config(),
    );
    expect(rs.object).toBe('"d"."accessplane"."s$_x"" ; DROP TABLE t; --"');
  });
});
