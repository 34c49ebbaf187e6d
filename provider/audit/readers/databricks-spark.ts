/**
 * Live grants of Databricks Spark (the workspace's legacy `hive_metastore` table ACLs), through the
 * SQL Statement Execution API of the inventory connector (provider/connectors/databricks-spark.ts):
 * the tables and views in the source's scope, listed as `inventory pull` lists them, then per object
 * `SHOW GRANTS ON {TABLE|VIEW} <name>`, whose rows are `Principal`, `ActionType`, `ObjectType` and
 * `ObjectKey` (Databricks' "SHOW GRANTS (legacy Hive metastore)") and include what the object
 * inherits from its database and the catalog: privileges "are inherited downward"
 * (https://docs.databricks.com/sql/language-manual/sql-ref-privileges-hms.html).
 *
 * A row on the object itself is `direct`; a row on its database or the catalog is recorded on that
 * securable (so USAGE, the plan's parent grant, is seen there) and, for a data privilege, on the
 * object as `inherited`. `OWN` is `ownership`, a privilege on `ANY FILE` is `admin`, and a
 * `DENIED_*` row (a deny) grants nothing: it is counted in a note. Names are written with
 * backticks as the plan writes them (`` `hive_metastore`.`sales`.`orders` ``), through the
 * platform's quoter.
 */
import { type Counter } from "../../connectors/catalog-common";
import { runSql, workspace } from "../../connectors/databricks-api";
import { pullSpark, type SparkConfig } from "../../connectors/databricks-spark";
import type { PullContext } from "../../connectors/types";
import { dbxQuote } from "../../platforms/databricks-unity-catalog";
import type { LiveState } from "../types";
import { GrantCollector, granteeOf, pulledObjects, readWorkspaceDirectory, step } from "./databricks-common";
import { capped } from "./snowflake";

/** How a Databricks Spark source's grants are read. */
export interface SparkAuditOptions {
  source: string;
  /** Statements in flight at once (default 8). */
  concurrency?: number;
  now?: Date;
}

/** The privileges on a database or the catalog that reach its tables' data. */
export const SPARK_DATA_PRIVILEGES: ReadonlySet<string> = new Set(["SELECT", "MODIFY", "READ_METADATA", "ALL PRIVILEGES"]);

/** Reads the table ACLs of the tables and views in a Databricks Spark source's scope. */
export async function readSparkGrants(config: SparkConfig, ctx: PullContext, o: SparkAuditOptions): Promise<LiveState> {
  const now = o.now ?? new Date();
  const notes: string[] = [];
  const counter: Counter = { requests: 0, pages: 0 };
  const token = ctx.credential(config.token);
  const ws = workspace(config.host, token, ctx, counter);
  const objects = pulledObjects(await pullSpark(config, ctx), notes);
  const dir = await step(o.source, "reading the workspace's groups", () => readWorkspaceDirectory(ws, token, "databricks-spark", o.source));
  const c = new GrantCollector("databricks-spark");
  let denied = 0;
  await capped(objects, o.concurrency ?? 8, async (obj) => {
    const path = [obj.location.catalog!, obj.location.schema!, obj.location.table!];
    const object = dbxQuote(path);
    const rows = await step(o.source, `reading the grants of ${path.join(".")}`, () =>
      runSql(ws, config.warehouseId, `SHOW GRANTS ON ${obj.objectType === "VIEW" ? "VIEW" : "TABLE"} ${object}`),
    );
    for (const r of rows) {
      const principal = r.Principal ?? r.principal ?? "";
      const action = (r.ActionType ?? r.actionType ?? "").toUpperCase();
      const type = (r.ObjectType ?? r.objectType ?? "").toUpperCase();
      if (principal === "" || action === "") continue;
      if (action.startsWith("DENIED_")) {
        denied++;
        continue;
      }
      const grantee = granteeOf(dir, principal);
      const own = action === "OWN";
      if (type === "TABLE" || type === "VIEW") {
        c.add(grantee, object, [own ? "OWNERSHIP" : action], own ? "ownership" : "direct", path);
      } else if (type === "DATABASE" || type === "SCHEMA" || type === "CATALOG") {
        const parent = type === "CATALOG" ? path.slice(0, 1) : path.slice(0, 2);
        c.add(grantee, dbxQuote(parent), [own ? "OWNERSHIP" : action], own ? "ownership" : "direct");
        if (SPARK_DATA_PRIVILEGES.has(action)) c.add(grantee, object, [action], "inherited", path);
      } else if (type.replace(/_/g, " ") === "ANY FILE") {
        c.add(grantee, "ANY FILE", [action], "admin");
      } else {
        c.add(grantee, `${type} ${r.ObjectKey ?? r.objectKey ?? ""}`.trim(), [action], "direct");
      }
    }
  });
  if (denied > 0) notes.push(`${denied} DENY row${denied === 1 ? "" : "s"} left out: a deny grants nothing`);
  return c.state(o.source, "SHOW GRANTS per table and view (hive_metastore table ACLs) and SCIM groups", now, dir, notes);
}
