/**
 * Databricks Spark (the workspace's legacy `hive_metastore`): the tables and views of the
 * configured databases, through the SQL Statement Execution API on a SQL warehouse.
 *
 * Per database, `SHOW TABLES IN hive_metastore.<db>` lists every table and view (columns
 * `database`, `tableName`, `isTemporary`; https://docs.databricks.com/en/sql/language-manual/sql-ref-syntax-aux-show-tables.html)
 * and `SHOW VIEWS IN hive_metastore.<db>` the views among them (`namespace`, `viewName`,
 * `isTemporary`; https://docs.databricks.com/en/sql/language-manual/sql-ref-syntax-aux-show-views.html).
 * Two documented statements per database give the exact type (VIEW when listed by SHOW VIEWS,
 * TABLE otherwise), where `DESCRIBE TABLE EXTENDED` would take one statement per table, and the
 * Unity Catalog REST API does not document `hive_metastore` as a catalog it lists.
 */
import { z } from "zod";
import { type Counter, catalogResult, failureIssue, sparkIdent } from "./catalog-common";
import { DatabricksWorkspace, runSql, workspace, type Workspace } from "./databricks-api";
import type { CatalogObject, Connector, PullContext, PullResult, SourceIssue } from "./types";

/** The keys of a `kind: databricks-spark` source. */
export const SparkConfig = z.strictObject({
  ...DatabricksWorkspace,
  /** The SQL warehouse that runs the SHOW statements. */
  warehouseId: z.string().min(1),
  /** The databases to read; default: every database `SHOW DATABASES IN hive_metastore` lists (then the scope). */
  databases: z.array(z.string().min(1)).min(1).optional(),
});
/** A Databricks Spark source's configuration. */
export type SparkConfig = z.infer<typeof SparkConfig>;

const CATALOG = "hive_metastore";
const isTrue = (v: string | null | undefined) => (v ?? "").toLowerCase() === "true";

async function databasesOf(ws: Workspace, config: SparkConfig): Promise<string[]> {
  if (config.databases) return config.databases;
  const rows = await runSql(ws, config.warehouseId, `SHOW DATABASES IN ${CATALOG}`);
  // The column is `databaseName` (older runtimes) or `namespace`.
  return rows.map((r) => r.databaseName ?? r.namespace ?? "").filter((d) => d !== "");
}

async function readDatabase(ws: Workspace, config: SparkConfig, ctx: PullContext, db: string, objects: CatalogObject[]): Promise<void> {
  const qualified = `${CATALOG}.${sparkIdent(db)}`;
  const tables = await runSql(ws, config.warehouseId, `SHOW TABLES IN ${qualified}`);
  const views = await runSql(ws, config.warehouseId, `SHOW VIEWS IN ${qualified}`);
  const viewNames = new Set(views.filter((v) => !isTrue(v.isTemporary)).map((v) => v.viewName ?? ""));
  for (const t of tables) {
    // Temporary views belong to one session, and SHOW TABLES lists global ones under another database.
    if (isTrue(t.isTemporary) || !t.tableName) continue;
    const path = [CATALOG, db, t.tableName];
    if (!ctx.scope.object(path)) continue;
    objects.push({
      platform: "databricks-spark",
      objectType: viewNames.has(t.tableName) ? "VIEW" : "TABLE",
      location: { catalog: CATALOG, schema: db, table: t.tableName },
      labels: {},
    });
  }
}

/** Pulls the tables and views of a workspace's Hive metastore databases. */
export async function pullSpark(config: SparkConfig, ctx: PullContext): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  const issues: SourceIssue[] = [];
  const objects: CatalogObject[] = [];
  let ws: Workspace;
  let dbs: string[];
  try {
    ws = workspace(config.host, ctx.credential(config.token), ctx, counter);
    dbs = await databasesOf(ws, config);
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, `listing the databases of ${CATALOG} failed`)], counter);
  }
  for (const db of [...new Set(dbs)].sort()) {
    if (!ctx.scope.container([CATALOG, db])) continue;
    try {
      await readDatabase(ws, config, ctx, db, objects);
    } catch (e) {
      issues.push(failureIssue(ctx, e, `reading database ${CATALOG}.${db} failed`));
    }
    ctx.progress({ objects: objects.length, pages: counter.pages });
  }
  return catalogResult(objects, issues, counter);
}

/** The Databricks Spark connector (`kind: databricks-spark`). */
export const databricksSpark: Connector<SparkConfig> = {
  kind: "databricks-spark",
  yields: "catalog",
  configSchema: SparkConfig as unknown as z.ZodType<SparkConfig>,
  pull: pullSpark,
};
