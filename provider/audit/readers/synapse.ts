/**
 * Live grants of Azure Synapse (dedicated or serverless SQL pools), one database at a time through
 * the connector's session (connectors/synapse-session.ts), from the `sys` catalog views:
 * - permissions: `sys.database_permissions` (class 0 database, 1 object or column, 3 schema;
 *   `state` G = GRANT, W = GRANT_WITH_GRANT_OPTION, D = DENY, R = REVOKE;
 *   https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-database-permissions-transact-sql)
 *   joined to `sys.database_principals` for the grantee and grantor (`type` S SQL user, U Windows
 *   user, E external user from Microsoft Entra ID, X external group from Entra ID, G Windows group,
 *   R database role, A application role;
 *   https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-database-principals-transact-sql)
 *   and to `sys.objects` / `sys.schemas` for the object
 *   (https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-objects-transact-sql,
 *   https://learn.microsoft.com/sql/relational-databases/system-catalog-views/schemas-catalog-views-sys-schemas);
 * - role members: `sys.database_role_members`
 *   (https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-database-role-members-transact-sql);
 * - administrative: the members of `db_owner` and `db_securityadmin` and database-level CONTROL,
 *   and the owner of each table and view (`sys.objects.principal_id`, or its schema's owner when
 *   NULL), as ownership; the fixed data roles `db_datareader` and `db_datawriter`, whose access is
 *   built in rather than granted, as their privileges on the database;
 * - the entitlements store accessplane writes (`[<managedSchema>].[memberships]` and
 *   `[policy_objects]`), one ENTITLED grant per row; the managed views (SELECT to `public` by
 *   design) are accessplane's, so objects of the managed schema are left out.
 * Only GRANT and GRANT_WITH_GRANT_OPTION are access: a DENY removes access and grants none, so DENY
 * rows are counted in the notes and never reported as grants (a DENY that blocks a planned grant is
 * not detected here). A column permission (`minor_id` > 0) is reported on its table as
 * `<PERMISSION> (COLUMNS)`. CONNECT on the database, which every user holds, is left out. An
 * external group's (type `X`) members live in Entra ID and are not in the database
 * (`sys.database_role_members` lists database roles' members only): the group is reported as a
 * group and listed in `opaqueGroups`, which the comparison resolves through the inventory's group
 * of that name or reports as unresolved; the notes say so. Only SELECT statements run.
 */
import type { SynapseConfig, SynapseOpener, SynapseSession } from "../../connectors/synapse-session";
import type { PullContext } from "../../connectors/types";
import { delimitQualified, quoteIdent, quoteLiteral } from "../../platforms/sql/dialect";
import type { Grantee, LiveMembership, LiveState } from "../types";
import { addStoreRows, grantSet, liveState, readFailure } from "./collect";
import { append } from "../../model/arrays";

export const SYNAPSE_PERMISSIONS_SQL =
  "SELECT dp.class, dp.minor_id, dp.permission_name, dp.state, s.name AS schema_name, o.name AS object_name, " +
  "gp.name AS grantee, gp.type AS grantee_type, gp.principal_id AS grantee_id, gr.name AS grantor " +
  "FROM sys.database_permissions AS dp " +
  "JOIN sys.database_principals AS gp ON gp.principal_id = dp.grantee_principal_id " +
  "LEFT JOIN sys.database_principals AS gr ON gr.principal_id = dp.grantor_principal_id " +
  "LEFT JOIN sys.objects AS o ON dp.class = 1 AND o.object_id = dp.major_id " +
  "LEFT JOIN sys.schemas AS s ON s.schema_id = CASE dp.class WHEN 1 THEN o.schema_id WHEN 3 THEN dp.major_id END " +
  "WHERE dp.class IN (0, 1, 3)";
export const SYNAPSE_OWNERS_SQL =
  "SELECT s.name AS schema_name, o.name AS object_name, p.name AS owner, p.type AS owner_type " +
  "FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = o.schema_id " +
  "JOIN sys.database_principals AS p ON p.principal_id = COALESCE(o.principal_id, s.principal_id) " +
  "WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0";
export const SYNAPSE_MEMBERS_SQL =
  "SELECT r.name AS role_name, m.name AS member_name, m.type AS member_type " +
  "FROM sys.database_role_members AS rm " +
  "JOIN sys.database_principals AS r ON r.principal_id = rm.role_principal_id " +
  "JOIN sys.database_principals AS m ON m.principal_id = rm.member_principal_id";
export const SYNAPSE_ROLES_SQL = "SELECT name FROM sys.database_principals WHERE type = 'R' AND is_fixed_role = 0 AND principal_id > 0";
/** The store tables, present after the first `pulumi up`. */
export const synapseStoreSql = (managedSchema: string) =>
  "SELECT t.name FROM sys.tables AS t JOIN sys.schemas AS s ON s.schema_id = t.schema_id " +
  `WHERE s.name = ${quoteLiteral(managedSchema, "synapse")} AND t.name IN (N'memberships', N'policy_objects')`;

const SYSTEM_SCHEMAS = new Set(["sys", "INFORMATION_SCHEMA"]);
/** Fixed roles whose members administer the database (and may grant anything). */
const ADMIN_ROLES = new Set(["db_owner", "db_securityadmin"]);
/**
 * The built-in access of the fixed data roles on every table and view of the database
 * (https://learn.microsoft.com/sql/relational-databases/security/authentication-access/database-level-roles).
 */
const FIXED_ROLE_ACCESS: Record<string, readonly string[] | undefined> = {
  db_datareader: ["SELECT"],
  db_datawriter: ["DELETE", "INSERT", "UPDATE"],
};
const USER_TYPES = new Set(["S", "U", "E", "C", "K"]);
const GROUP_TYPES = new Set(["X", "G"]);

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** The grantee of a principal row: `public` (principal 0) is everyone, named as the comparison names it. */
function granteeOf(name: string, type: string, id?: unknown): Grantee {
  if (Number(id) === 0 || (type === "R" && name === "public")) return { kind: "role", name: "PUBLIC" };
  return { kind: USER_TYPES.has(type) ? "user" : GROUP_TYPES.has(type) ? "group" : "role", name };
}

/** Where a Synapse source's grants are. */
export interface SynapseAuditInput {
  source: string;
  database: string;
  /** The schema of accessplane's managed views and entitlements store (`viewBased.managedSchema`). */
  managedSchema: string;
  session: SynapseSession;
  now?: Date;
}

/** Reads one database's live grants. */
export async function readSynapseGrants(input: SynapseAuditInput): Promise<LiveState> {
  const { database, managedSchema, session } = input;
  const platform = "synapse" as const;
  const query = (sql: string) => session.query(database, sql);
  const set = grantSet(platform);
  const quote = (p: readonly string[]) => delimitQualified(p, "synapse");
  const skipped = (schema: string) => SYSTEM_SCHEMAS.has(schema) || schema === managedSchema;
  const dbObject = set.object([database], quote);
  const externalGroups = new Set<string>();
  const seen = (g: Grantee, type: string) => {
    if (type === "X") externalGroups.add(g.name);
    return g;
  };
  let denied = 0;

  for (const r of await query(SYNAPSE_OWNERS_SQL)) {
    const schema = str(r.schema_name);
    if (skipped(schema)) continue;
    const obj = set.object([database, schema, str(r.object_name)], quote);
    set.add(seen(granteeOf(str(r.owner), str(r.owner_type)), str(r.owner_type)), obj, "OWNERSHIP", "ownership");
  }

  for (const r of await query(SYNAPSE_PERMISSIONS_SQL)) {
    const state = str(r.state);
    if (state === "D") denied++;
    if (state !== "G" && state !== "W") continue;
    const cls = Number(r.class);
    const permission = str(r.permission_name).toUpperCase();
    const schema = str(r.schema_name);
    let obj = dbObject;
    if (cls === 1 || cls === 3) {
      // An object dropped since (no sys.objects row) or a system schema is not access to data.
      if (!schema || skipped(schema) || (cls === 1 && !r.object_name)) continue;
      obj = set.object(cls === 1 ? [database, schema, str(r.object_name)] : [database, schema], quote);
    } else if (permission === "CONNECT") continue;
    const type = str(r.grantee_type);
    const grantee = seen(granteeOf(str(r.grantee), type, r.grantee_id), type);
    const admin = cls === 0 && permission === "CONTROL";
    const privilege = cls === 1 && Number(r.minor_id) > 0 ? `${permission} (COLUMNS)` : permission;
    set.add(grantee, obj, privilege, admin ? "admin" : "direct", r.grantor ? str(r.grantor) : undefined);
  }

  const memberships: LiveMembership[] = [];
  for (const r of await query(SYNAPSE_MEMBERS_SQL)) {
    const type = str(r.member_type);
    const member = seen(granteeOf(str(r.member_name), type), type);
    const role = str(r.role_name);
    if (ADMIN_ROLES.has(role)) set.add(member, dbObject, role.toUpperCase(), "admin");
    else memberships.push({ platform, parent: { kind: "role", name: role }, member });
    // A fixed data role's access is built in, not in sys.database_permissions: it is the role's grant.
    for (const p of FIXED_ROLE_ACCESS[role] ?? []) set.add({ kind: "role", name: role }, dbObject, p, "direct");
  }

  const principals: Grantee[] = (await query(SYNAPSE_ROLES_SQL)).map((r) => ({ kind: "role" as const, name: str(r.name) }));
  // The entitlements store: absent before the first `pulumi up`.
  if ((await query(synapseStoreSql(managedSchema))).length === 2) {
    const s = quoteIdent(managedSchema, "synapse");
    const rows = {
      memberships: await query(`SELECT policy_key, user_name FROM ${s}.[memberships]`),
      policyObjects: await query(`SELECT policy_key, data_source FROM ${s}.[policy_objects]`),
    };
    append(principals, addStoreRows(platform, rows, set, memberships));
  }

  const notes: string[] = [];
  if (denied > 0)
    notes.push(`${database}: ${denied} DENY permission${denied > 1 ? "s" : ""} not reported: a DENY removes access and grants none`);
  const opaqueGroups = [...externalGroups].sort();
  for (const g of opaqueGroups)
    notes.push(
      `${database}: \`${g}\` is an external group from Microsoft Entra ID: its members are not readable from the database, so the people it reaches are the inventory's group \`${g}\`, or unresolved`,
    );
  return liveState(platform, input.source, set, {
    memberships,
    principals,
    readFrom: "sys.database_permissions, sys.database_role_members, object owners and the entitlements store",
    now: input.now,
    notes,
    opaqueGroups,
  });
}

const HELP = 'the audit needs VIEW DEFINITION (or VIEW SECURITY DEFINITION) on each database; see README "Auditing access outside policy"';

/**
 * Reads every configured database of a source in scope through `open` (the connector's `mssql`
 * session by default): one live state per database; a failure names the source and the database.
 */
export async function readSynapseSource(
  config: SynapseConfig,
  ctx: PullContext,
  input: { managedSchema: string; now?: Date },
  open?: SynapseOpener,
): Promise<LiveState[]> {
  // Loaded here so that a project without a Synapse source never loads mssql.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const opener = open ?? (require("../../connectors/synapse-mssql") as typeof import("../../connectors/synapse-mssql")).mssqlSession;
  let session: SynapseSession;
  try {
    session = opener(config, ctx);
  } catch (e) {
    throw readFailure(ctx.source, `\`${config.server}\``, e, HELP);
  }
  const out: LiveState[] = [];
  try {
    for (const database of [...new Set(config.databases)].sort()) {
      if (!ctx.scope.container([database])) continue;
      try {
        out.push(
          await readSynapseGrants({
            source: ctx.source,
            database,
            managedSchema: input.managedSchema,
            session,
            ...(input.now ? { now: input.now } : {}),
          }),
        );
      } catch (e) {
        throw readFailure(ctx.source, `the grants of \`${database}\``, e, HELP);
      }
    }
  } finally {
    await session.close().catch(() => undefined);
  }
  return out;
}
