/**
 * Databricks Spark: read only. A subscribed user gets SELECT on the object and the cluster's plan
 * rewriting enforces the rest; write is controlled through scratch paths and workspaces, never by a
 * subscription policy. With `databricksSpark.authoritative`, the audit warns which tables and
 * databases SqlPermissions takes over (it revokes every grant accessplane does not make there).
 */
import type { Issue } from "../model/issues";
import type { DataSourceOf, ObjectTypeOf } from "../model/schema";
import { DATABRICKS_CASE, DATABRICKS_GROUPS, dbxQuote } from "./databricks-unity-catalog";
import { defineAdapter } from "./define";
import { type AuditInput, type AuditResult, type PlatformAdapter, type PrivilegeTable, foldLocation } from "./types";
import { SELECT_ONLY, readOnlyPrivileges } from "./view-based";

/** SPEC.md's Databricks Spark rule: SELECT for read, and SELECT only for write. */
export const DATABRICKS_SPARK_PRIVILEGES = {
  TABLE: SELECT_ONLY,
  VIEW: SELECT_ONLY,
} as const satisfies PrivilegeTable<ObjectTypeOf<"databricks-spark">, "SELECT">;

/** The Databricks Spark adapter. */
export const databricksSpark: PlatformAdapter<"databricks-spark"> = defineAdapter({
  platform: "databricks-spark",
  title: "Databricks Spark",
  supportsWrite: false,
  enforcement: "cluster",
  // The Hive metastore, like Unity Catalog, stores database and table names in lower case.
  identifierCase: DATABRICKS_CASE,
  identityKey: "databricks",
  // The policy's account group is the one Unity Catalog uses: synced groups join it the same way.
  syncedGroups: DATABRICKS_GROUPS,
  privileges: (ds, access) =>
    readOnlyPrivileges(ds, access, DATABRICKS_SPARK_PRIVILEGES[ds.objectType], {
      title: "Databricks Spark",
      where: "",
      help: "write access on Databricks Spark is controlled through scratch paths and workspaces: use a read policy",
    }),
  locate(ds) {
    const { catalog, schema, table } = foldLocation(ds.location, DATABRICKS_CASE.objects);
    return {
      kind: ds.objectType,
      path: [catalog, schema, table],
      // Legacy table ACLs refuse every object privilege without USAGE on the enclosing database.
      parents: [{ kind: "DATABASE", path: [catalog, schema], privileges: ["USAGE"] }],
    };
  },
  quote: dbxQuote,
  audit: authoritativeAudit,
});

/**
 * `databricks.SqlPermissions` revokes all privileges from every principal it is not given on its
 * securable ("would remove anything else": the resource's documentation, and `revoke()` in the
 * provider's access/resource_sql_permissions.go), and addresses `database`.`table` in the
 * workspace's default catalog only. So authoritative mode lists every securable it takes over, and
 * refuses data sources outside `hive_metastore`.
 */
function authoritativeAudit(input: AuditInput): AuditResult {
  if (!input.config.databricksSpark.authoritative) return { issues: [], blastRadius: [] };
  const objects = new Set<string>();
  const wrongCatalog = new Map<string, string>();
  for (const p of input.principals) {
    for (const g of p.grants) {
      const ds = input.sources.get(g.dataSource) as DataSourceOf<"databricks-spark"> | undefined;
      if (!ds) continue;
      if (ds.location.catalog !== "hive_metastore") wrongCatalog.set(ds.id, ds.location.catalog);
      const t = databricksSpark.target(ds, input.config);
      objects.add(`${t.kind.toLowerCase()} ${t.object}`);
      for (const parent of t.parents) objects.add(`${parent.kind.toLowerCase()} ${parent.object}`);
    }
  }
  const issues: Issue[] = [];
  if (objects.size > 0) {
    const list = [...objects].sort();
    issues.push({
      severity: "warning",
      code: "databricks-spark-authoritative",
      message: `\`databricksSpark.authoritative\` is on: \`pulumi up\` revokes every privilege accessplane does not grant, from every other principal (ETL jobs and people included), on ${list.length} securable${list.length === 1 ? "" : "s"}: ${list.join(", ")}`,
      path: "databricksSpark.authoritative",
      help: "set `databricksSpark.authoritative: false` (the default) to grant and revoke only accessplane's own groups, or first give every principal that must keep access a policy",
    });
  }
  for (const [id, catalog] of [...wrongCatalog].sort()) {
    issues.push({
      severity: "error",
      code: "databricks-spark-authoritative-catalog",
      message: `\`${id}\` is in catalog \`${catalog}\`, but SqlPermissions (authoritative mode) addresses only the workspace's default catalog, which must be \`hive_metastore\``,
      path: "databricksSpark.authoritative",
      help: "set `databricksSpark.authoritative: false` (the default), which names the catalog in every GRANT, or move the data source to `hive_metastore`",
    });
  }
  return { issues, blastRadius: [] };
}
