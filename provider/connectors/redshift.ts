/**
 * Amazon Redshift and plain PostgreSQL catalogs, through `pg`. Each configured database is read on
 * its own connection (a PostgreSQL connection sees one database):
 * - Redshift: `svv_tables` (table_type `BASE TABLE`, `VIEW`, `EXTERNAL TABLE`; see
 *   https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLES.html), `svv_external_tables` for
 *   Spectrum tables `svv_tables` may not list, and `svv_mv_info` for materialized views.
 * - PostgreSQL: `information_schema.tables` (which leaves materialized views out) and `pg_matviews`.
 *
 * The Redshift platform's object types are `BASE TABLE`, `VIEW` and `EXTERNAL TABLE`: a
 * materialized view is read-only and read with SELECT, so it maps to `VIEW`. Any other type (a
 * foreign table, a temporary table, a shared table) is an issue naming the object.
 */
import { z } from "zod";
import { Client } from "pg";
import { Credential } from "./credentials";
import { type CatalogObject, type Connector, type PullContext, type PullResult, SourceError, type SourceIssue } from "./types";

/** The connection and databases of a Redshift or PostgreSQL source. */
export const RedshiftConfig = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().positive().default(5439),
  /** The database to connect to first; also the only one read when `databases` is absent. */
  database: z.string().min(1),
  /** The databases to read (each on its own connection); default: `database`. */
  databases: z.array(z.string().min(1)).optional(),
  user: z.string().min(1),
  password: Credential,
  /** TLS: `true` verifies the server certificate (the default), `false` turns TLS off (local tests only). */
  ssl: z.boolean().default(true),
  /** Seconds to wait for a connection. */
  connectTimeoutSeconds: z.number().int().positive().default(20),
});
/** A Redshift or PostgreSQL source's connector keys. */
export type RedshiftConfig = z.infer<typeof RedshiftConfig>;

/** The schemas of the system catalog, never data sources. */
const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast", "pg_internal", "pg_automv", "pg_auto_copy", "pg_s3"];

/** Maps a catalog's table type to the Redshift platform's object type; undefined when there is none. */
export function objectTypeOf(tableType: string, materialized: boolean): "BASE TABLE" | "VIEW" | "EXTERNAL TABLE" | undefined {
  if (materialized) return "VIEW";
  switch (tableType) {
    case "BASE TABLE":
      return "BASE TABLE";
    case "VIEW":
      return "VIEW";
    case "EXTERNAL TABLE":
      return "EXTERNAL TABLE";
    default:
      return undefined;
  }
}

const PG_TABLES = `
  SELECT t.table_schema AS schema, t.table_name AS name, t.table_type AS type,
         obj_description(c.oid, 'pg_class') AS comment
    FROM information_schema.tables t
    LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = t.table_schema
    LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.table_name
   WHERE t.table_schema <> ALL ($1)
  UNION ALL
  SELECT m.schemaname, m.matviewname, 'MATERIALIZED VIEW',
         obj_description(format('%I.%I', m.schemaname, m.matviewname)::regclass, 'pg_class')
    FROM pg_catalog.pg_matviews m
   WHERE m.schemaname <> ALL ($1)`;

const RS_TABLES = `
  SELECT table_schema AS schema, table_name AS name, table_type AS type, remarks AS comment
    FROM svv_tables
   WHERE table_catalog = current_database() AND table_schema <> ALL ($1)`;
const RS_EXTERNAL = `SELECT schemaname AS schema, tablename AS name FROM svv_external_tables WHERE redshift_database_name = current_database()`;
const RS_MATVIEWS = `SELECT schema, name FROM svv_mv_info WHERE database_name = current_database()`;

interface Row {
  schema: string;
  name: string;
  type: string;
  comment: string | null;
}

/** Turns SQL errors into source errors that name the source and the code, never the connection. */
function sqlError(e: unknown, source: string, database: string): SourceError {
  if (e instanceof SourceError) return e;
  const err = e as { code?: string; message?: string };
  const code = err.code ?? "";
  if (code === "28P01" || code === "28000") {
    return new SourceError(
      "source-auth-refused",
      `source \`${source}\`: the database refused the login (SQLSTATE ${code})`,
      "check the user and the password variable",
    );
  }
  if (code === "42501") {
    return new SourceError(
      "source-permission-missing",
      `source \`${source}\`: permission denied reading the catalog of \`${database}\` (SQLSTATE 42501)`,
      "grant the privileges docs/connectors.md lists for Redshift",
    );
  }
  if (code === "3D000") {
    return new SourceError(
      "source-bad-config",
      `source \`${source}\`: database \`${database}\` does not exist`,
      "fix `databases` in the source",
    );
  }
  if (/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH)$/.test(code) || /timeout/i.test(err.message ?? "")) {
    return new SourceError(
      "source-unreachable",
      `source \`${source}\`: cannot reach the database (${code || "timeout"})`,
      "check host, port and the network path",
    );
  }
  return new SourceError(
    "source-bad-response",
    `source \`${source}\`: reading the catalog of \`${database}\` failed${code ? ` (SQLSTATE ${code})` : ""}`,
    "see docs/connectors.md for the privileges the pull needs",
  );
}

function connector(kind: "redshift" | "postgres"): Connector<RedshiftConfig> {
  return {
    kind,
    yields: "catalog",
    configSchema: RedshiftConfig as unknown as z.ZodType<RedshiftConfig>,
    async pull(config: RedshiftConfig, ctx: PullContext): Promise<PullResult> {
      const password = ctx.credential(config.password);
      const objects: CatalogObject[] = [];
      const issues: SourceIssue[] = [];
      let requests = 0;
      for (const database of config.databases ?? [config.database]) {
        if (!ctx.scope.container([database])) continue;
        const client = new Client({
          host: config.host,
          port: config.port,
          database,
          user: config.user,
          password,
          ssl: config.ssl ? { rejectUnauthorized: true } : false,
          connectionTimeoutMillis: config.connectTimeoutSeconds * 1000,
          application_name: "accessplane-inventory-pull",
        });
        // pg emits connection errors as events too: keep them from crashing the process.
        client.on("error", () => undefined);
        try {
          await client.connect();
          let rows: Row[];
          if (kind === "postgres") {
            rows = (await client.query<Row>(PG_TABLES, [SYSTEM_SCHEMAS])).rows;
            requests++;
          } else {
            const tables = (await client.query<Row>(RS_TABLES, [SYSTEM_SCHEMAS])).rows;
            const external = (await client.query<{ schema: string; name: string }>(RS_EXTERNAL)).rows;
            const mvs = (await client.query<{ schema: string; name: string }>(RS_MATVIEWS)).rows;
            requests += 3;
            const key = (r: { schema: string; name: string }) => `${r.schema}\u0000${r.name}`;
            const mv = new Set(mvs.map(key));
            const seen = new Set(tables.map(key));
            rows = tables.map((r) => (mv.has(key(r)) ? { ...r, type: "MATERIALIZED VIEW" } : r));
            for (const x of external) if (!seen.has(key(x))) rows.push({ ...x, type: "EXTERNAL TABLE", comment: null });
          }
          for (const r of rows) {
            if (!ctx.scope.object([database, r.schema, r.name])) continue;
            const objectType = objectTypeOf(r.type, r.type === "MATERIALIZED VIEW");
            if (!objectType) {
              issues.push({
                severity: "warning",
                code: "unknown-table-type",
                message: `source \`${ctx.source}\`: \`${database}.${r.schema}.${r.name}\` has the table type \`${r.type}\`, which the Redshift platform does not grant on; it is left out`,
                help: "exclude it from the source's scope, or register it by hand if a view over it should be a data source",
              });
              continue;
            }
            objects.push({
              platform: "redshift",
              objectType,
              location: { database, schema: r.schema, table: r.name },
              labels: {},
              ...(r.comment ? { comment: r.comment } : {}),
            });
          }
          ctx.progress({ objects: objects.length, pages: requests });
        } catch (e) {
          throw sqlError(e, ctx.source, database);
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      return { objects, issues, stats: { requests, pages: requests } };
    },
  };
}

/** Amazon Redshift (provisioned or Serverless). */
export const redshift = connector("redshift");
/** Plain PostgreSQL, pulled as Redshift data sources (the platform's PostgreSQL dialect). */
export const postgres = connector("postgres");
