/**
 * Audit of Azure Synapse against recorded rowsets of the `sys` catalog views, served through a fake
 * connector session (the shape `mssql` returns: one object per row, keyed by column name): direct
 * grants to users, roles and an external Entra ID group, a role nested in a role, DENY rows left
 * out, `db_owner` members and object owners reported as administrative, a hostile identifier
 * round-tripping into the object name, and the entitlements store compared with the plan (missing
 * before the first apply, drift after a row is deleted). A failed read is a SourceError naming the
 * source and the database, never the password.
 */
import type { SynapseConfig, SynapseRow, SynapseSession } from "../../provider/connectors/synapse-session";
import { SourceError } from "../../provider/connectors/types";
import { mssqlFailure } from "../../provider/connectors/synapse-mssql";
import { compareWithPlan } from "../../provider/audit/compare";
import { auditText } from "../../provider/audit/render";
import {
  readSynapseSource,
  SYNAPSE_MEMBERS_SQL,
  SYNAPSE_OWNERS_SQL,
  SYNAPSE_PERMISSIONS_SQL,
  SYNAPSE_ROLES_SQL,
  synapseStoreSql,
} from "../../provider/audit/readers/synapse";
import { analystsEstate, line, NOW } from "./support";
import { context } from "../connectors/support";

const PASSWORD = "syn-pw-PLANTED-42";
const DB = "sales_pool";
const ODD_SCHEMA = 'we"ird.[sch]';
const ODD_TABLE = "t]x";
const { estate, plan } = analystsEstate(`
users:
  - { id: alice, groups: [analysts], identities: { synapse: alice@example.com } }
  - { id: bob, groups: [analysts], identities: { synapse: bob@example.com } }
  - { id: carol, identities: { synapse: carol } }
  - { id: dave, identities: { synapse: dave@example.com } }
groups: [{ id: analysts }]
dataSources:
  - { id: sales.orders, platform: synapse, objectType: BASE TABLE, location: { database: ${DB}, schema: dbo, table: orders }, tags: [sales] }
  - { id: sales.odd, platform: synapse, objectType: BASE TABLE, location: { database: ${DB}, schema: '${ODD_SCHEMA}', table: '${ODD_TABLE}' } }
`);
const AP = plan.principals[0]!.name;

const perm = (
  cls: number,
  permission: string,
  state: string,
  schema: string | null,
  object: string | null,
  grantee: string,
  type: string,
) => ({
  class: cls,
  minor_id: 0,
  permission_name: permission,
  state,
  schema_name: schema,
  object_name: object,
  grantee,
  grantee_type: type,
  grantee_id: grantee === "public" ? 0 : 5,
  grantor: "dbo",
});
const member = (role: string, name: string, type: string) => ({ role_name: role, member_name: name, member_type: type });

const STORE_MEMBERS = `SELECT policy_key, user_name FROM [accessplane].[memberships]`;
const STORE_OBJECTS = `SELECT policy_key, data_source FROM [accessplane].[policy_objects]`;

/** Recorded rowsets of one dedicated SQL pool, before accessplane's first apply. */
function recorded(): Record<string, SynapseRow[]> {
  return {
    [SYNAPSE_OWNERS_SQL]: [
      { schema_name: "dbo", object_name: "orders", owner: "dbo", owner_type: "S" },
      { schema_name: ODD_SCHEMA, object_name: ODD_TABLE, owner: "dbo", owner_type: "S" },
      { schema_name: "accessplane", object_name: "v_orders", owner: "dbo", owner_type: "S" },
    ],
    [SYNAPSE_PERMISSIONS_SQL]: [
      perm(0, "CONNECT", "G", null, null, "carol", "S"),
      perm(1, "SELECT", "G", "dbo", "orders", "analyst_all", "R"),
      perm(1, "SELECT", "W", ODD_SCHEMA, ODD_TABLE, "carol", "S"),
      perm(1, "UPDATE", "G", ODD_SCHEMA, ODD_TABLE, "carol", "S"),
      perm(1, "SELECT", "D", "dbo", "orders", "carol", "S"),
      perm(3, "SELECT", "G", "dbo", null, "Finance Team", "X"),
      perm(1, "SELECT", "G", "accessplane", "v_orders", "public", "R"),
      perm(1, "SELECT", "G", "sys", "objects", "public", "R"),
    ],
    [SYNAPSE_MEMBERS_SQL]: [
      member("analyst_all", "dave@example.com", "E"),
      member("analyst_all", "bi_team", "R"),
      member("bi_team", "erin@example.com", "E"),
      member("db_owner", "dbo", "S"),
      member("db_owner", "ops@example.com", "E"),
      member("db_datareader", "carol", "S"),
    ],
    [SYNAPSE_ROLES_SQL]: [{ name: "analyst_all" }, { name: "bi_team" }],
    [synapseStoreSql("accessplane")]: [],
  };
}

/** A session over recorded rowsets, remembering the statements and refusing anything unrecorded. */
function session(rows: Record<string, Record<string, SynapseRow[]>>, seen: string[] = []): SynapseSession {
  return {
    async query(database, sql) {
      seen.push(`${database}: ${sql}`);
      const r = rows[database]?.[sql];
      if (!r) throw mssqlFailure({ number: 208, message: `Invalid object name in ${sql.slice(0, 40)}` }, "ws.sql.azuresynapse.net");
      return r;
    },
    async close() {},
  };
}

const config: SynapseConfig = {
  server: "ws.sql.azuresynapse.net",
  port: 1433,
  databases: [DB],
  auth: { type: "sql", user: "auditor", password: { env: "SYN_PASSWORD" } },
};
const ctx = () => context({ source: "syn", env: { SYN_PASSWORD: PASSWORD } });

async function audit(rows: Record<string, SynapseRow[]>) {
  const states = await readSynapseSource(config, ctx(), { managedSchema: "accessplane", now: new Date(NOW) }, () =>
    session({ [DB]: rows }),
  );
  return { states, report: compareWithPlan(plan, estate.inventory, estate.config, states) };
}

describe("Synapse audit from recorded sys catalog rowsets", () => {
  test("before the first apply: direct grants unmanaged (DENY, CONNECT, system and managed objects left out), the planned group missing, owners apart", async () => {
    const { states, report } = await audit(recorded());
    expect(report.entries.map(line)).toEqual([
      // Names compare as written (Synapse is not folded); the external group's people are not knowable.
      "unmanaged group:Finance Team direct SELECT [sales_pool].[dbo] users= unknown=",
      "unmanaged role:analyst_all direct SELECT [sales_pool].[dbo].[orders] users=dave unknown=erin@example.com",
      'unmanaged user:carol direct SELECT,UPDATE [sales_pool].[we"ird.[sch]]].[t]]x] users=carol unknown=',
      // db_datareader's access is built in: reported as its SELECT on the database, reaching its members.
      "unmanaged role:db_datareader direct SELECT [sales_pool] users=carol unknown=",
      `missing group:${AP} membership  - users=alice unknown=`,
      `missing group:${AP} membership  - users=bob unknown=`,
      `missing group:${AP} direct ENTITLED entitlements:sales.orders users=alice,bob unknown=`,
      "administrative user:dbo admin DB_OWNER [sales_pool] users= unknown=dbo",
      "administrative user:dbo ownership OWNERSHIP [sales_pool].[dbo].[orders] users= unknown=dbo",
      'administrative user:dbo ownership OWNERSHIP [sales_pool].[we"ird.[sch]]].[t]]x] users= unknown=dbo',
      "administrative user:ops@example.com admin DB_OWNER [sales_pool] users= unknown=ops@example.com",
    ]);
    // The hostile names round-trip: the path is unquoted and finds the data source.
    const odd = report.entries.find((e) => e.principal.name === "carol")!;
    expect(odd.dataSource).toBe("sales.odd");
    expect(states[0]!.grants.find((g) => g.grantee.name === "carol")!.path).toEqual([DB, ODD_SCHEMA, ODD_TABLE]);
    expect(report.entries.find((e) => e.principal.name === "analyst_all")!.dataSource).toBe("sales.orders");
    expect(report.sources[0]!.notes).toEqual([
      "sales_pool: 1 DENY permission not reported: a DENY removes access and grants none",
      "sales_pool: `Finance Team` is an external group from Microsoft Entra ID: its members are not readable from the database, so the people it reaches are the inventory's group `Finance Team`, or unresolved",
    ]);
    // The inventory has no group `Finance Team`: the grant is reported through it, unresolved, and counted.
    expect(report.entries.find((e) => e.principal.name === "Finance Team")!.unresolved).toEqual(["Finance Team"]);
    expect(report.entries.filter((e) => e.unresolved).length).toBe(1);
    expect(report.summary).toMatchObject({ unmanaged: 4, missing: 3, drifted: 0, administrative: 4, unresolved: 1 });
  });

  test("after the apply the store rows are the planned grants; a deleted row is drift, a row added by hand too", async () => {
    const rows = recorded();
    rows[synapseStoreSql("accessplane")] = [{ name: "memberships" }, { name: "policy_objects" }];
    rows[STORE_MEMBERS] = [{ policy_key: AP, user_name: "alice@example.com" }];
    rows[STORE_OBJECTS] = [
      { policy_key: AP, data_source: "sales.orders" },
      { policy_key: AP, data_source: "sales.odd" },
    ];
    const { report } = await audit(rows);
    expect(report.entries.filter((e) => e.section === "drifted" || e.section === "missing").map((e) => `${line(e)} ${e.detail}`)).toEqual([
      `drifted group:${AP} membership  - users=bob unknown= member \`bob@example.com\` in the plan, not a member`,
      `drifted group:${AP} direct ENTITLED entitlements:sales.odd users=alice unknown= granted, not in the plan`,
    ]);
    expect(report.entries.filter((e) => e.section === "unmanaged")).toHaveLength(4);
  });

  test("an Entra ID group granted directly or through a role reaches the inventory's group of that name, else is reported unresolved", async () => {
    const rows = recorded();
    // The group is also a member of a database role: its members stay out of sys.database_role_members.
    rows[SYNAPSE_MEMBERS_SQL] = [...rows[SYNAPSE_MEMBERS_SQL]!, member("bi_team", "Finance Team", "X")];
    const { states, report } = await audit(rows);
    expect(states[0]!.opaqueGroups).toEqual(["Finance Team"]);
    const through = (r: typeof report) =>
      r.entries.filter((e) => e.section === "unmanaged").map((e) => `${line(e)} unresolved=${(e.unresolved ?? []).join(",")}`);
    expect(through(report)).toEqual([
      "unmanaged group:Finance Team direct SELECT [sales_pool].[dbo] users= unknown= unresolved=Finance Team",
      "unmanaged role:analyst_all direct SELECT [sales_pool].[dbo].[orders] users=dave unknown=erin@example.com unresolved=Finance Team",
      'unmanaged user:carol direct SELECT,UPDATE [sales_pool].[we"ird.[sch]]].[t]]x] users=carol unknown= unresolved=',
      "unmanaged role:db_datareader direct SELECT [sales_pool] users=carol unknown= unresolved=",
    ]);
    expect(report.summary.unresolved).toBe(2);
    expect(auditText(report)).toContain(
      "2 findings go through groups whose members are not readable and not in the inventory: whom they reach is not known",
    );

    // With the group in the inventory, its users are whom the grants reach.
    const listed = analystsEstate(`
users:
  - { id: alice, groups: [analysts, Finance Team], identities: { synapse: alice@example.com } }
  - { id: frank, groups: [Finance Team] }
groups: [{ id: analysts }, { id: Finance Team }]
dataSources:
  - { id: sales.orders, platform: synapse, objectType: BASE TABLE, location: { database: ${DB}, schema: dbo, table: orders }, tags: [sales] }
`);
    const resolved = compareWithPlan(listed.plan, listed.estate.inventory, listed.estate.config, states);
    expect(through(resolved).slice(0, 2)).toEqual([
      "unmanaged group:Finance Team direct SELECT [sales_pool].[dbo] users=alice,frank unknown= unresolved=",
      "unmanaged role:analyst_all direct SELECT [sales_pool].[dbo].[orders] users=alice,frank unknown=dave@example.com,erin@example.com unresolved=",
    ]);
    expect(resolved.summary.unresolved).toBe(0);
  });

  test("a failed read is a SourceError naming the source and the database, never the password", async () => {
    const rows = recorded();
    delete rows[SYNAPSE_MEMBERS_SQL];
    const e = await readSynapseSource(config, ctx(), { managedSchema: "accessplane" }, () => session({ [DB]: rows })).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SourceError);
    expect((e as SourceError).code).toBe("source-statement-failed");
    expect((e as SourceError).message).toMatch(/^source `syn`: reading the grants of `sales_pool` failed: ws\.sql\.azuresynapse\.net: /);
    expect(JSON.stringify({ ...(e as SourceError), message: (e as Error).message })).not.toContain(PASSWORD);

    const refused = await readSynapseSource(config, ctx(), { managedSchema: "accessplane" }, () => {
      throw mssqlFailure({ code: "ELOGIN", message: `Login failed for user 'auditor' (${PASSWORD})` }, config.server);
    }).catch((x: unknown) => x);
    expect((refused as SourceError).code).toBe("source-auth-refused");
    expect((refused as Error).message).toBe(
      "source `syn`: reading `ws.sql.azuresynapse.net` failed: ws.sql.azuresynapse.net refused the login",
    );
    expect((refused as Error).message).not.toContain(PASSWORD);
  });

  test("databases out of scope are not read", async () => {
    const seen: string[] = [];
    const states = await readSynapseSource(
      { ...config, databases: [DB, "hr_pool"] },
      context({ source: "syn", env: { SYN_PASSWORD: PASSWORD }, exclude: ["hr_pool"] }),
      { managedSchema: "accessplane" },
      () => session({ [DB]: recorded() }, seen),
    );
    expect(states.map((s) => s.source)).toEqual(["syn"]);
    expect(seen.every((s) => s.startsWith(`${DB}: `))).toBe(true);
  });
});
