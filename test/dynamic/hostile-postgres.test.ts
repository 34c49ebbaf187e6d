/**
 * Hostile names executed on a real PostgreSQL: a schema, source table, view, user and policy whose
 * names carry quotes, semicolons, backticks and unicode work end to end, and no injected statement
 * runs (a canary table survives, no stray object appears). Managed view names stay distinct and
 * within PostgreSQL's 63 bytes for sources whose names collided under `<schema>__<table>`.
 */
import { Client } from "pg";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { quoteIdent, quoteLiteral } from "../../provider/platforms/sql/dialect";
import { ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/view-store";
import { ManagedViewProvider } from "../../provider/pulumi/dynamic/managed-view";
import { PolicyEntitlementsProvider } from "../../provider/pulumi/dynamic/policy-entitlements";
import { managedViewName } from "../../provider/platforms/view-based";

jest.setTimeout(60_000);

let pg: TestPostgres;
let admin: Client;

const SCHEMA = 'ap"; DROP TABLE canary; --';
const SRC_SCHEMA = "sales`; DROP TABLE canary";
const TABLE = "ordérs 日本 'x' \"y\"";
const VIEW = "v]; DELETE FROM canary; --";
const USER = "o'brien\"; DROP TABLE canary; --";
const POLICY = "p'); DELETE FROM accessplane.memberships; --";
const DATA_SOURCE = "sales.ordérs'; DROP TABLE canary; --";

const q = (s: string) => quoteIdent(s, "postgres");

beforeAll(async () => {
  pg = await startPostgres();
  process.env.ACCESSPLANE_POSTGRES_URL = pg.url();
  admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  await admin.query(`CREATE TABLE canary (x int); INSERT INTO canary VALUES (1)`);
  await admin.query(`CREATE SCHEMA ${q(SRC_SCHEMA)}`);
  await admin.query(`CREATE TABLE ${q(SRC_SCHEMA)}.${q(TABLE)} (id int)`);
  await admin.query(`INSERT INTO ${q(SRC_SCHEMA)}.${q(TABLE)} VALUES (7)`);
  await admin.query(`CREATE ROLE ${q(USER)} LOGIN PASSWORD ${quoteLiteral("pw'1", "postgres")}`);
  await admin.query(`CREATE ROLE plain LOGIN PASSWORD 'plain-pw'`);
});

afterAll(async () => {
  delete process.env.ACCESSPLANE_POSTGRES_URL;
  await admin?.end();
  await pg?.stop();
});

async function countAs(user: string, password: string): Promise<number> {
  const c = new Client({ host: pg.host, port: pg.port, database: pg.database, user, password });
  await c.connect();
  try {
    return (await c.query(`SELECT count(*)::int AS n FROM ${q(SCHEMA)}.${q(VIEW)}`)).rows[0].n as number;
  } finally {
    await c.end();
  }
}

test("hostile names run end to end without injection", async () => {
  const store = new ViewEntitlementStoreProvider();
  const views = new ManagedViewProvider();
  const ents = new PolicyEntitlementsProvider();
  const s = await store.create({ dialect: "postgres", database: "postgres", managedSchema: SCHEMA });
  const viewInputs = {
    dialect: "postgres",
    managedSchema: SCHEMA,
    dataSource: DATA_SOURCE,
    source: { database: "postgres", schema: SRC_SCHEMA, table: TABLE },
    viewName: VIEW,
  };
  const checked = await views.check({}, viewInputs);
  expect(checked.failures).toBeUndefined();
  const v = await views.create(checked.inputs!);
  const policy = {
    dialect: "postgres",
    database: "postgres",
    managedSchema: SCHEMA,
    policyKey: POLICY,
    members: [USER],
    dataSources: [DATA_SOURCE],
  };
  await ents.create(policy);

  expect(await countAs(USER, "pw'1")).toBe(1);
  expect(await countAs("plain", "plain-pw")).toBe(0);
  expect((await ents.read("id", policy)).props).toEqual(policy);
  expect((await views.read("id", v.outs)).props).toEqual(v.outs);

  expect((await admin.query("SELECT x FROM canary")).rows).toEqual([{ x: 1 }]);
  const schemas = await admin.query(
    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema' ORDER BY 1",
  );
  expect(schemas.rows.map((r) => r.nspname)).toEqual([SCHEMA, "public", SRC_SCHEMA].sort());

  await ents.delete("id", policy);
  await views.delete("id", v.outs);
  await store.delete("id", s.outs);
  expect((await admin.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1", [SCHEMA])).rows).toEqual([{ n: 0 }]);
  expect((await admin.query("SELECT x FROM canary")).rows).toEqual([{ x: 1 }]);
});

test("a name over PostgreSQL's 63 bytes fails check, naming the property and the limit", async () => {
  const views = new ManagedViewProvider();
  const long = "é".repeat(32);
  const r = await views.check(
    {},
    {
      dialect: "postgres",
      managedSchema: "m",
      dataSource: "d",
      source: { database: "postgres", schema: "s", table: "t" },
      viewName: long,
    },
  );
  expect(r.failures).toEqual([
    { property: "viewName", reason: `identifier \`${long}\` cannot be used in postgres: it is 64 bytes long and the limit is 63 bytes` },
  ]);
});

test("sources whose old `<schema>__<table>` names collided, and names over the limit, get distinct working views", async () => {
  const store = new ViewEntitlementStoreProvider();
  const views = new ManagedViewProvider();
  const ents = new PolicyEntitlementsProvider();
  const M = "ap$m";
  // `a__b`.`c` and `a`.`b__c` were both `a__b__c`; `$` and `$_` inside names test the escaping;
  // the long pair (each part within 63 bytes, together over it) differs only at the end (unicode, quotes) and must be truncated with a digest.
  const long = `ü"'; DROP TABLE canary; -- ${"x".repeat(6)}`;
  const sources = [
    { schema: "a__b", table: "c" },
    { schema: "a", table: "b__c" },
    { schema: "p$_q", table: "r" },
    { schema: "p", table: "q$_r" },
    { schema: long, table: `${long}1` },
    { schema: long, table: `${long}2` },
  ];
  const s = await store.create({ dialect: "postgres", database: "postgres", managedSchema: M });
  const names = sources.map((src) => managedViewName("postgres", { database: "postgres", ...src }));
  expect(new Set(names).size).toBe(sources.length);
  expect(names.slice(0, 4)).toEqual(["a__b$_c", "a$_b__c", "p$$_q$_r", "p$_q$$_r"]);
  for (const n of names.slice(4)) {
    expect(Buffer.byteLength(n, "utf8")).toBeLessThanOrEqual(63);
    expect(n).toMatch(/\$#[0-9a-f]{16}$/);
  }
  const created = [];
  for (const [i, src] of sources.entries()) {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${q(src.schema)}`);
    await admin.query(`CREATE TABLE ${q(src.schema)}.${q(src.table)} (n int)`);
    await admin.query(`INSERT INTO ${q(src.schema)}.${q(src.table)} SELECT generate_series(1, ${i + 1})`);
    const inputs = {
      dialect: "postgres",
      managedSchema: M,
      dataSource: `ds${i}`,
      source: { database: "postgres", ...src },
      viewName: names[i]!,
    };
    const checked = await views.check({}, inputs);
    expect(checked.failures).toBeUndefined();
    created.push((await views.create(checked.inputs!)).outs);
  }
  const policy = {
    dialect: "postgres",
    database: "postgres",
    managedSchema: M,
    policyKey: "p",
    members: ["plain"],
    dataSources: sources.map((_, i) => `ds${i}`),
  };
  await ents.create(policy);
  // Each view reads its own source: the i-th holds i + 1 rows.
  const c = new Client({ host: pg.host, port: pg.port, database: pg.database, user: "plain", password: "plain-pw" });
  await c.connect();
  try {
    for (const [i, n] of names.entries()) {
      expect((await c.query(`SELECT count(*)::int AS n FROM ${q(M)}.${q(n)}`)).rows[0].n).toBe(i + 1);
    }
  } finally {
    await c.end();
  }
  expect((await admin.query("SELECT x FROM canary")).rows).toEqual([{ x: 1 }]);
  await ents.delete("id", policy);
  for (const outs of created) await views.delete("id", outs);
  await store.delete("id", s.outs);
  expect((await admin.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1", [M])).rows).toEqual([{ n: 0 }]);
});
