/**
 * Audit of Databricks against recorded answers served locally, in the documented wire format: the
 * Unity Catalog list and permissions APIs (pages by `next_page_token`, an empty first page that
 * still carries a token, a 429 with Retry-After), owners from the securables' GET, the workspace
 * SCIM API (pages by `startIndex`, members by `$ref`, nested groups, a service principal), and the
 * SQL Statement Execution API for `SHOW GRANTS` on hive_metastore tables. Catalog grants reach the
 * tables as `inherited`, USE CATALOG alone does not; owners are `ownership`; a hostile table name is
 * percent-encoded in the URL and backtick-quoted in SQL; a 403 fails the source by name, never with
 * the token; and through compare.ts, hand-made access is unmanaged while the planned group is missing.
 */
import { adopt } from "../../provider/audit/adopt";
import { compareWithPlan, type AuditEntry } from "../../provider/audit/compare";
import { readSparkGrants } from "../../provider/audit/readers/databricks-spark";
import { readUnityCatalogGrants, ucPath } from "../../provider/audit/readers/databricks-unity-catalog";
import { readLiveGrants } from "../../provider/audit/run";
import { SparkConfig } from "../../provider/connectors/databricks-spark";
import { UnityCatalogConfig } from "../../provider/connectors/databricks-unity-catalog";
import { SourceError } from "../../provider/connectors/types";
import { grantsHandler, type GrantsFixture as Fixture } from "./databricks-fixture";
import { context, serve, type FixtureServer } from "../connectors/support";
import { analystsEstate, NOW } from "./support";

const TOKEN = "dapi-PLANTED-audit-0123456789";
const env = { DBX_TOKEN: TOKEN };
const HOSTILE = "we`ird.näme x";

const { estate, plan } = analystsEstate(
  `
users:
  - { id: ann, groups: [analysts], identities: { databricks: ann@example.com } }
  - { id: ben, identities: { databricks: ben@example.com } }
groups: [{ id: analysts }]
dataSources:
  - { id: ledger, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: main, schema: finance, table: ledger }, tags: [fin] }
  - { id: raw, platform: databricks-unity-catalog, objectType: EXTERNAL, location: { catalog: main, schema: finance, table: raw } }
  - { id: orders, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: sales, table: orders }, tags: [fin] }
`,
  "fin",
);
const UC_GROUP = plan.principals.find((p) => p.platform === "databricks-unity-catalog")!.name;
const SPARK_GROUP = plan.principals.find((p) => p.platform === "databricks-spark")!.name;

const SCIM: Fixture["scim"] = {
  Users: [
    { id: "u1", userName: "ann@example.com", displayName: "Ann" },
    { id: "u2", userName: "ben@example.com", displayName: "Ben" },
    { id: "u3", userName: "erin@example.com", displayName: "Erin" },
  ],
  ServicePrincipals: [{ id: "s1", applicationId: "6a1f-etl-app", displayName: "etl" }],
  Groups: [
    {
      id: "g1",
      displayName: "bi_team",
      members: [
        { value: "u3", $ref: "Users/u3", display: "Erin" },
        { value: "g2", $ref: "Groups/g2", display: "bi_core" },
      ],
    },
    // No `$ref`: the member is found by id.
    { id: "g2", displayName: "bi_core", members: [{ value: "u1", display: "Ann" }] },
    {
      id: "g3",
      displayName: "admins",
      members: [
        { value: "s1", $ref: "ServicePrincipals/s1", display: "etl" },
        // Not listed by /Users (as for a token that is not a workspace admin's): named by its display name.
        { value: "u99", $ref: "Users/u99", display: "Ghost" },
      ],
    },
    { id: "g4", displayName: "account users", members: [] },
  ],
};

const UC: Fixture = {
  ws: {
    catalogs: [
      { name: "main", type: "MANAGED_CATALOG" },
      { name: "system", type: "SYSTEM_CATALOG" },
      { name: "hive_metastore", type: "MANAGED_CATALOG" },
    ],
    schemas: [{ catalog: "main", name: "finance" }],
    tables: [
      { catalog: "main", schema: "finance", name: "ledger", type: "MANAGED" },
      { catalog: "main", schema: "finance", name: "raw", type: "EXTERNAL" },
      { catalog: "main", schema: "finance", name: HOSTILE, type: "MANAGED" },
      { catalog: "main", schema: "finance", name: "revenue", type: "METRIC_VIEW" },
    ],
    statements: {},
  },
  grants: {
    "catalog/main": [
      { principal: "bi_team", privileges: ["USE_CATALOG", "SELECT"] },
      { principal: "account users", privileges: ["USE_CATALOG"] },
    ],
    "schema/main.finance": [{ principal: "bi_team", privileges: ["USE_SCHEMA"] }],
    "table/main.finance.ledger": [
      { principal: "ben@example.com", privileges: ["SELECT", "MODIFY"] },
      { principal: "", principal_id: 42, privileges: ["SELECT"] },
    ],
    [`table/main.finance.${HOSTILE}`]: [{ principal: "dana@example.com", privileges: ["SELECT"] }],
  },
  owners: {
    "catalogs/main": "admins",
    "schemas/main.finance": "admins",
    "tables/main.finance.ledger": "6a1f-etl-app",
    "tables/main.finance.raw": "ben@example.com",
    [`tables/main.finance.${HOSTILE}`]: "admins",
  },
  scim: SCIM,
};

const brief = (e: AuditEntry) =>
  `${e.principal.kind}:${e.principal.name} ${e.object ?? "-"} [${e.privileges.join(",")}] ${e.kind} users=${e.users.join(",")} unknown=${e.unknown.join(",")}`;
const ucConfig = (host: string) => UnityCatalogConfig.parse({ host, token: { env: "DBX_TOKEN" } });

describe("Databricks Unity Catalog audit", () => {
  let server: FixtureServer;
  let throttled = 0;
  beforeAll(async () => {
    const h = grantsHandler(UC, TOKEN);
    server = await serve((req) =>
      req.url.includes("/permissions/") && throttled++ === 0
        ? { status: 429, headers: { "retry-after": "1" }, body: { error_code: "REQUEST_LIMIT_EXCEEDED", message: "rate limited" } }
        : h(req),
    );
  });
  afterAll(() => server.close());

  test("reads direct, inherited and owner grants page by page, and group members through SCIM", async () => {
    const ctx = context({ env, source: "dbx-uc" });
    const state = await readUnityCatalogGrants(ucConfig(server.url), ctx, { source: "dbx-uc", now: new Date(NOW) });
    expect(ctx.retries).toEqual([429]);
    const grants = state.grants.map((g) => `${g.grantee.kind}:${g.grantee.name} ${g.object} [${g.privileges.join(",")}] ${g.kind}`).sort();
    expect(grants).toEqual(
      [
        "group:account users `main` [USE CATALOG] direct",
        "group:admins `main` [OWNERSHIP] ownership",
        "group:admins `main`.`finance` [OWNERSHIP] ownership",
        "group:admins `main`.`finance`.`we``ird.näme x` [OWNERSHIP] ownership",
        "group:bi_team `main` [SELECT,USE CATALOG] direct",
        "group:bi_team `main`.`finance` [USE SCHEMA] direct",
        // SELECT on the catalog reaches every table; USE CATALOG and USE SCHEMA do not.
        "group:bi_team `main`.`finance`.`ledger` [SELECT] inherited",
        "group:bi_team `main`.`finance`.`raw` [SELECT] inherited",
        "group:bi_team `main`.`finance`.`we``ird.näme x` [SELECT] inherited",
        "user:6a1f-etl-app `main`.`finance`.`ledger` [OWNERSHIP] ownership",
        "user:ben@example.com `main`.`finance`.`ledger` [MODIFY,SELECT] direct",
        "user:ben@example.com `main`.`finance`.`raw` [OWNERSHIP] ownership",
        "user:dana@example.com `main`.`finance`.`we``ird.näme x` [SELECT] direct",
      ].sort(),
    );
    expect(state.grants.find((g) => g.grantee.name === "dana@example.com")!.path).toEqual(["main", "finance", HOSTILE]);
    expect(state.memberships.map((m) => `${m.parent.name} <- ${m.member.kind}:${m.member.name}`).sort()).toEqual([
      "admins <- user:6a1f-etl-app",
      "admins <- user:Ghost",
      "bi_core <- user:ann@example.com",
      "bi_team <- group:bi_core",
      "bi_team <- user:erin@example.com",
    ]);
    expect(state.principals!.map((p) => p.name).sort()).toEqual(["account users", "admins", "bi_core", "bi_team"]);
    expect(state.notes!.join("\n")).toContain("1 grant to deleted principals left out");
    expect(state.notes!.join("\n")).toContain("1 group member is named by display name only");
    expect(state.notes!.join("\n")).toContain("`main.finance.revenue` has table type `METRIC_VIEW`");
    // The hostile name is percent-encoded, never sent raw; the empty page with a token was followed.
    const encoded = `/api/2.1/unity-catalog/permissions/table/main.finance.we%60ird.n%C3%A4me%20x?`;
    expect(ucPath(["main", "finance", HOSTILE])).toBe("main.finance.we%60ird.n%C3%A4me%20x");
    expect(
      server.seen.filter((s) => s.url.startsWith(encoded)).map((s) => new URL(s.url, "http://x").searchParams.get("page_token")),
    ).toEqual([null, "g0"]);
    expect(server.seen.some((s) => s.url.includes("/scim/v2/Users?") && s.url.includes("startIndex=3"))).toBe(true);
  });

  test("through compare.ts: hand-made access is unmanaged, the planned group is missing, owners are administrative", async () => {
    const ctx = context({ env, source: "dbx-uc" });
    const state = await readUnityCatalogGrants(ucConfig(server.url), ctx, { source: "dbx-uc", now: new Date(NOW) });
    const report = compareWithPlan(plan, estate.inventory, estate.config, [state]);
    // compare.ts folds Databricks names to upper case, identities the inventory does not know included.
    const of = (s: AuditEntry["section"]) => report.entries.filter((e) => e.section === s).map(brief);
    expect(of("unmanaged")).toEqual([
      "group:account users `main` [USE CATALOG] direct users= unknown=",
      "user:ben@example.com `main`.`finance`.`ledger` [MODIFY,SELECT] direct users=ben unknown=",
      "group:bi_team `main` [SELECT,USE CATALOG] direct users=ann unknown=erin@example.com",
      "group:bi_team `main`.`finance` [USE SCHEMA] direct users=ann unknown=erin@example.com",
      "group:bi_team `main`.`finance`.`ledger` [SELECT] inherited users=ann unknown=erin@example.com",
      "group:bi_team `main`.`finance`.`raw` [SELECT] inherited users=ann unknown=erin@example.com",
      "group:bi_team `main`.`finance`.`we``ird.näme x` [SELECT] inherited users=ann unknown=erin@example.com",
      "user:dana@example.com `main`.`finance`.`we``ird.näme x` [SELECT] direct users= unknown=dana@example.com",
    ]);
    expect(report.entries.find((e) => e.section === "unmanaged" && e.object === "`main`.`finance`.`raw`")!.dataSource).toBe("raw");
    expect(of("missing")).toEqual([
      `group:${UC_GROUP} - [] membership users=ann unknown=`,
      `group:${UC_GROUP} \`main\` [USE CATALOG] direct users=ann unknown=`,
      `group:${UC_GROUP} \`main\`.\`finance\` [USE SCHEMA] direct users=ann unknown=`,
      `group:${UC_GROUP} \`main\`.\`finance\`.\`ledger\` [SELECT] direct users=ann unknown=`,
    ]);
    expect(of("drifted")).toEqual([]);
    expect(of("administrative")).toHaveLength(5);
    expect(report.summary).toMatchObject({ unmanaged: 8, missing: 4, users: 2 });
  });
});

describe("Databricks failures", () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await serve(grantsHandler({ ...UC, forbidden: ["/api/2.1/unity-catalog/permissions/table/main.finance.ledger"] }, TOKEN));
  });
  afterAll(() => server.close());

  test("a 403 fails the source by name, with the step, never with the token; the reader throws a SourceError", async () => {
    const ctx = context({ env, source: "dbx-uc" });
    const e = await readUnityCatalogGrants(ucConfig(server.url), ctx, { source: "dbx-uc" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SourceError);
    expect((e as SourceError).code).toBe("source-auth-refused");
    expect((e as SourceError).message).toContain("source `dbx-uc`: reading the grants of table main.finance.ledger failed");
    expect((e as SourceError).message).toContain("HTTP 403");
    expect(JSON.stringify({ ...(e as SourceError), message: (e as SourceError).message })).not.toContain(TOKEN);
  });

  test("run.ts reads the kind, reports the failure with the source's name, and still reads the others", async () => {
    const out = await readLiveGrants(
      [
        { name: "dbx-uc", kind: "databricks-unity-catalog", host: server.url, token: { env: "DBX_TOKEN" } },
        { name: "dbx-bad", kind: "databricks-spark", host: server.url, token: { env: "DBX_TOKEN" } },
      ],
      estate.config,
      env,
      new Date(NOW),
    );
    expect(out.states).toEqual([]);
    expect(out.failures.map((f) => [f.source, f.code])).toEqual([
      ["dbx-uc", "source-auth-refused"],
      ["dbx-bad", "source-invalid"],
    ]);
    expect(out.failures[1]!.message).toContain("warehouseId");
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });
});

const SHOW = (name: string) => `SHOW GRANTS ON TABLE \`hive_metastore\`.\`sales\`.\`${name}\``;
const G = ["Principal", "ActionType", "ObjectType", "ObjectKey"];
const SPARK: Fixture = {
  ws: {
    catalogs: [],
    schemas: [],
    tables: [],
    statements: {
      "SHOW TABLES IN hive_metastore.`sales`": {
        columns: ["database", "tableName", "isTemporary"],
        rows: [
          ["sales", "orders", "false"],
          ["sales", "orders_v", "false"],
          ["sales", "we`ird", "false"],
        ],
      },
      "SHOW VIEWS IN hive_metastore.`sales`": { columns: ["namespace", "viewName", "isTemporary"], rows: [["sales", "orders_v", "false"]] },
      [SHOW("orders")]: {
        columns: G,
        rows: [
          [SPARK_GROUP, "SELECT", "TABLE", "`hive_metastore`.`sales`.`orders`"],
          [SPARK_GROUP, "USAGE", "DATABASE", "`hive_metastore`.`sales`"],
          ["bi_team", "USAGE", "DATABASE", "`hive_metastore`.`sales`"],
          ["bi_team", "SELECT", "DATABASE", "`hive_metastore`.`sales`"],
          ["admins", "OWN", "TABLE", "`hive_metastore`.`sales`.`orders`"],
          ["erin@example.com", "DENIED_SELECT", "TABLE", "`hive_metastore`.`sales`.`orders`"],
          ["admins", "SELECT", "ANY_FILE", ""],
        ],
      },
      "SHOW GRANTS ON VIEW `hive_metastore`.`sales`.`orders_v`": {
        columns: G,
        rows: [["bi_team", "SELECT", "DATABASE", "`hive_metastore`.`sales`"]],
      },
      [SHOW("we``ird")]: { columns: G, rows: [["ben@example.com", "MODIFY", "TABLE", "`hive_metastore`.`sales`.`we``ird`"]] },
    },
  },
  grants: {},
  owners: {},
  scim: {
    ...SCIM,
    Groups: [
      ...SCIM.Groups,
      // As the workspace SCIM API lists them: an account group assigned to the workspace, and a
      // workspace-local group that happens to carry the Unity Catalog principal's name.
      { id: "g9", displayName: SPARK_GROUP, members: [{ value: "u1", $ref: "Users/u1" }], meta: { resourceType: "Group" } },
      { id: "w7", displayName: UC_GROUP, members: [], meta: { resourceType: "WorkspaceGroup" } },
    ],
  },
};

describe("Databricks Spark audit (SHOW GRANTS on hive_metastore tables)", () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await serve(grantsHandler(SPARK, TOKEN));
  });
  afterAll(() => server.close());

  test("run.ts reads a databricks-spark source into one live state", async () => {
    const out = await readLiveGrants(
      [
        {
          name: "dbx-spark",
          kind: "databricks-spark",
          host: server.url,
          token: { env: "DBX_TOKEN" },
          warehouseId: "wh1",
          databases: ["sales"],
        },
      ],
      estate.config,
      env,
      new Date(NOW),
    );
    expect(out.failures).toEqual([]);
    expect(out.states.map((st) => [st.platform, st.source, st.grants.length, st.readAt])).toEqual([
      ["databricks-spark", "dbx-spark", 8, NOW.replace("Z", ".000Z")],
    ]);
  });

  test("direct, inherited from the database, ownership, ANY FILE as admin, denies left out; the planned group matches", async () => {
    const ctx = context({ env, source: "dbx-spark" });
    const config = SparkConfig.parse({ host: server.url, token: { env: "DBX_TOKEN" }, warehouseId: "wh1", databases: ["sales"] });
    const state = await readSparkGrants(config, ctx, { source: "dbx-spark", now: new Date(NOW) });
    expect(state.grants.map((g) => `${g.grantee.kind}:${g.grantee.name} ${g.object} [${g.privileges.join(",")}] ${g.kind}`).sort()).toEqual(
      [
        `group:${SPARK_GROUP} \`hive_metastore\`.\`sales\` [USAGE] direct`,
        `group:${SPARK_GROUP} \`hive_metastore\`.\`sales\`.\`orders\` [SELECT] direct`,
        "group:admins ANY FILE [SELECT] admin",
        "group:admins `hive_metastore`.`sales`.`orders` [OWNERSHIP] ownership",
        "group:bi_team `hive_metastore`.`sales` [SELECT,USAGE] direct",
        "group:bi_team `hive_metastore`.`sales`.`orders` [SELECT] inherited",
        "group:bi_team `hive_metastore`.`sales`.`orders_v` [SELECT] inherited",
        "user:ben@example.com `hive_metastore`.`sales`.`we``ird` [MODIFY] direct",
      ].sort(),
    );
    expect(state.notes).toContain("1 DENY row left out: a deny grants nothing");
    const report = compareWithPlan(plan, estate.inventory, estate.config, [state]);
    expect(report.entries.filter((e) => e.section === "missing" || e.section === "drifted")).toEqual([]);
    expect(report.entries.filter((e) => e.section === "unmanaged").map(brief)).toEqual([
      "user:ben@example.com `hive_metastore`.`sales`.`we``ird` [MODIFY] direct users=ben unknown=",
      "group:bi_team `hive_metastore`.`sales` [SELECT,USAGE] direct users=ann unknown=erin@example.com",
      "group:bi_team `hive_metastore`.`sales`.`orders_v` [SELECT] inherited users=ann unknown=erin@example.com",
      "group:bi_team `hive_metastore`.`sales`.`orders` [SELECT] inherited users=ann unknown=erin@example.com",
    ]);
  });

  test("adopt imports the planned account group by the SCIM id the reader listed, never a workspace-local group of the same name", async () => {
    const ctx = context({ env, source: "dbx-spark" });
    const config = SparkConfig.parse({ host: server.url, token: { env: "DBX_TOKEN" }, warehouseId: "wh1", databases: ["sales"] });
    const state = await readSparkGrants(config, ctx, { source: "dbx-spark", now: new Date(NOW) });
    expect(state.principals!.filter((g) => g.id === "g9" || g.id === "w7")).toEqual([
      { kind: "group", name: SPARK_GROUP, id: "g9", level: "account" },
      { kind: "group", name: UC_GROUP, id: "w7", level: "workspace" },
    ]);
    const report = compareWithPlan(plan, estate.inventory, estate.config, [state]);
    const policy = plan.principals.find((p) => p.name === SPARK_GROUP)!.policy;
    expect(adopt(report, plan, [state]).imports.resources.filter((e) => !e.component)).toEqual([
      { type: "databricks:index/group:Group", name: `estate/databricks/${SPARK_GROUP}/group`, id: "g9", parent: `estate/${policy}` },
    ]);
  });
});
