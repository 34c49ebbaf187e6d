import { databricksUnityCatalog, NO_WAREHOUSE_NOTE, type UnityCatalogConfig } from "../../provider/connectors/databricks-unity-catalog";
import { databricksHandler, type DbxWorkspace } from "./fixtures/databricks";
import { context, expectNoSecret, serve, summary, type FixtureServer } from "./support";

const TOKEN = "dapi-PLANTED-0123456789abcdef";
const env = { DBX_TOKEN: TOKEN };
const TAGS = "SELECT catalog_name, schema_name, table_name, tag_name, tag_value FROM system.information_schema.table_tags";

const ws: DbxWorkspace = {
  catalogs: [
    { name: "main", type: "MANAGED_CATALOG" },
    { name: "partner", type: "DELTASHARING_CATALOG" },
    { name: "system", type: "SYSTEM_CATALOG" },
    { name: "hive_metastore", type: "MANAGED_CATALOG" },
  ],
  schemas: [
    { catalog: "main", name: "finance" },
    { catalog: "main", name: "information_schema" },
    { catalog: "partner", name: "shared" },
  ],
  tables: [
    { catalog: "main", schema: "finance", name: "ledger", type: "MANAGED", comment: "general ledger" },
    { catalog: "main", schema: "finance", name: "ledger_v", type: "VIEW" },
    { catalog: "main", schema: "finance", name: "ledger_mv", type: "MATERIALIZED_VIEW" },
    { catalog: "main", schema: "finance", name: "ledger_stream", type: "STREAMING_TABLE" },
    { catalog: "main", schema: "finance", name: "raw", type: "EXTERNAL" },
    { catalog: "main", schema: "finance", name: "pg_orders", type: "FOREIGN" },
    { catalog: "main", schema: "finance", name: "ledger_dev", type: "MANAGED_SHALLOW_CLONE" },
    { catalog: "main", schema: "finance", name: "raw_dev", type: "EXTERNAL_SHALLOW_CLONE" },
    { catalog: "main", schema: "finance", name: "revenue", type: "METRIC_VIEW" },
    { catalog: "partner", schema: "shared", name: "prices", type: "MANAGED" },
  ],
  statements: {
    [TAGS]: {
      columns: ["catalog_name", "schema_name", "table_name", "tag_name", "tag_value"],
      rows: [
        ["main", "finance", "ledger", "pii", "true"],
        ["main", "finance", "ledger", "domain", "finance"],
        ["main", "finance", "raw", "classification", ""],
        ["main", "other", "gone", "pii", "true"],
        ["partner", "shared", "prices", "vendor", "acme"],
      ],
    },
  },
};

const config = (host: string, extra: Partial<UnityCatalogConfig> = {}): UnityCatalogConfig =>
  databricksUnityCatalog.configSchema.parse({ host, token: { env: "DBX_TOKEN" }, warehouseId: "abc123", ...extra });

describe("databricks-unity-catalog connector (Unity Catalog REST + statement API)", () => {
  let server: FixtureServer;
  let throttled = 0;
  beforeAll(async () => {
    const h = databricksHandler(ws, { token: TOKEN });
    server = await serve((req) =>
      req.url.includes("/tables?") && throttled++ === 0
        ? { status: 429, headers: { "retry-after": "2" }, body: { error_code: "REQUEST_LIMIT_EXCEEDED", message: "rate limited" } }
        : h(req),
    );
  });
  afterAll(() => server.close());

  test("pulls every table type, maps shallow clones, marks the Delta Sharing catalog, reads tags in chunks", async () => {
    const ctx = context({ env });
    const r = await databricksUnityCatalog.pull(config(server.url), ctx);
    expect(summary(r)).toEqual([
      "main.finance.ledger MANAGED",
      "main.finance.ledger_dev MANAGED",
      "main.finance.ledger_mv MATERIALIZED_VIEW",
      "main.finance.ledger_stream STREAMING_TABLE",
      "main.finance.ledger_v VIEW",
      "main.finance.pg_orders FOREIGN",
      "main.finance.raw EXTERNAL",
      "main.finance.raw_dev EXTERNAL",
      "partner.shared.prices MANAGED (share)",
    ]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: "unknown-table-type", severity: "error" });
    expect(r.issues[0]!.message).toContain("`main.finance.revenue` has table type `METRIC_VIEW`");
    const ledger = r.objects!.find((o) => o.location.table === "ledger")!;
    expect(ledger.labels).toEqual({ pii: "true", domain: "finance" });
    expect(ledger.comment).toBe("general ledger");
    expect(r.objects!.find((o) => o.location.table === "raw")!.labels).toEqual({ classification: "" });
    expect(r.objects!.find((o) => o.location.table === "prices")!.labels).toEqual({ vendor: "acme" });
    expect(ctx.retries).toEqual([429]);
    // Pages of two behind an empty first page: every list is read to the end.
    const tablePages = server.seen.filter((s) => s.url.startsWith("/api/2.1/unity-catalog/tables?"));
    expect(tablePages.some((s) => s.url.includes("page_token=p5"))).toBe(true);
    expect(tablePages[0]!.url).toContain("max_results=0");
    expect(tablePages[0]!.url).toContain("omit_columns=true");
    // The statement was polled, then its chunks followed by next_chunk_internal_link.
    expect(server.seen.filter((s) => /\/result\/chunks\/\d$/.test(s.url)).length).toBe(2);
    expect(JSON.parse(server.seen.find((s) => s.url === "/api/2.0/sql/statements")!.body)).toMatchObject({
      warehouse_id: "abc123",
      disposition: "INLINE",
      format: "JSON_ARRAY",
    });
    // system, hive_metastore and information_schema are never listed.
    expect(
      server.seen.some((s) => /catalog_name=(system|hive_metastore)/.test(s.url) || s.url.includes("schema_name=information_schema")),
    ).toBe(false);
    expectNoSecret(r, TOKEN);
  });

  test("without a warehouse no tag is read, and the note says so", async () => {
    const r = await databricksUnityCatalog.pull(config(server.url, { warehouseId: undefined }), context({ env, include: ["partner"] }));
    expect(summary(r)).toEqual(["partner.shared.prices MANAGED (share)"]);
    expect(r.objects![0]!.labels).toEqual({});
    expect(r.notes).toEqual([NO_WAREHOUSE_NOTE]);
  });

  test("a failed tag statement fails the source with its message", async () => {
    const s = await serve(
      databricksHandler(
        {
          ...ws,
          statements: {
            [TAGS]: { error: "[INSUFFICIENT_PERMISSIONS] User does not have USE CATALOG on Catalog 'system'.", code: "PERMISSION_DENIED" },
          },
        },
        { token: TOKEN },
      ),
    );
    try {
      const r = await databricksUnityCatalog.pull(config(s.url), context({ env }));
      const i = r.issues.find((x) => x.message.includes("table_tags"))!;
      expect(i).toMatchObject({ severity: "error", code: "source-permission-missing" });
      expect(i.message).toContain("INSUFFICIENT_PERMISSIONS");
    } finally {
      await s.close();
    }
  });

  test("a refused token is source-auth-refused naming the source, never the token", async () => {
    const r = await databricksUnityCatalog.pull(config(server.url), context({ env: { DBX_TOKEN: "dapi-wrong-PLANTED" }, source: "uc" }));
    expect(r.objects).toEqual([]);
    expect(r.issues).toEqual([expect.objectContaining({ severity: "error", code: "source-auth-refused" })]);
    expect(r.issues[0]!.message).toContain("source `uc`");
    expectNoSecret(r, "dapi-wrong-PLANTED");
  });

  test("config: the host must be a URL and the token a reference", () => {
    expect(databricksUnityCatalog.configSchema.safeParse({ host: "not a url", token: { env: "X" } }).success).toBe(false);
    expect(databricksUnityCatalog.configSchema.safeParse({ host: "https://x.cloud.databricks.com", token: "dapi123" }).success).toBe(false);
  });
});
