/**
 * Azure Synapse Analytics (dedicated or serverless SQL pools): tables and views of each configured
 * database from `INFORMATION_SCHEMA.TABLES`, and their extended properties from
 * `sys.extended_properties` (class 1, minor_id 0: properties of the object itself, not of a column;
 * https://learn.microsoft.com/sql/relational-databases/system-catalog-views/extended-properties-catalog-views-sys-extended-properties).
 * A Synapse database cannot be read from another one, so each database is its own session.
 *
 * The connector talks to the pool through a `SynapseSession` (one query function per database);
 * `synapse-mssql.ts` is the `mssql` implementation the pull uses.
 */
import { type Counter, catalogResult, failureIssue, unknownTypeIssue } from "./catalog-common";
import type { z } from "zod";
import { SynapseConfig, type SynapseOpener, type SynapseSession } from "./synapse-session";
import type { CatalogObject, Connector, PullContext, PullResult, SourceIssue } from "./types";

export { SynapseConfig, type SynapseOpener, type SynapseRow, type SynapseSession } from "./synapse-session";

export const TABLES_SQL =
  "SELECT TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA NOT IN ('sys', 'INFORMATION_SCHEMA')";
export const PROPERTIES_SQL =
  "SELECT s.name AS schema_name, o.name AS object_name, ep.name AS property_name, CAST(ep.value AS nvarchar(4000)) AS property_value " +
  "FROM sys.extended_properties AS ep JOIN sys.objects AS o ON ep.major_id = o.object_id JOIN sys.schemas AS s ON o.schema_id = s.schema_id " +
  "WHERE ep.class = 1 AND ep.minor_id = 0";

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

/** Pulls the configured databases through `open`. */
export async function pullSynapseWith(config: SynapseConfig, ctx: PullContext, open: SynapseOpener): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  const issues: SourceIssue[] = [];
  const objects: CatalogObject[] = [];
  let session: SynapseSession;
  try {
    session = open(config, ctx);
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "cannot connect")], counter);
  }
  try {
    for (const db of [...new Set(config.databases)].sort()) {
      if (!ctx.scope.container([db])) continue;
      try {
        counter.requests++;
        const tables = await session.query(db, TABLES_SQL);
        counter.pages++;
        counter.requests++;
        const props = await session.query(db, PROPERTIES_SQL);
        counter.pages++;
        const byKey = new Map<string, CatalogObject>();
        for (const r of tables) {
          const path = [str(r.TABLE_CATALOG) || db, str(r.TABLE_SCHEMA), str(r.TABLE_NAME)];
          if (!ctx.scope.object(path)) continue;
          const type = str(r.TABLE_TYPE);
          if (type !== "BASE TABLE" && type !== "VIEW") {
            issues.push(unknownTypeIssue(ctx, "synapse", path, type || "(none)"));
            continue;
          }
          const o: CatalogObject = {
            platform: "synapse",
            objectType: type,
            location: { database: path[0]!, schema: path[1]!, table: path[2]! },
            labels: {},
          };
          objects.push(o);
          byKey.set(`${path[1]}\u0000${path[2]}`, o);
        }
        for (const p of props) {
          const o = byKey.get(`${str(p.schema_name)}\u0000${str(p.object_name)}`);
          const name = str(p.property_name);
          if (!o || !name) continue;
          // MS_Description is the comment SSMS and the portal show.
          if (name === "MS_Description") o.comment = str(p.property_value);
          o.labels[name] = str(p.property_value);
        }
      } catch (e) {
        issues.push(failureIssue(ctx, e, `reading database ${db} failed`));
      }
      ctx.progress({ objects: objects.length, pages: counter.pages });
    }
  } finally {
    await session.close();
  }
  return catalogResult(objects, issues, counter);
}

/** Pulls the configured databases through `mssql`. */
export async function pullSynapse(config: SynapseConfig, ctx: PullContext): Promise<PullResult> {
  // Loaded here so that a project without a Synapse source never loads mssql.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mssqlSession } = require("./synapse-mssql") as typeof import("./synapse-mssql");
  return pullSynapseWith(config, ctx, mssqlSession);
}

/** The Synapse connector (`kind: synapse`). */
export const synapse: Connector<SynapseConfig> = {
  kind: "synapse",
  yields: "catalog",
  configSchema: SynapseConfig as unknown as z.ZodType<SynapseConfig>,
  pull: pullSynapse,
};
