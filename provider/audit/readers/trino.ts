/**
 * Live grants of Trino (Starburst) in SQL access-control mode, through the connector's query
 * function (connectors/trino.ts):
 * - table privileges: `<catalog>.information_schema.table_privileges` per catalog in scope
 *   (grantor, grantor_type, grantee, grantee_type, table_catalog, table_schema, table_name,
 *   privilege_type, is_grantable, with_hierarchy: what `SHOW GRANTS` lists,
 *   https://trino.io/docs/current/sql/show-grants.html);
 * - role grants: `system.information_schema.role_authorization_descriptors` (every grant of a
 *   system role, where accessplane creates its roles; the Trino provider reads members there too,
 *   see `trinoReadQueries`), or, when the user may not read it, `applicable_roles`: the roles of
 *   the user the audit runs as only, as `SHOW ROLE GRANTS` lists them
 *   (https://trino.io/docs/current/sql/show-role-grants.html; the notes say so); the roles that
 *   exist from `SHOW ROLES` (https://trino.io/docs/current/sql/show-roles.html);
 * - administrative: the members of the `admin` role, and any OWNERSHIP privilege.
 * Names are the plan's: `"catalog"."schema"."table"` (Trino lower-cases them), and SQL privileges
 * are read back as the plan writes them (TRINO_OPERATION_PRIVILEGES): SELECT is SELECT and SHOW,
 * INSERT, DELETE and UPDATE together on a table are the WRITE operation's privileges, UPDATE on a
 * materialized view is REFRESH; a privilege that makes no whole operation is reported as it is.
 * In file mode (`trino.mode: file`) there is nothing to read: the grants are the rules document
 * accessplane deploys, and the reader says so. Only SELECT and SHOW statements run.
 */
import type { Counter } from "../../connectors/catalog-common";
import { type TrinoConfig, type TrinoQuery, trinoQuery } from "../../connectors/trino";
import { type PullContext, SourceError } from "../../connectors/types";
import type { Config } from "../../model/schema";
import { delimitIdent, delimitQualified, quoteQualified } from "../../platforms/sql/dialect";
import { TRINO_OPERATION_PRIVILEGES } from "../../platforms/sql/trino";
import type { Grantee, LiveGrant, LiveMembership, LiveState } from "../types";
import { grantSet, liveState, readFailure } from "./collect";

export const TRINO_CATALOGS_SQL = "SELECT catalog_name FROM system.metadata.catalogs";
export const TRINO_MATERIALIZED_SQL = "SELECT catalog_name, schema_name, name FROM system.metadata.materialized_views";
export const trinoPrivilegesSql = (catalog: string) =>
  `SELECT * FROM ${quoteQualified([catalog, "information_schema", "table_privileges"], "trino")}`;
export const TRINO_ROLE_GRANTS_SQL = 'SELECT * FROM "system"."information_schema"."role_authorization_descriptors"';
export const TRINO_APPLICABLE_ROLES_SQL = 'SELECT * FROM "system"."information_schema"."applicable_roles"';
export const TRINO_ROLES_SQL = "SHOW ROLES";
/** The note of a read that fell back to the roles of the audit's own user. */
export const APPLICABLE_ROLES_NOTE =
  "role grants read from information_schema.applicable_roles: only the roles of the user the audit runs as; grant it the admin role to read every role grant";

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const granteeOf = (name: string, type: string): Grantee => ({ kind: type.toUpperCase() === "USER" ? "user" : "role", name });

/**
 * The plan's privileges a set of SQL privileges stands for on one object type: the privileges of
 * each operation whose SQL privileges are all held, and the SQL privileges no such operation covers.
 */
export function trinoPlanPrivileges(objectType: keyof typeof TRINO_OPERATION_PRIVILEGES, held: readonly string[]): string[] {
  const have = new Set(held);
  const out = new Set<string>();
  const covered = new Set<string>();
  for (const row of Object.values(TRINO_OPERATION_PRIVILEGES[objectType])) {
    const sql: readonly string[] = row.sql;
    if (sql.length === 0 || !sql.every((p) => have.has(p))) continue;
    for (const p of row.spec) out.add(p);
    for (const p of sql) covered.add(p);
  }
  for (const p of held) if (!covered.has(p)) out.add(p);
  return [...out].sort();
}

/** Where a Trino source's grants are. */
export interface TrinoAuditInput {
  source: string;
  query: TrinoQuery;
  /** The catalogs in scope. */
  catalogs: readonly string[];
  now?: Date;
}

/** Reads the table privileges of the catalogs and the system roles' grants. */
export async function readTrinoGrants(input: TrinoAuditInput): Promise<LiveState> {
  const { query } = input;
  const platform = "trino" as const;
  const set = grantSet(platform);
  const quote = (p: readonly string[]) => delimitQualified(p, "trino");
  const notes: string[] = [];

  let materialized = new Set<string>();
  try {
    materialized = new Set((await query(TRINO_MATERIALIZED_SQL)).map((r) => [r.catalog_name, r.schema_name, r.name].map(str).join("\0")));
  } catch {
    // Without the list, every object is read as a table: UPDATE on a materialized view shows as UPDATE.
  }

  for (const catalog of input.catalogs) {
    for (const r of await query(trinoPrivilegesSql(catalog))) {
      const obj = set.object([str(r.table_catalog) || catalog, str(r.table_schema), str(r.table_name)], quote);
      const privilege = str(r.privilege_type).toUpperCase();
      const grantor = r.grantor === null || r.grantor === undefined ? undefined : str(r.grantor);
      set.add(granteeOf(str(r.grantee), str(r.grantee_type)), obj, privilege, privilege === "OWNERSHIP" ? "ownership" : "direct", grantor);
    }
  }

  let roleRows: Record<string, unknown>[];
  try {
    roleRows = await query(TRINO_ROLE_GRANTS_SQL);
  } catch (e) {
    if (!(e instanceof SourceError) || e.code !== "source-permission-missing") throw e;
    roleRows = await query(TRINO_APPLICABLE_ROLES_SQL);
    notes.push(APPLICABLE_ROLES_NOTE);
  }
  const memberships: LiveMembership[] = [];
  for (const r of roleRows) {
    const role = str(r.role_name);
    const member = granteeOf(str(r.grantee), str(r.grantee_type));
    if (role.toLowerCase() === "admin") set.add(member, delimitIdent(role, "trino"), "ROLE ADMIN", "admin");
    else memberships.push({ platform, parent: { kind: "role", name: role }, member });
  }
  const principals = (await query(TRINO_ROLES_SQL)).map((r) => ({ kind: "role" as const, name: str(r.Role ?? r.role) }));

  const grants: LiveGrant[] = set.list().map((g) => {
    if (g.kind !== "direct" || !g.path) return g;
    const type = materialized.has(g.path.join("\0")) ? "MATERIALIZED VIEW" : "BASE TABLE";
    return { ...g, privileges: trinoPlanPrivileges(type, g.privileges) };
  });
  return liveState(platform, input.source, grants, {
    memberships,
    principals,
    readFrom: "information_schema.table_privileges per catalog and system role grants",
    now: input.now,
    notes,
  });
}

const HELP = 'the audit needs read access to information_schema and to the system roles; see README "Auditing access outside policy"';

/**
 * Reads a Trino source: its catalogs (the configured ones, or every catalog but `system`) in
 * scope. In file mode nothing is read: the error says where the deployed rules document is.
 */
export async function readTrinoSource(
  config: TrinoConfig,
  ctx: PullContext,
  project: Pick<Config, "trino">,
  input: { now?: Date; query?: TrinoQuery } = {},
): Promise<LiveState> {
  if (project.trino.mode === "file")
    throw new SourceError(
      "source-kind-not-audited",
      `source \`${ctx.source}\`: the cluster enforces file-based access control (\`trino.mode: file\`): its grants are the rules document accessplane deploys to \`${project.trino.rulesPath}\`, not live grants to read`,
      "review the rules document (or `accessplane plan`) instead; `audit` reads Trino in SQL mode only",
    );
  const counter: Counter = { requests: 0, pages: 0 };
  const query = input.query ?? trinoQuery(config, ctx, counter);
  try {
    const listed = config.catalogs ?? (await query(TRINO_CATALOGS_SQL)).map((r) => str(r.catalog_name)).filter((c) => c !== "system");
    const catalogs = [...new Set(listed)].sort().filter((c) => ctx.scope.container([c]));
    return await readTrinoGrants({ source: ctx.source, query, catalogs, ...(input.now ? { now: input.now } : {}) });
  } catch (e) {
    throw readFailure(ctx.source, "the grants", e, HELP);
  }
}
