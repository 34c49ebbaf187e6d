/**
 * Audit of Trino in SQL access-control mode against recorded `information_schema` rows served
 * through a fake query function (rows by column name, as `trinoQuery` returns them): table
 * privileges per catalog in scope read back as the plan writes them, a role nested in a role
 * resolved to its users, `admin` members apart, a hostile identifier round-tripping into the object
 * name, the planned role missing before the first apply and matching after it; the fallback to
 * `applicable_roles`; file mode refused with where the rules document is; a failed read named by
 * its source, never with the credential.
 */
import { compareWithPlan } from "../../provider/audit/compare";
import {
  APPLICABLE_ROLES_NOTE,
  readTrinoSource,
  TRINO_APPLICABLE_ROLES_SQL,
  TRINO_CATALOGS_SQL,
  TRINO_MATERIALIZED_SQL,
  TRINO_ROLE_GRANTS_SQL,
  TRINO_ROLES_SQL,
  trinoPlanPrivileges,
  trinoPrivilegesSql,
} from "../../provider/audit/readers/trino";
import { type TrinoConfig, trinoFailure } from "../../provider/connectors/trino";
import { SourceError } from "../../provider/connectors/types";
import { AUDIT_KINDS, readLiveGrants } from "../../provider/audit/run";
import { analystsEstate, line, NOW } from "./support";
import { context } from "../connectors/support";

const PASSWORD = "trino-pw-PLANTED-7";
const ODD_SCHEMA = 'we"ird.sch';
const ODD_TABLE = "t [x]";
const { estate, plan } = analystsEstate(`
users:
  - { id: alice, groups: [analysts], identities: { trino: alice } }
  - { id: bob, groups: [analysts], identities: { trino: bob } }
  - { id: carol, identities: { trino: carol } }
  - { id: dave, identities: { trino: dave } }
  - { id: root, identities: { trino: root } }
groups: [{ id: analysts }]
dataSources:
  - { id: sales.orders, platform: trino, objectType: BASE TABLE, location: { catalog: hive, schema: sales, table: orders }, tags: [sales] }
  - { id: sales.odd, platform: trino, objectType: MATERIALIZED VIEW, location: { catalog: hive, schema: '${ODD_SCHEMA}', table: '${ODD_TABLE}' } }
`);
const AP = plan.principals[0]!.name;

const priv = (grantee: string, type: "USER" | "ROLE", schema: string, table: string, privilege: string) => ({
  grantor: "admin",
  grantor_type: "USER",
  grantee,
  grantee_type: type,
  table_catalog: "hive",
  table_schema: schema,
  table_name: table,
  privilege_type: privilege,
  is_grantable: "NO",
  with_hierarchy: null,
});
const role = (name: string, grantee: string, type: "USER" | "ROLE") => ({
  role_name: name,
  grantor: "admin",
  grantor_type: "USER",
  grantee,
  grantee_type: type,
  is_grantable: "NO",
});

/** Recorded rows, before accessplane's first apply. */
function recorded(): Record<string, Record<string, unknown>[]> {
  return {
    [TRINO_CATALOGS_SQL]: [{ catalog_name: "hive" }, { catalog_name: "system" }, { catalog_name: "tpch" }],
    [TRINO_MATERIALIZED_SQL]: [{ catalog_name: "hive", schema_name: ODD_SCHEMA, name: ODD_TABLE }],
    [trinoPrivilegesSql("hive")]: [
      ...["SELECT", "INSERT", "DELETE", "UPDATE"].map((p) => priv("analyst_all", "ROLE", "sales", "orders", p)),
      priv("carol", "USER", ODD_SCHEMA, ODD_TABLE, "SELECT"),
      priv("carol", "USER", ODD_SCHEMA, ODD_TABLE, "UPDATE"),
      priv("dave", "USER", "sales", "orders", "INSERT"),
    ],
    [TRINO_ROLE_GRANTS_SQL]: [
      role("analyst_all", "bi_team", "ROLE"),
      role("bi_team", "dave", "USER"),
      role("bi_team", "erin", "USER"),
      role("admin", "root", "USER"),
    ],
    [TRINO_ROLES_SQL]: [{ Role: "admin" }, { Role: "analyst_all" }, { Role: "bi_team" }],
  };
}

/** The rows of the planned role, as `pulumi up` leaves them. */
function applied(rows: Record<string, Record<string, unknown>[]>) {
  rows[trinoPrivilegesSql("hive")]!.push(priv(AP, "ROLE", "sales", "orders", "SELECT"));
  rows[TRINO_ROLE_GRANTS_SQL]!.push(role(AP, "alice", "USER"), role(AP, "bob", "USER"));
  rows[TRINO_ROLES_SQL]!.push({ Role: AP });
  return rows;
}

function fake(rows: Record<string, Record<string, unknown>[]>, seen: string[] = []) {
  return async (sql: string) => {
    seen.push(sql);
    const r = rows[sql];
    if (!r) throw new SourceError("source-statement-failed", `the query failed: TABLE_NOT_FOUND: ${sql.slice(0, 30)}`);
    return r;
  };
}

const config: TrinoConfig = { server: "https://trino.example.com:8443", user: "auditor", password: { env: "TRINO_PASSWORD" } };
const ctx = () => context({ source: "lake", env: { TRINO_PASSWORD: PASSWORD }, exclude: ["tpch"] });

async function audit(rows: Record<string, Record<string, unknown>[]>, seen?: string[]) {
  const state = await readTrinoSource(config, ctx(), estate.config, { now: new Date(NOW), query: fake(rows, seen) });
  return { state, report: compareWithPlan(plan, estate.inventory, estate.config, [state]) };
}

const UNMANAGED = [
  'unmanaged role:analyst_all direct DELETE,INSERT,MERGE,SELECT,SHOW,TRUNCATE,UPDATE "hive"."sales"."orders" users=dave unknown=erin',
  'unmanaged user:carol direct REFRESH,SELECT,SHOW "hive"."we""ird.sch"."t [x]" users=carol unknown=',
  'unmanaged user:dave direct INSERT "hive"."sales"."orders" users=dave unknown=',
];

describe("Trino audit (SQL mode) from recorded information_schema rows", () => {
  test("SQL privileges read back in the plan's names: whole operations, the rest as they are", () => {
    expect(trinoPlanPrivileges("BASE TABLE", ["SELECT"])).toEqual(["SELECT", "SHOW"]);
    expect(trinoPlanPrivileges("BASE TABLE", ["DELETE", "INSERT", "UPDATE"])).toEqual(["DELETE", "INSERT", "MERGE", "TRUNCATE", "UPDATE"]);
    expect(trinoPlanPrivileges("BASE TABLE", ["UPDATE"])).toEqual(["UPDATE"]);
    expect(trinoPlanPrivileges("MATERIALIZED VIEW", ["UPDATE"])).toEqual(["REFRESH"]);
  });

  test("before the first apply: hand-made grants unmanaged (nested roles resolved), the planned role missing, admin apart", async () => {
    const seen: string[] = [];
    const { state, report } = await audit(recorded(), seen);
    expect(report.entries.map(line)).toEqual([
      ...UNMANAGED,
      `missing role:${AP} membership  - users=alice unknown=`,
      `missing role:${AP} membership  - users=bob unknown=`,
      `missing role:${AP} direct SELECT,SHOW "hive"."sales"."orders" users=alice,bob unknown=`,
      'administrative user:root admin ROLE ADMIN "admin" users=root unknown=',
    ]);
    // The hostile names round-trip: the unquoted path finds the data source.
    expect(report.entries.find((e) => e.principal.name === "carol")!.dataSource).toBe("sales.odd");
    expect(state.grants.find((g) => g.grantee.name === "carol")!.path).toEqual(["hive", ODD_SCHEMA, ODD_TABLE]);
    // `system` is never read for table privileges, and `tpch` is out of scope.
    expect(seen.filter((s) => s.includes("table_privileges"))).toEqual([trinoPrivilegesSql("hive")]);
    expect(report.sources[0]!.notes).toEqual([]);
  });

  test("after the apply nothing is missing or drifted, and the unmanaged entries are unchanged", async () => {
    const { report } = await audit(applied(recorded()));
    expect(report.entries.filter((e) => e.section !== "administrative").map(line)).toEqual(UNMANAGED);
  });

  test("without access to every role grant, the applicable roles are read and the notes say so", async () => {
    const rows = applied(recorded());
    const all = rows[TRINO_ROLE_GRANTS_SQL]!;
    delete rows[TRINO_ROLE_GRANTS_SQL];
    rows[TRINO_APPLICABLE_ROLES_SQL] = all
      .filter((r) => r.grantee === "alice")
      .map(({ role_name, grantee, grantee_type }) => ({ role_name, grantee, grantee_type }));
    const query = fake(rows);
    const denied = async (sql: string) => {
      if (sql === TRINO_ROLE_GRANTS_SQL)
        throw new SourceError("source-permission-missing", "the query failed: PERMISSION_DENIED: Access Denied");
      return query(sql);
    };
    const state = await readTrinoSource(config, ctx(), estate.config, { now: new Date(NOW), query: denied });
    const report = compareWithPlan(plan, estate.inventory, estate.config, [state]);
    expect(report.sources[0]!.notes).toEqual([APPLICABLE_ROLES_NOTE]);
    expect(report.entries.filter((e) => e.section === "drifted").map(line)).toEqual([
      `drifted role:${AP} membership  - users=bob unknown=`,
    ]);
  });

  test("file mode reads nothing and says the grants are the deployed rules document", async () => {
    const seen: string[] = [];
    const fileMode = { trino: { ...estate.config.trino, mode: "file" as const, rulesPath: "/etc/trino/access.json" } };
    const e = await readTrinoSource(config, ctx(), fileMode, { query: fake(recorded(), seen) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SourceError);
    expect((e as SourceError).code).toBe("source-kind-not-audited");
    expect((e as Error).message).toContain("source `lake`");
    expect((e as Error).message).toContain("`/etc/trino/access.json`");
    expect(seen).toEqual([]);
  });

  test("a failed read is a SourceError naming the source, never the credential", async () => {
    const refused = async () => {
      throw trinoFailure({ response: { status: 401 }, config: { auth: PASSWORD } }, config.server);
    };
    const e = await readTrinoSource(config, ctx(), estate.config, { query: refused }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SourceError);
    expect((e as SourceError).code).toBe("source-auth-refused");
    expect((e as Error).message).toBe(
      "source `lake`: reading the grants failed: https://trino.example.com:8443 refused the credential (HTTP 401)",
    );
    expect(JSON.stringify({ ...(e as SourceError), message: (e as Error).message })).not.toContain(PASSWORD);

    const odd = await readTrinoSource(config, ctx(), estate.config, {
      query: async () => {
        throw new TypeError(`boom ${PASSWORD}`);
      },
    }).catch((x: unknown) => x);
    expect((odd as SourceError).code).toBe("source-bad-response");
    expect((odd as Error).message).toBe("source `lake`: reading the grants failed (TypeError)");
  });

  test("through `audit`'s reading stage: Synapse and Trino are audited kinds; a file-mode cluster and a bad entry fail alone, by name", async () => {
    expect(AUDIT_KINDS).toEqual(expect.arrayContaining(["synapse", "trino"]));
    const fileMode = { ...estate.config, trino: { ...estate.config.trino, mode: "file" as const } };
    const out = await readLiveGrants(
      [
        { name: "lake", kind: "trino", server: config.server, user: "auditor", password: { env: "TRINO_PASSWORD" } },
        { name: "pool", kind: "synapse", server: "ws.sql.azuresynapse.net", databases: [] },
      ],
      fileMode,
      { TRINO_PASSWORD: PASSWORD },
      new Date(NOW),
    );
    expect(out.states).toEqual([]);
    expect(out.failures.map((f) => `${f.source} ${f.code}`)).toEqual(["lake source-kind-not-audited", "pool source-invalid"]);
    expect(out.failures[0]!.message).toContain("`/etc/trino/rules.json`");
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
  });
});
