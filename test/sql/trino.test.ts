/**
 * Trino: the operation-to-privilege mapping, golden SQL-mode statements parsed with Trino's own
 * grammar (dt-sql-parser), and a golden rules.json validated against the documented rule schema.
 */
import fc from "fast-check";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TrinoRulesDocumentSchema } from "../../provider/pulumi/dynamic/input-schemas";
import { trinoNativePrivileges, trinoReadQueries, trinoRoleDelta } from "../../provider/platforms/sql/trino";
import { renderTrinoRules, trinoRegexEscape, trinoRulesDocument } from "../../provider/platforms/sql/trino-rules";
import { trinoSyntaxErrors } from "./parsers";
import { type Action, allowed } from "./trino-rules-oracle";

function golden(name: string, text: string): void {
  const path = join(__dirname, "golden", name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, "utf8"));
}

const readRole = {
  role: "ap_finance_analysts_read",
  roleCatalog: "hive",
  members: ["alice", "bob"],
  grants: [
    { catalog: "hive", schema: "sales", table: "orders", privileges: ["SELECT" as const] },
    { catalog: "hive", schema: "sales", table: "customers", privileges: ["SELECT" as const] },
  ],
};

function roleLifecycle(): string[] {
  const writeRole = {
    ...readRole,
    members: ["alice", "carol"],
    grants: [
      {
        catalog: "hive",
        schema: "sales",
        table: "orders",
        privileges: ["DELETE" as const, "INSERT" as const, "SELECT" as const, "UPDATE" as const],
      },
    ],
  };
  return [...trinoRoleDelta(null, readRole), ...trinoRoleDelta(readRole, writeRole), ...trinoRoleDelta(writeRole, null)];
}

describe("operations to native privileges", () => {
  test.each([
    [["READ"], "BASE TABLE", "sql", ["SELECT"]],
    [["READ", "WRITE"], "BASE TABLE", "sql", ["DELETE", "INSERT", "SELECT", "UPDATE"]],
    // GRANT has no ownership privilege: OWN yields nothing in SQL mode.
    [["READ", "WRITE", "OWN"], "BASE TABLE", "sql", ["DELETE", "INSERT", "SELECT", "UPDATE"]],
    [["READ", "WRITE", "OWN"], "BASE TABLE", "file", ["DELETE", "INSERT", "OWNERSHIP", "SELECT", "UPDATE"]],
    [["READ", "WRITE"], "VIEW", "sql", ["SELECT"]],
    [["READ", "OWN"], "VIEW", "file", ["OWNERSHIP", "SELECT"]],
    [["READ", "WRITE"], "MATERIALIZED VIEW", "sql", ["SELECT", "UPDATE"]],
    [["WRITE", "READ", "WRITE"], "BASE TABLE", "file", ["DELETE", "INSERT", "SELECT", "UPDATE"]],
    [["CREATE"], "BASE TABLE", "file", []],
  ] as const)("%j on a %s in %s mode -> %j", (ops, objectType, mode, expected) => {
    expect(trinoNativePrivileges(objectType, ops, mode)).toEqual(expected);
  });
});

describe("SQL mode", () => {
  test("golden statements of a role's lifecycle: grants before revokes", () => {
    golden("trino-roles.sql", `${roleLifecycle().join(";\n")};\n`);
    expect(roleLifecycle()).toEqual([
      'CREATE ROLE "ap_finance_analysts_read" IN "hive"',
      'GRANT SELECT ON TABLE "hive"."sales"."customers" TO ROLE "ap_finance_analysts_read"',
      'GRANT SELECT ON TABLE "hive"."sales"."orders" TO ROLE "ap_finance_analysts_read"',
      'GRANT "ap_finance_analysts_read" TO USER "alice", USER "bob" IN "hive"',
      'GRANT INSERT, DELETE, UPDATE ON TABLE "hive"."sales"."orders" TO ROLE "ap_finance_analysts_read"',
      'GRANT "ap_finance_analysts_read" TO USER "carol" IN "hive"',
      'REVOKE "ap_finance_analysts_read" FROM USER "bob" IN "hive"',
      'REVOKE SELECT ON TABLE "hive"."sales"."customers" FROM ROLE "ap_finance_analysts_read"',
      'DROP ROLE "ap_finance_analysts_read" IN "hive"',
    ]);
  });

  test.each(roleLifecycle().map((s) => [s]))("parses with Trino's grammar: %s", (sql) => {
    expect(trinoSyntaxErrors(sql)).toEqual([]);
  });

  test("read queries parse with Trino's grammar", () => {
    for (const sql of [
      trinoReadQueries.roles("hive"),
      trinoReadQueries.roles(null),
      trinoReadQueries.members("r'x", "hive"),
      trinoReadQueries.grants("r", "hive"),
    ]) {
      expect(trinoSyntaxErrors(sql)).toEqual([]);
    }
  });

  test("the parser rejects broken Trino SQL (negative control)", () => {
    expect(trinoSyntaxErrors('GRANT SELECT ON TABLE TO ROLE "r"')).not.toEqual([]);
    expect(trinoSyntaxErrors('CREATE ROLE "r" IN')).not.toEqual([]);
    expect(trinoSyntaxErrors('GRANT SELECT ON TABLE "a""b TO ROLE "r"')).not.toEqual([]);
  });

  test("system roles have no IN clause; nothing changes, nothing runs", () => {
    const sys = { ...readRole, roleCatalog: null };
    expect(trinoRoleDelta(null, { ...sys, grants: [] })).toEqual([
      'CREATE ROLE "ap_finance_analysts_read"',
      'GRANT "ap_finance_analysts_read" TO USER "alice", USER "bob"',
    ]);
    expect(trinoRoleDelta(sys, { ...sys, members: ["bob", "alice"] })).toEqual([]);
  });
});

describe("file mode: rules.json", () => {
  const input = {
    admins: { users: ["accessplane-svc"], groups: [], roles: ["admin"] },
    policies: [
      {
        policyKey: "finance-analysts-read",
        users: ["alice", "bob"],
        groups: [],
        grants: [
          { catalog: "hive", schema: "sales", table: "orders", privileges: ["SELECT" as const] },
          { catalog: "hive", schema: "sales", table: "customers", privileges: ["SELECT" as const] },
        ],
      },
      {
        policyKey: "data-engineers-write",
        users: ["bob"],
        groups: ["data-engineers"],
        grants: [
          {
            catalog: "hive",
            schema: "sales",
            table: "orders",
            privileges: ["SELECT" as const, "INSERT" as const, "DELETE" as const, "UPDATE" as const],
          },
        ],
      },
    ],
    unregistered: null,
  };

  test("golden document: union per user, deny after each managed table, no catch-all", () => {
    const { document, warnings } = trinoRulesDocument(input);
    golden("trino-rules.json", renderTrinoRules(document));
    expect(warnings).toEqual([]);
    expect(document.tables).toEqual([
      { user: "accessplane\\-svc", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] },
      { role: "admin", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] },
      { user: "(alice|bob)", catalog: "hive", schema: "sales", table: "customers", privileges: ["SELECT"] },
      { catalog: "hive", schema: "sales", table: "customers", privileges: [] },
      { user: "bob", catalog: "hive", schema: "sales", table: "orders", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE"] },
      {
        group: "data\\-engineers",
        catalog: "hive",
        schema: "sales",
        table: "orders",
        privileges: ["SELECT", "INSERT", "DELETE", "UPDATE"],
      },
      { user: "alice", catalog: "hive", schema: "sales", table: "orders", privileges: ["SELECT"] },
      { catalog: "hive", schema: "sales", table: "orders", privileges: [] },
    ]);
    expect(document.catalogs).toEqual([
      { user: "accessplane\\-svc", allow: "all" },
      { role: "admin", allow: "all" },
      { catalog: "hive", allow: "all" },
    ]);
    expect(document.schemas).toEqual([
      { user: "accessplane\\-svc", owner: true },
      { role: "admin", owner: true },
      // Nobody else owns a schema that holds a data source (DROP SCHEMA, every table name).
      { catalog: "hive", schema: "sales", owner: false },
    ]);
    // Deny by default: the last table rule is a deny for a managed table, not an allow.
    expect(document.tables!.at(-1)).toEqual({ catalog: "hive", schema: "sales", table: "orders", privileges: [] });
  });

  test("the document validates against the documented rule schema", () => {
    const { document } = trinoRulesDocument(input);
    expect(TrinoRulesDocumentSchema.safeParse(JSON.parse(renderTrinoRules(document))).success).toBe(true);
  });

  test("the schema rejects what Trino would reject", () => {
    const bad = [
      { tables: [{ table: "x", privileges: ["SELECT", "ALTER"] }] },
      { tables: [{ table: "x" }] },
      { catalogs: [{ catalog: "x", allow: "everything" }] },
      { schemas: [{ schema: "x" }] },
      { tables: [{ table: "(", privileges: [] }] },
      { tables: [{ table: "x", privileges: [], colour: "red" }] },
    ];
    for (const doc of bad) expect(TrinoRulesDocumentSchema.safeParse(doc).success).toBe(false);
  });

  test("unregistered objects: the catch-all comes after every data source's deny", () => {
    const { document } = trinoRulesDocument({ ...input, unregistered: { privileges: ["SELECT", "INSERT"], schemaOwner: false } });
    expect(document.tables!.at(-1)).toEqual({ privileges: ["SELECT", "INSERT"] });
    expect(document.tables!.at(-2)).toEqual({ catalog: "hive", schema: "sales", table: "orders", privileges: [] });
    expect(document.catalogs!.at(-1)).toEqual({ allow: "all" });
  });

  test("unregistered objects: CREATE alone still lets everyone create schemas", () => {
    const { document } = trinoRulesDocument({ ...input, unregistered: { privileges: [], schemaOwner: true } });
    expect([document.catalogs!.at(-1), document.schemas!.at(-1), document.tables!.at(-1)]).toEqual([
      { allow: "all" },
      { owner: true },
      { catalog: "hive", schema: "sales", table: "orders", privileges: [] },
    ]);
    expect(allowed(document, { user: "eve" }, { catalog: "hive", schema: "scratch", table: "t" }, "OWN_SCHEMA")).toBe(true);
    expect(allowed(document, { user: "eve" }, { catalog: "hive", schema: "sales", table: "t" }, "OWN_SCHEMA")).toBe(false);
    expect(allowed(document, { user: "eve" }, { catalog: "hive", schema: "scratch", table: "t" }, "SELECT")).toBe(false);
  });

  test("a user and a group with non-nested privileges is reported", () => {
    const { warnings } = trinoRulesDocument({
      policies: [
        { policyKey: "a", users: ["u"], groups: [], grants: [{ catalog: "c", schema: "s", table: "t", privileges: ["SELECT", "INSERT"] }] },
        {
          policyKey: "b",
          users: [],
          groups: ["g"],
          grants: [{ catalog: "c", schema: "s", table: "t", privileges: ["SELECT", "OWNERSHIP"] }],
        },
      ],
    });
    expect(warnings).toEqual([
      "on `c.s.t` users `u` and groups `g` hold different privileges; a user in both gets only the first matching rule (SELECT, INSERT)",
    ]);
  });

  test("regex escaping keeps names literal", () => {
    expect(trinoRegexEscape("a.b*c|d(e)[f]{g}^$\\+?")).toBe("a\\.b\\*c\\|d\\(e\\)\\[f\\]\\{g\\}\\^\\$\\\\\\+\\?");
    expect(new RegExp(`^${trinoRegexEscape("a.b")}$`).test("axb")).toBe(false);
    expect(new RegExp(`^${trinoRegexEscape("日本.x")}$`).test("日本.x")).toBe(true);
  });
});

describe("file mode: properties over hostile names", () => {
  // Names that are regex syntax, look alike once a metacharacter matches anything, or are not ASCII.
  const NAMES = ["a", "a.b", "aXb", "a|b", "(x)", "[z]", "s*", "ss", "^$", "\\", "q\"'", "日本", "a-b", "a b"];
  const name = fc.constantFrom(...NAMES);
  const TABLE_PRIVILEGES = ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP"] as const satisfies readonly Action[];
  const privilege = fc.constantFrom(...TABLE_PRIVILEGES);
  const table = fc.record({ catalog: name, schema: name, table: name });
  const input = fc.record({
    admins: fc.uniqueArray(name, { maxLength: 2 }),
    policies: fc.array(
      fc.record({
        users: fc.uniqueArray(name, { maxLength: 3 }),
        grants: fc.array(fc.record({ at: table, privileges: fc.uniqueArray(privilege, { maxLength: 5 }) }), { maxLength: 4 }),
      }),
      { maxLength: 4 },
    ),
  });

  test("regex escaping: an escaped name matches itself and nothing else", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).filter((s) => !s.includes("\u0000")),
        fc.string({ maxLength: 12 }),
        (a, b) => {
          const re = new RegExp(`^(?:${trinoRegexEscape(a)})$`);
          return re.test(a) && (a === b || !re.test(b));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("on a data source, a user holds exactly the union of their policies' privileges, or everything as an administrator", () => {
    fc.assert(
      fc.property(input, fc.constantFrom("all", "none"), (x, others) => {
        const { document } = trinoRulesDocument({
          admins: { users: x.admins },
          policies: x.policies.map((p, i) => ({
            policyKey: `p${i}`,
            users: p.users,
            grants: p.grants.map((g) => ({ ...g.at, privileges: g.privileges })),
          })),
          // Whatever unregistered objects allow must not leak onto data sources.
          unregistered:
            others === "all"
              ? { privileges: ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"], schemaOwner: true }
              : null,
        });
        const key = (t: { catalog: string; schema: string; table: string }) => JSON.stringify([t.catalog, t.schema, t.table]);
        const sources = new Map(x.policies.flatMap((p) => p.grants.map((g) => [key(g.at), g.at] as const)));
        for (const t of sources.values()) {
          for (const user of NAMES) {
            const expected = new Set<string>();
            for (const p of x.policies) {
              if (!p.users.includes(user)) continue;
              for (const g of p.grants) if (key(g.at) === key(t)) g.privileges.forEach((q) => expected.add(q));
            }
            for (const q of TABLE_PRIVILEGES) {
              const want = x.admins.includes(user) || expected.has(q);
              if (allowed(document, { user }, t, q) !== want) return false;
            }
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
