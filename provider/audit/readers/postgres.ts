/**
 * Live grants of Redshift and PostgreSQL, one database per connection:
 * - object privileges: PostgreSQL `information_schema.table_privileges` (grantor recorded);
 *   Redshift `svv_relation_privileges`, explicit grants to users, roles, groups and PUBLIC
 *   (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_RELATION_PRIVILEGES.html);
 * - owners (`pg_class.relowner`) and superusers, reported as administrative;
 * - role membership: PostgreSQL `pg_auth_members`; Redshift `svv_user_grants` and `svv_role_grants`
 *   (roles) and `pg_group` (groups);
 * - the entitlements store accessplane writes (`<managedSchema>.memberships` and
 *   `<managedSchema>.policy_objects`, see provider/platforms/sql/views.ts): one grant per store row,
 *   to the principal the rows' `policy_key` names.
 * The managed views themselves (SELECT to PUBLIC by design) are accessplane's, not subscriptions:
 * grants on objects of the managed schema are left out. Only SELECT statements run.
 */
import { quoteIdent, quoteQualified } from "../../platforms/sql/dialect";
import type { Grantee, LiveMembership, LiveState } from "../types";
import { addStoreRows, grantSet, liveState } from "./collect";
import { append } from "../../model/arrays";

/** Runs one read-only statement. */
export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast", "pg_internal", "pg_automv", "pg_auto_copy", "pg_s3"];

const PG_PRIVILEGES = `
  SELECT tp.grantor, tp.grantee, tp.table_schema AS schema, tp.table_name AS name, tp.privilege_type AS privilege,
         COALESCE(r.rolcanlogin, false) AS login
    FROM information_schema.table_privileges tp
    LEFT JOIN pg_catalog.pg_roles r ON r.rolname = tp.grantee
   WHERE tp.table_schema <> ALL ($1)`;
const RS_PRIVILEGES = `
  SELECT namespace_name AS schema, relation_name AS name, privilege_type AS privilege, identity_name AS grantee, identity_type AS type
    FROM svv_relation_privileges
   WHERE namespace_name <> ALL ($1)`;
const OWNERS = `
  SELECT n.nspname AS schema, c.relname AS name, pg_catalog.pg_get_userbyid(c.relowner) AS owner
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname <> ALL ($1)`;
const PG_SUPERUSERS = `SELECT rolname AS name FROM pg_catalog.pg_roles WHERE rolsuper`;
const RS_SUPERUSERS = `SELECT usename AS name FROM pg_catalog.pg_user WHERE usesuper`;
const PG_MEMBERS = `
  SELECT p.rolname AS parent, m.rolname AS member, m.rolcanlogin AS login
    FROM pg_catalog.pg_auth_members am
    JOIN pg_catalog.pg_roles p ON p.oid = am.roleid
    JOIN pg_catalog.pg_roles m ON m.oid = am.member
   WHERE p.rolname NOT LIKE 'pg\\_%'`;
const PG_ROLES = `SELECT rolname AS name, rolcanlogin AS login FROM pg_catalog.pg_roles WHERE rolname NOT LIKE 'pg\\_%'`;
const RS_USER_GRANTS = `SELECT role_name AS parent, user_name AS member FROM svv_user_grants`;
const RS_ROLE_GRANTS = `SELECT role_name AS member, granted_role_name AS parent FROM svv_role_grants`;
const RS_GROUPS = `SELECT g.groname AS parent, u.usename AS member FROM pg_catalog.pg_group g JOIN pg_catalog.pg_user u ON u.usesysid = ANY (g.grolist)`;

/** Where a Redshift or PostgreSQL source's grants are. */
export interface PostgresAuditInput {
  dialect: "postgres" | "redshift";
  source: string;
  database: string;
  /** The schema of accessplane's managed views and entitlements store (`viewBased.managedSchema`). */
  managedSchema: string;
  query: Query;
  now?: Date;
}

const str = (v: unknown) => String(v);

/** Reads one database's live grants. */
export async function readPostgresGrants(input: PostgresAuditInput): Promise<LiveState> {
  const { dialect, database, managedSchema, query } = input;
  const platform = "redshift" as const;
  const skip = [...SYSTEM_SCHEMAS, managedSchema];
  const set = grantSet(platform);
  const add = set.add;
  const object = (schema: unknown, name: unknown) => set.object([database, str(schema), str(name)], (p) => quoteQualified(p, dialect));

  const owners = new Map<string, string>();
  for (const r of await query(OWNERS, [skip])) {
    const obj = object(r.schema, r.name);
    owners.set(obj, str(r.owner));
    add({ kind: "user", name: str(r.owner) }, obj, "OWNERSHIP", "ownership");
  }
  const roles = new Map<string, boolean>();
  if (dialect === "postgres") for (const r of await query(PG_ROLES)) roles.set(str(r.name), r.login === true);

  if (dialect === "postgres") {
    for (const r of await query(PG_PRIVILEGES, [skip])) {
      const obj = object(r.schema, r.name);
      const grantee = str(r.grantee);
      // An owner's own privileges are its ownership, already reported.
      if (owners.get(obj) === grantee) continue;
      add(
        { kind: grantee === "PUBLIC" ? "role" : r.login === true ? "user" : "role", name: grantee },
        obj,
        str(r.privilege),
        "direct",
        str(r.grantor),
      );
    }
  } else {
    for (const r of await query(RS_PRIVILEGES, [skip])) {
      const obj = object(r.schema, r.name);
      const type = str(r.type).toLowerCase();
      const grantee = type === "public" ? "PUBLIC" : str(r.grantee);
      if (owners.get(obj) === grantee) continue;
      add({ kind: type === "user" ? "user" : type === "group" ? "group" : "role", name: grantee }, obj, str(r.privilege), "direct");
    }
  }
  for (const r of await query(dialect === "postgres" ? PG_SUPERUSERS : RS_SUPERUSERS))
    add({ kind: "user", name: str(r.name) }, quoteIdent(database, dialect), "SUPERUSER", "admin");

  const memberships: LiveMembership[] = [];
  if (dialect === "postgres") {
    for (const r of await query(PG_MEMBERS))
      memberships.push({
        platform,
        parent: { kind: "role", name: str(r.parent) },
        member: { kind: r.login === true ? "user" : "role", name: str(r.member) },
      });
  } else {
    for (const r of await query(RS_USER_GRANTS))
      memberships.push({ platform, parent: { kind: "role", name: str(r.parent) }, member: { kind: "user", name: str(r.member) } });
    for (const r of await query(RS_ROLE_GRANTS))
      memberships.push({ platform, parent: { kind: "role", name: str(r.parent) }, member: { kind: "role", name: str(r.member) } });
    for (const r of await query(RS_GROUPS))
      memberships.push({ platform, parent: { kind: "group", name: str(r.parent) }, member: { kind: "user", name: str(r.member) } });
  }

  // The entitlements store: absent before the first `pulumi up`.
  const principals: Grantee[] = [...roles].filter(([, login]) => !login).map(([name]) => ({ kind: "role" as const, name }));
  const present = await query(
    `SELECT 1 AS x FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('memberships', 'policy_objects')`,
    [managedSchema],
  );
  if (present.length === 2) {
    const s = quoteIdent(managedSchema, dialect);
    const rows = {
      memberships: await query(`SELECT policy_key, user_name FROM ${s}.memberships`),
      policyObjects: await query(`SELECT policy_key, data_source FROM ${s}.policy_objects`),
    };
    append(principals, addStoreRows(platform, rows, set, memberships));
  }

  return liveState(platform, input.source, set, {
    memberships,
    principals,
    readFrom:
      dialect === "postgres"
        ? "information_schema.table_privileges, pg_auth_members and the entitlements store"
        : "svv_relation_privileges, svv_user_grants, svv_role_grants, pg_group and the entitlements store",
    now: input.now,
  });
}
