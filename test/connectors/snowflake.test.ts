import { generateKeyPairSync, createHash, verify } from "node:crypto";
import { DIRECT_TAGS_NOTE, keyPairJwt, snowflake, type SnowflakeConfig } from "../../provider/connectors/snowflake";
import { generatedEstate, snowflakeHandler, type SfEstate } from "./fixtures/snowflake";
import { context, expectNoSecret, serve, summary, type FixtureServer } from "./support";

const TOKEN = "sf-oauth-token-PLANTED-1234";
const env = { SF_TOKEN: TOKEN };

const estate: SfEstate = {
  databases: [
    {
      name: "SALES",
      kind: "STANDARD",
      tables: [
        { schema: "PUBLIC", name: "ORDERS", type: "BASE TABLE", comment: "one row per order" },
        { schema: "PUBLIC", name: "ORDERS_V", type: "VIEW" },
        { schema: "PUBLIC", name: "DAILY", type: "MATERIALIZED VIEW" },
        { schema: "LAKE", name: "EVENTS_ICE", type: "BASE TABLE", iceberg: true },
        { schema: "LAKE", name: "ROLLUP", type: "BASE TABLE", dynamic: true },
        { schema: "LAKE", name: "RAW_EXT", type: "EXTERNAL TABLE" },
        { schema: "LAKE", name: "APP_EVENTS", type: "EVENT TABLE" },
        { schema: "LAKE", name: "SESSION_TMP", type: "TEMPORARY TABLE" },
        { schema: "LAKE", name: "KV", type: "HYBRID TABLE" },
      ],
    },
    { name: "PARTNER_DATA", kind: "IMPORTED DATABASE", tables: [{ schema: "SHARED", name: "PRICES", type: "VIEW" }] },
    { name: "SNOWFLAKE", kind: "APPLICATION", tables: [{ schema: "ACCOUNT_USAGE", name: "TAG_REFERENCES", type: "VIEW" }] },
    { name: "MY_APP", kind: "APPLICATION", tables: [{ schema: "CORE", name: "STATE", type: "BASE TABLE" }] },
  ],
  tags: [
    { database: "SALES", schema: "PUBLIC", table: "ORDERS", tagDatabase: "GOV", tagSchema: "TAGS", tag: "PII", value: "TRUE" },
    { database: "SALES", schema: "PUBLIC", table: "ORDERS", tagDatabase: "GOV", tagSchema: "TAGS", tag: "DOMAIN", value: "finance" },
    { database: "SALES", schema: "PUBLIC", table: "ORDERS_V", tagDatabase: "GOV", tagSchema: "TAGS", tag: "DOMAIN", value: "finance" },
    { database: "SALES", schema: "PUBLIC", table: "ORDERS_V", tagDatabase: "OTHER", tagSchema: "TAGS", tag: "DOMAIN", value: "sales" },
    {
      database: "SALES",
      schema: "LAKE",
      table: "ROLLUP",
      tagDatabase: "GOV",
      tagSchema: "TAGS",
      tag: "TIER",
      value: "gold",
      inheritedOnly: true,
    },
  ],
};

const config = (url: string, extra: Partial<SnowflakeConfig> = {}): SnowflakeConfig =>
  snowflake.configSchema.parse({
    account: "myorg-myaccount",
    url,
    auth: { type: "oauth", token: { env: "SF_TOKEN" } },
    warehouse: "PULL_WH",
    role: "PULLER",
    ...extra,
  });

describe("snowflake connector (SQL API v2)", () => {
  let server: FixtureServer;
  let throttled = 0;
  beforeAll(async () => {
    const handler = snowflakeHandler(estate, { token: TOKEN, partitionRows: 3, asyncFor: ['"PARTNER_DATA".INFORMATION_SCHEMA'] });
    server = await serve((req) => {
      // The first statement is throttled once, as the SQL API does under load.
      if (req.method === "POST" && throttled++ === 0)
        return { status: 429, headers: { "retry-after": "1" }, body: { message: "Too many requests" } };
      return handler(req);
    });
  });
  afterAll(() => server.close());

  test("pulls databases, object types, an incoming share, partitions, a 202, a 429 and direct tags", async () => {
    const ctx = context({ env });
    const r = await snowflake.pull(config(server.url), ctx);
    expect(summary(r)).toEqual([
      "PARTNER_DATA.SHARED.PRICES VIEW (share)",
      "SALES.LAKE.APP_EVENTS EVENT TABLE",
      "SALES.LAKE.EVENTS_ICE ICEBERG TABLE",
      "SALES.LAKE.RAW_EXT EXTERNAL TABLE",
      "SALES.LAKE.ROLLUP DYNAMIC TABLE",
      "SALES.PUBLIC.DAILY MATERIALIZED VIEW",
      "SALES.PUBLIC.ORDERS BASE TABLE",
      "SALES.PUBLIC.ORDERS_V VIEW",
    ]);
    // The hybrid table is an issue naming it; the temporary table is skipped; applications are not read.
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: "error", code: "unknown-table-type" });
    expect(r.issues[0]!.message).toContain("`SALES.LAKE.KV` has table type `HYBRID TABLE`");
    const orders = r.objects!.find((o) => o.location.table === "ORDERS")!;
    expect(orders.labels).toEqual({ "GOV.TAGS.PII": "TRUE", PII: "TRUE", "GOV.TAGS.DOMAIN": "finance", DOMAIN: "finance" });
    expect(orders.comment).toBe("one row per order");
    // Two DOMAIN tags of different schemas and values: only the qualified names, no guessed bare one.
    expect(r.objects!.find((o) => o.location.table === "ORDERS_V")!.labels).toEqual({
      "GOV.TAGS.DOMAIN": "finance",
      "OTHER.TAGS.DOMAIN": "sales",
    });
    // ACCOUNT_USAGE holds direct tags only: the inherited TIER is not there, and the note says so.
    expect(r.objects!.find((o) => o.location.table === "ROLLUP")!.labels).toEqual({});
    expect(r.notes).toEqual([DIRECT_TAGS_NOTE]);
    expect(ctx.retries).toEqual([429]);
    // Partitions of 3 rows: SHOW DATABASES (4 rows) one more, SALES (9 rows) two, the tags (5) one.
    expect(server.seen.filter((s) => /partition=[12]$/.test(s.url))).toHaveLength(4);
    // The 202 of PARTNER_DATA was polled at its statementStatusUrl.
    expect(server.seen.some((s) => s.method === "GET" && /^\/api\/v2\/statements\/[^?]+$/.test(s.url))).toBe(true);
    const post = server.seen.find((s) => s.method === "POST")!;
    expect(post.headers["x-snowflake-authorization-token-type"]).toBe("OAUTH");
    expect(JSON.parse(post.body)).toMatchObject({ warehouse: "PULL_WH", role: "PULLER" });
    expect(r.stats.pages).toBeGreaterThanOrEqual(7);
    expect(r.stats.requests).toBeGreaterThan(r.stats.pages);
    expect(ctx.reports.length).toBeGreaterThan(0);
    expectNoSecret(r, TOKEN);
  });

  test("tagMode exact reads TAG_REFERENCES per object, with inherited tags and no latency note", async () => {
    const r = await snowflake.pull(
      config(server.url, { tagMode: "exact" }),
      context({ env, include: ["SALES.LAKE.ROLLUP", "SALES.PUBLIC.*"] }),
    );
    expect(summary(r)).toEqual([
      "SALES.LAKE.ROLLUP DYNAMIC TABLE",
      "SALES.PUBLIC.DAILY MATERIALIZED VIEW",
      "SALES.PUBLIC.ORDERS BASE TABLE",
      "SALES.PUBLIC.ORDERS_V VIEW",
    ]);
    expect(r.objects!.find((o) => o.location.table === "ROLLUP")!.labels).toEqual({ "GOV.TAGS.TIER": "gold", TIER: "gold" });
    expect(r.notes).toBeUndefined();
    expect(r.issues).toEqual([]);
  });

  test("the scope skips databases it excludes without reading them", async () => {
    const before = server.seen.length;
    const r = await snowflake.pull(config(server.url), context({ env, exclude: ["SALES"] }));
    expect(summary(r)).toEqual(["PARTNER_DATA.SHARED.PRICES VIEW (share)"]);
    expect(server.seen.slice(before).some((s) => s.body.includes('"SALES".INFORMATION_SCHEMA'))).toBe(false);
  });

  test("a refused token is one error naming the source, never the token", async () => {
    const r = await snowflake.pull(config(server.url), context({ env: { SF_TOKEN: "wrong-token-PLANTED" }, source: "sf-prod" }));
    expect(r.objects).toEqual([]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: "error", code: "source-auth-refused" });
    expect(r.issues[0]!.message).toContain("source `sf-prod`");
    expectNoSecret(r, "wrong-token-PLANTED");
  });

  test("a missing credential variable is named, with nothing requested", async () => {
    const before = server.seen.length;
    const r = await snowflake.pull(config(server.url), context({ env: {} }));
    expect(r.issues[0]).toMatchObject({ code: "source-credential-missing" });
    expect(r.issues[0]!.message).toContain("SF_TOKEN");
    expect(server.seen.length).toBe(before);
  });

  test("a tag view the role cannot read fails the source with the grant to make", async () => {
    const s = await serve(
      snowflakeHandler(estate, {
        token: TOKEN,
        failFor: [
          { match: "ACCOUNT_USAGE", message: "SQL compilation error: Schema 'SNOWFLAKE.ACCOUNT_USAGE' does not exist or not authorized." },
        ],
      }),
    );
    try {
      const r = await snowflake.pull(config(s.url), context({ env }));
      const i = r.issues.find((x) => x.message.includes("TAG_REFERENCES"))!;
      expect(i.severity).toBe("error");
      expect(i.help).toBeDefined();
    } finally {
      await s.close();
    }
  });

  test("an answer that is not JSON is source-bad-response", async () => {
    const s = await serve(() => ({ body: "<html>Sign in</html>" }));
    try {
      const r = await snowflake.pull(config(s.url), context({ env }));
      expect(r.issues).toEqual([expect.objectContaining({ severity: "error", code: "source-bad-response" })]);
    } finally {
      await s.close();
    }
  });

  test("an account whose SHOW DATABASES has no kind column marks databases with an origin as shared", async () => {
    const handler = snowflakeHandler(estate, { token: TOKEN });
    const s = await serve((req) => {
      const a = handler(req);
      const body = a.body as { resultSetMetaData?: { rowType: { name: string }[] }; data?: (string | null)[][] };
      // Drop the last column (kind) of SHOW DATABASES.
      if (body?.resultSetMetaData?.rowType.at(-1)?.name === "kind") {
        body.resultSetMetaData.rowType.pop();
        for (const row of body.data ?? []) row.pop();
      }
      return a;
    });
    try {
      const r = await snowflake.pull(config(s.url), context({ env, include: ["PARTNER_DATA", "MY_APP"] }));
      // PARTNER_DATA has an origin; MY_APP reads as a standard database without a kind.
      expect(summary(r)).toEqual(["MY_APP.CORE.STATE BASE TABLE", "PARTNER_DATA.SHARED.PRICES VIEW (share)"]);
    } finally {
      await s.close();
    }
  });

  test("an unreachable account is source-unreachable", async () => {
    const r = await snowflake.pull(config("http://127.0.0.1:1"), context({ env }));
    expect(r.issues[0]).toMatchObject({ severity: "error", code: "source-unreachable" });
  });

  test("config: a literal token is refused, tagMode defaults to direct", () => {
    expect(snowflake.configSchema.safeParse({ account: "a", auth: { type: "oauth", token: "literal" }, warehouse: "W" }).success).toBe(
      false,
    );
    expect(config("http://x").tagMode).toBe("direct");
  });

  test("key-pair authentication sends a KEYPAIR_JWT signed by the private key with Snowflake's claims", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const now = new Date("2026-03-01T12:00:00Z");
    const jwt = keyPairJwt("myorg-myaccount", "puller", pem, now);
    const [h, p, sig] = jwt.split(".");
    expect(verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig!, "base64url"))).toBe(true);
    const fp = createHash("sha256")
      .update(publicKey.export({ type: "spki", format: "der" }))
      .digest("base64");
    expect(JSON.parse(Buffer.from(p!, "base64url").toString())).toEqual({
      iss: `MYORG-MYACCOUNT.PULLER.SHA256:${fp}`,
      sub: "MYORG-MYACCOUNT.PULLER",
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 3600,
    });
    const s = await serve(snowflakeHandler(estate, { token: jwt }));
    try {
      const cfg = config(s.url, { auth: { type: "key-pair", user: "puller", privateKey: { env: "SF_KEY" } } });
      const r = await snowflake.pull(cfg, context({ env: { SF_KEY: pem }, now }));
      expect(r.objects!.length).toBe(8);
      expect(s.seen[0]!.headers["x-snowflake-authorization-token-type"]).toBe("KEYPAIR_JWT");
      expectNoSecret(r, pem);
    } finally {
      await s.close();
    }
  });

  test("the bench generator serves 50,000 tables in partitions", async () => {
    const big = generatedEstate(50_000);
    const s = await serve(snowflakeHandler(big, { token: TOKEN, partitionRows: 2000 }));
    try {
      const t0 = Date.now();
      const r = await snowflake.pull(config(s.url), context({ env }));
      expect(r.issues).toEqual([]);
      expect(r.objects).toHaveLength(50_000);
      expect(r.objects!.filter((o) => o.objectType === "VIEW")).toHaveLength(10_000);
      expect(r.objects!.filter((o) => o.labels.PII === "TRUE")).toHaveLength(5_000);
      expect(Date.now() - t0).toBeLessThan(60_000);
    } finally {
      await s.close();
    }
  });
});
