import { bigquery, type BigQueryConfig } from "../../provider/connectors/bigquery";
import { context, expectNoSecret, serve, summary, type Answer, type FixtureServer, type Seen } from "./support";

const TOKEN = "ya29.PLANTED-access-token";
const env = { GCP_TOKEN: TOKEN };

const ds = (projectId: string, datasetId: string, location: string) => ({
  kind: "bigquery#dataset",
  id: `${projectId}:${datasetId}`,
  datasetReference: { projectId, datasetId },
  location,
});
const tb = (projectId: string, datasetId: string, tableId: string, type: string, labels?: Record<string, string>) => ({
  kind: "bigquery#table",
  id: `${projectId}:${datasetId}.${tableId}`,
  tableReference: { projectId, datasetId, tableId },
  type,
  ...(labels ? { labels } : {}),
  creationTime: "1700000000000",
});

/** Pages as tables.list and datasets.list answer them (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/list). */
const PAGES: Record<string, Record<string, unknown>[]> = {
  "/bigquery/v2/projects/acme-data/datasets": [
    { kind: "bigquery#datasetList", etag: "e1", datasets: [ds("acme-data", "sales", "EU")], nextPageToken: "d2" },
    { kind: "bigquery#datasetList", etag: "e2", datasets: [ds("acme-data", "lake", "europe-west1")] },
  ],
  "/bigquery/v2/projects/acme-data/datasets/sales/tables": [
    {
      kind: "bigquery#tableList",
      etag: "t1",
      tables: [tb("acme-data", "sales", "orders", "TABLE", { pii: "true", domain: "sales" }), tb("acme-data", "sales", "orders_v", "VIEW")],
      nextPageToken: "t2",
      totalItems: 4,
    },
    {
      kind: "bigquery#tableList",
      etag: "t2",
      tables: [tb("acme-data", "sales", "daily", "MATERIALIZED_VIEW"), tb("acme-data", "sales", "orders_snap", "SNAPSHOT")],
      totalItems: 4,
    },
  ],
  "/bigquery/v2/projects/acme-data/datasets/lake/tables": [
    {
      kind: "bigquery#tableList",
      tables: [tb("acme-data", "lake", "events", "EXTERNAL"), tb("acme-data", "lake", "raw_csv", "EXTERNAL")],
      totalItems: 2,
    },
  ],
};
const TABLES: Record<string, unknown> = {
  "/bigquery/v2/projects/acme-data/datasets/lake/tables/events": {
    tableReference: { projectId: "acme-data", datasetId: "lake", tableId: "events" },
    type: "EXTERNAL",
    externalDataConfiguration: { sourceUris: ["gs://acme-lake/events/*"], sourceFormat: "PARQUET", connectionId: "acme-data.eu.biglake" },
  },
  "/bigquery/v2/projects/acme-data/datasets/lake/tables/raw_csv": {
    tableReference: { projectId: "acme-data", datasetId: "lake", tableId: "raw_csv" },
    type: "EXTERNAL",
    externalDataConfiguration: { sourceUris: ["gs://acme-raw/*.csv"], sourceFormat: "CSV" },
  },
};

function api(req: Seen): Answer {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return {
      status: 401,
      body: { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } },
    };
  }
  const u = new URL(req.url, "http://x");
  const pages = PAGES[u.pathname];
  if (pages) {
    const token = u.searchParams.get("pageToken");
    return { body: token ? pages[Number(token.slice(1)) - 1] : pages[0] };
  }
  if (TABLES[u.pathname]) return { body: TABLES[u.pathname] };
  if (u.pathname.startsWith("/bigquery/v2/projects/forbidden/"))
    return { status: 403, body: { error: { code: 403, message: "Access Denied: Project forbidden", status: "PERMISSION_DENIED" } } };
  return { status: 404, body: { error: { code: 404, message: "Not found", status: "NOT_FOUND" } } };
}

const config = (endpoint: string, extra: Partial<BigQueryConfig> = {}): BigQueryConfig =>
  bigquery.configSchema.parse({ projects: ["acme-data"], accessToken: { env: "GCP_TOKEN" }, endpoint, ...extra });

describe("bigquery connector (REST v2)", () => {
  let server: FixtureServer;
  let throttled = 0;
  beforeAll(async () => {
    server = await serve((req) =>
      throttled++ === 1
        ? {
            status: 429,
            headers: { "retry-after": "1" },
            body: { error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "Quota exceeded" } },
          }
        : api(req),
    );
  });
  afterAll(() => server.close());

  test("datasets and tables over pages, locations from the dataset, labels, BigLake from the connection, SNAPSHOT as an issue", async () => {
    const ctx = context({ env });
    const r = await bigquery.pull(config(server.url), ctx);
    expect(summary(r)).toEqual([
      "acme-data.lake.events.europe-west1 EXTERNAL (biglake)",
      "acme-data.lake.raw_csv.europe-west1 EXTERNAL",
      "acme-data.sales.daily.EU MATERIALIZED VIEW",
      "acme-data.sales.orders.EU BASE TABLE",
      "acme-data.sales.orders_v.EU VIEW",
    ]);
    expect(r.objects!.find((o) => o.location.table === "raw_csv")!.bigLake).toBe(false);
    expect(r.objects!.find((o) => o.location.table === "orders")!.labels).toEqual({ pii: "true", domain: "sales" });
    expect(r.issues).toEqual([expect.objectContaining({ code: "unknown-table-type", severity: "error" })]);
    expect(r.issues[0]!.message).toContain("`acme-data.sales.orders_snap` has table type `SNAPSHOT`");
    expect(ctx.retries).toEqual([429]);
    expect(server.seen.some((s) => s.url.includes("pageToken=t2"))).toBe(true);
    expectNoSecret(r, TOKEN);
  });

  test("a project the token cannot read is an auth issue; the others are still read", async () => {
    const r = await bigquery.pull(
      config(server.url, { projects: ["acme-data", "forbidden"] }),
      context({ env, include: ["acme-data.sales.orders", "forbidden"] }),
    );
    expect(summary(r)).toEqual(["acme-data.sales.orders.EU BASE TABLE"]);
    expect(r.issues).toEqual([expect.objectContaining({ code: "source-auth-refused", severity: "error" })]);
    expect(r.issues[0]!.message).toContain("forbidden");
  });

  test("a refused token names the source, not the token", async () => {
    const r = await bigquery.pull(config(server.url), context({ env: { GCP_TOKEN: "ya29.wrong-PLANTED" }, source: "bq" }));
    expect(r.issues[0]).toMatchObject({ code: "source-auth-refused", severity: "error" });
    expect(r.issues[0]!.message).toContain("source `bq`");
    expectNoSecret(r, "ya29.wrong-PLANTED");
  });

  test("config: projects are required and the token is a reference", () => {
    expect(bigquery.configSchema.safeParse({ projects: [], accessToken: { env: "T" } }).success).toBe(false);
    expect(bigquery.configSchema.safeParse({ projects: ["p"], accessToken: "ya29.x" }).success).toBe(false);
    expect(bigquery.configSchema.parse({ projects: ["p"], accessToken: { env: "T" } }).endpoint).toBe("https://bigquery.googleapis.com");
  });
});
