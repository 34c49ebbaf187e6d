/**
 * Hostile identifiers in every dialect: quotes, brackets, semicolons, backticks, unicode, newlines
 * and very long names stay one quoted identifier, the generated SQL still parses for its dialect,
 * and names the dialect cannot hold are refused with an error naming the identifier and the limit.
 * (PostgreSQL executes them for real in test/dynamic/hostile-postgres.test.ts.)
 */
import { type Dialect, IDENTIFIER_LIMITS, SqlIdentifierError, quoteIdent, quoteLiteral } from "../../provider/platforms/sql/dialect";
import { createStoreStatements, createViewStatements } from "../../provider/platforms/sql/views";
import { entitlementDeltaStatements } from "../../provider/platforms/sql/view-entitlements";
import { trinoRoleDelta } from "../../provider/platforms/sql/trino";
import { trinoSyntaxErrors, tsqlSyntaxErrors } from "./parsers";

const HOSTILE = [
  'a"b',
  "x]y",
  "[z]",
  "it's",
  "semi;colon; DROP TABLE t; --",
  "back`tick",
  "unicodé 日本 🚀",
  "new\nline",
  "select",
  "dot.ted",
];

describe.each(["postgres", "redshift", "synapse", "trino"] as const)("%s quoting", (d: Dialect) => {
  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("identifier %s", (_label, name) => {
    const quoted = quoteIdent(name, d);
    if (d === "synapse") {
      expect(quoted).toBe(`[${name.split("]").join("]]")}]`);
    } else {
      expect(quoted).toBe(`"${name.split('"').join('""')}"`);
    }
    // Unquoting gives the name back: the quote characters cannot end the identifier early.
    const inner = quoted.slice(1, -1);
    expect(d === "synapse" ? inner.split("]]").join("]") : inner.split('""').join('"')).toBe(name);
  });

  test("literals double single quotes", () => {
    const lit = quoteLiteral("it's; DROP TABLE t; --", d);
    expect(lit).toBe(d === "synapse" ? "N'it''s; DROP TABLE t; --'" : "'it''s; DROP TABLE t; --'");
  });

  test("NUL is refused", () => {
    expect(() => quoteIdent("a\u0000b", d)).toThrow(SqlIdentifierError);
    expect(() => quoteIdent("", d)).toThrow("identifier `` cannot be used in " + d + ": identifiers cannot be empty");
  });
});

describe("length limits", () => {
  test.each([
    ["postgres", "a".repeat(63), "é".repeat(32), "it is 64 bytes long and the limit is 63 bytes"],
    ["redshift", "a".repeat(127), "é".repeat(64), "it is 128 bytes long and the limit is 127 bytes"],
    ["synapse", "é".repeat(128), "a".repeat(129), "it is 129 characters long and the limit is 128 characters"],
  ] as const)("%s", (d, fits, tooLong, reason) => {
    expect(quoteIdent(fits, d)).toContain(fits);
    expect(() => quoteIdent(tooLong, d)).toThrow(new SqlIdentifierError(tooLong, d, reason));
    const err = (() => {
      try {
        quoteIdent(tooLong, d);
      } catch (e) {
        return e as SqlIdentifierError;
      }
      throw new Error("no error");
    })();
    expect(err.message).toContain(`cannot be used in ${d}: ${reason}`);
    expect(err.identifier).toBe(tooLong);
  });

  test("trino has no engine limit", () => {
    expect(IDENTIFIER_LIMITS.trino).toBeNull();
    expect(quoteIdent("x".repeat(5000), "trino")).toHaveLength(5002);
  });
});

describe("generated SQL with hostile names still parses", () => {
  const spec = (name: string) => ({
    managedSchema: name,
    viewName: `v ${name}`,
    dataSource: name,
    source: { database: name, schema: name, table: name },
  });

  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("synapse, name %s", (_label, name) => {
    const statements = [
      ...createStoreStatements("synapse", name),
      ...createViewStatements("synapse", spec(name)),
      ...entitlementDeltaStatements("synapse", name, null, { policyKey: name, members: [name], dataSources: [name] }),
    ];
    for (const sql of statements) expect(tsqlSyntaxErrors(sql)).toEqual([]);
  });

  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("trino, name %s", (_label, name) => {
    const statements = trinoRoleDelta(null, {
      role: name,
      roleCatalog: name,
      members: [name],
      grants: [{ catalog: name, schema: name, table: name, privileges: ["SELECT"] }],
    });
    expect(statements).toHaveLength(3);
    for (const sql of statements) expect(trinoSyntaxErrors(sql)).toEqual([]);
  });
});
