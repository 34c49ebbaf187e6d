/**
 * Trino (Starburst): tables and views of each catalog's `information_schema.tables`, through
 * `trino-client` (Trino's client protocol: `POST /v1/statement`, then `nextUri` until it is absent;
 * https://trino.io/docs/current/develop/client-protocol.html).
 *
 * `information_schema.tables.table_type` is `BASE TABLE` or `VIEW`; materialized views are listed
 * there too, so their type comes from `system.metadata.materialized_views`
 * (https://trino.io/docs/current/connector/system.html). The protocol asks clients to retry 429,
 * 502, 503 and 504; `trino-client` does not, so a throttled query is started again after a backoff.
 */
import { z } from "zod";
import { Credential } from "./credentials";
import { type Counter, catalogResult, failureIssue, sqlIdent, sqlString, unknownTypeIssue, wait } from "./catalog-common";
import type { CatalogObject, Connector, PullContext, PullResult, SourceIssue } from "./types";
import { SourceError } from "./types";

/** The keys of a `kind: trino` source. */
export const TrinoConfig = z.strictObject({
  /** The coordinator, `https://trino.example.com:8443`. */
  server: z.url(),
  /** The user the catalog is read as. */
  user: z.string().min(1),
  /** Its password (basic authentication), or */
  password: Credential.optional(),
  /** a bearer token (OAuth 2.0 / JWT authentication). */
  token: Credential.optional(),
  /** The catalogs to read; default every catalog `system.metadata.catalogs` lists (then the scope). */
  catalogs: z.array(z.string().min(1)).min(1).optional(),
});
/** A Trino source's configuration. */
export type TrinoConfig = z.infer<typeof TrinoConfig>;

/** Runs a query and returns its rows by column name. */
export type TrinoQuery = (sql: string) => Promise<Record<string, unknown>[]>;

const RETRY = new Set([429, 502, 503, 504]);

interface AxiosLike {
  response?: { status?: number; headers?: Record<string, string> };
  code?: string;
}

/** A SourceError for a failure of `trino-client` (an axios error): its status or code only. */
export function trinoFailure(e: unknown, server: string): SourceError {
  if (e instanceof SourceError) return e;
  const ax = e as AxiosLike;
  const status = ax?.response?.status;
  const host = safeHost(server);
  if (status === 401 || status === 403) {
    return new SourceError(
      "source-auth-refused",
      `${host} refused the credential (HTTP ${status})`,
      "check the user and the variable holding its password or token",
    );
  }
  if (status === 429) return new SourceError("source-throttled", `${host} kept throttling (HTTP 429)`, "run the pull later");
  if (status !== undefined) return new SourceError("source-bad-response", `${host} answered HTTP ${status}`, "check the coordinator URL");
  if (typeof ax?.code === "string")
    return new SourceError("source-unreachable", `cannot reach ${host}: ${ax.code}`, "check the host name, the port and the network path");
  return new SourceError("source-bad-response", `${host}: ${e instanceof Error ? e.message : String(e)}`);
}

function safeHost(server: string): string {
  try {
    const u = new URL(server);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "the coordinator";
  }
}

/** The `trino-client` query function of a source, counting pages in `counter`. */
export function trinoQuery(
  config: TrinoConfig,
  ctx: PullContext,
  counter: Counter,
  sleep: (ms: number) => Promise<void> = wait,
): TrinoQuery {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Trino, BasicAuth } = require("trino-client") as typeof import("trino-client");
  const password = config.password ? ctx.credential(config.password) : undefined;
  const token = config.token ? ctx.credential(config.token) : undefined;
  const client = Trino.create({
    server: config.server,
    source: "accessplane-inventory-pull",
    ...(password !== undefined ? { auth: new BasicAuth(config.user, password) } : {}),
    extraHeaders: { "X-Trino-User": config.user, ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}) },
  });
  return async (sql) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows: Record<string, unknown>[] = [];
        let columns: string[] | undefined;
        counter.requests++;
        const it = await client.query(sql);
        for await (const page of it) {
          counter.requests++;
          counter.pages++;
          if (page.error) {
            const denied = page.error.errorName === "PERMISSION_DENIED";
            throw new SourceError(
              denied ? "source-permission-missing" : "source-statement-failed",
              `the query failed: ${page.error.errorName}: ${page.error.message}`,
              denied ? "grant the user SHOW on the catalogs and schemas (or read access to information_schema)" : undefined,
            );
          }
          if (page.columns) columns = page.columns.map((c) => c.name);
          for (const cells of page.data ?? []) {
            const r: Record<string, unknown> = {};
            (columns ?? []).forEach((n, i) => (r[n] = (cells as unknown[])[i]));
            rows.push(r);
          }
        }
        return rows;
      } catch (e) {
        const status = (e as AxiosLike)?.response?.status;
        if (status !== undefined && RETRY.has(status) && attempt < 5) {
          const after = Number((e as AxiosLike).response?.headers?.["retry-after"]);
          await sleep(Number.isFinite(after) && after >= 0 ? Math.min(after, 30) * 1000 : 500 * 2 ** (attempt - 1));
          continue;
        }
        throw trinoFailure(e, config.server);
      }
    }
  };
}

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

/** Maps Trino's `table_type` to the SPEC.md object type, or undefined. */
export function trinoObjectType(tableType: string, materialized: boolean): string | undefined {
  if (materialized) return "MATERIALIZED VIEW";
  return tableType === "BASE TABLE" || tableType === "VIEW" || tableType === "MATERIALIZED VIEW" ? tableType : undefined;
}

/** Pulls the tables of a Trino cluster's catalogs with `query`. */
export async function pullTrinoWith(config: TrinoConfig, ctx: PullContext, query: TrinoQuery, counter: Counter): Promise<PullResult> {
  const issues: SourceIssue[] = [];
  const objects: CatalogObject[] = [];
  let catalogs: string[];
  try {
    catalogs = config.catalogs ?? (await query("SELECT catalog_name FROM system.metadata.catalogs")).map((r) => str(r.catalog_name));
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "listing the catalogs failed")], counter);
  }
  let materialized: Set<string>;
  try {
    const rows = await query("SELECT catalog_name, schema_name, name FROM system.metadata.materialized_views");
    materialized = new Set(rows.map((r) => [str(r.catalog_name), str(r.schema_name), str(r.name)].join("\u0000")));
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "reading system.metadata.materialized_views failed")], counter);
  }
  for (const catalog of [...new Set(catalogs)].sort()) {
    if (catalog === "system" || !ctx.scope.container([catalog])) continue;
    let rows: Record<string, unknown>[];
    try {
      rows = await query(
        `SELECT table_catalog, table_schema, table_name, table_type FROM ${sqlIdent(catalog)}.information_schema.tables WHERE table_schema <> ${sqlString("information_schema")}`,
      );
    } catch (e) {
      issues.push(failureIssue(ctx, e, `reading ${catalog}.information_schema.tables failed`));
      continue;
    }
    for (const r of rows) {
      const path = [str(r.table_catalog) || catalog, str(r.table_schema), str(r.table_name)];
      if (!ctx.scope.object(path)) continue;
      const type = trinoObjectType(str(r.table_type), materialized.has(path.join("\u0000")));
      if (!type) {
        issues.push(unknownTypeIssue(ctx, "trino", path, str(r.table_type) || "(none)"));
        continue;
      }
      objects.push({ platform: "trino", objectType: type, location: { catalog: path[0]!, schema: path[1]!, table: path[2]! }, labels: {} });
    }
    ctx.progress({ objects: objects.length, pages: counter.pages });
  }
  return catalogResult(objects, issues, counter);
}

/** Pulls a Trino cluster's catalog through `trino-client`. */
export async function pullTrino(config: TrinoConfig, ctx: PullContext): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  let query: TrinoQuery;
  try {
    query = trinoQuery(config, ctx, counter);
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "no credential")], counter);
  }
  return pullTrinoWith(config, ctx, query, counter);
}

/** The Trino connector (`kind: trino`). */
export const trino: Connector<TrinoConfig> = {
  kind: "trino",
  yields: "catalog",
  configSchema: TrinoConfig.refine((c) => !(c.password && c.token), {
    message: "set `password` or `token`, not both",
    path: ["token"],
  }) as unknown as z.ZodType<TrinoConfig>,
  pull: pullTrino,
};
