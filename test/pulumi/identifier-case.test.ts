/**
 * Mixed-case names on every platform: the plan shows, and the resources carry, the names as each
 * platform stores them (folded unquoted names, quoted names exact), and the Snowflake warehouse option.
 */
import * as path from "node:path";
import { buildPlan } from "../../provider/plan/build";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { expectGolden } from "../support/golden";
import { impliedAccess } from "../support/implied";
import { mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";

const USERS = `
users:
  - id: ann
    groups: [g]
    identities: { snowflake: ann, databricks: Ann@X.io, trino: Ann, redshift: Ann, synapse: Ann@X.io, bigquery: "user:Ann@X.io", identityCenter: Idc-Ann }
  - id: ben
    groups: [g]
    identities: { snowflake: '"Ben"', databricks: ben@x.io, trino: ben, redshift: "IAMR:Analyst", synapse: ben@x.io, bigquery: "user:ben@x.io", identityCenter: idc-ben }
groups: [ { id: g } ]
`;

// Per platform: an unquoted mixed-case part, a part that is no unquoted identifier or a quoted one.
const SOURCES = `
dataSources:
  - { id: sf, platform: snowflake, objectType: BASE TABLE, location: { database: Sales, schema: raw-data, table: '"Orders"' }, tags: [t] }
  - { id: uc, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: Main, schema: '"Sales"', table: Orders }, tags: [t] }
  - { id: spark, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: Web, table: Orders }, tags: [t] }
  - { id: trino, platform: trino, objectType: BASE TABLE, location: { catalog: Lake, schema: '"Sales"', table: Orders }, tags: [t] }
  - { id: rs, platform: redshift, objectType: BASE TABLE, location: { database: DW, schema: '"Sales"', table: Orders }, tags: [t] }
  - { id: syn, platform: synapse, objectType: BASE TABLE, location: { database: Sales, schema: dbo, table: '"Orders"' }, tags: [t] }
  - { id: bq, platform: bigquery, objectType: BASE TABLE, location: { project: acme, dataset: Web, table: '"Orders"', location: EU }, tags: [t] }
  - { id: s3, platform: s3, objectType: PREFIX, location: { bucket: acme-landing, prefix: Raw/Sales/ }, tags: [t] }
`;

/** The S3 Access Grants instance every estate with S3 sources names. */
const S3_CONFIG = 's3:\n  accountId: "123456789012"\n  identityStoreId: d-1234567890\n';

const estate = (config = S3_CONFIG) =>
  mustLoad({
    policies: { "p.yaml": "name: p\naccess: read\nsubscribers: { when: { group: g } }\ndataSources: { tags: { anyOf: [t] } }\n" },
    inventory: { "users.yaml": USERS, "ds.yaml": SOURCES },
    config,
  });

const custom = (rs: CapturedResource[]) => rs.filter((r) => !r.type.startsWith("accessplane:"));
const inputsOf = (rs: CapturedResource[], type: string) =>
  custom(rs)
    .filter((r) => r.type === type)
    .map((r) => r.inputs);

describe("mixed-case names on every platform", () => {
  const e = estate();
  const plan = buildPlan(e, NOW);
  let rs: CapturedResource[];
  beforeAll(async () => {
    rs = await captureResources(e, NOW);
  });

  test("the plan shows each target, parent and member identity as the platform stores it", () => {
    expect(
      plan.principals.map((p) => ({
        platform: p.platform,
        objects: p.grants.map((g) => g.object),
        parents: p.grants.flatMap((g) => g.parents.map((x) => x.object)),
        members: p.members.map((m) => m.identity),
      })),
    ).toEqual([
      { platform: "bigquery", objects: ["`acme.Web_accessplane.Orders`"], parents: [], members: ["user:Ann@X.io", "user:ben@x.io"] },
      {
        platform: "databricks-spark",
        objects: ["`hive_metastore`.`web`.`orders`"],
        parents: ["`hive_metastore`.`web`"],
        members: ["Ann@X.io", "ben@x.io"],
      },
      {
        platform: "databricks-unity-catalog",
        objects: ["`main`.`sales`.`orders`"],
        parents: ["`main`", "`main`.`sales`"],
        members: ["Ann@X.io", "ben@x.io"],
      },
      { platform: "redshift", objects: ['"dw"."accessplane"."Sales$_orders"'], parents: [], members: ["ann", "IAMR:Analyst"] },
      { platform: "s3", objects: ["s3://acme-landing/Raw/Sales/"], parents: [], members: ["Idc-Ann", "idc-ben"] },
      {
        platform: "snowflake",
        objects: ['"SALES"."raw-data"."Orders"'],
        parents: ['"SALES"', '"SALES"."raw-data"'],
        members: ["ANN", "Ben"],
      },
      { platform: "synapse", objects: ["[Sales].[accessplane].[dbo$_Orders]"], parents: [], members: ["Ann@X.io", "ben@x.io"] },
      { platform: "trino", objects: ['"lake"."sales"."orders"'], parents: [], members: ["Ann", "ben"] },
    ]);
    // The access entries name the same objects.
    expect([...new Set(plan.access.map((a) => `${a.dataSource} ${a.object}`))].sort()).toEqual([
      "bq `acme.Web_accessplane.Orders`",
      'rs "dw"."accessplane"."Sales$_orders"',
      "s3 s3://acme-landing/Raw/Sales/",
      'sf "SALES"."raw-data"."Orders"',
      "spark `hive_metastore`.`web`.`orders`",
      "syn [Sales].[accessplane].[dbo$_Orders]",
      'trino "lake"."sales"."orders"',
      "uc `main`.`sales`.`orders`",
    ]);
  });

  test("Snowflake resources carry stored names, fully qualified and quoted", () => {
    const grants = inputsOf(rs, "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole");
    expect(grants.map((g) => g.onSchemaObject ?? g.onAccountObject ?? g.onSchema)).toEqual([
      { objectName: '"SALES"."raw-data"."Orders"', objectType: "TABLE" },
      { objectName: '"SALES"', objectType: "DATABASE" },
      { schemaName: '"SALES"."raw-data"' },
    ]);
    // GrantAccountRole takes the stored user name: `ann` was created unquoted, `"Ben"` quoted.
    expect(inputsOf(rs, "snowflake:index/grantAccountRole:GrantAccountRole")).toEqual([
      { roleName: "AP_P", userName: "ANN" },
      { roleName: "AP_P", userName: "Ben" },
    ]);
  });

  test("Databricks resources name lower-case securables", () => {
    expect(inputsOf(rs, "databricks:index/grant:Grant").map((g) => g.table ?? g.schema ?? g.catalog)).toEqual([
      "main.sales.orders",
      "main",
      "main.sales",
    ]);
    expect(
      inputsOf(rs, "pulumi-nodejs:dynamic/accessplane:SparkTableGrants").map((g) =>
        (g.grants as { catalog: string; schema: string; table: string | null }[]).map((x) => [x.catalog, x.schema, x.table]),
      ),
    ).toEqual([
      [
        ["hive_metastore", "web", null],
        ["hive_metastore", "web", "orders"],
      ],
    ]);
  });

  test("Trino, Redshift and Synapse resources carry the folded source names and member identities", () => {
    expect(inputsOf(rs, "pulumi-nodejs:dynamic/accessplane:TrinoRoleGrants").map((g) => [g.grants, g.members])).toEqual([
      [[{ catalog: "lake", schema: "sales", table: "orders", privileges: ["SELECT"] }], ["Ann", "ben"]],
    ]);
    expect(inputsOf(rs, "pulumi-nodejs:dynamic/accessplane:ManagedView").map((v) => [v.source, v.viewName])).toEqual([
      [{ database: "dw", schema: "Sales", table: "orders" }, "Sales$_orders"],
      [{ database: "Sales", schema: "dbo", table: "Orders" }, "dbo$_Orders"],
    ]);
    expect(inputsOf(rs, "pulumi-nodejs:dynamic/accessplane:PolicyEntitlements").map((v) => [v.dialect, v.members])).toEqual([
      ["redshift", ["IAMR:Analyst", "ann"]],
      ["synapse", ["Ann@X.io", "ben@x.io"]],
    ]);
  });

  test("BigQuery and S3 resources keep the exact case", () => {
    expect(inputsOf(rs, "gcp:bigquery/table:Table").map((t) => [t.datasetId, t.tableId, (t.view as { query: string }).query])).toEqual([
      ["Web_accessplane", "Orders", "SELECT * FROM `acme.Web.Orders`"],
    ]);
    expect(
      inputsOf(rs, "aws:s3control/accessGrant:AccessGrant").map(
        (g) => (g.accessGrantsLocationConfiguration as { s3SubPrefix: string }).s3SubPrefix,
      ),
    ).toEqual(["acme-landing/Raw/Sales/*"]);
  });

  test("the access implied by the resources equals the plan's", () => {
    // Trino resources speak native privileges, which for a read policy on a table are SELECT.
    const expected = new Map(
      plan.access.map((a) => [`${a.user}\u0000${a.dataSource}`, a.platform === "trino" ? ["SELECT"] : a.privileges]),
    );
    expect(impliedAccess(rs, e)).toEqual(expected);
  });
});

describe("snowflake.warehouse", () => {
  const two = `dataSources:
  - { id: a, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: A }, tags: [t] }
  - { id: b, platform: snowflake, objectType: VIEW, location: { database: D, schema: S, table: B }, tags: [t] }
`;
  const sfEstate = (config?: string) =>
    mustLoad({
      policies: {
        "p.yaml": "name: p\naccess: read\nsubscribers: { when: { group: g } }\ndataSources: { tags: { anyOf: [t] } }\n",
        "q.yaml": "name: q\naccess: write\nsubscribers: { users: [ann] }\ndataSources: { names: [a] }\n",
      },
      inventory: { "users.yaml": USERS, "ds.yaml": two },
      ...(config !== undefined ? { config } : {}),
    });

  test("adds one USAGE grant on the warehouse per policy role (golden)", async () => {
    const rs = custom(await captureResources(sfEstate("snowflake:\n  warehouse: analytics_wh\n"), NOW));
    expectGolden(path.join(__dirname, "golden", "snowflake-warehouse.json"), JSON.stringify(rs, null, 2) + "\n");
    const wh = rs.filter((r) => (r.inputs.onAccountObject as { objectType?: string } | undefined)?.objectType === "WAREHOUSE");
    expect(wh.map((r) => [r.name, r.inputs])).toEqual([
      [
        "estate/snowflake:p/usage/warehouse/ANALYTICS_WH",
        { accountRoleName: "AP_P", onAccountObject: { objectName: '"ANALYTICS_WH"', objectType: "WAREHOUSE" }, privileges: ["USAGE"] },
      ],
      [
        "estate/snowflake:q/usage/warehouse/ANALYTICS_WH",
        { accountRoleName: "AP_Q", onAccountObject: { objectName: '"ANALYTICS_WH"', objectType: "WAREHOUSE" }, privileges: ["USAGE"] },
      ],
    ]);
  });

  test("the plan shows the warehouse as a parent of every Snowflake entry; without the option nothing changes", async () => {
    const plan = buildPlan(sfEstate("snowflake:\n  warehouse: '\"Compute WH\"'\n"), NOW);
    expect([...new Set(plan.access.flatMap((a) => a.parents.map((p) => `${p.object} ${p.privileges.join(",")}`)))]).toEqual([
      '"D" USAGE',
      '"D"."S" USAGE',
      '"Compute WH" USAGE',
    ]);
    const without = custom(await captureResources(sfEstate(), NOW));
    const withWh = custom(await captureResources(sfEstate("snowflake:\n  warehouse: analytics_wh\n"), NOW));
    expect(withWh.filter((r) => !without.some((w) => w.name === r.name)).map((r) => r.name)).toEqual([
      "estate/snowflake:p/usage/warehouse/ANALYTICS_WH",
      "estate/snowflake:q/usage/warehouse/ANALYTICS_WH",
    ]);
    expect(without.every((r) => withWh.some((w) => w.name === r.name && JSON.stringify(w.inputs) === JSON.stringify(r.inputs)))).toBe(true);
  });
});
