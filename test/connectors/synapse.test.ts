import {
  PROPERTIES_SQL,
  pullSynapseWith,
  synapse,
  TABLES_SQL,
  type SynapseConfig,
  type SynapseRow,
  type SynapseSession,
} from "../../provider/connectors/synapse";
import { mssqlFailure } from "../../provider/connectors/synapse-mssql";
import { SourceError } from "../../provider/connectors/types";
import { context, expectNoSecret, summary } from "./support";

const PASSWORD = "syn-pw-PLANTED-99";
const env = { SYN_PASSWORD: PASSWORD };

/**
 * Recorded rowsets, as `mssql` returns them (a recordset of objects keyed by column name), of
 * INFORMATION_SCHEMA.TABLES and sys.extended_properties in two dedicated SQL pools.
 */
const RECORDED: Record<string, Record<string, SynapseRow[]>> = {
  sales_pool: {
    [TABLES_SQL]: [
      { TABLE_CATALOG: "sales_pool", TABLE_SCHEMA: "dbo", TABLE_NAME: "orders", TABLE_TYPE: "BASE TABLE" },
      { TABLE_CATALOG: "sales_pool", TABLE_SCHEMA: "dbo", TABLE_NAME: "orders_v", TABLE_TYPE: "VIEW" },
      { TABLE_CATALOG: "sales_pool", TABLE_SCHEMA: "finance", TABLE_NAME: "ledger", TABLE_TYPE: "BASE TABLE" },
      { TABLE_CATALOG: "sales_pool", TABLE_SCHEMA: "dbo", TABLE_NAME: "graph_edges", TABLE_TYPE: "EDGE TABLE" },
    ],
    [PROPERTIES_SQL]: [
      { schema_name: "dbo", object_name: "orders", property_name: "MS_Description", property_value: "one row per order" },
      { schema_name: "dbo", object_name: "orders", property_name: "classification", property_value: "pii" },
      { schema_name: "finance", object_name: "ledger", property_name: "domain", property_value: "finance" },
      { schema_name: "dbo", object_name: "dropped", property_name: "domain", property_value: "x" },
    ],
  },
  hr_pool: {
    [TABLES_SQL]: [{ TABLE_CATALOG: "hr_pool", TABLE_SCHEMA: "dbo", TABLE_NAME: "people", TABLE_TYPE: "BASE TABLE" }],
    [PROPERTIES_SQL]: [],
  },
};

function recorded(calls: string[], failing?: { database: string; error: unknown }): (config: SynapseConfig) => SynapseSession {
  return () => ({
    async query(database, sql) {
      calls.push(`${database}: ${sql.slice(0, 30)}`);
      if (failing && failing.database === database) throw failing.error;
      const rows = RECORDED[database]?.[sql];
      if (!rows) throw new SourceError("source-statement-failed", `Cannot open database "${database}" requested by the login.`);
      return rows;
    },
    async close() {
      calls.push("closed");
    },
  });
}

const config = (extra: Partial<SynapseConfig> = {}): SynapseConfig =>
  synapse.configSchema.parse({
    server: "ws.sql.azuresynapse.net",
    databases: ["sales_pool", "hr_pool"],
    auth: { type: "sql", user: "puller", password: { env: "SYN_PASSWORD" } },
    ...extra,
  });

describe("synapse connector (INFORMATION_SCHEMA.TABLES and sys.extended_properties)", () => {
  test("tables and views of each database, extended properties as labels and comment, an unknown type as an issue", async () => {
    const calls: string[] = [];
    const r = await pullSynapseWith(config(), context({ env }), recorded(calls));
    expect(summary(r)).toEqual([
      "hr_pool.dbo.people BASE TABLE",
      "sales_pool.dbo.orders BASE TABLE",
      "sales_pool.dbo.orders_v VIEW",
      "sales_pool.finance.ledger BASE TABLE",
    ]);
    expect(r.issues).toEqual([expect.objectContaining({ code: "unknown-table-type", severity: "error" })]);
    expect(r.issues[0]!.message).toContain("`sales_pool.dbo.graph_edges` has table type `EDGE TABLE`");
    const orders = r.objects!.find((o) => o.location.table === "orders")!;
    expect(orders.labels).toEqual({ MS_Description: "one row per order", classification: "pii" });
    expect(orders.comment).toBe("one row per order");
    expect(r.objects!.find((o) => o.location.table === "ledger")!.labels).toEqual({ domain: "finance" });
    expect(calls.at(-1)).toBe("closed");
    expect(r.stats).toEqual({ requests: 4, pages: 4 });
  });

  test("the scope skips a database without querying it", async () => {
    const calls: string[] = [];
    const r = await pullSynapseWith(config(), context({ env, exclude: ["hr_pool"] }), recorded(calls));
    expect(summary(r)).toHaveLength(3);
    expect(calls.some((c) => c.startsWith("hr_pool"))).toBe(false);
  });

  test("a refused login fails the source without the password", async () => {
    const login = Object.assign(new Error(`Login failed for user 'puller'.`), { code: "ELOGIN" });
    const r = await pullSynapseWith(
      config(),
      context({ env, source: "syn" }),
      recorded([], { database: "hr_pool", error: mssqlFailure(login, "ws.sql.azuresynapse.net") }),
    );
    const i = r.issues.find((x) => x.code === "source-auth-refused")!;
    expect(i.severity).toBe("error");
    expect(i.message).toContain("source `syn`");
    expectNoSecret(r, PASSWORD);
  });

  test("mssql failures map to unreachable, permission and statement codes", () => {
    expect(mssqlFailure(Object.assign(new Error("x"), { code: "ESOCKET" }), "h").code).toBe("source-unreachable");
    expect(mssqlFailure(Object.assign(new Error("The SELECT permission was denied"), { number: 229 }), "h").code).toBe(
      "source-permission-missing",
    );
    expect(mssqlFailure(new Error("Invalid object name"), "h").code).toBe("source-statement-failed");
  });

  test("the mssql session reports an unreachable server as source-unreachable", async () => {
    const r = await synapse.pull(config({ server: "127.0.0.1", port: 1, databases: ["sales_pool"] }), context({ env }));
    expect(r.issues[0]).toMatchObject({ severity: "error", code: "source-unreachable" });
    expectNoSecret(r, PASSWORD);
  });

  test("config: a literal password is refused; databases are required", () => {
    expect(
      synapse.configSchema.safeParse({ server: "ws", databases: ["a"], auth: { type: "sql", user: "u", password: "pw" } }).success,
    ).toBe(false);
    expect(
      synapse.configSchema.safeParse({ server: "ws", databases: [], auth: { type: "access-token", token: { env: "T" } } }).success,
    ).toBe(false);
  });
});
