/**
 * Secret scan: a password planted in the connection settings appears in no output, no error
 * message and no log line, through create, read, update, delete and failures.
 */
import { startPostgres, type TestPostgres } from "../support/postgres";
import { ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/view-store";
import { ManagedViewProvider } from "../../provider/pulumi/dynamic/managed-view";
import { PolicyEntitlementsProvider } from "../../provider/pulumi/dynamic/policy-entitlements";
import { TrinoRoleGrantsProvider } from "../../provider/pulumi/dynamic/trino-roles";
import { SparkTableGrantsProvider } from "../../provider/pulumi/dynamic/spark";

jest.setTimeout(60_000);

const SECRET = "Pl4nted+S3cret/pw@x";
let pg: TestPostgres;
const seen: string[] = [];
const spies: jest.SpyInstance[] = [];

beforeAll(async () => {
  pg = await startPostgres({ password: SECRET });
  for (const m of ["log", "info", "warn", "error", "debug"] as const) {
    spies.push(jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void seen.push(args.map(String).join(" "))));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    spies.push(
      jest.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        seen.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write),
    );
  }
});

afterAll(async () => {
  for (const s of spies) s.mockRestore();
  delete process.env.ACCESSPLANE_POSTGRES_URL;
  delete process.env.ACCESSPLANE_TRINO_URL;
  delete process.env.ACCESSPLANE_TRINO_USER;
  delete process.env.ACCESSPLANE_TRINO_PASSWORD;
  delete process.env.ACCESSPLANE_DATABRICKS_HOST;
  delete process.env.ACCESSPLANE_DATABRICKS_TOKEN;
  delete process.env.ACCESSPLANE_DATABRICKS_WAREHOUSE_ID;
  await pg?.stop();
});

function assertClean(label: string, value: unknown): void {
  const text = typeof value === "string" ? value : JSON.stringify(value, Object.getOwnPropertyNames(value ?? {}));
  for (const form of [SECRET, encodeURIComponent(SECRET)]) {
    if (text.includes(form)) throw new Error(`${label} leaks the planted secret`);
  }
}

test("no output, error or log line carries the password", async () => {
  const store = new ViewEntitlementStoreProvider();
  const views = new ManagedViewProvider();
  const ents = new PolicyEntitlementsProvider();
  // Config through `configure` (the Pulumi path) rather than the environment.
  const config = { get: (k: string) => (k === "accessplane:postgresUrl" ? pg.url() : undefined) };
  for (const p of [store, views, ents]) await p.configure({ config: { ...config, require: (k: string) => config.get(k)! } });
  expect(pg.url()).toContain(encodeURIComponent(SECRET));

  const outputs: unknown[] = [];
  const s = await store.create({ dialect: "postgres", database: "postgres", managedSchema: "m" });
  outputs.push(s, await store.read(s.id, s.outs));
  const viewInputs = {
    dialect: "postgres",
    managedSchema: "m",
    dataSource: "d",
    source: { database: "postgres", schema: "pg_catalog", table: "pg_class" },
    viewName: "v",
  };
  const v = await views.create(viewInputs);
  outputs.push(v, await views.read(v.id, v.outs), await views.update(v.id, v.outs, viewInputs));
  const policy = { dialect: "postgres", database: "postgres", managedSchema: "m", policyKey: "p", members: ["a"], dataSources: ["d"] };
  const e = await ents.create(policy);
  outputs.push(e, await ents.read(e.id, e.outs), await ents.update(e.id, e.outs, { ...policy, members: ["b"] }));

  const errors: unknown[] = [];
  // A missing object, a refused connection (the secret is in the URL) and a bad login.
  errors.push(await views.create({ ...viewInputs, managedSchema: "nope" }).catch((x: unknown) => x));
  const refused = new PolicyEntitlementsProvider();
  await refused.configure({
    config: {
      get: (k: string) =>
        k === "accessplane:postgresUrl" ? `postgres://postgres:${encodeURIComponent(SECRET)}@127.0.0.1:1/postgres` : undefined,
      require: () => "",
    },
  });
  errors.push(await refused.read("id", policy).catch((x: unknown) => x));
  process.env.ACCESSPLANE_POSTGRES_URL = pg.url("nobody", SECRET);
  errors.push(await new PolicyEntitlementsProvider().read("id", policy).catch((x: unknown) => x));
  // Trino: the password is a setting of its own.
  process.env.ACCESSPLANE_TRINO_URL = "http://127.0.0.1:1";
  process.env.ACCESSPLANE_TRINO_USER = "svc";
  process.env.ACCESSPLANE_TRINO_PASSWORD = SECRET;
  const trino = new TrinoRoleGrantsProvider(async () => ({
    query: async () => {
      throw Object.assign(new Error(`connect ECONNREFUSED (basic auth svc:${SECRET})`), { code: "ECONNREFUSED" });
    },
  }));
  errors.push(await trino.create({ role: "r", roleCatalog: null, members: [], grants: [] }).catch((x: unknown) => x));

  // A malformed per-database map that holds the secret: the error names the setting, never its text.
  const badMap = new PolicyEntitlementsProvider();
  await badMap.configure({
    config: {
      get: (k: string) => (k === "accessplane:postgresUrls" ? `{"postgres": "postgres://postgres:${SECRET}@x/postgres"` : undefined),
      require: () => "",
    },
  });
  errors.push(await badMap.read("id", policy).catch((x: unknown) => x));
  expect((errors[4] as Error).message).toMatch(
    /^postgres: the setting `accessplane:postgresUrls` \(or ACCESSPLANE_POSTGRES_URLS\) is not a JSON object/,
  );

  // Databricks Spark: the token is a setting of its own; a refused connection and an error echoing it.
  process.env.ACCESSPLANE_DATABRICKS_HOST = "http://127.0.0.1:2"; // port 1 is on fetch's blocked list
  process.env.ACCESSPLANE_DATABRICKS_TOKEN = SECRET;
  process.env.ACCESSPLANE_DATABRICKS_WAREHOUSE_ID = "wh";
  const sparkInputs = {
    principal: "ap-p",
    grants: [{ kind: "DATABASE", catalog: "hive_metastore", schema: "s", table: null, privileges: ["USAGE"] }],
  };
  errors.push(await new SparkTableGrantsProvider().create(sparkInputs).catch((x: unknown) => x));
  const echoing = new SparkTableGrantsProvider(() => ({
    query: async () => {
      throw new Error(`request to http://127.0.0.1:1 failed (Authorization: Bearer ${SECRET})`);
    },
  }));
  errors.push(await echoing.delete("ap-p", sparkInputs).catch((x: unknown) => x));

  expect(errors.map((x) => (x as Error).name)).toEqual([
    "ProviderError",
    "ProviderError",
    "ProviderError",
    "ProviderError",
    "ProviderError",
    "ProviderError",
    "ProviderError",
  ]);
  expect((errors[5] as Error).message).toMatch(/^databricks: could not grant to `ap-p`: connection lost \(ECONNREFUSED\)/);
  expect((errors[6] as Error).message).toContain("(Authorization: Bearer ***)");
  expect((errors[1] as Error).message).toMatch(/^postgres: could not read entitlements of policy `p`: connection lost \(ECONNREFUSED\)/);
  expect((errors[2] as Error).message).toMatch(/^postgres: could not read entitlements of policy `p`: permission denied \(28P01\)/);
  expect((errors[3] as Error).message).toBe(
    "trino: could not create role `r`: connection lost (ECONNREFUSED): connect ECONNREFUSED (basic auth svc:***); " +
      "help: the connection to trino was refused or lost; check that it is reachable and that the connection setting is right, " +
      "then run `pulumi up` again: every statement is idempotent, so a re-run converges",
  );
  outputs.forEach((o, i) => assertClean(`output ${i}`, o));
  errors.forEach((x, i) => {
    assertClean(`error ${i} message`, (x as Error).message);
    assertClean(`error ${i} stack`, (x as Error).stack ?? "");
  });
  seen.forEach((line, i) => assertClean(`log line ${i}`, line));
  expect(outputs).toHaveLength(8);
});
