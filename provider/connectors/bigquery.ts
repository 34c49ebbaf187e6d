/**
 * Google BigQuery: datasets and tables of the configured projects through the BigQuery REST API v2
 * with an OAuth 2.0 access token, with plain `fetch`:
 * - `GET /bigquery/v2/projects/{p}/datasets` gives each dataset's `location`
 *   (https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets/list);
 * - `GET /bigquery/v2/projects/{p}/datasets/{d}/tables` each table's `type` and `labels`
 *   (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/list), both paged with
 *   `pageToken` / `nextPageToken`;
 * - an EXTERNAL table is read with `tables.get` for `externalDataConfiguration.connectionId`: a
 *   connection makes it a BigLake table (https://cloud.google.com/bigquery/docs/biglake-intro).
 *
 * Table types (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Table.FIELDS.type):
 * TABLE → BASE TABLE, VIEW, MATERIALIZED_VIEW → MATERIALIZED VIEW, EXTERNAL; a SNAPSHOT (a
 * read-only copy) or any other type has no SPEC.md object type and is an issue.
 */
import { z } from "zod";
import { Credential } from "./credentials";
import { type Counter, catalogResult, countingHttp, failureIssue, trimSlash, unknownTypeIssue } from "./catalog-common";
import type { CatalogObject, Connector, HttpClient, PullContext, PullResult, SourceIssue } from "./types";
import { BigQueryLocation } from "../model/schema";

/** The keys of a `kind: bigquery` source. */
export const BigQueryConfig = z.strictObject({
  /** The projects to read. */
  projects: z.array(z.string().min(1)).min(1),
  /** An OAuth 2.0 access token (`gcloud auth print-access-token`, or workload identity federation in CI). */
  accessToken: Credential,
  /** The API's root; default `https://bigquery.googleapis.com`. */
  endpoint: z.url().default("https://bigquery.googleapis.com"),
});
/** A BigQuery source's configuration. */
export type BigQueryConfig = z.infer<typeof BigQueryConfig>;

/** BigQuery table types and their SPEC.md object types. */
export const BIGQUERY_TYPES: Readonly<Record<string, string>> = {
  TABLE: "BASE TABLE",
  VIEW: "VIEW",
  MATERIALIZED_VIEW: "MATERIALIZED VIEW",
  EXTERNAL: "EXTERNAL",
};

interface DatasetItem {
  datasetReference?: { projectId?: string; datasetId?: string };
  location?: string;
}
interface TableItem {
  tableReference?: { projectId?: string; datasetId?: string; tableId?: string };
  type?: string;
  labels?: Record<string, string>;
}
interface Table {
  description?: string;
  externalDataConfiguration?: { connectionId?: string };
}

/** A BigQuery REST session: the API root (`…/bigquery/v2`), the bearer headers and the counting client. */
export interface BigQueryApi {
  root: string;
  headers: Record<string, string>;
  http: HttpClient;
  counter: Counter;
}

/** Every page of a `…/list` method (`pageToken` / `nextPageToken`): the items under `key`. */
export async function pages<T>(api: BigQueryApi, path: string, key: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ maxResults: "1000", ...(token ? { pageToken: token } : {}) });
    const body = (await api.http.request(`${api.root}${path}?${q.toString()}`, { method: "GET", headers: api.headers })).json<
      Record<string, unknown>
    >();
    out.push(...(((body[key] as T[] | undefined) ?? []) as T[]));
    api.counter.pages++;
    token = typeof body.nextPageToken === "string" && body.nextPageToken !== "" ? body.nextPageToken : undefined;
  } while (token !== undefined);
  return out;
}

const seg = encodeURIComponent;

/** Pulls the tables of the configured projects. */
export async function pullBigQuery(config: BigQueryConfig, ctx: PullContext): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  const issues: SourceIssue[] = [];
  const objects: CatalogObject[] = [];
  let api: BigQueryApi;
  try {
    api = {
      root: `${trimSlash(config.endpoint)}/bigquery/v2`,
      headers: { authorization: `Bearer ${ctx.credential(config.accessToken)}`, accept: "application/json" },
      http: countingHttp(ctx.http, counter),
      counter,
    };
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "no credential")], counter);
  }
  for (const project of [...new Set(config.projects)].sort()) {
    if (!ctx.scope.container([project])) continue;
    let datasets: DatasetItem[];
    try {
      datasets = await pages<DatasetItem>(api, `/projects/${seg(project)}/datasets`, "datasets");
    } catch (e) {
      issues.push(failureIssue(ctx, e, `listing the datasets of project ${project} failed`));
      continue;
    }
    for (const d of datasets) {
      const dataset = d.datasetReference?.datasetId ?? "";
      if (!dataset || !ctx.scope.container([project, dataset])) continue;
      const location = d.location ?? "";
      if (!BigQueryLocation.safeParse(location).success) {
        issues.push({
          severity: "error",
          code: "source-bad-response",
          message: `source \`${ctx.source}\`: dataset \`${project}.${dataset}\` has no readable location`,
        });
        continue;
      }
      let tables: TableItem[];
      try {
        tables = await pages<TableItem>(api, `/projects/${seg(project)}/datasets/${seg(dataset)}/tables`, "tables");
      } catch (e) {
        issues.push(failureIssue(ctx, e, `listing the tables of ${project}.${dataset} failed`));
        continue;
      }
      for (const t of tables) {
        const table = t.tableReference?.tableId ?? "";
        const path = [project, dataset, table];
        if (!table || !ctx.scope.object(path)) continue;
        const type = BIGQUERY_TYPES[t.type ?? ""];
        if (!type) {
          issues.push(unknownTypeIssue(ctx, "bigquery", path, t.type ?? "(none)"));
          continue;
        }
        const o: CatalogObject = {
          platform: "bigquery",
          objectType: type,
          location: { project, dataset, table, location },
          labels: { ...(t.labels ?? {}) },
        };
        if (type === "EXTERNAL") {
          try {
            const full = (
              await api.http.request(`${api.root}/projects/${seg(project)}/datasets/${seg(dataset)}/tables/${seg(table)}`, {
                method: "GET",
                headers: api.headers,
              })
            ).json<Table>();
            o.bigLake = Boolean(full.externalDataConfiguration?.connectionId);
          } catch (e) {
            issues.push(failureIssue(ctx, e, `reading external table ${project}.${dataset}.${table} failed`));
            continue;
          }
        }
        objects.push(o);
      }
      ctx.progress({ objects: objects.length, pages: counter.pages });
    }
  }
  return catalogResult(objects, issues, counter);
}

/** The BigQuery connector (`kind: bigquery`). */
export const bigquery: Connector<BigQueryConfig> = {
  kind: "bigquery",
  yields: "catalog",
  configSchema: BigQueryConfig as unknown as z.ZodType<BigQueryConfig>,
  pull: pullBigQuery,
};
