/**
 * Hostile names executed on a real PostgreSQL: a schema, source table, view, user and policy whose
 * names carry quotes, semicolons, backticks and unicode work end to end, and no injected statement
 * runs (a canary table survives, no stray object appears).
 */
import { Client } from "pg";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { quoteIdent, quoteLiteral } from "../../provider/platforms/sql/dialect";
import { ManagedViewProvider, PolicyEntitlementsProvider, ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/views";

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
  const s = await store.create({ dialect: "postgres", managedSchema: SCHEMA });
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
  const policy = { dialect: "postgres", managedSchema: SCHEMA, policyKey: POLICY, members: [USER], dataSources: [DATA_SOURCE] };
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
  const r = await views.check({}, {
    dialect: "postgres",
    managedSchema: "m",
    dataSource: "d",
    source: { database: "postgres", schema: "s", table: "t" },
    viewName: long,
  });
  expect(r.failures).toEqual([
    { property: "viewName", reason: `identifier \`${long}\` cannot be used in postgres: it is 64 bytes long and the limit is 63 bytes` },
  ]);
});
