/**
 * Every (platform, object type, access type) cell of SPEC.md, with the default configuration:
 * exact privilege lists, exact note codes and, where a platform adds them, exact extras.
 */
import { OBJECT_TYPES, type AccessType, type Platform } from "../../provider/model/schema";
import { ALL_OBJECTS, bound, config, source, SPEC_S3_READ_ACTIONS, SPEC_S3_READWRITE_ACTIONS } from "./support";

type Cell = [
  platform: Platform,
  objectType: string,
  access: AccessType,
  privileges: string[],
  notes: string[],
  extras: Record<string, unknown>,
];

const SF_WRITE = ["DELETE", "INSERT", "SELECT", "TRUNCATE", "UPDATE"];
const TRINO_TABLE_WRITE = ["DELETE", "INSERT", "MERGE", "SELECT", "SHOW", "TRUNCATE", "UPDATE"];
/** Trino's extras: the operations and the native privileges SQL mode (the default) grants for them. */
const trinoExtras = (operations: string[], nativePrivileges: string[]) => ({ operations, nativePrivileges });
const RO_OBJECT = "write-on-read-only-object";
const RO_PLATFORM = "write-on-read-only-platform";
const READ_ACTIONS = { accessLevel: "READ", actions: SPEC_S3_READ_ACTIONS };
const READWRITE_ACTIONS = { accessLevel: "READWRITE", actions: SPEC_S3_READWRITE_ACTIONS };

/** SPEC.md, transcribed cell by cell (not derived from the adapters' own tables). */
const CELLS: Cell[] = [
  ["snowflake", "BASE TABLE", "read", ["SELECT"], [], {}],
  ["snowflake", "BASE TABLE", "write", SF_WRITE, [], {}],
  ["snowflake", "VIEW", "read", ["SELECT"], [], {}],
  ["snowflake", "VIEW", "write", ["SELECT"], [RO_OBJECT], {}],
  ["snowflake", "MATERIALIZED VIEW", "read", ["SELECT"], [], {}],
  ["snowflake", "MATERIALIZED VIEW", "write", ["SELECT"], [RO_OBJECT], {}],
  ["snowflake", "EXTERNAL TABLE", "read", ["SELECT"], [], {}],
  ["snowflake", "EXTERNAL TABLE", "write", ["SELECT"], [RO_OBJECT], {}],
  ["snowflake", "EVENT TABLE", "read", ["SELECT"], [], {}],
  ["snowflake", "EVENT TABLE", "write", ["SELECT"], [RO_OBJECT], {}],
  ["snowflake", "ICEBERG TABLE", "read", ["SELECT"], [], {}],
  ["snowflake", "ICEBERG TABLE", "write", ["SELECT"], [RO_OBJECT], {}],
  ["snowflake", "DYNAMIC TABLE", "read", ["SELECT"], [], {}],
  ["snowflake", "DYNAMIC TABLE", "write", ["SELECT"], [RO_OBJECT], {}],

  ["databricks-unity-catalog", "MANAGED", "read", ["SELECT"], [], {}],
  ["databricks-unity-catalog", "MANAGED", "write", ["MODIFY", "SELECT"], [], {}],
  ["databricks-unity-catalog", "VIEW", "read", ["SELECT"], [], {}],
  ["databricks-unity-catalog", "VIEW", "write", [], ["write-not-issued"], {}],
  ["databricks-unity-catalog", "MATERIALIZED_VIEW", "read", ["SELECT"], [], {}],
  ["databricks-unity-catalog", "MATERIALIZED_VIEW", "write", [], ["write-not-issued"], {}],
  ["databricks-unity-catalog", "STREAMING_TABLE", "read", ["SELECT"], [], {}],
  ["databricks-unity-catalog", "STREAMING_TABLE", "write", [], ["write-not-issued"], {}],
  ["databricks-unity-catalog", "EXTERNAL", "read", ["SELECT"], [], {}],
  ["databricks-unity-catalog", "EXTERNAL", "write", ["MODIFY", "SELECT"], [], {}],
  ["databricks-unity-catalog", "FOREIGN", "read", ["SELECT"], [], {}],
  ["databricks-unity-catalog", "FOREIGN", "write", [], ["write-not-issued"], {}],

  ["databricks-spark", "TABLE", "read", ["SELECT"], [], {}],
  ["databricks-spark", "TABLE", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["databricks-spark", "VIEW", "read", ["SELECT"], [], {}],
  ["databricks-spark", "VIEW", "write", ["SELECT"], [RO_PLATFORM], {}],

  ["trino", "BASE TABLE", "read", ["SELECT", "SHOW"], [], trinoExtras(["READ"], ["SELECT"])],
  ["trino", "BASE TABLE", "write", TRINO_TABLE_WRITE, [], trinoExtras(["READ", "WRITE"], ["DELETE", "INSERT", "SELECT", "UPDATE"])],
  ["trino", "VIEW", "read", ["SELECT", "SHOW"], [], trinoExtras(["READ"], ["SELECT"])],
  ["trino", "VIEW", "write", ["SELECT", "SHOW"], [RO_OBJECT], trinoExtras(["READ"], ["SELECT"])],
  ["trino", "MATERIALIZED VIEW", "read", ["SELECT", "SHOW"], [], trinoExtras(["READ"], ["SELECT"])],
  ["trino", "MATERIALIZED VIEW", "write", ["REFRESH", "SELECT", "SHOW"], [], trinoExtras(["READ", "WRITE"], ["SELECT", "UPDATE"])],

  ["redshift", "BASE TABLE", "read", ["SELECT"], [], {}],
  ["redshift", "BASE TABLE", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["redshift", "VIEW", "read", ["SELECT"], [], {}],
  ["redshift", "VIEW", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["redshift", "EXTERNAL TABLE", "read", ["SELECT"], [], {}],
  ["redshift", "EXTERNAL TABLE", "write", ["SELECT"], [RO_PLATFORM], {}],

  ["synapse", "BASE TABLE", "read", ["SELECT"], [], {}],
  ["synapse", "BASE TABLE", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["synapse", "VIEW", "read", ["SELECT"], [], {}],
  ["synapse", "VIEW", "write", ["SELECT"], [RO_PLATFORM], {}],

  ["bigquery", "BASE TABLE", "read", ["SELECT"], [], {}],
  ["bigquery", "BASE TABLE", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["bigquery", "VIEW", "read", ["SELECT"], [], {}],
  ["bigquery", "VIEW", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["bigquery", "MATERIALIZED VIEW", "read", ["SELECT"], [], {}],
  ["bigquery", "MATERIALIZED VIEW", "write", ["SELECT"], [RO_PLATFORM], {}],
  ["bigquery", "EXTERNAL", "read", ["SELECT"], [], {}],
  ["bigquery", "EXTERNAL", "write", ["SELECT"], [RO_PLATFORM], {}],

  ["s3", "BUCKET", "read", ["READ"], [], READ_ACTIONS],
  ["s3", "BUCKET", "write", ["READWRITE"], [], READWRITE_ACTIONS],
  ["s3", "PREFIX", "read", ["READ"], [], READ_ACTIONS],
  ["s3", "PREFIX", "write", ["READWRITE"], [], READWRITE_ACTIONS],
  ["s3", "OBJECT", "read", ["READ"], [], READ_ACTIONS],
  ["s3", "OBJECT", "write", ["READWRITE"], [], READWRITE_ACTIONS],
];

describe("privilege tables", () => {
  it("lists every (platform, object type, access type) exactly once", () => {
    const listed = CELLS.map(([p, t, a]) => `${p}|${t}|${a}`).sort();
    const expected = ALL_OBJECTS.flatMap(([p, t]) => [`${p}|${t}|read`, `${p}|${t}|write`]).sort();
    expect(listed).toEqual(expected);
  });

  it.each(CELLS)("%s %s %s -> %j, notes %j", (platform, objectType, access, privileges, notes, extras) => {
    // SPEC's BigQuery row holds where an authorized view can serve the table: a BigLake one.
    const b = bound(source(platform, objectType, platform === "bigquery" && objectType === "EXTERNAL" ? { bigLake: true } : {}));
    const got = b.privileges(access);
    expect(got.privileges).toEqual(privileges);
    expect(got.notes.map((n) => n.code)).toEqual(notes);
    expect(b.extras(got.privileges)).toEqual(extras);
  });
});

describe("bigquery external tables", () => {
  it("a Cloud Storage external table that is not BigLake grants nothing, for read and write, and says what to do", () => {
    for (const access of ["read", "write"] as const) {
      const got = bound(source("bigquery", "EXTERNAL", { id: "bq.lake.events" })).privileges(access);
      expect(got).toEqual({
        privileges: [],
        notes: [
          {
            code: "bigquery-external-table-not-biglake",
            message:
              "`bq.lake.events` is an external table over Cloud Storage that is not a BigLake table: an authorized view does not delegate storage access, so nothing is granted on it",
            help:
              "upgrade the table to a BigLake table (a Cloud resource connection reads the files) and set `bigLake: true` on the data source; " +
              "granting readers `roles/storage.objectViewer` (storage.objects.get) on the bucket instead would open every object of it to them, outside any policy",
          },
        ],
      });
    }
    // The memo key tells the two apart, so a plan never reuses one's privileges for the other.
    expect(bound(source("bigquery", "EXTERNAL")).tableKey()).not.toBe(bound(source("bigquery", "EXTERNAL", { bigLake: true })).tableKey());
  });
});

describe("incoming shares", () => {
  it.each([
    ["snowflake", "snowflake-incoming-share"],
    ["databricks-unity-catalog", "databricks-incoming-share"],
  ] as const)("%s: every object type yields nothing, with %s", (platform, code) => {
    for (const objectType of OBJECT_TYPES[platform]) {
      for (const access of ["read", "write"] as const) {
        const got = bound(source(platform, objectType, { incomingShare: true })).privileges(access);
        expect([objectType, access, got.privileges, got.notes.map((n) => n.code)]).toEqual([objectType, access, [], [code]]);
      }
    }
  });

  it("databricks: names the shared catalog and the access type", () => {
    const ds = source("databricks-unity-catalog", "MANAGED", { id: "uc.partner.weather", incomingShare: true });
    expect(bound(ds).privileges("read").notes).toEqual([
      {
        code: "databricks-incoming-share",
        message: "`uc.partner.weather` comes from an incoming Delta share and cannot carry grants, so read grants nothing on it",
        help: "shared data is consumed through the catalog created from the share (`main`): grant on that catalog outside accessplane, or remove the data source from the policy",
      },
    ]);
  });
});

describe("note messages", () => {
  it("unity catalog: a write policy issues nothing on a read-only object, a read policy still grants SELECT", () => {
    expect(bound(source("databricks-unity-catalog", "STREAMING_TABLE", { id: "uc.events" })).privileges("write").notes).toEqual([
      {
        code: "write-not-issued",
        message: "`uc.events` is a `STREAMING_TABLE` object, on which a write policy issues nothing (a read policy still grants SELECT)",
        help: "add the data source to a read policy for SELECT; only MANAGED and EXTERNAL tables take MODIFY",
      },
    ]);
  });

  it("databricks spark: write yields SELECT, controlled through scratch paths and workspaces", () => {
    expect(bound(source("databricks-spark", "TABLE", { id: "spark.clicks" })).privileges("write").notes).toEqual([
      {
        code: "write-on-read-only-platform",
        message: "`spark.clicks` is on Databricks Spark, where subscription policies grant read access only: write yields SELECT",
        help: "write access on Databricks Spark is controlled through scratch paths and workspaces: use a read policy",
      },
    ]);
  });

  it.each([
    ["redshift", "Redshift"],
    ["synapse", "Azure Synapse Analytics"],
    ["bigquery", "Google BigQuery"],
  ] as const)("%s: write yields SELECT on the managed view", (platform, title) => {
    expect(bound(source(platform, "VIEW", { id: "ds" })).privileges("write").notes).toEqual([
      {
        code: "write-on-read-only-platform",
        message: `\`ds\` is on ${title}, where subscription policies grant read access only: write yields SELECT on the managed view`,
        help: `view-based integrations are read-only: use a read policy; write access to the source table on ${title} is managed outside subscription policies`,
      },
    ]);
  });

  it("trino: WRITE grants nothing on a view", () => {
    expect(bound(source("trino", "VIEW", { id: "trino.v" })).privileges("write").notes).toEqual([
      {
        code: "write-on-read-only-object",
        message: "`trino.v` is a view, a read-only object: the WRITE operation grants nothing on it",
        help: "use a read policy for views, or point the write policy at tables and materialized views",
      },
    ]);
  });
});

describe("targets", () => {
  const cases: [Platform, string, Record<string, unknown>, { kind: string; object: string; parents: unknown[] }][] = [
    [
      "databricks-unity-catalog",
      "MANAGED",
      {},
      {
        kind: "TABLE",
        object: "`main`.`sales`.`orders`",
        parents: [
          { kind: "CATALOG", object: "`main`", privileges: ["USE CATALOG"] },
          { kind: "SCHEMA", object: "`main`.`sales`", privileges: ["USE SCHEMA"] },
        ],
      },
    ],
    [
      "databricks-unity-catalog",
      "MATERIALIZED_VIEW",
      { location: { catalog: "we`ird", schema: "s", table: "t" } },
      {
        kind: "MATERIALIZED VIEW",
        object: "`we``ird`.`s`.`t`",
        parents: [
          { kind: "CATALOG", object: "`we``ird`", privileges: ["USE CATALOG"] },
          { kind: "SCHEMA", object: "`we``ird`.`s`", privileges: ["USE SCHEMA"] },
        ],
      },
    ],
    [
      "databricks-spark",
      "VIEW",
      {},
      {
        kind: "VIEW",
        object: "`hive_metastore`.`web`.`clicks`",
        parents: [{ kind: "DATABASE", object: "`hive_metastore`.`web`", privileges: ["USAGE"] }],
      },
    ],
    ["trino", "MATERIALIZED VIEW", {}, { kind: "MATERIALIZED VIEW", object: '"lake"."sales"."orders"', parents: [] }],
    [
      "trino",
      "BASE TABLE",
      { location: { catalog: "l", schema: 's"q', table: "t" } },
      { kind: "TABLE", object: '"l"."s""q"."t"', parents: [] },
    ],
    ["redshift", "EXTERNAL TABLE", {}, { kind: "VIEW", object: '"dw"."accessplane"."billing$_invoices"', parents: [] }],
    [
      "synapse",
      "BASE TABLE",
      { location: { database: "hr", schema: "a]b", table: "t" } },
      { kind: "VIEW", object: "[hr].[accessplane].[a]]b$_t]", parents: [] },
    ],
    ["bigquery", "EXTERNAL", {}, { kind: "VIEW", object: "`acme.web_accessplane.sessions`", parents: [] }],
    ["s3", "BUCKET", {}, { kind: "BUCKET", object: "s3://acme-landing", parents: [] }],
    ["s3", "PREFIX", {}, { kind: "PREFIX", object: "s3://acme-landing/sales/", parents: [] }],
    ["s3", "OBJECT", {}, { kind: "OBJECT", object: "s3://acme-landing/sales/2026/01.csv", parents: [] }],
  ];
  it.each(cases)("%s %s %j", (platform, objectType, extra, expected) => {
    expect(bound(source(platform, objectType, extra)).target()).toEqual(expected);
  });

  it("view-based platforms follow the configured managed schema and dataset suffix", () => {
    const c = { viewBased: { managedSchema: "secure", bigqueryDatasetSuffix: "_gov" } };
    expect(bound(source("redshift", "VIEW")).target(config(c)).object).toBe('"dw"."secure"."billing$_invoices"');
    expect(bound(source("synapse", "VIEW")).target(config(c)).object).toBe("[hr].[secure].[dbo$_salaries]");
    expect(bound(source("bigquery", "VIEW")).target(config(c)).object).toBe("`acme.web_gov.sessions`");
  });
});
