/**
 * Databricks Spark (legacy table access control): the SQL that grants and revokes one policy
 * group's privileges.
 *
 * Legacy table ACLs are managed with `GRANT privilege ON securable TO principal`, `REVOKE ... FROM`
 * and `SHOW GRANTS principal ON securable` (Databricks, "Hive metastore privileges and securable
 * objects (legacy)", docs.databricks.com/en/data-governance/table-acls/object-privileges.html).
 * Statements name only accessplane's own group, so nothing anyone else holds is ever revoked
 * (unlike `databricks.SqlPermissions`, which revokes every principal it is not told about).
 * Every object is catalog-qualified (`hive_metastore`.`db`.`t`): the Hive metastore is the catalog
 * `hive_metastore` in the three-level namespace, whatever the workspace's default catalog is.
 */
import { initError } from "./closure";
import { delimitIdent } from "./dialect";

/** Securables a Spark data source's grants land on. */
type SparkSecurable = "TABLE" | "VIEW" | "DATABASE";

/** Privileges accessplane issues on Spark: read only (SPEC: write yields SELECT). */
const SPARK_PRIVILEGES: readonly string[] = ["SELECT", "USAGE", "READ_METADATA"];

/** An identifier that cannot be quoted for Databricks (empty, or holding a NUL character). */
class SparkIdentifierError extends Error {
  constructor(name: string, reason: string) {
    const message = `identifier \`${name.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 80)}\` cannot be used in databricks: ${reason}`;
    super(message);
    this.name = "SparkIdentifierError";
    initError(this, message);
  }
}

/** Backtick-quotes one Databricks identifier (a backtick inside is doubled), refusing empty names and NUL. */
function sparkIdent(name: string): string {
  if (name.length === 0) throw new SparkIdentifierError(name, "identifiers cannot be empty");
  if (name.includes("\u0000")) throw new SparkIdentifierError(name, "identifiers cannot contain a NUL character");
  return delimitIdent(name, "databricks");
}

/** One securable and the privileges the group holds on it (`table` is null on a DATABASE grant). */
interface SparkGrant {
  kind: SparkSecurable;
  catalog: string;
  schema: string;
  table: string | null;
  privileges: string[];
}

/** A stable key of one securable. */
function sparkGrantKey(g: { kind: string; catalog: string; schema: string; table: string | null }): string {
  return JSON.stringify([g.kind, g.catalog, g.schema, g.table]);
}

/** The securable as GRANT names it: `DATABASE \`c\`.\`s\`` or `TABLE \`c\`.\`s\`.\`t\``. */
function sparkSecurable(g: Pick<SparkGrant, "kind" | "catalog" | "schema" | "table">): string {
  const db = `${sparkIdent(g.catalog)}.${sparkIdent(g.schema)}`;
  return g.kind === "DATABASE" ? `DATABASE ${db}` : `${g.kind} ${db}.${sparkIdent(g.table ?? "")}`;
}

/** `GRANT <privileges> ON <securable> TO <principal>`. */
function sparkGrantStatement(principal: string, g: SparkGrant, privileges: readonly string[]): string {
  return `GRANT ${[...privileges].sort().join(", ")} ON ${sparkSecurable(g)} TO ${sparkIdent(principal)}`;
}

/** `REVOKE <privileges> ON <securable> FROM <principal>`. */
function sparkRevokeStatement(principal: string, g: SparkGrant, privileges: readonly string[]): string {
  return `REVOKE ${[...privileges].sort().join(", ")} ON ${sparkSecurable(g)} FROM ${sparkIdent(principal)}`;
}

/** `SHOW GRANTS <principal> ON <securable>`: rows of principal, action type, object type, object key. */
function sparkShowGrants(principal: string, g: Pick<SparkGrant, "kind" | "catalog" | "schema" | "table">): string {
  return `SHOW GRANTS ${sparkIdent(principal)} ON ${sparkSecurable(g)}`;
}

/**
 * Reads the privileges `principal` holds directly on `g` from the rows of `sparkShowGrants`
 * (positional: principal, action type, object type, object key). DENY rows and ownership are not
 * accessplane's to manage; rows on other objects (parents listed alongside) are skipped.
 */
function sparkPrivilegesFromRows(principal: string, g: SparkGrant, rows: readonly (readonly unknown[])[]): string[] {
  const plain = (s: string) => s.replace(/`/g, "").toLowerCase();
  const keys = [
    plain([g.schema, g.table].filter((x) => x !== null).join(".")),
    plain([g.catalog, g.schema, g.table].filter((x) => x !== null).join(".")),
  ];
  const out: string[] = [];
  for (const row of rows) {
    const [who, action, type, key] = row.map((v) => String(v ?? ""));
    if (who !== principal) continue;
    if (!action || action.startsWith("DENIED_") || action === "OWN") continue;
    if (type && type.toUpperCase() !== g.kind) continue;
    if (key && !keys.includes(plain(key))) continue;
    if (!out.includes(action)) out.push(action);
  }
  return out.sort();
}

/**
 * The statements that move the group from `live` to `target`: grants first, then revokes, each
 * naming only the group. `live` holds what the group holds now on every securable of either side;
 * a null `target` revokes everything the group holds there (delete).
 */
function sparkGrantDelta(principal: string, live: readonly SparkGrant[], target: readonly SparkGrant[] | null): string[] {
  const byKey = (gs: readonly SparkGrant[]) => {
    const m: Record<string, SparkGrant> = {};
    for (const g of gs) m[sparkGrantKey(g)] = g;
    return m;
  };
  const before = byKey(live);
  const after = byKey(target ?? []);
  const grants: string[] = [];
  const revokes: string[] = [];
  for (const k of Object.keys(after).sort()) {
    const had = before[k]?.privileges ?? [];
    const added = after[k]!.privileges.filter((p) => !had.includes(p));
    if (added.length > 0) grants.push(sparkGrantStatement(principal, after[k]!, added));
  }
  for (const k of Object.keys(before).sort()) {
    const keep = after[k]?.privileges ?? [];
    const removed = before[k]!.privileges.filter((p) => !keep.includes(p));
    if (removed.length > 0) revokes.push(sparkRevokeStatement(principal, before[k]!, removed));
  }
  return [...grants, ...revokes];
}

export {
  SPARK_PRIVILEGES,
  SparkIdentifierError,
  sparkIdent,
  sparkGrantKey,
  sparkSecurable,
  sparkGrantStatement,
  sparkRevokeStatement,
  sparkShowGrants,
  sparkPrivilegesFromRows,
  sparkGrantDelta,
};
export type { SparkSecurable, SparkGrant };
