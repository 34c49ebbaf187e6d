/**
 * Databricks Spark: read only. A subscribed user gets SELECT on the object and the cluster's plan
 * rewriting enforces the rest; write is controlled through scratch paths and workspaces, never by a
 * subscription policy.
 */
import type { ObjectTypeOf } from "../model/schema";
import { DATABRICKS_CASE, dbxIdent } from "./databricks-unity-catalog";
import { type PlatformAdapter, type PrivilegeTable, foldLocation, groupName, selfImplied, union } from "./types";
import { SELECT_ONLY, readOnlyPrivileges } from "./view-based";

/** SPEC.md's Databricks Spark rule: SELECT for read, and SELECT only for write. */
export const DATABRICKS_SPARK_PRIVILEGES = {
  TABLE: SELECT_ONLY,
  VIEW: SELECT_ONLY,
} as const satisfies PrivilegeTable<ObjectTypeOf<"databricks-spark">, "SELECT">;

/** The Databricks Spark adapter. */
export const databricksSpark: PlatformAdapter<"databricks-spark"> = {
  platform: "databricks-spark",
  title: "Databricks Spark",
  supportsWrite: false,
  enforcement: "cluster",
  // The Hive metastore, like Unity Catalog, stores database and table names in lower case.
  identifierCase: DATABRICKS_CASE,
  identityKey: () => "databricks",
  tableKey: (ds) => ds.objectType,
  privileges: (ds, access) =>
    readOnlyPrivileges(ds, access, DATABRICKS_SPARK_PRIVILEGES[ds.objectType], {
      title: "Databricks Spark",
      where: "",
      help: "write access on Databricks Spark is controlled through scratch paths and workspaces: use a read policy",
    }),
  target(ds) {
    const { catalog, schema, table } = foldLocation(ds.location, DATABRICKS_CASE.objects);
    const db = `${dbxIdent(catalog)}.${dbxIdent(schema)}`;
    return {
      kind: ds.objectType,
      object: `${db}.${dbxIdent(table)}`,
      // Legacy table ACLs refuse every object privilege without USAGE on the enclosing database.
      parents: [{ kind: "DATABASE", object: db, privileges: ["USAGE"] }],
    };
  },
  merge: (a, b) => union(a, b),
  implied: selfImplied,
  extras: () => ({}),
  principalName: (key, config) => groupName(config.naming.groupPrefix, key),
};
