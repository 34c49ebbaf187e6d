/**
 * Audit of Redshift in its PostgreSQL dialect, on a real PostgreSQL: a hand-made role and direct
 * grants are exactly the unmanaged entries (resolved through nested roles, an unknown login
 * reported); the planned principal is missing before `pulumi up`, and nothing is missing after the
 * plan is applied through the dynamic providers' create path; an entitlement row deleted by hand is
 * drift.
 */
import { Client } from "pg";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { mustLoad } from "../support/estate";
import { ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/view-store";
import { ManagedViewProvider } from "../../provider/pulumi/dynamic/managed-view";
import { PolicyEntitlementsProvider } from "../../provider/pulumi/dynamic/policy-entitlements";
import { ADAPTERS } from "../../provider/platforms";
import { resolve } from "../../provider/resolve/resolve";
import { planFromResolution } from "../../provider/plan/build";
import { readPostgresGrants } from "../../provider/audit/readers/postgres";
import { compareWithPlan, type AuditEntry } from "../../provider/audit/compare";
import { auditText } from "../../provider/audit/render";
import type { DataSource } from "../../provider/model/schema";
import * as fs from "node:fs";
import * as path from "node:path";
import { run, tempDir, writeFiles } from "../cli/support";

jest.setTimeout(90_000);

let pg: TestPostgres;
let admin: Client;
const M = "accessplane";
const db = "postgres";
const NOW = "2026-11-23T00:00:00Z";

const POLICIES = `
policies:
  - name: analysts-read
    access: read
    subscribers: { when: { group: analysts } }
    dataSources: { tags: { anyOf: [sales] } }
`;
const INVENTORY = `
users:
  - { id: alice, groups: [analysts], identities: { redshift: alice } }
  - { id: bob, groups: [analysts], identities: { redshift: bob } }
  - { id: carol, identities: { redshift: carol } }
  - { id: dave, identities: { redshift: dave } }
groups:
  - { id: analysts }
dataSources:
  - { id: sales.orders, platform: redshift, objectType: BASE TABLE, location: { database: ${db}, schema: sales, table: orders }, tags: [sales] }
  - { id: sales.customers, platform: redshift, objectType: BASE TABLE, location: { database: ${db}, schema: sales, table: customers } }
`;
const estate = mustLoad({ policies: { "p.yaml": POLICIES }, inventory: { "i.yaml": INVENTORY } });
const plan = planFromResolution(estate, resolve(estate, NOW));

async function audit() {
  const state = await readPostgresGrants({
    dialect: "postgres",
    source: "warehouse",
    database: db,
    managedSchema: M,
    query: async (sql, params) => (await admin.query(sql, params)).rows,
    now: new Date(NOW),
  });
  return compareWithPlan(plan, estate.inventory, estate.config, [state]);
}

const brief = (e: AuditEntry) => ({
  principal: `${e.principal.kind}:${e.principal.name}`,
  object: e.object,
  privileges: e.privileges,
  kind: e.kind,
  users: e.users,
  unknown: e.unknown,
  detail: e.detail,
});
const section = (r: Awaited<ReturnType<typeof audit>>, s: AuditEntry["section"]) => r.entries.filter((e) => e.section === s).map(brief);

beforeAll(async () => {
  pg = await startPostgres();
  process.env.ACCESSPLANE_POSTGRES_URL = pg.url();
  process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS = "20000";
  admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  await admin.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id int, amount int);
    CREATE TABLE sales.customers (id int, name text);
    CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN; CREATE ROLE erin LOGIN;
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    CREATE ROLE analyst_all;
    CREATE ROLE bi_team;
    GRANT SELECT ON sales.orders TO analyst_all;
    GRANT analyst_all TO dave;
    GRANT analyst_all TO bi_team;
    GRANT bi_team TO erin;
    GRANT SELECT, UPDATE ON sales.customers TO carol;
  `);
});

afterAll(async () => {
  delete process.env.ACCESSPLANE_POSTGRES_URL;
  delete process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS;
  await admin?.end();
  await pg?.stop();
});

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

/** Creates what the plan deploys, as `pulumi up` does through the dynamic providers. */
async function applyPlan() {
  const store = new ViewEntitlementStoreProvider();
  const views = new ManagedViewProvider();
  const ents = new PolicyEntitlementsProvider();
  await store.create(await checked(store, { dialect: "postgres", database: db, managedSchema: M }));
  for (const ds of estate.inventory.dataSources) {
    const [, , viewName] = ADAPTERS.redshift.path(ds as DataSource & { platform: "redshift" }, estate.config).object;
    const loc = ds.location as { database: string; schema: string; table: string };
    await views.create(
      await checked(views, {
        dialect: "postgres",
        managedSchema: M,
        dataSource: ds.id,
        source: { database: loc.database, schema: loc.schema, table: loc.table },
        viewName: viewName!,
      }),
    );
  }
  for (const p of plan.principals) {
    await ents.create(
      await checked(ents, {
        dialect: "postgres",
        database: db,
        managedSchema: M,
        policyKey: p.name,
        members: p.members.map((m) => m.identity),
        dataSources: p.grants.map((g) => g.dataSource),
      }),
    );
  }
}

const UNMANAGED = [
  {
    principal: "role:analyst_all",
    object: '"postgres"."sales"."orders"',
    privileges: ["SELECT"],
    kind: "direct",
    users: ["dave"],
    unknown: ["erin"],
    detail: "through `analyst_all`",
  },
  {
    principal: "user:carol",
    object: '"postgres"."sales"."customers"',
    privileges: ["SELECT", "UPDATE"],
    kind: "direct",
    users: ["carol"],
    unknown: [],
    detail: "granted directly to a user",
  },
];

describe("audit of Redshift (PostgreSQL dialect) on a real database", () => {
  test("before the first apply: the hand-made role and the direct grant are unmanaged, the planned principal is missing", async () => {
    const r = await audit();
    expect(section(r, "unmanaged")).toEqual(UNMANAGED);
    expect(section(r, "missing")).toEqual([
      {
        principal: "group:ap-analysts-read",
        object: undefined,
        privileges: [],
        kind: "membership",
        users: ["alice"],
        unknown: [],
        detail: "member `alice` of a principal not created yet",
      },
      {
        principal: "group:ap-analysts-read",
        object: undefined,
        privileges: [],
        kind: "membership",
        users: ["bob"],
        unknown: [],
        detail: "member `bob` of a principal not created yet",
      },
      {
        principal: "group:ap-analysts-read",
        object: "entitlements:sales.orders",
        privileges: ["ENTITLED"],
        kind: "direct",
        users: ["alice", "bob"],
        unknown: [],
        detail: "principal not created yet",
      },
    ]);
    expect(section(r, "drifted")).toEqual([]);
    expect(section(r, "administrative").map((e) => `${e.principal} ${e.privileges.join(",")} ${e.object}`)).toEqual([
      `user:${pg.user} SUPERUSER "postgres"`,
      `user:${pg.user} OWNERSHIP "postgres"."sales"."customers"`,
      `user:${pg.user} OWNERSHIP "postgres"."sales"."orders"`,
    ]);
    expect(r.summary).toMatchObject({ unmanaged: 2, missing: 3, drifted: 0, conflicting: 0, users: 2, dataSources: 2 });
    expect(auditText(r)).toContain("Unmanaged: access no policy justifies (2)");
  });

  test("after applying the plan nothing is missing or drifted, and the unmanaged entries are unchanged", async () => {
    await applyPlan();
    const r = await audit();
    expect(section(r, "missing")).toEqual([]);
    expect(section(r, "drifted")).toEqual([]);
    expect(section(r, "unmanaged")).toEqual(UNMANAGED);
  });

  test("an entitlement row deleted by hand is drift of the managed principal", async () => {
    await admin.query(`DELETE FROM ${M}.memberships WHERE user_name = 'bob'`);
    const r = await audit();
    expect(section(r, "drifted")).toEqual([
      {
        principal: "group:ap-analysts-read",
        object: undefined,
        privileges: [],
        kind: "membership",
        users: ["bob"],
        unknown: [],
        detail: "member `bob` in the plan, not a member",
      },
    ]);
    expect(section(r, "missing")).toEqual([]);
  });

  test("a row added by hand to the store is drift, and a hand-made role named like accessplane's is drift too", async () => {
    await admin.query(`INSERT INTO ${M}.policy_objects (policy_key, data_source) VALUES ('ap-analysts-read', 'sales.customers')`);
    await admin.query(`CREATE ROLE "ap-sneaky"; GRANT SELECT ON sales.customers TO "ap-sneaky"`);
    const r = await audit();
    expect(section(r, "drifted").map((e) => `${e.principal} ${e.object} ${e.detail}`)).toEqual([
      "group:ap-analysts-read undefined member `bob` in the plan, not a member",
      "group:ap-analysts-read entitlements:sales.customers granted, not in the plan",
      'role:ap-sneaky "postgres"."sales"."customers" principal named like accessplane\'s, not in the plan',
    ]);
  });

  test("the CLI: `audit --fail-on-unmanaged` exits 3 with the report, `adopt` writes staged drafts and an import file, no credential printed", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "accessplane.yaml": `policies: policies
inventory:
  path: inventory
  sources:
    - { name: warehouse, kind: postgres, host: ${pg.host}, port: ${pg.port}, database: ${db}, user: ${pg.user}, password: { env: AUDIT_PG_PASSWORD }, ssl: false }
`,
      "policies/p.yaml": POLICIES,
      "inventory/i.yaml": INVENTORY,
    });
    const cwd = process.cwd();
    process.env.AUDIT_PG_PASSWORD = pg.password;
    process.chdir(dir);
    try {
      const r = await run("audit", "--format", "json", "--fail-on-unmanaged");
      expect(r.err).toBe("");
      expect(r.code).toBe(3);
      const report = JSON.parse(r.out) as { summary: Record<string, number>; sources: { source: string }[] };
      expect(report.summary).toMatchObject({ unmanaged: 2, missing: 0, conflicting: 0 });
      expect(report.sources.map((x) => x.source)).toEqual(["warehouse"]);
      expect(r.out).not.toContain(pg.password);

      const md = await run("audit", "--format", "markdown");
      expect(md.code).toBe(0);
      expect(md.out).toContain("### Unmanaged: access no policy justifies (2)");

      expect((await run("audit", "--source", "nope")).code).toBe(2);

      const a = await run("adopt", "--out", "adopted");
      expect(a.code).toBe(0);
      const drafts = fs.readFileSync(path.join(dir, "adopted", "adopted-policies.yaml"), "utf8");
      expect(drafts).toContain("name: adopted-redshift-analyst_all");
      expect(drafts).toContain("name: adopted-redshift-user-carol");
      expect(drafts).not.toMatch(/^\s+state: active/m);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "adopted", "pulumi-import.json"), "utf8"))).toEqual({ resources: [] });
      // The drafts load beside the estate's policies.
      fs.copyFileSync(path.join(dir, "adopted", "adopted-policies.yaml"), path.join(dir, "policies", "adopted.yaml"));
      expect((await run("validate")).code).toBe(0);

      delete process.env.AUDIT_PG_PASSWORD;
      const failed = await run("audit");
      expect(failed.code).toBe(4);
      expect(failed.err).toContain("AUDIT_PG_PASSWORD");
    } finally {
      process.chdir(cwd);
      delete process.env.AUDIT_PG_PASSWORD;
    }
  });
});
