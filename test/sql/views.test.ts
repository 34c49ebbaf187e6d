/**
 * The view-based SQL generator: golden files pin the Synapse and Redshift SQL of an example estate,
 * the T-SQL parses with a third-party T-SQL grammar, and entitlement deltas are exact.
 * Regenerate the goldens with `UPDATE_GOLDEN=1 npx jest test/sql`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ACCESS_DENIED_MESSAGE,
  type ViewDialect,
  createStoreStatements,
  createViewStatements,
  dropStoreStatements,
  dropViewStatements,
  entitlementDeltaStatements,
  managedViewSelect,
  viewMarkerStatement,
} from "../../provider/platforms/sql/views";
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
    ...createStoreStatements(d, "accessplane"),
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
    expect(viewMarkerStatement("postgres", orders, "a")).not.toBe(
      viewMarkerStatement("postgres", { ...orders, dataSource: "x" }, "a"),
    );
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
