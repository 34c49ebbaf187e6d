/**
 * The Synapse paths of the view providers against a scripted `mssql` driver (no Synapse in CI): the
 * managed schema is created AUTHORIZATION its configured owner, `read()` reports a schema owned by
 * someone else and a broken ownership chain, a view whose source has another owner is refused
 * before anything is created, and a connection that opens another database is refused.
 */
import { ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/view-store";
import { ManagedViewProvider } from "../../provider/pulumi/dynamic/managed-view";
import { ProviderError } from "../../provider/pulumi/dynamic/errors";

/** What the scripted server answers; `log` collects every batch it received. */
interface FakeServer {
  db: string;
  schemaOwner: string | undefined;
  owners: Record<string, string>;
  log: string[];
}

jest.mock("mssql", () => {
  const server: FakeServer = { db: "dw", schemaOwner: undefined, owners: {}, log: [] };
  const respond = (sql: string): Record<string, unknown>[] => {
    server.log.push(sql);
    if (sql === "SELECT DB_NAME() AS db") return [{ db: server.db }];
    if (sql.startsWith("SELECT USER_NAME(principal_id) AS owner FROM sys.schemas"))
      return server.schemaOwner ? [{ owner: server.schemaOwner }] : [];
    const object = /OBJECT_ID\(N'(.*)'\)$/.exec(sql);
    if (sql.startsWith("SELECT USER_NAME(COALESCE(o.principal_id") && object) {
      const owner = server.owners[object[1]!] ?? (object[1]!.startsWith("[accessplane].") ? server.schemaOwner : undefined);
      return owner ? [{ owner }] : [];
    }
    if (sql.startsWith("SELECT OBJECT_DEFINITION")) return [{ v: "", def: "" }];
    return [];
  };
  class Request {
    async batch(sql: string) {
      return { recordset: respond(sql) };
    }
  }
  class ConnectionPool {
    static parseConnectionString() {
      return {};
    }
    on() {}
    async connect() {}
    async close() {}
  }
  class Transaction {
    async begin() {}
    async commit() {}
    async rollback() {}
  }
  return { ConnectionPool, Request, Transaction, __server: server };
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = (require("mssql") as { __server: FakeServer }).__server;

const storeInputs = { dialect: "synapse", database: "dw", managedSchema: "accessplane", schemaOwner: "dbo" };
const view = {
  dialect: "synapse",
  managedSchema: "accessplane",
  dataSource: "synapse.dw.orders",
  source: { database: "dw", schema: "sales", table: "orders" },
  viewName: "sales$_orders",
};

beforeEach(() => {
  process.env.ACCESSPLANE_SYNAPSE_URL = "Server=tcp:ws.sql.azuresynapse.net,1433;Database=dw;User Id=u;Password=fake-pw";
  Object.assign(server, { db: "dw", schemaOwner: undefined, owners: {}, log: [] });
});
afterAll(() => delete process.env.ACCESSPLANE_SYNAPSE_URL);

test("the store creates the managed schema AUTHORIZATION its owner, and read() reports another owner as drift", async () => {
  const store = new ViewEntitlementStoreProvider();
  const s = await store.create(storeInputs);
  expect(s.id).toBe(JSON.stringify(["synapse", "dw", "accessplane"]));
  expect(server.log.slice(0, 4)).toEqual([
    "SELECT DB_NAME() AS db",
    "SELECT 1 AS n FROM sys.schemas WHERE name = N'accessplane'",
    "IF NOT EXISTS (SELECT 1 FROM sys.schemas WHERE name = N'accessplane') EXEC(N'CREATE SCHEMA [accessplane] AUTHORIZATION [dbo]')",
    "IF EXISTS (SELECT 1 FROM sys.schemas WHERE name = N'accessplane' AND USER_NAME(principal_id) <> N'dbo') EXEC(N'ALTER AUTHORIZATION ON SCHEMA::[accessplane] TO [dbo]')",
  ]);
  expect(s.outs).toMatchObject({ schemaOwner: "dbo", schemaOwnerCurrent: true });

  server.schemaOwner = "dbo";
  expect((await store.read(s.id, s.outs)).props).toMatchObject({ schemaOwnerCurrent: true });
  server.schemaOwner = "etl_user";
  const drifted = (await store.read(s.id, s.outs)).props!;
  expect(drifted).toMatchObject({ schemaOwnerCurrent: false });
  // The next `pulumi up` re-runs the store statements, which hand the schema back to its owner.
  expect(await store.diff(s.id, drifted, (await store.check({}, storeInputs)).inputs!)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
});

test("a view whose source has another owner than the managed schema is refused before it is created", async () => {
  server.schemaOwner = "dbo";
  server.owners["[dw].[sales].[orders]"] = "sales_owner";
  const err = await new ManagedViewProvider().create(view).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  expect((err as Error).message).toBe(
    "synapse: could not create managed view `accessplane.sales$_orders`: source [dw].[sales].[orders] is owned by `sales_owner` but managed schema [accessplane] by `dbo`, " +
      "so the ownership chain from the view to its source breaks and the view would deny every reader; " +
      "help: set `viewBased.synapseSchemaOwner` to the source's owner (the managed schema is created and kept AUTHORIZATION that owner), " +
      "or make the source's schema owned by the managed schema's owner (ALTER AUTHORIZATION ON SCHEMA::... TO ...)",
  );
  expect(server.log.some((q) => q.startsWith("CREATE VIEW") || q.includes("DROP VIEW"))).toBe(false);
});

test("with one owner the view is created, and read() reports a chain broken later", async () => {
  server.schemaOwner = "dbo";
  server.owners["[dw].[sales].[orders]"] = "dbo";
  const views = new ManagedViewProvider();
  const v = await views.create(view);
  expect(v.id).toBe(JSON.stringify(["synapse", "dw", "accessplane", "sales$_orders"]));
  expect(
    server.log.filter((q) => q.startsWith("CREATE VIEW [accessplane].[sales$_orders] AS SELECT [src].* FROM [dw].[sales].[orders]")),
  ).toHaveLength(1);
  expect((await views.read(v.id, v.outs)).props).toMatchObject({ viewPresent: true, ownershipChained: true });
  server.owners["[dw].[sales].[orders]"] = "someone_else";
  expect((await views.read(v.id, v.outs)).props).toMatchObject({ viewPresent: true, ownershipChained: false });
});

test("a connection that opens another database is refused: dedicated pools cannot read across databases", async () => {
  server.db = "master";
  const err = await new ManagedViewProvider().create(view).catch((e: unknown) => e);
  expect((err as Error).message).toBe(
    "synapse: source `synapse.dw.orders` (dw.sales.orders) is in database `dw`, but the connection chosen for it opened database `master`: dedicated SQL pools have no cross-database queries, so each managed view must live in its source's database; " +
      "help: give database `dw` its own connection in `accessplane:synapseUrls` or ACCESSPLANE_SYNAPSE_URL_DW",
  );
  expect(server.log).toEqual(["SELECT DB_NAME() AS db"]);
  expect((err as Error).message).not.toContain("fake-pw");
});
