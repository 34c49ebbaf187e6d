/**
 * Databricks Unity Catalog: catalogs, schemas and tables through the Unity Catalog REST API
 * (https://docs.databricks.com/api/workspace/tables/list), tags from
 * `system.information_schema.table_tags` through the SQL Statement Execution API when a SQL
 * warehouse is configured.
 *
 * A catalog of type DELTASHARING_CATALOG is created from an incoming Delta share: its tables are
 * pulled with `incomingShare: true`. Shallow clones map to the type of table they are: "You can only
 * clone Unity Catalog managed tables to Unity Catalog managed tables and Unity Catalog external
 * tables to Unity Catalog external tables", and a clone has "access control privileges independent
 * from" its source (https://docs.databricks.com/aws/en/tables/operations/clone-unity-catalog), so a
 * managed shallow clone is granted as a MANAGED table and an external one as an EXTERNAL table.
 */
import { z } from "zod";
import { type Counter, catalogResult, dotted, failureIssue, unknownTypeIssue } from "./catalog-common";
import { DatabricksWorkspace, listAll, runSql, workspace, type Workspace } from "./databricks-api";
import type { CatalogObject, Connector, PullContext, PullResult, SourceIssue } from "./types";

/** The keys of a `kind: databricks-unity-catalog` source. */
export const UnityCatalogConfig = z.strictObject({
  ...DatabricksWorkspace,
  /** A SQL warehouse to read `system.information_schema.table_tags` with; without it no tag is read. */
  warehouseId: z.string().min(1).optional(),
});
/** A Unity Catalog source's configuration. */
export type UnityCatalogConfig = z.infer<typeof UnityCatalogConfig>;

/**
 * Unity Catalog table types and the SPEC.md object type each is granted as. The API's TableType
 * (https://databricks.github.io/sdk-js/api/variables/_databricks_sdk-uc-tables.v1.TableType.html)
 * also has METRIC_VIEW, which SPEC.md does not name: it is an `unknown-table-type` issue.
 */
export const UC_TABLE_TYPES: Readonly<Record<string, string>> = {
  MANAGED: "MANAGED",
  EXTERNAL: "EXTERNAL",
  VIEW: "VIEW",
  MATERIALIZED_VIEW: "MATERIALIZED_VIEW",
  STREAMING_TABLE: "STREAMING_TABLE",
  FOREIGN: "FOREIGN",
  MANAGED_SHALLOW_CLONE: "MANAGED",
  EXTERNAL_SHALLOW_CLONE: "EXTERNAL",
};

/** Catalogs that hold no data sources: the system catalog, internal ones and the legacy Hive metastore (the databricks-spark source). */
const SKIPPED_CATALOG_TYPES = new Set(["SYSTEM_CATALOG", "INTERNAL_CATALOG"]);
const SKIPPED_CATALOGS = new Set(["system", "hive_metastore"]);

interface CatalogInfo {
  name: string;
  catalog_type?: string;
}
interface SchemaInfo {
  name: string;
}
interface TableInfo {
  name: string;
  catalog_name?: string;
  schema_name?: string;
  table_type?: string;
  comment?: string;
}

const TAGS_SQL = "SELECT catalog_name, schema_name, table_name, tag_name, tag_value FROM system.information_schema.table_tags";

/** The note printed when no warehouse is configured. */
export const NO_WAREHOUSE_NOTE = "Unity Catalog tags were not read: set `warehouseId` to read system.information_schema.table_tags";

async function readTables(ws: Workspace, ctx: PullContext, issues: SourceIssue[], objects: CatalogObject[]): Promise<void> {
  const catalogs = await listAll<CatalogInfo>(ws, "/api/2.1/unity-catalog/catalogs", {}, "catalogs");
  for (const c of catalogs) {
    if (SKIPPED_CATALOGS.has(c.name) || SKIPPED_CATALOG_TYPES.has(c.catalog_type ?? "") || !ctx.scope.container([c.name])) continue;
    const share = c.catalog_type === "DELTASHARING_CATALOG";
    let schemas: SchemaInfo[];
    try {
      schemas = await listAll<SchemaInfo>(ws, "/api/2.1/unity-catalog/schemas", { catalog_name: c.name }, "schemas");
    } catch (e) {
      issues.push(failureIssue(ctx, e, `listing the schemas of catalog ${c.name} failed`));
      continue;
    }
    for (const s of schemas) {
      if (s.name === "information_schema" || !ctx.scope.container([c.name, s.name])) continue;
      let tables: TableInfo[];
      try {
        tables = await listAll<TableInfo>(
          ws,
          "/api/2.1/unity-catalog/tables",
          { catalog_name: c.name, schema_name: s.name, omit_columns: "true", omit_properties: "true", omit_username: "true" },
          "tables",
          () => ctx.progress({ objects: objects.length, pages: ws.counter.pages }),
        );
      } catch (e) {
        issues.push(failureIssue(ctx, e, `listing the tables of ${c.name}.${s.name} failed`));
        continue;
      }
      for (const t of tables) {
        const path = [t.catalog_name ?? c.name, t.schema_name ?? s.name, t.name];
        if (!ctx.scope.object(path)) continue;
        const type = UC_TABLE_TYPES[t.table_type ?? ""];
        if (!type) {
          issues.push(unknownTypeIssue(ctx, "databricks-unity-catalog", path, t.table_type ?? "(none)"));
          continue;
        }
        objects.push({
          platform: "databricks-unity-catalog",
          objectType: type,
          location: { catalog: path[0]!, schema: path[1]!, table: path[2]! },
          labels: {},
          ...(share ? { incomingShare: true } : {}),
          ...(t.comment ? { comment: t.comment } : {}),
        });
      }
    }
  }
}

/** Pulls a Unity Catalog metastore's tables and tags. */
export async function pullUnityCatalog(config: UnityCatalogConfig, ctx: PullContext): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  const issues: SourceIssue[] = [];
  const objects: CatalogObject[] = [];
  const notes: string[] = [];
  let ws: Workspace;
  try {
    ws = workspace(config.host, ctx.credential(config.token), ctx, counter);
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "no credential")], counter);
  }
  try {
    await readTables(ws, ctx, issues, objects);
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "listing the catalogs failed")], counter);
  }
  if (config.warehouseId) {
    try {
      const byKey = new Map(objects.map((o) => [dotted([o.location.catalog!, o.location.schema!, o.location.table!]), o]));
      for (const r of await runSql(ws, config.warehouseId, TAGS_SQL)) {
        const o = byKey.get(dotted([r.catalog_name ?? "", r.schema_name ?? "", r.table_name ?? ""]));
        if (o && r.tag_name) o.labels[r.tag_name] = r.tag_value ?? "";
      }
    } catch (e) {
      const i = failureIssue(ctx, e, "reading system.information_schema.table_tags failed");
      issues.push({
        ...i,
        help: i.help ?? "grant CAN USE on the warehouse, and USE CATALOG on `system` with SELECT on its information_schema",
      });
    }
  } else {
    notes.push(NO_WAREHOUSE_NOTE);
  }
  ctx.progress({ objects: objects.length, pages: counter.pages });
  return catalogResult(objects, issues, counter, notes);
}

/** The Unity Catalog connector (`kind: databricks-unity-catalog`). */
export const databricksUnityCatalog: Connector<UnityCatalogConfig> = {
  kind: "databricks-unity-catalog",
  yields: "catalog",
  configSchema: UnityCatalogConfig as unknown as z.ZodType<UnityCatalogConfig>,
  pull: pullUnityCatalog,
};
