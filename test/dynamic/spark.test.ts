/**
 * `SparkTableGrants`: the exact GRANT/REVOKE SQL (hostile names included), and the provider against
 * a local HTTP server that speaks the Statement Execution API's wire format (test/dynamic/
 * fake-databricks.ts): grants and revokes name only accessplane's group, so what ETL jobs and people
 * hold on the same tables survives create, update and delete; failures, 429 with Retry-After,
 * polling and timeouts. A live workspace is used only when ACCESSPLANE_DATABRICKS_LIVE_TEST is set.
 */
import fc from "fast-check";
import { sparkGrantDelta, sparkGrantStatement, sparkShowGrants, type SparkGrant } from "../../provider/platforms/sql/spark";
import { sparkTableGrantsInputsSchema } from "../../provider/pulumi/dynamic/schemas";
import { SparkTableGrantsProvider } from "../../provider/pulumi/dynamic/spark";
import { ProviderError } from "../../provider/pulumi/dynamic/errors";
import { FakeDatabricks } from "./fake-databricks";

const db = (catalog: string, schema: string, privileges = ["USAGE"]): SparkGrant => ({
  kind: "DATABASE",
  catalog,
  schema,
  table: null,
  privileges,
});
const table = (catalog: string, schema: string, t: string, privileges = ["SELECT"], kind: "TABLE" | "VIEW" = "TABLE"): SparkGrant => ({
  kind,
  catalog,
  schema,
  table: t,
  privileges,
});

describe("Spark GRANT/REVOKE SQL", () => {
  test("statements are catalog-qualified and name only the group", () => {
    expect(
      sparkGrantDelta(
        "ap-analysts",
        [],
        [
          db("hive_metastore", "web"),
          table("hive_metastore", "web", "orders"),
          table("hive_metastore", "web", "daily", ["SELECT"], "VIEW"),
        ],
      ),
    ).toEqual([
      "GRANT USAGE ON DATABASE `hive_metastore`.`web` TO `ap-analysts`",
      "GRANT SELECT ON TABLE `hive_metastore`.`web`.`orders` TO `ap-analysts`",
      "GRANT SELECT ON VIEW `hive_metastore`.`web`.`daily` TO `ap-analysts`",
    ]);
    expect(
      sparkGrantDelta(
        "ap-analysts",
        [db("hive_metastore", "web"), table("hive_metastore", "web", "orders")],
        [db("hive_metastore", "web")],
      ),
    ).toEqual(["REVOKE SELECT ON TABLE `hive_metastore`.`web`.`orders` FROM `ap-analysts`"]);
    expect(sparkGrantDelta("ap-a", [table("hive_metastore", "web", "orders", ["MODIFY", "SELECT"])], null)).toEqual([
      "REVOKE MODIFY, SELECT ON TABLE `hive_metastore`.`web`.`orders` FROM `ap-a`",
    ]);
    expect(sparkShowGrants("ap-a", table("hive_metastore", "web", "orders"))).toBe(
      "SHOW GRANTS `ap-a` ON TABLE `hive_metastore`.`web`.`orders`",
    );
  });

  test("hostile names stay inside their backticks", () => {
    expect(sparkGrantStatement("ap-`x`; DROP TABLE t; --", table("hive_metastore", "we`b", "o;rders\n-- ünï"), ["SELECT"])).toBe(
      "GRANT SELECT ON TABLE `hive_metastore`.`we``b`.`o;rders\n-- ünï` TO `ap-``x``; DROP TABLE t; --`",
    );
    expect(() => sparkGrantStatement("ap-\u0000", table("c", "s", "t"), ["SELECT"])).toThrow("identifiers cannot contain a NUL character");
    // Any name: the quoted text parses back to exactly the name (no way out of the quotes).
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes("\u0000")),
        (name) => {
          const quoted = sparkGrantStatement(name, db("hive_metastore", "s"), ["USAGE"]).slice(
            "GRANT USAGE ON DATABASE `hive_metastore`.`s` TO ".length,
          );
          expect(quoted).toMatch(/^`(?:[^`]|``)*`$/s);
          expect(quoted.slice(1, -1).replace(/``/g, "`")).toBe(name);
        },
      ),
    );
  });

  test("the input schema is read-only and sorts grants", () => {
    const parsed = sparkTableGrantsInputsSchema().safeParse({ principal: "ap-a", grants: [table("hive_metastore", "s", "t", ["MODIFY"])] });
    expect(parsed.success).toBe(false);
    expect(
      sparkTableGrantsInputsSchema().parse({
        principal: "ap-a",
        grants: [table("hive_metastore", "s", "t", ["SELECT", "SELECT"]), db("hive_metastore", "s")],
      }).grants,
    ).toEqual([db("hive_metastore", "s"), table("hive_metastore", "s", "t")]);
  });

  test("property: the delta reaches the target from any live state, and touches only the group", () => {
    const privs = fc.subarray(["SELECT", "USAGE", "READ_METADATA", "MODIFY"], { minLength: 1 });
    const grantsArb = fc.uniqueArray(
      fc
        .record({ t: fc.constantFrom("a", "b", "c"), privileges: privs })
        .map((g) => table("hive_metastore", "s", g.t, [...g.privileges].sort())),
      { selector: (g) => g.table },
    );
    fc.assert(
      fc.property(grantsArb, fc.option(grantsArb, { nil: null }), (live, target) => {
        const state = new Map(live.map((g) => [g.table, new Set(g.privileges)]));
        for (const sql of sparkGrantDelta("ap-g", live, target)) {
          const m = /^(GRANT|REVOKE) (.+) ON TABLE `hive_metastore`\.`s`\.`(\w)` (TO|FROM) `ap-g`$/.exec(sql)!;
          expect(m).not.toBeNull();
          const set = state.get(m[3]!) ?? new Set<string>();
          for (const p of m[2]!.split(", ")) {
            if (m[1] === "GRANT") set.add(p);
            else set.delete(p);
          }
          state.set(m[3]!, set);
        }
        const want = new Map((target ?? []).map((g) => [g.table, g.privileges]));
        for (const t of ["a", "b", "c"]) expect([...(state.get(t) ?? [])].sort()).toEqual(want.get(t) ?? []);
      }),
    );
  });
});

describe("SparkTableGrants against the Statement Execution API", () => {
  let fake: FakeDatabricks;
  let url: string;
  const env = [
    "ACCESSPLANE_DATABRICKS_HOST",
    "ACCESSPLANE_DATABRICKS_TOKEN",
    "ACCESSPLANE_DATABRICKS_WAREHOUSE_ID",
    "ACCESSPLANE_STATEMENT_TIMEOUT_MS",
  ];
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => env.forEach((k) => (saved[k] = process.env[k])));
  afterAll(() => env.forEach((k) => (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k]))));
  beforeEach(async () => {
    fake = new FakeDatabricks();
    url = await fake.start();
    process.env.ACCESSPLANE_DATABRICKS_HOST = url;
    process.env.ACCESSPLANE_DATABRICKS_TOKEN = fake.token;
    process.env.ACCESSPLANE_DATABRICKS_WAREHOUSE_ID = fake.warehouseId;
    delete process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS;
    fake.addObject("TABLE", "hive_metastore", "web", "orders");
    fake.addObject("VIEW", "hive_metastore", "web", "orders_daily");
    fake.addObject("TABLE", "hive_metastore", "web", "refunds");
    // Held outside accessplane: an ETL job and a person.
    fake.grant("TABLE", "hive_metastore.web.orders", "etl-job", "SELECT", "MODIFY");
    fake.grant("DATABASE", "hive_metastore.web", "etl-job", "USAGE", "CREATE");
    fake.grant("DATABASE", "hive_metastore.web", "dana@example.com", "USAGE");
    fake.grant("VIEW", "hive_metastore.web.orders_daily", "dana@example.com", "SELECT");
  });
  afterEach(async () => fake.stop());

  const outside = () => ({
    etlOrders: fake.held("TABLE", "hive_metastore.web.orders", "etl-job"),
    etlDb: fake.held("DATABASE", "hive_metastore.web", "etl-job"),
    danaDb: fake.held("DATABASE", "hive_metastore.web", "dana@example.com"),
    danaView: fake.held("VIEW", "hive_metastore.web.orders_daily", "dana@example.com"),
  });
  const untouched = { etlOrders: ["MODIFY", "SELECT"], etlDb: ["CREATE", "USAGE"], danaDb: ["USAGE"], danaView: ["SELECT"] };
  const inputs = {
    principal: "ap-analysts-read",
    grants: [
      table("hive_metastore", "web", "orders_daily", ["SELECT"], "VIEW"),
      table("hive_metastore", "web", "orders"),
      db("hive_metastore", "web"),
    ],
  };

  test("create, re-run, refresh, update and delete change only the group's privileges", async () => {
    const p = new SparkTableGrantsProvider();
    const news = (await p.check({}, inputs)).inputs!;
    const created = await p.create(news);
    expect(created.id).toBe("ap-analysts-read");
    expect(fake.log.filter((s) => !s.startsWith("SHOW"))).toEqual([
      "GRANT USAGE ON DATABASE `hive_metastore`.`web` TO `ap-analysts-read`",
      "GRANT SELECT ON TABLE `hive_metastore`.`web`.`orders` TO `ap-analysts-read`",
      "GRANT SELECT ON VIEW `hive_metastore`.`web`.`orders_daily` TO `ap-analysts-read`",
    ]);
    expect(outside()).toEqual(untouched);

    // An interrupted run re-applied grants nothing twice.
    fake.log = [];
    await p.create(news);
    expect(fake.log.filter((s) => !s.startsWith("SHOW"))).toEqual([]);

    // Drift: someone gives the group MODIFY by hand; refresh shows it and the update revokes it.
    fake.grant("TABLE", "hive_metastore.web.orders", "ap-analysts-read", "MODIFY");
    const read = await p.read("ap-analysts-read", created.outs);
    expect(read.props!.grants).toContainEqual(table("hive_metastore", "web", "orders", ["MODIFY", "SELECT"]));
    expect((await p.diff("ap-analysts-read", read.props!, news)).changes).toBe(true);

    // Update: the view leaves the policy, refunds joins it.
    fake.log = [];
    const next = (
      await p.check(
        {},
        {
          ...inputs,
          grants: [table("hive_metastore", "web", "orders"), table("hive_metastore", "web", "refunds"), db("hive_metastore", "web")],
        },
      )
    ).inputs!;
    await p.update("ap-analysts-read", read.props!, next);
    expect(fake.log.filter((s) => !s.startsWith("SHOW"))).toEqual([
      "GRANT SELECT ON TABLE `hive_metastore`.`web`.`refunds` TO `ap-analysts-read`",
      "REVOKE MODIFY ON TABLE `hive_metastore`.`web`.`orders` FROM `ap-analysts-read`",
      "REVOKE SELECT ON VIEW `hive_metastore`.`web`.`orders_daily` FROM `ap-analysts-read`",
    ]);
    expect(outside()).toEqual(untouched);

    // Delete revokes the group's own grants; a table dropped meanwhile is skipped.
    fake.objects.delete("TABLE hive_metastore.web.refunds");
    fake.log = [];
    await p.delete("ap-analysts-read", next);
    expect(fake.log.filter((s) => !s.startsWith("SHOW"))).toEqual([
      "REVOKE USAGE ON DATABASE `hive_metastore`.`web` FROM `ap-analysts-read`",
      "REVOKE SELECT ON TABLE `hive_metastore`.`web`.`orders` FROM `ap-analysts-read`",
    ]);
    expect(fake.held("TABLE", "hive_metastore.web.orders", "ap-analysts-read")).toEqual([]);
    expect(outside()).toEqual(untouched);
    // Every statement went to the configured warehouse, with the token as a bearer credential.
    expect(fake.requests.every((r) => r.startsWith("POST /api/2.0/sql/statements") || r.startsWith("GET /api/2.0/sql/statements/"))).toBe(
      true,
    );
  });

  test("a statement error is a clear, redacted error with its class and a fix", async () => {
    fake.fail = (sql) =>
      sql.startsWith("GRANT")
        ? {
            error_code: "BAD_REQUEST",
            message: `[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have privilege MODIFY on table (token ${fake.token})`,
            sql_state: "42501",
          }
        : undefined;
    const p = new SparkTableGrantsProvider();
    const err = (await p.create((await p.check({}, inputs)).inputs!).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("permission-denied");
    expect(err.message).toMatch(
      /^databricks: could not grant to `ap-analysts-read`: BAD_REQUEST 42501: \[INSUFFICIENT_PERMISSIONS\] .*; help: the identity behind `accessplane:databricksToken` must be a workspace admin or own the tables/,
    );
    expect(err.message).not.toContain(fake.token);
  });

  test("a missing table on create is reported as a missing object", async () => {
    const p = new SparkTableGrantsProvider();
    const err = (await p
      .create((await p.check({}, { ...inputs, grants: [table("hive_metastore", "web", "gone")] })).inputs!)
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe("missing-object");
    expect(err.message).toContain("[TABLE_OR_VIEW_NOT_FOUND] The table or view `hive_metastore.web.gone` cannot be found.");
  });

  test("HTTP 429 is retried after Retry-After, then succeeds", async () => {
    fake.rateLimit = { count: 2, retryAfter: "1" };
    const p = new SparkTableGrantsProvider();
    const started = Date.now();
    await p.create((await p.check({}, { ...inputs, grants: [db("hive_metastore", "web")] })).inputs!);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(fake.requests.slice(0, 3)).toEqual([
      "POST /api/2.0/sql/statements",
      "POST /api/2.0/sql/statements",
      "POST /api/2.0/sql/statements",
    ]);
    expect(fake.held("DATABASE", "hive_metastore.web", "ap-analysts-read")).toEqual(["USAGE"]);
  });

  test("an HTTP error body ({ error_code, message }) is classified, the token never shown", async () => {
    process.env.ACCESSPLANE_DATABRICKS_TOKEN = "dapi-wrong-token-9876543210";
    const p = new SparkTableGrantsProvider();
    const err = (await p.create((await p.check({}, inputs)).inputs!).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe("permission-denied");
    expect(err.message).toContain("UNAUTHENTICATED: Invalid access token.");
    expect(err.message).not.toContain("dapi-wrong-token-9876543210");
  });

  test("PENDING statements are polled until they finish", async () => {
    fake.pendingPolls = 3;
    const p = new SparkTableGrantsProvider();
    await p.create((await p.check({}, { ...inputs, grants: [db("hive_metastore", "web")] })).inputs!);
    expect(fake.requests.filter((r) => r.startsWith("GET /api/2.0/sql/statements/")).length).toBeGreaterThanOrEqual(2);
    expect(fake.held("DATABASE", "hive_metastore.web", "ap-analysts-read")).toEqual(["USAGE"]);
  });

  test("a statement past the timeout is cancelled and reported as timed out", async () => {
    fake.pendingPolls = 1000;
    process.env.ACCESSPLANE_STATEMENT_TIMEOUT_MS = "600";
    const p = new SparkTableGrantsProvider();
    const err = (await p.create((await p.check({}, inputs)).inputs!).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe("timeout");
    expect(fake.requests.some((r) => /^POST \/api\/2\.0\/sql\/statements\/[^/]+\/cancel$/.test(r))).toBe(true);
  });

  test("without a connection the error names every setting", async () => {
    delete process.env.ACCESSPLANE_DATABRICKS_HOST;
    const p = new SparkTableGrantsProvider();
    await expect(p.create((await p.check({}, inputs)).inputs!)).rejects.toThrow(
      "databricks: no connection configured; help: set pulumi config `accessplane:databricksHost` (the workspace URL), `accessplane:databricksWarehouseId` (a SQL warehouse) and `accessplane:databricksToken` (as a secret)",
    );
  });
});

// Opt-in: a real workspace. Set ACCESSPLANE_DATABRICKS_LIVE_TEST=1 with ACCESSPLANE_DATABRICKS_HOST,
// ACCESSPLANE_DATABRICKS_TOKEN, ACCESSPLANE_DATABRICKS_WAREHOUSE_ID, ACCESSPLANE_DATABRICKS_LIVE_TABLE
// (`schema.table` in hive_metastore) and ACCESSPLANE_DATABRICKS_LIVE_GROUP (a workspace group to grant to).
const live = process.env.ACCESSPLANE_DATABRICKS_LIVE_TEST === "1";
(live ? describe : describe.skip)("SparkTableGrants on a live workspace (ACCESSPLANE_DATABRICKS_LIVE_TEST)", () => {
  test("grants SELECT and USAGE to the group, then revokes them", async () => {
    const [schema, t] = String(process.env.ACCESSPLANE_DATABRICKS_LIVE_TABLE).split(".");
    const principal = String(process.env.ACCESSPLANE_DATABRICKS_LIVE_GROUP);
    const p = new SparkTableGrantsProvider();
    const news = (await p.check({}, { principal, grants: [db("hive_metastore", schema!), table("hive_metastore", schema!, t!)] })).inputs!;
    const c = await p.create(news);
    expect((await p.read(c.id, c.outs)).props!.grants).toEqual(news.grants);
    await p.delete(c.id, c.outs);
    expect((await p.read(c.id, c.outs)).props!.grants).toEqual([]);
  }, 300_000);
});
if (!live) {
  test.skip("live Databricks test skipped: set ACCESSPLANE_DATABRICKS_LIVE_TEST=1 (and the workspace settings) to run it", () => undefined);
}
