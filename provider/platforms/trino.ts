/**
 * Starburst (Trino): policies map to operations (READ, WRITE, OWN) through the access grant mapping,
 * bounded by the cluster's allowed operations; each operation stands for privileges that depend on
 * the object type. CREATE is never granted by a policy.
 */
import type { AccessType, Config, ObjectTypeOf, TrinoOperation } from "../model/schema";
import { type Note, type PlatformAdapter, groupName, selfImplied, union } from "./types";

/** Trino privileges a policy can issue. */
export type TrinoPrivilege =
  | "SELECT"
  | "SHOW"
  | "DELETE"
  | "INSERT"
  | "MERGE"
  | "TRUNCATE"
  | "UPDATE"
  | "REFRESH"
  | "ALTER"
  | "COMMENT"
  | "DROP"
  | "SET PROPERTIES";

/**
 * SPEC.md's Trino operations per object type. Views hold no data to modify, so WRITE yields nothing
 * on them; CREATE applies only to objects that do not exist yet, so it yields nothing on a data source.
 */
export const TRINO_OPERATION_PRIVILEGES = {
  "BASE TABLE": {
    READ: ["SELECT", "SHOW"],
    WRITE: ["DELETE", "INSERT", "MERGE", "TRUNCATE", "UPDATE"],
    OWN: ["ALTER", "COMMENT", "DROP", "SET PROPERTIES"],
    CREATE: [],
  },
  VIEW: { READ: ["SELECT", "SHOW"], WRITE: [], OWN: ["ALTER", "COMMENT", "DROP"], CREATE: [] },
  "MATERIALIZED VIEW": { READ: ["SELECT", "SHOW"], WRITE: ["REFRESH"], OWN: ["ALTER", "COMMENT", "DROP"], CREATE: [] },
} as const satisfies Record<ObjectTypeOf<"trino">, Record<TrinoOperation, readonly TrinoPrivilege[]>>;

/** The securable kind Trino's GRANT uses for each object type. */
export const TRINO_OBJECT_KIND = {
  "BASE TABLE": "TABLE",
  VIEW: "VIEW",
  "MATERIALIZED VIEW": "MATERIALIZED VIEW",
} as const satisfies Record<ObjectTypeOf<"trino">, string>;

const OPERATIONS = ["CREATE", "OWN", "READ", "WRITE"] as const satisfies readonly TrinoOperation[];

/** Operations an access type maps to on registered data, and those the cluster's property removes. */
export function trinoOperations(
  access: AccessType,
  config: Config,
): { operations: TrinoOperation[]; removed: TrinoOperation[] } {
  // The cluster's access-control.properties takes precedence over the central (web service) mapping.
  const mapping = config.trino.cluster.accessGrantMapping ?? config.trino.accessGrantMapping;
  const mapped = [...new Set(mapping[access === "read" ? "READ" : "WRITE"])].sort();
  const allowed = new Set(config.trino.cluster.allowedDataSourceOperations);
  return {
    operations: mapped.filter((op) => allowed.has(op)),
    removed: mapped.filter((op) => !allowed.has(op)),
  };
}

/** Quotes a Trino identifier (double quotes, doubled inside). */
export const trinoIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

const list = (ops: readonly string[]) => ops.map((o) => `\`${o}\``).join(", ");

/** The Starburst (Trino) adapter. */
export const trino: PlatformAdapter<"trino"> = {
  platform: "trino",
  title: "Starburst (Trino)",
  supportsWrite: true,
  enforcement: "cluster",
  identityKey: () => "trino",
  // Privileges also depend on the configuration, which is fixed for one plan (the memo's lifetime).
  tableKey: (ds) => ds.objectType,
  privileges(ds, access, config) {
    const row = TRINO_OPERATION_PRIVILEGES[ds.objectType];
    const { operations, removed } = trinoOperations(access, config);
    const notes: Note[] = [];
    if (removed.length > 0) {
      notes.push({
        code: "trino-operation-not-allowed",
        message: `the cluster does not allow ${list(removed)} on data sources, so a ${access} policy does not grant ${removed.length > 1 ? "them" : "it"} on \`${ds.id}\``,
        help: "add the operation to `trino.cluster.allowedDataSourceOperations` (immuta.allowed.immuta.datasource.operations), or remove it from the access grant mapping",
      });
    }
    if (operations.includes("WRITE") && row.WRITE.length === 0) {
      notes.push({
        code: "write-on-read-only-object",
        message: `\`${ds.id}\` is a ${ds.objectType.toLowerCase()}, a read-only object: the WRITE operation grants nothing on it`,
        help: "use a read policy for views, or point the write policy at tables and materialized views",
      });
    }
    return { privileges: union(...operations.map((op) => row[op])), notes };
  },
  target(ds) {
    const { catalog, schema, table } = ds.location;
    return {
      kind: TRINO_OBJECT_KIND[ds.objectType],
      object: [catalog, schema, table].map(trinoIdent).join("."),
      // Trino has no USAGE privilege: a privilege on a table is what makes its schema and catalog visible.
      parents: [],
    };
  },
  merge: (a, b) => union(a, b),
  implied: selfImplied,
  extras(ds, privileges) {
    // Derived from the (possibly merged) privileges, so an entry reached by several policies lists the union.
    const row = TRINO_OPERATION_PRIVILEGES[ds.objectType];
    const held = new Set(privileges);
    return { operations: OPERATIONS.filter((op) => row[op].some((p) => held.has(p))) };
  },
  principalName: (key, config) => groupName(config.naming.groupPrefix, key),
};
