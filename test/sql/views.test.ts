/**
 * The view-based SQL generator: golden files pin the Synapse and Redshift SQL of an example estate,
 * the T-SQL parses with a third-party T-SQL grammar, and entitlement deltas are exact.
 * Regenerate the goldens with `UPDATE_GOLDEN=1 npx jest test/sql`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { IDENTIFIER_LIMITS } from "../../provider/platforms/sql/dialect";
import { managedSchemaView, managedViewName } from "../../provider/platforms/view-based";
import { Config } from "../../provider/model/schema";
import {
  ACCESS_DENIED_MESSAGE,
  type ViewDialect,
  createStoreStatements,
  createViewStatements,
  dropStoreStatements,
  dropViewStatements,
  managedViewSelect,
  ownershipChainProblem,
  readQueries,
  viewMarkerStatement,
} from "../../provider/platforms/sql/views";
import { entitlementDeltaStatements } from "../../provider/platforms/sql/view-entitlements";
import { nodeSqlParserAccepts, tsqlSyntaxErrors } from "./parsers";

const orders = {
  managedSchema: "accessplane",
  viewName: "sales_orders",
  dataSource: "sales.orders",
  source: { database: "dw", schema: "sales", table: "orders" },
};
const customers = {
  managedSchema: "accessplane",
  viewName: "sales_customers",
  dataSource: "sales.customers",
  source: { database: "dw", schema: "sales", table: "customers" },
};
const analysts = { policyKey: "finance-analysts-read", members: ["alice", "bob"], dataSources: ["sales.orders"] };

/** Every statement the estate needs, in apply order, then its teardown. */
function estateSql(d: ViewDialect): string[] {
  return [
    // Synapse: the managed schema is owned by the sources' owner (ownership chaining).
    ...createStoreStatements(d, "accessplane", d === "synapse" ? "dbo" : null),
    ...(d === "synapse"
      ? [
          readQueries.schemaOwner("accessplane"),
          readQueries.objectOwner(["dw", "sales", "orders"]),
          readQueries.objectOwner(["accessplane", "sales_orders"]),
        ]
      : []),
    ...createViewStatements(d, orders),
    ...createViewStatements(d, customers),
    ...entitlementDeltaStatements(d, "accessplane", null, analysts),
    ...entitlementDeltaStatements(d, "accessplane", analysts, { ...analysts, members: ["alice", "carol"] }),
    ...entitlementDeltaStatements(d, "accessplane", { ...analysts, members: ["alice", "carol"] }, null),
    ...dropViewStatements(d, "accessplane", "sales_orders"),
    ...dropStoreStatements(d, "accessplane", true),
  ];
}

function golden(name: string, statements: string[]): void {
  const path = join(__dirname, "golden", name);
  const text = `${statements.join(";\n")};\n`;
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, "utf8"));
}

describe("golden SQL of an example estate", () => {
  test("synapse", () => golden("synapse-estate.sql", estateSql("synapse")));
  test("redshift", () => golden("redshift-estate.sql", estateSql("redshift")));
});

describe("synapse T-SQL parses with the grammars-v4 T-SQL grammar", () => {
  test.each(estateSql("synapse").map((s) => [s.slice(0, 70), s]))("%s", (_label, sql) => {
    expect(tsqlSyntaxErrors(sql)).toEqual([]);
  });

  test("the parser rejects broken T-SQL (negative control)", () => {
    expect(tsqlSyntaxErrors("CREATE VIEW [a].[b] AS SELECT FROM WHERE").length).toBeGreaterThan(0);
    expect(tsqlSyntaxErrors("SELECT 1 FROM [a]b]").length).toBeGreaterThan(0);
  });

  test("node-sql-parser (transactsql) accepts the entitlement DML", () => {
    const dml = entitlementDeltaStatements("synapse", "accessplane", analysts, { ...analysts, members: ["carol"] });
    expect(dml).toHaveLength(3);
    for (const sql of dml) expect(nodeSqlParserAccepts(sql, "transactsql")).toBe(true);
  });
});

describe("managed views", () => {
  test("redshift: late-binding view filtered by the current user's entitlement", () => {
    expect(createViewStatements("redshift", orders)).toEqual([
      'CREATE OR REPLACE VIEW "accessplane"."sales_orders" AS SELECT "src".* FROM "dw"."sales"."orders" AS "src" ' +
        'WHERE EXISTS (SELECT 1 FROM "accessplane"."entitlements" AS "e" WHERE "e"."user_name" = CURRENT_USER ' +
        `AND "e"."data_source" = 'sales.orders') WITH NO SCHEMA BINDING`,
      'GRANT SELECT ON "accessplane"."sales_orders" TO PUBLIC',
    ]);
  });

  test("postgres: the same view without WITH NO SCHEMA BINDING", () => {
    const [create] = createViewStatements("postgres", orders);
    expect(create).toBe(createViewStatements("redshift", orders)[0]!.replace(" WITH NO SCHEMA BINDING", ""));
  });

  test("synapse: the access check raises the exact access-denied text", () => {
    expect(ACCESS_DENIED_MESSAGE).toBe("Access denied: you are not subscribed to the data source");
    expect(managedViewSelect("synapse", orders)).toBe(
      "SELECT [src].* FROM [dw].[sales].[orders] AS [src] CROSS JOIN (SELECT CASE WHEN EXISTS " +
        "(SELECT 1 FROM [accessplane].[entitlements] AS [e] WHERE [e].[user_name] = USER_NAME() AND " +
        "[e].[data_source] = N'sales.orders') THEN 1 ELSE CAST(N'Access denied: you are not subscribed to the data source' AS INT) END " +
        "AS [granted]) AS [access_check] WHERE [access_check].[granted] = 1",
    );
  });

  test("the marker comment records the generated and the rendered definition", () => {
    expect(viewMarkerStatement("postgres", orders, " SELECT 1;")).toMatch(
      /^COMMENT ON VIEW "accessplane"\."sales_orders" IS 'accessplane:[0-9a-f]{24}:[0-9a-f]{24}'$/,
    );
    expect(viewMarkerStatement("postgres", orders, "a")).not.toBe(viewMarkerStatement("postgres", orders, "b"));
    expect(viewMarkerStatement("postgres", orders, "a")).not.toBe(viewMarkerStatement("postgres", { ...orders, dataSource: "x" }, "a"));
  });
});

describe("entitlement deltas", () => {
  const M = '"m"."memberships"';
  const O = '"m"."policy_objects"';
  test("inserts before deletes, rows of this policy only", () => {
    expect(
      entitlementDeltaStatements(
        "postgres",
        "m",
        { policyKey: "p", members: ["a", "b"], dataSources: ["x"] },
        { policyKey: "p", members: ["b", "c"], dataSources: ["y"] },
      ),
    ).toEqual([
      `INSERT INTO ${M} ("policy_key", "user_name") SELECT 'p', 'c' WHERE NOT EXISTS (SELECT 1 FROM ${M} WHERE "policy_key" = 'p' AND "user_name" = 'c')`,
      `INSERT INTO ${O} ("policy_key", "data_source") SELECT 'p', 'y' WHERE NOT EXISTS (SELECT 1 FROM ${O} WHERE "policy_key" = 'p' AND "data_source" = 'y')`,
      `DELETE FROM ${M} WHERE "policy_key" = 'p' AND "user_name" = 'a'`,
      `DELETE FROM ${O} WHERE "policy_key" = 'p' AND "data_source" = 'x'`,
    ]);
  });

  test("no change, no statement", () => {
    const rows = { policyKey: "p", members: ["b", "a"], dataSources: ["x"] };
    expect(entitlementDeltaStatements("synapse", "m", rows, { ...rows, members: ["a", "b"] })).toEqual([]);
  });

  test("removing a policy deletes by its key", () => {
    expect(entitlementDeltaStatements("postgres", "m", { policyKey: "p", members: ["a"], dataSources: ["x"] }, null)).toEqual([
      `DELETE FROM ${M} WHERE "policy_key" = 'p'`,
      `DELETE FROM ${O} WHERE "policy_key" = 'p'`,
    ]);
  });

  test("a new policy key creates the new rows, then removes the old", () => {
    const out = entitlementDeltaStatements(
      "postgres",
      "m",
      { policyKey: "old", members: ["a"], dataSources: [] },
      { policyKey: "new", members: ["a"], dataSources: [] },
    );
    expect(out).toEqual([
      `INSERT INTO ${M} ("policy_key", "user_name") SELECT 'new', 'a' WHERE NOT EXISTS (SELECT 1 FROM ${M} WHERE "policy_key" = 'new' AND "user_name" = 'a')`,
      `DELETE FROM ${M} WHERE "policy_key" = 'old'`,
      `DELETE FROM ${O} WHERE "policy_key" = 'old'`,
    ]);
  });

  test("rows grow as users + objects, never users x objects", () => {
    const users = Array.from({ length: 30 }, (_, i) => `u${i}`);
    const objects = Array.from({ length: 20 }, (_, i) => `o${i}`);
    expect(entitlementDeltaStatements("redshift", "m", null, { policyKey: "p", members: users, dataSources: objects })).toHaveLength(50);
  });

  test("redshift doubles backslashes in literals, postgres does not", () => {
    const rows = { policyKey: "p\\q", members: [], dataSources: [] };
    expect(entitlementDeltaStatements("redshift", "m", rows, null)[0]).toBe(`DELETE FROM ${M} WHERE "policy_key" = 'p\\\\q'`);
    expect(entitlementDeltaStatements("postgres", "m", rows, null)[0]).toBe(`DELETE FROM ${M} WHERE "policy_key" = 'p\\q'`);
  });
});

describe("store lifecycle", () => {
  test("postgres keeps the schema unless accessplane created it", () => {
    expect(dropStoreStatements("postgres", "m", false)).toEqual([
      'DROP VIEW IF EXISTS "m"."entitlements"',
      'DROP TABLE IF EXISTS "m"."policy_objects"',
      'DROP TABLE IF EXISTS "m"."memberships"',
    ]);
    expect(dropStoreStatements("postgres", "m", true).at(-1)).toBe('DROP SCHEMA IF EXISTS "m"');
  });
});

describe("managed view names", () => {
  const triple = fc.record({
    database: fc.constantFrom("dw", "other"),
    // Names built from the characters that matter to the escaping, plus unicode and quotes.
    schema: fc.string({ unit: fc.constantFrom("a", "_", "$", "#", "é", '"', "]"), minLength: 1, maxLength: 12 }),
    table: fc.string({ unit: fc.constantFrom("a", "_", "$", "#", "é", '"', "]"), minLength: 1, maxLength: 12 }),
  });
  const long = fc.record({
    database: fc.constantFrom("dw", "other"),
    schema: fc.string({ unit: fc.constantFrom("s", "_", "$", "日"), minLength: 20, maxLength: 63 }),
    table: fc.string({ unit: fc.constantFrom("t", "_", "$", "日"), minLength: 20, maxLength: 63 }),
  });
  const dialects = ["postgres", "redshift", "synapse"] as const;
  const key = (t: { database: string; schema: string; table: string }) => JSON.stringify([t.database, t.schema, t.table]);

  test.each(dialects)("%s: distinct (database, schema, table) never map to one (database, schema, view), within the limit", (d) => {
    const limit = IDENTIFIER_LIMITS[d]!;
    const size = (s: string) => (limit.unit === "bytes" ? Buffer.byteLength(s, "utf8") : [...s].length);
    fc.assert(
      fc.property(fc.array(fc.oneof(triple, long), { minLength: 2, maxLength: 30 }), (ts) => {
        const seen = new Map<string, string>();
        for (const t of ts) {
          const name = managedViewName(d, t);
          expect(size(name)).toBeLessThanOrEqual(limit.max);
          // The managed object: the source's database, the managed schema, the view name.
          const object = JSON.stringify([t.database, "accessplane", name]);
          const before = seen.get(object);
          if (before !== undefined) expect(before).toBe(key(t));
          seen.set(object, key(t));
        }
      }),
      { numRuns: 300 },
    );
  });

  test("readable and exact: `$` doubled, `$_` between schema and table, a digest only when too long", () => {
    expect(managedViewName("redshift", { database: "dw", schema: "billing", table: "invoices" })).toBe("billing$_invoices");
    expect(managedViewName("redshift", { database: "dw", schema: "a__b", table: "c" })).toBe("a__b$_c");
    expect(managedViewName("redshift", { database: "dw", schema: "a", table: "b__c" })).toBe("a$_b__c");
    expect(managedViewName("synapse", { database: "dw", schema: "p$", table: "q" })).toBe("p$$$_q");
    expect(managedViewName("synapse", { database: "dw", schema: "p", table: "$q" })).toBe("p$_$$q");
    const t = { database: "dw", schema: "s".repeat(100), table: "t".repeat(100) };
    const r = managedViewName("redshift", t);
    // Whole tokens of the escaped name, as many as fit, then the digest of the whole triple.
    expect(r).toMatch(/^s{100}\$_t{7}\$#[0-9a-f]{16}$/);
    expect(Buffer.byteLength(r)).toBe(127);
    expect(managedViewName("synapse", t)).toMatch(/^s{100}\$_t{8}\$#[0-9a-f]{16}$/);
    // The same long names in another database get another digest.
    expect(managedViewName("redshift", { ...t, database: "other" })).not.toBe(r);
  });

  test("the plan shows the very name the emitter creates, in the source's database", () => {
    const config = Config.parse({});
    const at = { location: { database: "other", schema: "billing", table: "invoices" } };
    expect(managedSchemaView("redshift", (x) => `"${x}"`)(at, config)).toBe('"other"."accessplane"."billing$_invoices"');
    expect(managedSchemaView("synapse", (x) => `[${x}]`)(at, config)).toBe("[other].[accessplane].[billing$_invoices]");
  });
});

describe("synapse ownership chaining", () => {
  test("the managed schema is created AUTHORIZATION the configured owner, and handed to it if owned by another", () => {
    const [create, chown] = createStoreStatements("synapse", "accessplane", "dbo");
    expect(create).toBe(
      "IF NOT EXISTS (SELECT 1 FROM sys.schemas WHERE name = N'accessplane') EXEC(N'CREATE SCHEMA [accessplane] AUTHORIZATION [dbo]')",
    );
    expect(chown).toBe(
      "IF EXISTS (SELECT 1 FROM sys.schemas WHERE name = N'accessplane' AND USER_NAME(principal_id) <> N'dbo') " +
        "EXEC(N'ALTER AUTHORIZATION ON SCHEMA::[accessplane] TO [dbo]')",
    );
    // A hostile owner name stays inert inside the doubly quoted EXEC literal.
    expect(createStoreStatements("synapse", "m", "o'w]n")[0]).toBe(
      "IF NOT EXISTS (SELECT 1 FROM sys.schemas WHERE name = N'm') EXEC(N'CREATE SCHEMA [m] AUTHORIZATION [o''w]]n]')",
    );
  });

  test("a view whose owner differs from its source's is refused with both owners named", () => {
    const spec = { managedSchema: "accessplane", source: { database: "dw", schema: "sales", table: "orders" } };
    expect(ownershipChainProblem(spec, "dbo", "dbo")).toBeUndefined();
    expect(ownershipChainProblem(spec, "DBO", "dbo")).toBeUndefined();
    expect(ownershipChainProblem(spec, "sales_owner", "dbo")).toBe(
      "source [dw].[sales].[orders] is owned by `sales_owner` but managed schema [accessplane] by `dbo`, so the ownership chain from the view to its source breaks and the view would deny every reader",
    );
    expect(ownershipChainProblem(spec, undefined, "dbo")).toBe(
      "source [dw].[sales].[orders] does not exist or cannot be seen by the login accessplane uses",
    );
  });
});
