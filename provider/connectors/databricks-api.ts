/**
 * What the Databricks connectors share: the workspace's REST API with a bearer token (a personal
 * access token or an OAuth token), pages of the Unity Catalog list APIs, and the SQL Statement
 * Execution API (https://docs.databricks.com/api/workspace/statementexecution).
 */
import { z } from "zod";
import { Credential } from "./credentials";
import { type Counter, countingHttp, trimSlash, wait } from "./catalog-common";
import type { HttpClient, PullContext } from "./types";
import { SourceError } from "./types";

/** The keys every Databricks source has. */
export const DatabricksWorkspace = {
  /** The workspace URL, `https://<workspace>.cloud.databricks.com` (or `adb-….azuredatabricks.net`). */
  host: z.url(),
  /** A personal access token or an OAuth access token of the principal that reads the catalog. */
  token: Credential,
};

/** A workspace session. */
export interface Workspace {
  host: string;
  headers: Record<string, string>;
  http: HttpClient;
  counter: Counter;
}

/** A session of the workspace at `host`. */
export function workspace(host: string, token: string, ctx: PullContext, counter: Counter): Workspace {
  return {
    host: trimSlash(host),
    headers: { authorization: `Bearer ${token}`, accept: "application/json", "user-agent": "accessplane-inventory-pull" },
    http: countingHttp(ctx.http, counter),
    counter,
  };
}

/**
 * Every item of a paged Unity Catalog list: `max_results=0` asks for the server's page length, and
 * pages are read until `next_page_token` is absent, since "a page may contain zero results while
 * still providing a next_page_token" (https://docs.databricks.com/api/workspace/tables/list).
 */
export async function listAll<T>(
  ws: Workspace,
  path: string,
  params: Record<string, string>,
  key: string,
  onPage?: (n: number) => void,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    const q = new URLSearchParams({ ...params, max_results: "0", ...(token ? { page_token: token } : {}) });
    const res = await ws.http.request(`${ws.host}${path}?${q.toString()}`, { method: "GET", headers: ws.headers });
    const body = res.json<Record<string, unknown>>();
    const items = body[key];
    if (items !== undefined && !Array.isArray(items))
      throw new SourceError("source-bad-response", `${path} answered a \`${key}\` that is not a list`);
    out.push(...((items as T[] | undefined) ?? []));
    ws.counter.pages++;
    onPage?.(out.length);
    const next = body.next_page_token;
    token = typeof next === "string" && next !== "" ? next : undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new SourceError("source-bad-response", `${path} returned the same next_page_token twice`);
      seen.add(token);
    }
  } while (token !== undefined);
  return out;
}

interface StatementResponse {
  statement_id?: string;
  status?: { state?: string; error?: { message?: string; error_code?: string } };
  manifest?: { schema?: { columns?: { name: string; position?: number }[] } };
  result?: ResultChunk;
}
interface ResultChunk {
  data_array?: (string | null)[][];
  next_chunk_internal_link?: string;
}

/** Rows of a statement by column name (as the statement names them). */
export type SqlRow = Record<string, string | null>;

/**
 * Runs one statement on a SQL warehouse (INLINE, JSON_ARRAY) and returns every row of every chunk,
 * following `next_chunk_internal_link`; a statement still PENDING or RUNNING after the wait is polled.
 */
export async function runSql(ws: Workspace, warehouseId: string, statement: string): Promise<SqlRow[]> {
  const res = await ws.http.request(`${ws.host}/api/2.0/sql/statements`, {
    method: "POST",
    headers: ws.headers,
    json: {
      warehouse_id: warehouseId,
      statement,
      wait_timeout: "30s",
      on_wait_timeout: "CONTINUE",
      disposition: "INLINE",
      format: "JSON_ARRAY",
    },
  });
  let answer = res.json<StatementResponse>();
  for (let poll = 0; answer.status?.state === "PENDING" || answer.status?.state === "RUNNING"; poll++) {
    if (!answer.statement_id) throw new SourceError("source-bad-response", "the statement API answered without a statement_id");
    await wait(Math.min(500 * poll, 5000));
    answer = (
      await ws.http.request(`${ws.host}/api/2.0/sql/statements/${encodeURIComponent(answer.statement_id)}`, {
        method: "GET",
        headers: ws.headers,
      })
    ).json<StatementResponse>();
  }
  const state = answer.status?.state;
  if (state !== "SUCCEEDED") {
    const why = answer.status?.error?.message ?? "no reason given";
    const denied = /PERMISSION_DENIED|INSUFFICIENT_PERMISSIONS|not authorized|does not have/i.test(
      `${answer.status?.error?.error_code ?? ""} ${why}`,
    );
    throw new SourceError(
      denied ? "source-permission-missing" : "source-statement-failed",
      `the statement ended ${state ?? "without a state"}: ${why}`,
      denied ? "grant the privileges docs/connectors/ lists for this source" : undefined,
    );
  }
  const columns = [...(answer.manifest?.schema?.columns ?? [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((c) => c.name);
  const rows: SqlRow[] = [];
  let chunk: ResultChunk | undefined = answer.result;
  while (chunk) {
    for (const cells of chunk.data_array ?? []) {
      const r: SqlRow = {};
      columns.forEach((n, i) => (r[n] = cells[i] ?? null));
      rows.push(r);
    }
    ws.counter.pages++;
    const link = chunk.next_chunk_internal_link;
    chunk = link ? (await ws.http.request(`${ws.host}${link}`, { method: "GET", headers: ws.headers })).json<ResultChunk>() : undefined;
  }
  return rows;
}
