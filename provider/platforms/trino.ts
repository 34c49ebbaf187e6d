/**
 * Starburst (Trino): policies map to operations (READ, WRITE, OWN) through the access grant mapping,
 * bounded by the cluster's allowed operations; each operation stands for privileges that depend on
 * the object type and on how the cluster enforces them (SQL GRANTs or a rules file), all read from
 * the one table in `sql/trino.ts`. CREATE is never granted by a policy.
 */
import type { AccessType, Config, TrinoOperation } from "../model/schema";
import { TRINO_OBJECT_KIND, trinoHeldOperations, trinoNativePrivileges, trinoOperationsNotInMode, trinoSpecPrivileges } from "./sql/trino";
import { defineAdapter } from "./define";
import { delimitQualified } from "./sql/dialect";
import { type IdentifierCase, type Note, type PlatformAdapter, foldLocation } from "./types";

/** Operations an access type maps to on registered data, and those the cluster's bound removes. */
export function trinoOperations(access: AccessType, config: Config): { operations: TrinoOperation[]; removed: TrinoOperation[] } {
  // The cluster's mapping takes precedence over the estate-wide one (SPEC.md).
  const mapping = config.trino.cluster.accessGrantMapping ?? config.trino.accessGrantMapping;
  const mapped = [...new Set(mapping[access === "read" ? "READ" : "WRITE"])].sort();
  const allowed = new Set(config.trino.cluster.allowedDataSourceOperations);
  return {
    operations: mapped.filter((op) => allowed.has(op)),
    removed: mapped.filter((op) => !allowed.has(op)),
  };
}

const list = (ops: readonly string[]) => ops.map((o) => `\`${o}\``).join(", ");

/**
 * Trino treats catalog, schema and table names as case-insensitive and lower-cases them, even when
 * quoted (https://trino.io/docs/current/language/reserved.html, trinodb/trino#17); user names are
 * case-sensitive principals, taken as written.
 */
export const TRINO_CASE: IdentifierCase = { objects: "lower-always", users: "exact" };

/** The Starburst (Trino) adapter. */
export const trino: PlatformAdapter<"trino"> = defineAdapter({
  platform: "trino",
  title: "Starburst (Trino)",
  supportsWrite: true,
  enforcement: "cluster",
  identifierCase: TRINO_CASE,
  identityKey: "trino",
  // File-based access control matches rules on the groups of the coordinator's group provider; SQL
  // mode grants roles with `GRANT role TO (user | USER user | ROLE role)`, which has no group
  // principal (https://trino.io/docs/current/sql/grant-roles.html), so members stay users there.
  syncedGroups: (config) => (config.trino.mode === "file" ? { key: "trino", case: "exact" } : undefined),
  // Privileges depend on the object type (the default table key) and on the configuration, which
  // is fixed for one plan (the memo's lifetime).
  privileges(ds, access, config) {
    const { operations: allowed, removed } = trinoOperations(access, config);
    const mode = config.trino.mode;
    const notInMode = trinoOperationsNotInMode(ds.objectType, allowed, mode);
    const operations = allowed.filter((op) => !notInMode.includes(op));
    const notes: Note[] = [];
    if (removed.length > 0) {
      notes.push({
        code: "trino-operation-not-allowed",
        message: `the cluster does not allow ${list(removed)} on data sources, so a ${access} policy does not grant ${removed.length > 1 ? "them" : "it"} on \`${ds.id}\``,
        help: "add the operation to `trino.cluster.allowedDataSourceOperations`, or remove it from the access grant mapping",
      });
    }
    if (notInMode.length > 0) {
      notes.push({
        code: "trino-operation-not-in-sql-mode",
        message: `${list(notInMode)} (${list(trinoSpecPrivileges(ds.objectType, notInMode))}) cannot be granted on \`${ds.id}\` in SQL mode: Trino's GRANT has only SELECT, INSERT, DELETE and UPDATE, so a ${access} policy does not grant ${notInMode.length > 1 ? "them" : "it"} there`,
        help: "use file mode (`trino.mode: file`) to grant OWN as OWNERSHIP, or remove OWN from the access grant mapping",
      });
    }
    if (operations.includes("WRITE") && trinoSpecPrivileges(ds.objectType, ["WRITE"]).length === 0) {
      notes.push({
        code: "write-on-read-only-object",
        message: `\`${ds.id}\` is a ${ds.objectType.toLowerCase()}, a read-only object: the WRITE operation grants nothing on it`,
        help: "use a read policy for views, or point the write policy at tables and materialized views",
      });
    }
    return { privileges: trinoSpecPrivileges(ds.objectType, operations), notes };
  },
  locate(ds) {
    const { catalog, schema, table } = foldLocation(ds.location, TRINO_CASE.objects);
    return {
      kind: TRINO_OBJECT_KIND[ds.objectType],
      path: [catalog, schema, table],
      // Trino has no USAGE privilege: a privilege on a table is what makes its schema and catalog visible.
      parents: [],
    };
  },
  quote: (path) => delimitQualified(path, "trino"),
  extras(ds, privileges, config) {
    // Derived from the (possibly merged) privileges, so an entry reached by several policies lists the union.
    const operations = trinoHeldOperations(ds.objectType, privileges);
    return { operations, nativePrivileges: trinoNativePrivileges(ds.objectType, operations, config.trino.mode) };
  },
});
