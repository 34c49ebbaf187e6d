/**
 * Trino / Starburst: how accessplane's Trino operations become native privileges, in the two forms
 * a cluster can enforce them:
 * - SQL mode: a role per policy, GRANT/REVOKE of table privileges to the role, and role membership
 *   (`trinoRoleDelta`);
 * - file mode: a system-level file-based access-control `rules.json` (`trinoRulesDocument`, in
 *   trino-rules.ts).
 *
 * `TRINO_OPERATION_PRIVILEGES` is the one table of what each operation means on each object type:
 * SPEC.md's privilege names (what the plan shows), the privileges of `GRANT ... ON TABLE` (SQL mode)
 * and the table-rule privileges of `rules.json` (file mode). The plan, the SQL generator, the rules
 * generator and the emitter all read it. Vendor rules behind each column (Trino docs, "GRANT
 * privilege" and "File-based access control", table of permissions per SQL command):
 * - READ -> SELECT. SHOW on tables, views and columns needs no privilege of its own: an object is
 *   visible as soon as the user holds any privilege on it.
 * - WRITE -> INSERT, UPDATE, DELETE on tables (MERGE needs the three; TRUNCATE is checked as
 *   DELETE); on materialized views UPDATE only, which is what REFRESH MATERIALIZED VIEW requires;
 *   nothing on plain views (they cannot be written).
 * - OWN -> OWNERSHIP (ALTER, DROP, COMMENT, SET PROPERTIES) in file mode. GRANT accepts only
 *   SELECT, INSERT, DELETE and UPDATE, so SQL mode cannot grant OWN: the plan says so per source.
 */
import type { ObjectTypeOf, TrinoOperation } from "../../model/schema";
import { quoteIdent, quoteLiteral, quoteQualified } from "./dialect";

/** Table privileges of the file-based access-control format, in the order privileges are written. */
const TRINO_PRIVILEGES = ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] as const;

/** Privileges that `GRANT ... ON TABLE` accepts (SQL mode), in the same order. */
const TRINO_SQL_PRIVILEGES = ["SELECT", "INSERT", "DELETE", "UPDATE"] as const;

/** One file-mode table privilege. */
export type TrinoPrivilege = (typeof TRINO_PRIVILEGES)[number];

/** One SQL-mode table privilege. */
export type TrinoSqlPrivilege = (typeof TRINO_SQL_PRIVILEGES)[number];

/** SPEC.md's names for what a Trino operation allows: the vocabulary of the plan's `privileges`. */
export type TrinoSpecPrivilege =
  "SELECT" | "SHOW" | "DELETE" | "INSERT" | "MERGE" | "TRUNCATE" | "UPDATE" | "REFRESH" | "ALTER" | "COMMENT" | "DROP" | "SET PROPERTIES";

/** How grants reach a cluster: SQL GRANT statements, or a file-based `rules.json`. */
export type TrinoMode = "sql" | "file";

/** What one operation means on one object type: SPEC's names, and the native privileges per mode. */
interface OperationRow {
  spec: readonly TrinoSpecPrivilege[];
  sql: readonly TrinoSqlPrivilege[];
  file: readonly TrinoPrivilege[];
}

const NOTHING = { spec: [], sql: [], file: [] } as const;
const READ = { spec: ["SELECT", "SHOW"], sql: ["SELECT"], file: ["SELECT"] } as const;
const OWN_VIEW = { spec: ["ALTER", "COMMENT", "DROP"], sql: [], file: ["OWNERSHIP"] } as const;

/**
 * The Trino privilege table, per object type and operation. Views hold no data to modify, so WRITE
 * yields nothing on them; CREATE applies only to objects that do not exist yet, so it yields nothing
 * on a data source. An empty `sql` list beside a non-empty `spec` list is an operation SQL mode
 * cannot grant.
 */
const TRINO_OPERATION_PRIVILEGES = {
  "BASE TABLE": {
    READ,
    WRITE: {
      spec: ["DELETE", "INSERT", "MERGE", "TRUNCATE", "UPDATE"],
      sql: ["INSERT", "DELETE", "UPDATE"],
      file: ["INSERT", "DELETE", "UPDATE"],
    },
    OWN: { spec: ["ALTER", "COMMENT", "DROP", "SET PROPERTIES"], sql: [], file: ["OWNERSHIP"] },
    CREATE: NOTHING,
  },
  VIEW: { READ, WRITE: NOTHING, OWN: OWN_VIEW, CREATE: NOTHING },
  "MATERIALIZED VIEW": {
    READ,
    WRITE: { spec: ["REFRESH"], sql: ["UPDATE"], file: ["UPDATE"] },
    OWN: OWN_VIEW,
    CREATE: NOTHING,
  },
} as const satisfies Record<ObjectTypeOf<"trino">, Record<TrinoOperation, OperationRow>>;

/**
 * Rule privileges on objects that are not data sources, per allowed operation (file mode). READ adds
 * GRANT_SELECT: everyone may read those objects anyway, and a view's owner needs it on what the view
 * reads (Trino checks `checkCanCreateViewWithSelectFromColumns` for the owner: SELECT and GRANT_SELECT
 * in its first matching rule, and `all` on the catalog; trinodb/trino
 * `lib/trino-plugin-toolkit/.../security/FileBasedSystemAccessControl.java`). CREATE TABLE and
 * CREATE VIEW need OWNERSHIP of the new name, which is also what ALTER and DROP need: the rule format
 * cannot tell CREATE from OWN on tables, so OWNERSHIP is written only when both are allowed (the
 * narrower reading; validation warns about one without the other). CREATE also makes everyone owner
 * of schemas that hold no data source (CREATE SCHEMA needs schema ownership).
 */
const TRINO_UNREGISTERED_PRIVILEGES = {
  READ: ["SELECT", "GRANT_SELECT"],
  WRITE: ["INSERT", "DELETE", "UPDATE"],
  OWN: ["OWNERSHIP"],
  CREATE: ["OWNERSHIP"],
} as const satisfies Record<TrinoOperation, readonly TrinoPrivilege[]>;

/** The securable kind Trino names each object type by. */
const TRINO_OBJECT_KIND = {
  "BASE TABLE": "TABLE",
  VIEW: "VIEW",
  "MATERIALIZED VIEW": "MATERIALIZED VIEW",
} as const satisfies Record<ObjectTypeOf<"trino">, string>;

// The order operations are listed in (alphabetical, as the plan sorts its lists).
const OPERATION_ORDER = ["CREATE", "OWN", "READ", "WRITE"] as const satisfies readonly TrinoOperation[];

/** Privileges de-duplicated and in the order they are written (`TRINO_PRIVILEGES`). */
export function sortTrinoPrivileges<P extends TrinoPrivilege>(ps: Iterable<P>): P[] {
  const order: readonly TrinoPrivilege[] = TRINO_PRIVILEGES;
  return [...new Set(ps)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Operations the mode cannot grant on this object type although SPEC gives them a meaning there. */
export function trinoOperationsNotInMode(
  objectType: ObjectTypeOf<"trino">,
  operations: readonly TrinoOperation[],
  mode: TrinoMode,
): TrinoOperation[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  return operations.filter((op) => row[op].spec.length > 0 && row[op][mode].length === 0);
}

/** SPEC's privileges of `operations` on an object type, sorted. */
export function trinoSpecPrivileges(objectType: ObjectTypeOf<"trino">, operations: readonly TrinoOperation[]): TrinoSpecPrivilege[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  return [...new Set(operations.flatMap((op) => row[op].spec))].sort();
}

/** The operations whose SPEC privileges `privileges` holds (the inverse of `trinoSpecPrivileges`). */
export function trinoHeldOperations(objectType: ObjectTypeOf<"trino">, privileges: readonly string[]): TrinoOperation[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  const held = new Set(privileges);
  return OPERATION_ORDER.filter((op) => row[op].spec.some((p) => held.has(p)));
}

/** The native privileges `operations` grant on an object type in `mode`, sorted alphabetically. */
export function trinoNativePrivileges(
  objectType: ObjectTypeOf<"trino">,
  operations: readonly TrinoOperation[],
  mode: TrinoMode,
): (TrinoSqlPrivilege | TrinoPrivilege)[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  return [...new Set(operations.flatMap((op): readonly (TrinoSqlPrivilege | TrinoPrivilege)[] => row[op][mode]))].sort();
}

/** What everyone may do on objects that are not data sources, as rules (file mode). */
export function trinoUnregisteredRules(
  operations: readonly TrinoOperation[],
): { privileges: TrinoPrivilege[]; schemaOwner: boolean } | null {
  if (operations.length === 0) return null;
  const ownership = operations.includes("OWN") && operations.includes("CREATE");
  const privileges = operations.flatMap((op) => TRINO_UNREGISTERED_PRIVILEGES[op]).filter((p) => ownership || p !== "OWNERSHIP");
  return { privileges: sortTrinoPrivileges(privileges), schemaOwner: operations.includes("CREATE") };
}

// ---------------------------------------------------------------------------------------------
// SQL mode

/** A table, three-part named. */
export interface TrinoTable {
  catalog: string;
  schema: string;
  table: string;
}

/** Privileges a role holds on one table (SQL mode). */
export interface TrinoTableGrant extends TrinoTable {
  privileges: TrinoSqlPrivilege[];
}

/** The full state of one policy role: its grants and its members (SQL mode). */
export interface TrinoRoleState {
  role: string;
  /** Catalog whose connector manages the role (`IN catalog`), or null for a system role. */
  roleCatalog: string | null;
  members: string[];
  grants: TrinoTableGrant[];
}

/** A stable key of a table, for maps and sorting. */
export function trinoTableKey(g: TrinoTable): string {
  return JSON.stringify([g.catalog, g.schema, g.table]);
}

function inCatalog(roleCatalog: string | null): string {
  return roleCatalog === null ? "" : ` IN ${quoteIdent(roleCatalog, "trino")}`;
}

function tableName(g: TrinoTable): string {
  return quoteQualified([g.catalog, g.schema, g.table], "trino");
}

function privilegeMap(grants: readonly TrinoTableGrant[]): Map<string, { grant: TrinoTableGrant; privs: Set<string> }> {
  const out = new Map<string, { grant: TrinoTableGrant; privs: Set<string> }>();
  for (const g of grants) {
    const k = trinoTableKey(g);
    const entry = out.get(k) ?? { grant: g, privs: new Set<string>() };
    for (const p of g.privileges) entry.privs.add(p);
    out.set(k, entry);
  }
  return out;
}

/**
 * The statements that move one policy role from `before` to `after` (either may be null): create
 * the role, grant privileges, add members, then remove members, revoke privileges, drop the role.
 * Trino has no IF NOT EXISTS for roles or grants, so idempotency comes from computing this delta
 * against live state read just before applying it.
 */
export function trinoRoleDelta(before: TrinoRoleState | null, after: TrinoRoleState | null): string[] {
  if (before && after && (before.role !== after.role || before.roleCatalog !== after.roleCatalog)) {
    return [...trinoRoleDelta(null, after), ...trinoRoleDelta(before, null)];
  }
  const state = after ?? before;
  if (!state) return [];
  const role = quoteIdent(state.role, "trino");
  const scope = inCatalog(state.roleCatalog);
  const oldGrants = privilegeMap(before?.grants ?? []);
  const newGrants = privilegeMap(after?.grants ?? []);
  const oldMembers = new Set(before?.members ?? []);
  const newMembers = new Set(after?.members ?? []);
  const out: string[] = [];
  if (!before) out.push(`CREATE ROLE ${role}${scope}`);
  const sortedKeys = (m: Map<string, unknown>) => [...m.keys()].sort();
  for (const k of sortedKeys(newGrants)) {
    const n = newGrants.get(k)!;
    const added = sortTrinoPrivileges([...n.privs].filter((p) => !oldGrants.get(k)?.privs.has(p)) as TrinoSqlPrivilege[]);
    if (added.length > 0) out.push(`GRANT ${added.join(", ")} ON TABLE ${tableName(n.grant)} TO ROLE ${role}`);
  }
  const addedMembers = [...newMembers].filter((m) => !oldMembers.has(m)).sort();
  if (addedMembers.length > 0) {
    out.push(`GRANT ${role} TO ${addedMembers.map((m) => `USER ${quoteIdent(m, "trino")}`).join(", ")}${scope}`);
  }
  if (after) {
    const removedMembers = [...oldMembers].filter((m) => !newMembers.has(m)).sort();
    if (removedMembers.length > 0) {
      out.push(`REVOKE ${role} FROM ${removedMembers.map((m) => `USER ${quoteIdent(m, "trino")}`).join(", ")}${scope}`);
    }
    for (const k of sortedKeys(oldGrants)) {
      const o = oldGrants.get(k)!;
      const removed = sortTrinoPrivileges([...o.privs].filter((p) => !newGrants.get(k)?.privs.has(p)) as TrinoSqlPrivilege[]);
      if (removed.length > 0) out.push(`REVOKE ${removed.join(", ")} ON TABLE ${tableName(o.grant)} FROM ROLE ${role}`);
    }
  } else {
    // Dropping the role removes its memberships and grants in one step, and only its own.
    out.push(`DROP ROLE ${role}${scope}`);
  }
  return out;
}

/** Catalog queries the Trino provider uses to read a role's live state. */
const trinoReadQueries = {
  /** `SHOW ROLES`: column `Role`. */
  roles(roleCatalog: string | null): string {
    return roleCatalog === null ? "SHOW ROLES" : `SHOW ROLES FROM ${quoteIdent(roleCatalog, "trino")}`;
  },
  /** Users holding the role: column `grantee`. */
  members(role: string, roleCatalog: string | null): string {
    const is = quoteQualified([roleCatalog ?? "system", "information_schema", "role_authorization_descriptors"], "trino");
    return `SELECT grantee FROM ${is} WHERE role_name = ${quoteLiteral(role, "trino")} AND grantee_type = 'USER'`;
  },
  /** Table privileges of the role in one catalog: columns `table_schema`, `table_name`, `privilege_type`. */
  grants(role: string, catalog: string): string {
    const is = quoteQualified([catalog, "information_schema", "table_privileges"], "trino");
    return (
      `SELECT table_schema, table_name, privilege_type FROM ${is} ` +
      `WHERE grantee = ${quoteLiteral(role, "trino")} AND grantee_type = 'ROLE'`
    );
  },
} as const;

export {
  TRINO_OBJECT_KIND,
  TRINO_OPERATION_PRIVILEGES,
  TRINO_PRIVILEGES,
  TRINO_SQL_PRIVILEGES,
  TRINO_UNREGISTERED_PRIVILEGES,
  trinoReadQueries,
};
