import { pullTrinoWith, trino, trinoQuery, type TrinoConfig } from "../../provider/connectors/trino";
import { context, expectNoSecret, serve, summary, type Answer, type FixtureServer, type Seen } from "./support";

const PASSWORD = "trino-pw-PLANTED-77";
const env = { TRINO_PASSWORD: PASSWORD };
const BASIC = `Basic ${Buffer.from(`puller:${PASSWORD}`).toString("base64")}`;

type Rows =
  { columns: string[]; rows: unknown[][] } | { error: { message: string; errorCode: number; errorName: string; errorType: string } };

const RESULTS: Record<string, Rows> = {
  "SELECT catalog_name FROM system.metadata.catalogs": { columns: ["catalog_name"], rows: [["lake"], ["pg"], ["system"], ["secret_cat"]] },
  "SELECT catalog_name, schema_name, name FROM system.metadata.materialized_views": {
    columns: ["catalog_name", "schema_name", "name"],
    rows: [["lake", "sales", "daily_mv"]],
  },
  [`SELECT table_catalog, table_schema, table_name, table_type FROM "lake".information_schema.tables WHERE table_schema <> 'information_schema'`]:
    {
      columns: ["table_catalog", "table_schema", "table_name", "table_type"],
      rows: [
        ["lake", "sales", "orders", "BASE TABLE"],
        ["lake", "sales", "orders_v", "VIEW"],
        ["lake", "sales", "daily_mv", "BASE TABLE"],
        ["lake", "sales", "weird", "SYSTEM TABLE"],
        ["lake", "web", "clicks", "BASE TABLE"],
      ],
    },
  [`SELECT table_catalog, table_schema, table_name, table_type FROM "pg".information_schema.tables WHERE table_schema <> 'information_schema'`]:
    {
      columns: ["table_catalog", "table_schema", "table_name", "table_type"],
      rows: [["pg", "public", "accounts", "BASE TABLE"]],
    },
  [`SELECT table_catalog, table_schema, table_name, table_type FROM "secret_cat".information_schema.tables WHERE table_schema <> 'information_schema'`]:
    {
      error: {
        message: "Access Denied: Cannot show schemas of catalog secret_cat",
        errorCode: 4,
        errorName: "PERMISSION_DENIED",
        errorType: "USER_ERROR",
      },
    },
};

/**
 * A coordinator speaking Trino's client protocol (https://trino.io/docs/current/develop/client-protocol.html):
 * POST /v1/statement answers QUEUED with a nextUri; each GET of it returns the next page (columns
 * and two rows of data) until a page without nextUri; an error arrives in a page's `error`.
 */
function coordinator(base: () => string, throttleFirst: boolean): (req: Seen) => Answer {
  const queries = new Map<string, Rows>();
  let n = 0;
  let throttled = !throttleFirst;
  return (req) => {
    if (req.headers.authorization !== BASIC) return { status: 401, body: "Unauthorized" };
    if (req.method === "POST" && req.url === "/v1/statement") {
      if (!throttled) {
        throttled = true;
        return { status: 429, headers: { "retry-after": "0" }, body: { message: "too many queries" } };
      }
      const rows = RESULTS[req.body];
      const id = `20260301_120000_${String(n++).padStart(5, "0")}_abcde`;
      queries.set(
        id,
        rows ?? { error: { message: `line 1:1: unknown query`, errorCode: 1, errorName: "SYNTAX_ERROR", errorType: "USER_ERROR" } },
      );
      return {
        body: {
          id,
          infoUri: `${base()}/ui/query.html?${id}`,
          nextUri: `${base()}/v1/statement/queued/${id}/1`,
          stats: { state: "QUEUED", queued: true, scheduled: false },
        },
      };
    }
    const m = /^\/v1\/statement\/(?:queued|executing)\/([^/]+)\/(\d+)$/.exec(req.url);
    if (req.method === "GET" && m) {
      const id = m[1]!;
      const token = Number(m[2]);
      const q = queries.get(id)!;
      if ("error" in q)
        return {
          body: {
            id,
            stats: { state: "FAILED" },
            error: { ...q.error, failureInfo: { type: "io.trino.spi.security.AccessDeniedException" } },
          },
        };
      const start = (token - 1) * 2;
      const data = q.rows.slice(start, start + 2);
      const more = start + 2 < q.rows.length;
      return {
        body: {
          id,
          columns: q.columns.map((name) => ({ name, type: "varchar", typeSignature: { rawType: "varchar", arguments: [] } })),
          ...(data.length > 0 ? { data } : {}),
          ...(more ? { nextUri: `${base()}/v1/statement/executing/${id}/${token + 1}` } : {}),
          stats: { state: more ? "RUNNING" : "FINISHED" },
        },
      };
    }
    return { status: 404, body: "not found" };
  };
}

const config = (server: string, extra: Partial<TrinoConfig> = {}): TrinoConfig =>
  trino.configSchema.parse({ server, user: "puller", password: { env: "TRINO_PASSWORD" }, ...extra });

describe("trino connector (trino-client against the client protocol)", () => {
  let server: FixtureServer;
  beforeAll(async () => {
    let url = "";
    server = await serve(coordinator(() => url, true));
    url = server.url;
  });
  afterAll(() => server.close());

  test("pulls information_schema.tables of every catalog, materialized views by system.metadata, pages by nextUri, after a 429", async () => {
    const ctx = context({ env });
    const r = await trino.pull(config(server.url), ctx);
    expect(summary(r)).toEqual([
      "lake.sales.daily_mv MATERIALIZED VIEW",
      "lake.sales.orders BASE TABLE",
      "lake.sales.orders_v VIEW",
      "lake.web.clicks BASE TABLE",
      "pg.public.accounts BASE TABLE",
    ]);
    expect(r.issues.map((i) => i.code).sort()).toEqual(["source-permission-missing", "unknown-table-type"]);
    expect(r.issues.find((i) => i.code === "unknown-table-type")!.message).toContain("`lake.sales.weird` has table type `SYSTEM TABLE`");
    expect(r.issues.find((i) => i.code === "source-permission-missing")!.message).toContain("secret_cat");
    // The throttled POST was sent again; lake's five rows came in three pages.
    expect(server.seen.filter((s) => s.method === "POST").length).toBe(6);
    expect(server.seen.some((s) => s.url.endsWith("/3"))).toBe(true);
    expect(server.seen.find((s) => s.method === "POST")!.headers["x-trino-user"]).toBe("puller");
    expect(r.stats.pages).toBeGreaterThan(5);
    expectNoSecret(r, PASSWORD);
  });

  test("configured catalogs and the scope", async () => {
    const r = await trino.pull(config(server.url, { catalogs: ["lake"] }), context({ env, include: ["lake.web"] }));
    expect(summary(r)).toEqual(["lake.web.clicks BASE TABLE"]);
    expect(r.issues).toEqual([]);
  });

  test("a refused password is source-auth-refused, without the password", async () => {
    const r = await trino.pull(config(server.url), context({ env: { TRINO_PASSWORD: "wrong-PLANTED" }, source: "starburst" }));
    expect(r.issues).toEqual([expect.objectContaining({ code: "source-auth-refused", severity: "error" })]);
    expect(r.issues[0]!.message).toContain("source `starburst`");
    expectNoSecret(r, "wrong-PLANTED");
  });

  test("a coordinator that keeps throttling is source-throttled after retries", async () => {
    const always = await serve(() => ({ status: 429, body: "slow down" }));
    try {
      const counter = { requests: 0, pages: 0 };
      const waits: number[] = [];
      const ctx = context({ env });
      const q = trinoQuery(config(always.url, { catalogs: ["lake"] }), ctx, counter, async (ms) => void waits.push(ms));
      const r = await pullTrinoWith(config(always.url, { catalogs: ["lake"] }), ctx, q, counter);
      expect(r.issues[0]).toMatchObject({ code: "source-throttled", severity: "error" });
      expect(waits).toEqual([500, 1000, 2000, 4000]);
    } finally {
      await always.close();
    }
  });

  test("an unreachable coordinator is source-unreachable", async () => {
    const r = await trino.pull(config("http://127.0.0.1:1"), context({ env }));
    expect(r.issues[0]).toMatchObject({ code: "source-unreachable" });
  });

  test("config: password and token are exclusive and references", () => {
    expect(trino.configSchema.safeParse({ server: "https://t", user: "u", password: { env: "A" }, token: { env: "B" } }).success).toBe(
      false,
    );
    expect(trino.configSchema.safeParse({ server: "https://t", user: "u", password: "pw" }).success).toBe(false);
  });
});
