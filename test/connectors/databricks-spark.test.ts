import { databricksSpark, type SparkConfig } from "../../provider/connectors/databricks-spark";
import { databricksHandler, type DbxWorkspace } from "./fixtures/databricks";
import { context, expectNoSecret, serve, summary, type FixtureServer } from "./support";

const TOKEN = "dapi-spark-PLANTED-42";
const env = { DBX_TOKEN: TOKEN };
const tables = (db: string, rows: [string, boolean][]) => ({
  columns: ["database", "tableName", "isTemporary"],
  rows: rows.map(([t, tmp]) => [db, t, String(tmp)]),
});
const views = (db: string, rows: [string, boolean][]) => ({
  columns: ["namespace", "viewName", "isTemporary"],
  rows: rows.map(([v, tmp]) => [db, v, String(tmp)]),
});

const ws: DbxWorkspace = {
  catalogs: [],
  schemas: [],
  tables: [],
  statements: {
    "SHOW DATABASES IN hive_metastore": { columns: ["databaseName"], rows: [["web"], ["default"], ["odd`name"]] },
    "SHOW TABLES IN hive_metastore.`web`": tables("web", [
      ["clicks", false],
      ["clicks_v", false],
      ["sessions", false],
      ["tmp_view", true],
    ]),
    "SHOW VIEWS IN hive_metastore.`web`": views("web", [
      ["clicks_v", false],
      ["tmp_view", true],
    ]),
    "SHOW TABLES IN hive_metastore.`default`": tables("default", [["legacy", false]]),
    "SHOW VIEWS IN hive_metastore.`default`": views("default", []),
    "SHOW TABLES IN hive_metastore.`odd``name`": { error: "[SCHEMA_NOT_FOUND] The schema `odd``name` cannot be found." },
    "SHOW VIEWS IN hive_metastore.`odd``name`": views("odd`name", []),
  },
};

const config = (host: string, extra: Partial<SparkConfig> = {}): SparkConfig =>
  databricksSpark.configSchema.parse({ host, token: { env: "DBX_TOKEN" }, warehouseId: "wh1", ...extra });

describe("databricks-spark connector (hive_metastore through the statement API)", () => {
  let server: FixtureServer;
  let throttled = 0;
  beforeAll(async () => {
    const h = databricksHandler(ws, { token: TOKEN, chunkRows: 2 });
    server = await serve((req) =>
      req.method === "POST" && throttled++ === 0
        ? { status: 429, body: { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" } }
        : h(req),
    );
  });
  afterAll(() => server.close());

  test("TABLE or VIEW from SHOW TABLES and SHOW VIEWS, temporary views skipped, a hostile database name quoted", async () => {
    const ctx = context({ env });
    const r = await databricksSpark.pull(config(server.url), ctx);
    expect(summary(r)).toEqual([
      "hive_metastore.default.legacy TABLE",
      "hive_metastore.web.clicks TABLE",
      "hive_metastore.web.clicks_v VIEW",
      "hive_metastore.web.sessions TABLE",
    ]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toContain("hive_metastore.odd`name");
    expect(r.issues[0]!.message).toContain("SCHEMA_NOT_FOUND");
    expect(ctx.retries).toEqual([429]);
    expectNoSecret(r, TOKEN);
  });

  test("configured databases and the scope limit what is read", async () => {
    const before = server.seen.length;
    const r = await databricksSpark.pull(
      config(server.url, { databases: ["web", "default"] }),
      context({ env, exclude: ["hive_metastore.default"] }),
    );
    expect(summary(r)).toEqual([
      "hive_metastore.web.clicks TABLE",
      "hive_metastore.web.clicks_v VIEW",
      "hive_metastore.web.sessions TABLE",
    ]);
    expect(r.issues).toEqual([]);
    const sent = server.seen
      .slice(before)
      .filter((s) => s.method === "POST")
      .map((s) => (JSON.parse(s.body) as { statement: string }).statement);
    expect(sent).toEqual(["SHOW TABLES IN hive_metastore.`web`", "SHOW VIEWS IN hive_metastore.`web`"]);
  });

  test("a refused token fails the source without the token", async () => {
    const r = await databricksSpark.pull(config(server.url), context({ env: { DBX_TOKEN: "bad-PLANTED" } }));
    expect(r.issues).toEqual([expect.objectContaining({ code: "source-auth-refused", severity: "error" })]);
    expectNoSecret(r, "bad-PLANTED");
  });

  test("config: a warehouse is required", () => {
    expect(databricksSpark.configSchema.safeParse({ host: "https://x.cloud.databricks.com", token: { env: "T" } }).success).toBe(false);
  });
});
