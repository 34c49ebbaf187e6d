/**
 * Generates `docs/platforms/<platform>.md` (and their index) from the adapters' tables and from
 * example estates planned with `buildPlan`, so the docs say what the code does. The test
 * `test/platforms/docs.test.ts` regenerates them and compares, so they cannot drift.
 *
 * Run `npm run docs:platforms` to rewrite them, or `npm run docs:platforms -- --check` to compare only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseEstate } from "../provider/model/load";
import { formatIssue } from "../provider/model/issues";
import { Config, DataSource, OBJECT_TYPES, PLATFORMS, type AccessType, type Platform, type TrinoOperation } from "../provider/model/schema";
import { buildPlan } from "../provider/plan/build";
import { planText } from "../provider/plan/render/plan";
import { ADAPTERS } from "../provider/platforms";
import { S3_ACTIONS } from "../provider/platforms/s3";
import { s3Grant, s3Locations } from "../provider/model/s3-locations";
import { trinoOperations } from "../provider/platforms/trino";
import { TRINO_OPERATION_PRIVILEGES, TRINO_UNREGISTERED_PRIVILEGES, trinoUnregisteredRules } from "../provider/platforms/sql/trino";
import { renderTrinoRules, trinoRulesDocument } from "../provider/platforms/sql/trino-rules";
import type { CaseRule, Enforcement, PlatformAdapter } from "../provider/platforms/types";

/** The instant every example is planned at, so the docs do not change with the clock. */
export const DOCS_NOW = "2026-11-23T00:00:00Z";

/** Where the generated pages live, relative to the repository root. */
export const DOCS_DIR = "docs/platforms";

/** One example estate: the files a user would write, planned as they stand. */
interface Example {
  title: string;
  /** `accessplane.yaml`, when the example needs more than the defaults. */
  config?: string;
  /** The data sources of `inventory.yaml`: id, object type, location and any further fields. */
  sources: [id: string, objectType: string, location: Record<string, string>, extra?: Record<string, unknown>][];
  /** The identities line of each user, e.g. `trino: alice`. */
  identity: (user: string) => string;
}

/** The prose of one platform's page; tables and plans are generated. */
interface PlatformPage {
  intro: string;
  /** What a write policy does there (the audit and create/drop caveats are added to every page). */
  write: string;
  /** The location of the privilege table's sample data sources; the first example's first one by default. */
  sample?: Record<string, string>;
  /** Extra generated sections, after the privilege table. */
  sections?: () => string[];
  examples: Example[];
}

const POLICIES = `policies:
  - name: analysts-read
    description: Analysts read sales data.
    access: read
    subscribers:
      when: { group: analysts }
    dataSources:
      tags: { anyOf: [sales] }
  - name: engineers-write
    description: Data engineers modify existing sales data.
    access: write
    subscribers:
      when: { group: engineers }
    dataSources:
      tags: { anyOf: [sales] }
`;

/** A flow mapping in YAML, e.g. `{ catalog: main, schema: sales }`. */
const flow = (o: Record<string, unknown>) =>
  `{ ${Object.entries(o)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(", ")} }`;

/** The inventory of an example: two people (a reader and a writer) and the example's data sources. */
function inventoryOf(p: Platform, ex: Example): string {
  const sources = ex.sources.map(([id, objectType, location, extra = {}]) =>
    [
      `  - id: ${id}`,
      `    platform: ${p}`,
      `    objectType: ${objectType}`,
      `    location: ${flow(location)}`,
      ...Object.entries(extra).map(([k, v]) => `    ${k}: ${String(v)}`),
      "    tags: [sales]",
    ].join("\n"),
  );
  return `users:
  - id: alice
    groups: [analysts]
    identities: { ${ex.identity("alice")} }
  - id: bob
    groups: [engineers]
    identities: { ${ex.identity("bob")} }
groups:
  - { id: analysts }
  - { id: engineers }
dataSources:
${sources.join("\n")}
`;
}

const email = (key: string) => (u: string) => `${key}: ${u}@example.com`;
const plainId = (key: string) => (u: string) => `${key}: ${u}`;

const viewBasedWrite = (view: string) =>
  `View-based integrations are read-only: a write policy yields SELECT on the ${view} view, with the warning \`write-on-read-only-platform\`.`;

/** The S3 prerequisites every estate with S3 data sources states: the instance's account and the identity store. */
const S3_CONFIG = `s3:
  identityStoreId: d-9067a1b2c3
  accountId: "406321587214"
`;

/** S3 with a registered bucket location beside the default one. */
const S3_LOCATIONS_CONFIG = `${S3_CONFIG}  locations:
    - { id: default, scope: "s3://" }
    - { id: 2f0c8e7a-4b1d-4c39-9a6e-51d3b7e0c4a2, scope: "s3://northwind-landing/" }
`;

const OWN_CONFIG = `trino:
  accessGrantMapping:
    READ: [READ]
    WRITE: [READ, WRITE, OWN]
  cluster:
    allowedDataSourceOperations: [READ, WRITE, OWN]
`;

const PAGES: Record<Platform, PlatformPage> = {
  snowflake: {
    intro:
      "Role-based grants: one account role per policy cohort, one object grant per data source, and USAGE on the schema and the database as parents. Objects from an incoming data share cannot carry object grants: a share is consumed with IMPORTED PRIVILEGES on the whole database, so the plan grants nothing there and says so (`snowflake-incoming-share`).",
    write:
      "Write grants INSERT, UPDATE, DELETE and TRUNCATE on base tables. Every other object type is read-only: a write policy yields SELECT there, with the warning `write-on-read-only-object`.",
    examples: [
      {
        title: "A table, a view and a shared table",
        identity: (u) => `snowflake: ${u.toUpperCase()}`,
        sources: [
          ["sf.sales.orders", "BASE TABLE", { database: "SALES", schema: "PUBLIC", table: "ORDERS" }],
          ["sf.sales.orders_summary", "VIEW", { database: "SALES", schema: "PUBLIC", table: "ORDERS_SUMMARY" }],
          ["sf.partner.prices", "BASE TABLE", { database: "PRICES_SHARE", schema: "PUBLIC", table: "DAILY" }, { incomingShare: true }],
        ],
      },
      {
        title: "Names written unquoted and quoted, and a warehouse",
        config: "snowflake:\n  warehouse: analytics_wh\n",
        identity: (u) => (u === "alice" ? "snowflake: alice" : `snowflake: '"${u}"'`),
        sources: [["sf.sales.orders", "BASE TABLE", { database: "sales", schema: "public", table: `'"Orders"'` }]],
      },
    ],
  },
  "databricks-unity-catalog": {
    intro:
      "Group-based grants through the Unity Catalog API: one account-level group per policy cohort, one grant per securable, and USE CATALOG and USE SCHEMA as parents. Objects from an incoming Delta share take no grants (`databricks-incoming-share`).",
    write:
      "Write grants MODIFY on MANAGED and EXTERNAL tables. On VIEW, MATERIALIZED_VIEW, STREAMING_TABLE and FOREIGN objects a write policy issues nothing of its own, not even SELECT (`write-not-issued`): only a read policy grants SELECT there.",
    sections: unityCatalogSections,
    examples: [
      {
        title: "A managed table, a view and a streaming table",
        identity: email("databricks"),
        sources: [
          ["uc.sales.orders", "MANAGED", { catalog: "main", schema: "sales", table: "orders" }],
          ["uc.sales.orders_daily", "VIEW", { catalog: "main", schema: "sales", table: "orders_daily" }],
          ["uc.sales.order_events", "STREAMING_TABLE", { catalog: "main", schema: "sales", table: "order_events" }],
        ],
      },
    ],
  },
  "databricks-spark": {
    intro:
      "Read only, through legacy table access control on the `hive_metastore` catalog. A subscribed user gets SELECT on the object and the cluster rewrites each query's plan to enforce the rest. Legacy table access control refuses any object privilege without USAGE on the enclosing database, so USAGE on the database is granted as the parent. Grants are GRANT and REVOKE statements that name only accessplane's own groups: what ETL jobs and people hold on the same tables is never revoked.",
    write:
      "Subscription policies do not grant write on Databricks Spark: write access is controlled through scratch paths and workspaces. A write policy yields SELECT, with the warning `write-on-read-only-platform`.",
    sections: sparkSections,
    examples: [
      {
        title: "A table",
        identity: email("databricks"),
        sources: [["spark.web.orders", "TABLE", { catalog: "hive_metastore", schema: "web", table: "orders" }]],
      },
      {
        title: "Authoritative mode (SqlPermissions), with the warning that lists what it takes over",
        config: "databricksSpark:\n  authoritative: true\n",
        identity: email("databricks"),
        sources: [
          ["spark.web.orders", "TABLE", { catalog: "hive_metastore", schema: "web", table: "orders" }],
          ["spark.web.orders_daily", "VIEW", { catalog: "hive_metastore", schema: "web", table: "orders_daily" }],
        ],
      },
    ],
  },
  trino: {
    intro:
      "A policy's access type maps to Trino operations (READ, WRITE, OWN) through the access grant mapping (`READ: [READ]`, `WRITE: [READ, WRITE]` by default); a cluster's own mapping (`trino.cluster.accessGrantMapping`) takes precedence over the estate-wide one, and `trino.cluster.allowedDataSourceOperations` (default `READ, WRITE`) bounds what any policy may grant on data sources. What an operation grants depends on the mode (`trino.mode`): in SQL mode, SQL GRANTs of table privileges to a role per policy; in file mode, the rules of a system-level file-based access-control document. Each entry of the plan lists SPEC's privileges and `operations` as the mode really grants them, and in `nativePrivileges` the GRANT privileges (SQL mode) or rule privileges (file mode) that the deployment issues. Trino has no USAGE privilege, so there are no parent grants.",
    write:
      "WRITE grants INSERT, UPDATE, DELETE, MERGE and TRUNCATE on tables and REFRESH on materialized views; views take nothing from WRITE (`write-on-read-only-object`). Only when a mapping adds OWN to WRITE, the cluster allows OWN and the mode is file mode does write also grant ALTER, COMMENT, DROP and SET PROPERTIES (the rule privilege OWNERSHIP): Trino is the one platform where write access can drop tables. Trino's GRANT has no ownership privilege, so in SQL mode OWN is not granted and the plan warns on every data source it would have reached (`trino-operation-not-in-sql-mode`). CREATE is never granted by a policy: it applies only to objects not registered as data sources (`allowedNonDataSourceOperations`), and naming it in a mapping or in `allowedDataSourceOperations` is a configuration error. An operation the cluster does not allow is left out, with the warning `trino-operation-not-allowed`.",
    sections: trinoSections,
    examples: [
      {
        title: "Default mapping",
        identity: plainId("trino"),
        sources: [
          ["trino.lake.orders", "BASE TABLE", { catalog: "lake", schema: "sales", table: "orders" }],
          ["trino.lake.orders_view", "VIEW", { catalog: "lake", schema: "sales", table: "orders_view" }],
          ["trino.lake.daily_revenue", "MATERIALIZED VIEW", { catalog: "lake", schema: "sales", table: "daily_revenue" }],
        ],
      },
      {
        title: "WRITE mapped to READ, WRITE and OWN, allowed by the cluster, in SQL mode",
        config: OWN_CONFIG,
        identity: plainId("trino"),
        sources: [["trino.lake.orders", "BASE TABLE", { catalog: "lake", schema: "sales", table: "orders" }]],
      },
      {
        title: "WRITE mapped to READ, WRITE and OWN, in file mode",
        config: `${OWN_CONFIG}  mode: file
  admins: { users: [trino-admin], roles: [admin] }
`,
        identity: plainId("trino"),
        sources: [["trino.lake.orders", "BASE TABLE", { catalog: "lake", schema: "sales", table: "orders" }]],
      },
    ],
  },
  redshift: {
    intro:
      "Read only, view-based. Each data source gets a managed view joined to a secure entitlements view, in the managed schema of the source's own database: `<database>.<managedSchema>.<view>`, where the view name is the source's schema and table joined by `$_`, each with `$` doubled (`billing.invoices` -> `billing$_invoices`; `a__b.c` and `a.b__c` stay apart as `a__b$_c` and `a$_b__c`). A name over Redshift's 127 bytes keeps a readable prefix and ends in `$#` and 16 hex digits of a SHA-256 of database, schema and table, so two sources never share a view. SELECT on the managed views goes to PUBLIC once, so subscribing or revoking a user changes only the entitlements, never a grant. A user without access who queries the view gets zero rows.",
    write: viewBasedWrite("managed"),
    sections: () => viewBasedSections("redshift"),
    examples: [
      {
        title: "A table",
        identity: plainId("redshift"),
        sources: [["redshift.dw.orders", "BASE TABLE", { database: "dw", schema: "sales", table: "orders" }]],
      },
    ],
  },
  synapse: {
    intro:
      "Read only, view-based, as Redshift: a managed view per data source in the managed schema of the source's own database (`[<database>].[<managedSchema>].[<schema>$_<table>]`, `$` doubled in each part, a digest suffix past 128 characters), SELECT to PUBLIC once, entitlements decide. Each view checks access itself: a user without access gets the error `Access denied: you are not subscribed to the data source`.",
    write: viewBasedWrite("managed"),
    sections: () => viewBasedSections("synapse"),
    examples: [
      {
        title: "A table",
        identity: email("synapse"),
        sources: [["synapse.sales.orders", "BASE TABLE", { database: "sales", schema: "dbo", table: "orders" }]],
      },
    ],
  },
  bigquery: {
    intro:
      "Read only, view-based. Each table gets a 1-to-1 view in a mirrored dataset (`<dataset><bigqueryDatasetSuffix>`, in the source dataset's location) that holds the policy logic; the view is authorized on its source dataset, and an IAM binding on the view lets only subscribed users see data.",
    write: viewBasedWrite("mirrored"),
    sections: () => viewBasedSections("bigquery"),
    examples: [
      {
        title: "A table",
        identity: (u) => `bigquery: "user:${u}@example.com"`,
        sources: [["bigquery.web.orders", "BASE TABLE", { project: "acme-analytics", dataset: "web", table: "orders", location: "EU" }]],
      },
    ],
  },
  s3: {
    sample: { bucket: "acme-landing", prefix: "sales/", object: "sales/2026/orders.csv" },
    intro:
      "S3 Access Grants: a read policy grants access level READ and a write policy READWRITE, scoped to a bucket, a prefix (always as a folder) or one object (from the inventory). Users request temporary credentials from their Access Grants instance. The grantee follows the principal mode (the data source's `principalMode`, else `s3.principalMode`): an IAM Identity Center user or group (`identityCenter` identity), or an IAM role (`iamRole` identity); a subscribed user without that identity is an error unless `identities.onMissing: skip`. Each grant names the registered location whose scope holds the data source and a sub-prefix relative to that scope. A prefix or object data source without its key grants nothing rather than the whole bucket (`s3-scope-missing`).",
    write:
      "Write maps to READWRITE: the READ actions plus PutObject, PutObjectAcl, PutObjectVersionAcl, DeleteObject, DeleteObjectVersion, AbortMultipartUpload and KmsGenerateDataKey. It writes and deletes objects inside the grant's scope, never buckets. When several policies reach one user, the grant carries the stronger level.",
    sections: s3Sections,
    examples: [
      {
        title: "A prefix and a bucket",
        config: S3_CONFIG,
        identity: (u) => `identityCenter: 9067a1b2c3-${u}`,
        sources: [
          ["s3.landing.sales", "PREFIX", { bucket: "acme-landing", prefix: "sales/" }],
          ["s3.exports", "BUCKET", { bucket: "acme-sales-exports" }],
        ],
      },
      {
        title: "A bucket with a location of its own, and a prefix written without its slash",
        config: S3_LOCATIONS_CONFIG,
        identity: (u) => `identityCenter: 9067a1b2c3-${u}`,
        sources: [["s3.partner.feeds", "PREFIX", { bucket: "northwind-landing", prefix: "partner-feeds" }]],
      },
    ],
  },
};

const cell = (xs: readonly string[]) => (xs.length === 0 ? "none" : xs.join(", "));

/** An adapter callable for any data source, as the plan builder calls it. */
const adapterOf = (p: Platform) => ADAPTERS[p] as unknown as PlatformAdapter<Platform>;

/** A data source of each object type at the platform's sample location. */
function sampleSources(p: Platform): DataSource[] {
  const location = PAGES[p].sample ?? PAGES[p].examples[0]!.sources[0]![2];
  return OBJECT_TYPES[p].map((t) => DataSource.parse({ id: `${p}.sample`, platform: p, objectType: t, location }));
}

/** SPEC.md's table as the adapter implements it (with `config`). */
function privilegeTable(p: Platform, config: Config): string[] {
  const a = adapterOf(p);
  const rows = sampleSources(p).map((ds) => {
    const d = ds as never;
    const of = (access: AccessType) => {
      const r = a.privileges(d, access, config);
      const ops = a.extras(d, r.privileges, config).operations;
      return {
        privileges: cell(r.privileges) + (Array.isArray(ops) ? ` (${ops.join(", ")})` : ""),
        notes: r.notes.map((n) => `\`${n.code}\``),
      };
    };
    const read = of("read");
    const write = of("write");
    const notes = [...new Set([...read.notes, ...write.notes])];
    return `| ${ds.objectType} | ${a.target(d, config).kind} | ${read.privileges} | ${write.privileges} | ${notes.join(", ") || ""} |`;
  });
  const parents = a.target(sampleSources(p)[0] as never, config).parents;
  return [
    "| object type | granted on | read | write | warnings |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    parents.length === 0
      ? "Parents: none."
      : `Parents, granted with any object privilege: ${parents.map((x) => `${x.privileges.join(", ")} on the ${x.kind.toLowerCase()}`).join("; ")}.`,
  ];
}

/** Trino: the privilege table, the bounds, the rules document and what a deployment needs. */
function trinoSections(): string[] {
  const ops: TrinoOperation[] = ["READ", "WRITE", "OWN", "CREATE"];
  const mapping = (w: string) => ({ READ: ["READ"], WRITE: w.split(",") });
  const variants: [string, Record<string, unknown>][] = [
    ["default", {}],
    ["estate-wide `WRITE: [READ, WRITE, OWN]`", { accessGrantMapping: mapping("READ,WRITE,OWN") }],
    [
      "estate-wide OWN, cluster `WRITE: [READ, WRITE]`",
      { accessGrantMapping: mapping("READ,WRITE,OWN"), cluster: { accessGrantMapping: mapping("READ,WRITE") } },
    ],
    ["estate-wide default, cluster `WRITE: [READ, WRITE, OWN]`", { cluster: { accessGrantMapping: mapping("READ,WRITE,OWN") } }],
  ];
  const properties: [string, string[]][] = [
    ["`READ, WRITE` (default)", ["READ", "WRITE"]],
    ["`READ, WRITE, OWN`", ["READ", "WRITE", "OWN"]],
    ["`READ`", ["READ"]],
  ];
  const rows: string[] = [];
  for (const [vName, v] of variants) {
    for (const [pName, allowed] of properties) {
      const cluster = { ...((v.cluster as object | undefined) ?? {}), allowedDataSourceOperations: allowed };
      const c = Config.parse({ trino: { ...v, cluster } });
      const w = trinoOperations("write", c);
      rows.push(`| ${vName} | ${pName} | ${cell(trinoOperations("read", c).operations)} | ${cell(w.operations)} | ${cell(w.removed)} |`);
    }
  }
  const sample = trinoRulesDocument({
    admins: { users: ["trino-admin"], roles: ["admin"] },
    policies: [
      {
        policyKey: "analysts-read",
        users: ["alice"],
        grants: [{ catalog: "lake", schema: "sales", table: "orders", privileges: ["SELECT"] }],
      },
      {
        policyKey: "engineers-write",
        users: ["bob"],
        grants: [{ catalog: "lake", schema: "sales", table: "orders", privileges: ["SELECT", "INSERT", "DELETE", "UPDATE"] }],
      },
    ],
    unregistered: trinoUnregisteredRules(Config.parse({}).trino.cluster.allowedNonDataSourceOperations),
  }).document;
  const opCell = (x: { spec: readonly string[]; sql: readonly string[]; file: readonly string[] }) =>
    x.spec.length === 0 ? "none" : `${x.spec.join(", ")}; SQL: ${cell(x.sql)}; file: ${cell(x.file)}`;
  return [
    "### Operations",
    "",
    "SPEC's privileges per operation, and what each mode issues for them (`GRANT` privileges in SQL mode, table-rule privileges in file mode). A `none` under SQL beside SPEC privileges is an operation SQL mode cannot grant.",
    "",
    `| object type | ${ops.join(" | ")} |`,
    `|---|${ops.map(() => "---|").join("")}`,
    ...Object.entries(TRINO_OPERATION_PRIVILEGES).map(([t, row]) => `| ${t} | ${ops.map((o) => opCell(row[o])).join(" | ")} |`),
    "",
    "Vendor rules behind the table (Trino documentation, *GRANT privilege* and *File-based access control*, table of permissions per SQL command): `GRANT` accepts SELECT, INSERT, DELETE and UPDATE only (`ALL PRIVILEGES` is those four); MERGE needs INSERT, UPDATE and DELETE, TRUNCATE is checked as DELETE, REFRESH MATERIALIZED VIEW as UPDATE; ALTER, DROP, COMMENT and SET PROPERTIES need the rule privilege OWNERSHIP, which no `GRANT` confers; SHOW needs no privilege of its own, since an object is visible once the user holds any privilege on it.",
    "",
    "### Mapping and cluster bounds",
    "",
    "The effective operations of each access type (the cluster mapping, when set, replaces the estate-wide one; `allowedDataSourceOperations` then removes what it does not allow):",
    "",
    "| mapping | `allowedDataSourceOperations` | read | write | removed from write (`trino-operation-not-allowed`) |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "Both bounds are accessplane's configuration, not cluster properties: accessplane enforces them by what it writes to the cluster.",
    "",
    "| setting | meaning | SQL mode | file mode |",
    "|---|---|---|---|",
    "| `trino.cluster.allowedDataSourceOperations` (default `READ, WRITE`) | what any policy may grant on data sources | an operation it leaves out is never in a `GRANT ... ON TABLE ... TO ROLE` | an operation it leaves out is never in a table rule of a data source |",
    `| \`trino.cluster.allowedNonDataSourceOperations\` (default \`READ, WRITE, CREATE, OWN\`) | what everyone may do on objects that are not data sources | not enforced: SQL mode only adds GRANTs on data sources, and the connector's own access control decides the rest (a value other than the default is a warning, \`trino-unregistered-bound-in-sql-mode\`) | the catch-all rules at the end of each section: READ -> ${cell(TRINO_UNREGISTERED_PRIVILEGES.READ)}, WRITE -> ${cell(TRINO_UNREGISTERED_PRIVILEGES.WRITE)} on tables; OWN and CREATE together -> OWNERSHIP (CREATE TABLE needs ownership of the new name, ALTER and DROP of the old one, and the rule format has one privilege for both; one without the other grants neither, with the warning \`trino-unregistered-own-create-split\`); CREATE also makes everyone owner of schemas that hold no data source (CREATE SCHEMA); the catch-all catalog rule is \`read-only\` when only READ is allowed, \`all\` otherwise, and absent (deny) when nothing is |`,
    "",
    "### File mode: the rules document",
    "",
    "Trino reads the rules of each section (`catalogs`, `schemas`, `tables`) from top to bottom, applies the first that matches the user (the `user` regex against the user name, `role` against any enabled role, `group` against any group; an absent field matches everything) and the object, and denies when none matches; a section that is present but empty denies everything, and an absent section allows everything. Table rules apply only once the user's first matching catalog rule gives access to the catalog (`read-only` for SELECT, `all` for anything else). accessplane therefore writes each section in this order:",
    "",
    "1. `trino.admins` (users, groups, roles): `allow: all` on every catalog, owner of every schema, every table privilege including GRANT_SELECT. File mode without an administrator is an error (`trino-file-mode-without-admins`): the document would deny every data source to everyone outside a policy.",
    "2. The data sources: each catalog that holds one is open (`allow: all`; the table rules decide), each schema that holds one is owned by nobody else (schema ownership allows DROP SCHEMA and lists every table), and each table gets its subscribers' rules then an empty-privilege rule, so nothing later grants on it.",
    "3. Objects that are not data sources, following `allowedNonDataSourceOperations`.",
    "",
    "Every name in a rule is matched as a regular expression, so catalog, schema, table, user, group and role names are escaped (every ASCII character other than a letter, a digit or `_` is backslashed); a name holding NUL is refused.",
    "",
    "A view runs with its owner's rights: Trino checks that the user may SELECT the view, then that the view's owner holds SELECT and GRANT_SELECT (and `allow: all` on the catalog) on everything the view reads (`checkCanCreateViewWithSelectFromColumns`). Administrators hold GRANT_SELECT everywhere and everyone holds it on unregistered objects they may read, so a view over data sources must be owned by an administrator (`ALTER VIEW ... SET AUTHORIZATION`, or list its owner in `trino.admins`); GRANT_SELECT is never given to subscribers, since it would let them expose a data source through a view of their own. A view an administrator owns exposes what it reads to whoever may select the view: register such views as data sources.",
    "",
    "The rules the example below writes (`alice` reads and `bob` writes `lake.sales.orders`, default bounds):",
    "",
    "```json",
    renderTrinoRules(sample).trimEnd(),
    "```",
    "",
    "### Deploying",
    "",
    "SQL mode (`trino.mode: sql`, the default). accessplane connects to `accessplane:trinoUrl` as `accessplane:trinoUser` (or `ACCESSPLANE_TRINO_URL`, `ACCESSPLANE_TRINO_USER`) and runs `CREATE ROLE`, `GRANT <privileges> ON TABLE ... TO ROLE`, `GRANT <role> TO USER`, `REVOKE` and `DROP ROLE`. That user needs:",
    "",
    "- a connector whose access control supports roles and GRANT (for example Hive's `hive.security=sql-standard`, or Starburst's built-in access control); role commands go to system roles, or `IN <catalog>` for roles of a catalog;",
    "- the right to create, drop and grant roles (in Hive's SQL standard mode, membership of the `admin` role with `SET ROLE admin`); a role's creator is its admin;",
    '- every privilege it grants, with GRANT OPTION (Trino: "for GRANT statement to succeed, the user executing it should possess the specified privileges as well as the GRANT OPTION for those privileges"), or ownership of the tables.',
    "",
    "File mode (`trino.mode: file`). accessplane writes the document to `trino.rulesPath` on the machine running Pulumi (a temporary file, then a rename, so Trino never reads half a document); it needs no Trino privilege, only write access to that directory. The coordinator must use it:",
    "",
    "```text",
    "# etc/access-control.properties",
    "access-control.name=file",
    "security.config-file=/etc/trino/rules.json",
    "security.refresh-period=1m",
    "```",
    "",
    "Without `security.refresh-period` Trino reads the file only at start, so a deployment takes effect at the next restart; with it, within one period. The file replaces the whole system access control: anything the document does not allow is denied, which is why administrators come first. When the coordinator reads the rules over HTTP (`security.config-file=http://...`), publish the written file there.",
    "",
    "Sources: Trino documentation, [File-based access control](https://trino.io/docs/current/security/file-system-access-control.html), [GRANT privilege](https://trino.io/docs/current/sql/grant.html), [CREATE ROLE](https://trino.io/docs/current/sql/create-role.html) and [Hive connector security](https://trino.io/docs/current/connector/hive-security.html); the rule evaluation follows `FileBasedSystemAccessControl` (trinodb/trino, `lib/trino-plugin-toolkit/src/main/java/io/trino/plugin/base/security/`).",
  ];
}

/** Unity Catalog: what the deploying identities need, and the vendor rule behind each resource. */
function unityCatalogSections(): string[] {
  return [
    "### Resources and prerequisites",
    "",
    "| resource | through | why (vendor rule) |",
    "|---|---|---|",
    '| `databricks.Group` (`api: "account"`) and `databricks.GroupMember` per member | the account provider, `providers.databricksAccount` (`host: https://accounts.cloud.databricks.com`, or `https://accounts.azuredatabricks.net`, and `accountId`) | Unity Catalog grants accept only account-level principals: a group created with a workspace provider is workspace-local and the grant fails with "Could not find principal with name ..." (provider maintainers in [databricks/terraform-provider-databricks#4680](https://github.com/databricks/terraform-provider-databricks/issues/4680) and [#2237](https://github.com/databricks/terraform-provider-databricks/issues/2237); the `databricks_group` docs: account groups need the accounts host and `account_id`) |',
    "| `databricks.Grant` per securable and parent | the workspace provider `providers[\"databricks-unity-catalog\"]`; without one, the account provider with `providerConfig.workspaceId` = `databricks.workspaceId` | Unity Catalog's grants API is a workspace API; `databricks_grant` takes `provider_config { workspace_id }` when managed through an account-level provider. Each Grant is authoritative for its one principal only (accessplane's group), never for other principals on the securable |",
    "",
    "Prerequisites of the deploying identities:",
    "",
    "- **Account admin** for the account provider: only account admins create account groups and their memberships. Users must exist at account level (identity federation).",
    "- **Grant rights in the metastore** for the identity that makes the grants: a metastore admin, the owner of the securable (or of its catalog or schema), or MANAGE on it ([Unity Catalog privileges](https://docs.databricks.com/en/data-governance/unity-catalog/manage-privileges/index.html)).",
    "- **No workspace assignment** is needed for Unity Catalog grants: the metastore resolves account principals. Members query through the workspaces they already use.",
    "- Upgrading from workspace-local groups replaces each group (deleted before the account group is created, so their names never clash) and re-creates its grants.",
  ];
}

/** Databricks Spark: the two grant modes, prerequisites and the vendor rule behind each resource. */
function sparkSections(): string[] {
  return [
    "### Resources and prerequisites",
    "",
    "| resource | through | why (vendor rule) |",
    "|---|---|---|",
    '| `databricks.Group` (`api: "account"`) and `databricks.GroupMember` | the account provider | one account group per cohort, shared with Unity Catalog (account group names are unique in the account) |',
    "| `databricks.MwsPermissionAssignment` (`permissions: [\"USER\"]`, `workspaceId` = `databricks.workspaceId`), or `databricks.PermissionAssignment` through the Spark workspace provider when `databricks.workspaceId` is not set | account provider / workspace provider | permissions in `hive_metastore` refer to the workspace's principals ([Work with Unity Catalog and the legacy Hive metastore](https://docs.databricks.com/en/data-governance/unity-catalog/hive-metastore.html)), so the account group is added to the workspace; `USER` adds it to the workspace's users (basic workspace access for its members), never `ADMIN` |",
    "| `SparkTableGrants` (accessplane dynamic resource) per policy principal | a SQL warehouse, through the [Statement Execution API](https://docs.databricks.com/api/workspace/statementexecution) (`POST /api/2.0/sql/statements`) | ``GRANT SELECT ON TABLE `hive_metastore`.`db`.`t` TO `group` ``, `GRANT USAGE ON DATABASE ...`, `REVOKE ... FROM` and `SHOW GRANTS` ([Hive metastore privileges and securable objects (legacy)](https://docs.databricks.com/en/data-governance/table-acls/object-privileges.html)); each statement names only accessplane's group, and objects are catalog-qualified, so `location.catalog` is honoured whatever the workspace's default catalog |",
    '| `databricks.SqlPermissions` per table, view (`view:`) and database, only with `databricksSpark.authoritative: true` | the Spark workspace provider | the resource is authoritative: it runs `REVOKE ALL PRIVILEGES` for every principal it is not given on its securable ("would remove anything else"; `access/resource_sql_permissions.go` in databricks/terraform-provider-databricks), so the plan warns (`databricks-spark-authoritative`) and lists every securable it takes over. It addresses `database`.`table` in the workspace\'s default catalog, so a data source outside `hive_metastore` is an error (`databricks-spark-authoritative-catalog`) |',
    "",
    "Prerequisites:",
    "",
    "- **Account admin** for the account provider (groups, members, `MwsPermissionAssignment`), or workspace admin for `PermissionAssignment` through the workspace provider.",
    "- **A SQL warehouse** for `SparkTableGrants`: `accessplane:databricksHost` (the workspace URL), `accessplane:databricksWarehouseId`, and the secret `accessplane:databricksToken` (or `ACCESSPLANE_DATABRICKS_HOST`, `ACCESSPLANE_DATABRICKS_WAREHOUSE_ID`, `ACCESSPLANE_DATABRICKS_TOKEN`). The token's identity must be a workspace admin or own the tables and databases (only they can grant on Hive metastore objects) and may use the warehouse. Data access control is always enforced on SQL warehouses; clusters must have table access control enabled.",
    "- Only the group's own privileges change: on update, what it holds on its tables is read back (`SHOW GRANTS`), grants are applied first, then revokes (a privilege granted to the group by hand is revoked too). Delete revokes exactly what the group holds there.",
  ];
}

/** A connection setting row of the view-based platforms' deployment prerequisites. */
const connectionRows = (p: "redshift" | "synapse") => {
  const up = p.toUpperCase();
  return [
    "| setting | pulumi config (secret) | environment |",
    "|---|---|---|",
    `| default connection | \`accessplane:${p}Url\` | \`ACCESSPLANE_${up}_URL\` |`,
    `| per database (wins over the default) | \`accessplane:${p}Urls\`: JSON object, database -> URL | \`ACCESSPLANE_${up}_URLS\` (same JSON), or \`ACCESSPLANE_${up}_URL_<DATABASE>\` (upper case, other characters than A-Z and 0-9 as \`_\`) |`,
  ];
};

/** Redshift, Synapse, BigQuery: what a deployment needs, and the vendor rule behind each choice. */
function viewBasedSections(p: "redshift" | "synapse" | "bigquery"): string[] {
  if (p === "bigquery") {
    return [
      "## Deployment prerequisites",
      "",
      "Every BigQuery data source names its dataset's location (`location: { project, dataset, table, location: EU }`; `inventory pull` fills it from the dataset). A missing location is an error (`missing-field`), and tables of one dataset that name different locations are an error (`bigquery-location-conflict`): the mirrored dataset is created in that location, never in a silent default.",
      "",
      "The identity the `@pulumi/gcp` provider runs as needs, in each project that holds sources:",
      "",
      "| to | permissions | predefined role |",
      "|---|---|---|",
      "| create the mirrored datasets | `bigquery.datasets.create` | BigQuery Data Editor (`roles/bigquery.dataEditor`) on the project |",
      "| create the views (and query their source while doing so) | `bigquery.tables.create`, `bigquery.tables.getData` on the source tables | BigQuery Data Editor on the mirrored datasets, BigQuery Data Viewer on the sources |",
      "| authorize each view on its source dataset (`DatasetAccess` with `view`) | `bigquery.datasets.get`, `bigquery.datasets.update` on the source dataset | BigQuery Data Owner (`roles/bigquery.dataOwner`) on the source dataset |",
      "| bind `roles/bigquery.dataViewer` on each view (`IamBinding`) | `bigquery.tables.setIamPolicy` on the mirrored dataset's tables | BigQuery Data Owner on the mirrored datasets |",
      "",
      "Subscribers also need to run query jobs somewhere (`bigquery.jobs.create`, e.g. BigQuery Job User on a project of theirs): accessplane does not grant that.",
      "",
      "## Vendor rules behind the shape",
      "",
      '- An authorized view and its source must be in the same location: "both the source data dataset and authorized view dataset must be in the same regional location" ([authorized views](https://cloud.google.com/bigquery/docs/authorized-views)). `gcp.bigquery.Dataset` defaults `location` to `US`, so accessplane always sets it from the inventory.',
      "- A view reads its source as the authorized view, not as the user: the source dataset lists the view in its access (`gcp.bigquery.DatasetAccess` with `view`), and users get `roles/bigquery.dataViewer` on the view only.",
      "- A Cloud Storage external table needs permissions on the table *and* on the Cloud Storage files for whoever queries it; only BigLake tables delegate storage access through their connection ([Cloud Storage external tables](https://cloud.google.com/bigquery/docs/external-data-cloud-storage)). An authorized view cannot hand out that storage access, and granting readers `roles/storage.objectViewer` (`storage.objects.get`) on the bucket would open every object in it. So an `EXTERNAL` table grants nothing unless the data source says `bigLake: true` (warning `bigquery-external-table-not-biglake`, and no view is created for it).",
    ];
  }
  const common = [
    "## Deployment prerequisites",
    "",
    "Managed objects live in the database of their source, so accessplane connects to each database that holds data sources, with one of these settings (secrets, never resource inputs; a session that opens another database than the one it was chosen for is refused):",
    "",
    ...connectionRows(p),
    "",
  ];
  if (p === "redshift") {
    return [
      ...common,
      "The login of each connection needs, in its database: `CREATE` on the database (to create the managed schema `viewBased.managedSchema`) or ownership of that schema; `SELECT` on every source table, with `USAGE` on its schema (a late-binding view reads its source with its owner's rights); and the right to grant on what it creates (it owns it). A superuser is not required.",
      "",
      "## Vendor rules behind the shape",
      "",
      "- Names and identifiers are at most 127 bytes ([names and identifiers](https://docs.aws.amazon.com/redshift/latest/dg/r_names.html)): managed view names are shortened with a digest of the full source name, never cut blindly.",
      '- Managed views are late-binding (`WITH NO SCHEMA BINDING`), so a source can be dropped and recreated without dropping its view. "To query a late binding view, you need select permissions for the late binding view itself. You should also make sure the owner of the late binding view has select permissions for the referenced objects" ([CREATE VIEW](https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_VIEW.html)): users get SELECT on the view only.',
      '- Cross-database queries are read-only from another database, RA3 and serverless only, and "you can\'t query views that are created on other databases that refer to objects of yet another database" ([cross-database limitations](https://docs.aws.amazon.com/redshift/latest/dg/cross-database_limitation.html)): so each database gets its own store and managed schema, through its own connection, instead of one view schema reading every database.',
    ];
  }
  return [
    ...common,
    'A dedicated SQL pool is one database: give each pool its connection. The login needs, in each database: `CREATE SCHEMA` (and `IMPERSONATE` on the schema owner, or membership of the owning role, to create the schema `AUTHORIZATION` that owner), `CREATE TABLE` and `CREATE VIEW`, `ALTER` on the managed schema, `SELECT` on `sys.schemas` and `sys.objects`, and the right to grant SELECT on the managed views (as their owner, or `db_securityadmin`). Serverless SQL pools cannot hold the entitlement tables ("the in-database tables are not supported", [T-SQL features in Synapse SQL](https://learn.microsoft.com/azure/synapse-analytics/sql/overview-features#database-objects)), so Synapse means dedicated SQL pools here.',
    "",
    "## Ownership chaining",
    "",
    "T-SQL views do not run with their owner's rights. A view reaches its source only through ownership chaining: \"when an object is accessed through a chain, SQL Server first compares the owner of the object to the owner of the calling object… if both objects have the same owner, permissions on the referenced object are not evaluated\". Dedicated SQL pools support ownership chaining ([permissions in Azure Synapse Analytics, ownership chaining](https://learn.microsoft.com/sql/t-sql/statements/permissions-grant-deny-revoke-azure-sql-data-warehouse-parallel-data-warehouse#ownership-chaining)). An object in a schema is owned by the schema's owner unless ownership was transferred to it, so:",
    "",
    "- the managed schema is created `CREATE SCHEMA [accessplane] AUTHORIZATION [<owner>]`, with `viewBased.synapseSchemaOwner` (default `dbo`, the owner of `dbo` and of schemas created by admins) as owner, and handed back with `ALTER AUTHORIZATION ON SCHEMA::… TO …` if someone changed it ([CREATE SCHEMA](https://learn.microsoft.com/sql/t-sql/statements/create-schema-transact-sql), [ALTER AUTHORIZATION](https://learn.microsoft.com/sql/t-sql/statements/alter-authorization-transact-sql));",
    "- before creating a view, the provider compares its source's owner with the managed schema's owner and refuses with both names if they differ (such a view would deny every reader); `read()` reports `schemaOwnerCurrent` on the store and `ownershipChained` on each view, so `pulumi refresh` shows a broken chain and `pulumi up` repairs or reports it;",
    "- all sources of one database must therefore share an owner, the one `viewBased.synapseSchemaOwner` names.",
    "",
    "## Vendor rules behind the shape",
    "",
    "- Identifiers are `sysname`, at most 128 characters: managed view names are shortened with a digest of the full source name.",
    "- Dedicated SQL pools have no cross-database queries (\"Cross-database queries: No\" for dedicated, [T-SQL features in Synapse SQL](https://learn.microsoft.com/azure/synapse-analytics/sql/overview-features#query-language)): a view can read only sources of its own database, so each view is created in its source's database, and a connection that opens another database is refused with the data source's database named.",
    "- `THROW` and `RAISERROR` are not allowed in a view, so the access check raises the access-denied text through a failing conversion (see the generated SQL in `provider/platforms/sql/views.ts`).",
  ];
}

/** The vendor pages the S3 rules follow. */
const AWS_DOCS = {
  locationConfiguration: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_AccessGrantsLocationConfiguration.html",
  createGrants: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-grant-create.html",
  registerLocation: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-location-register.html",
  instances: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-instance.html",
  associateIdentityCenter: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_AssociateAccessGrantsIdentityCenter.html",
  createInstance: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateAccessGrantsInstance.html",
  createLocation: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateAccessGrantsLocation.html",
  createGrant: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateAccessGrant.html",
};

/** The trust policy a location's IAM role needs, as JSON. */
const TRUST_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "access-grants.s3.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:SetContext"],
      Condition: {
        StringEquals: { "aws:SourceAccount": "406321587214" },
        ArnEquals: { "aws:SourceArn": "arn:aws:s3:eu-west-1:406321587214:access-grants/default" },
      },
    },
  ],
};

/** S3: the exact actions of each access level, how a grant's scope is computed, and what a deployment needs first. */
function s3Sections(): string[] {
  const config = Config.parse({
    s3: {
      accountId: "406321587214",
      locations: [
        { id: "default", scope: "s3://" },
        { id: "2f0c8e7a-4b1d-4c39-9a6e-51d3b7e0c4a2", scope: "s3://northwind-landing/" },
        { id: "9d41b6c2-0e7f-4a58-b3c1-7f2e8a6d5b90", scope: "s3://northwind-landing/restricted/" },
      ],
    },
  });
  const scopes: [string, string, Record<string, string>][] = [
    ["BUCKET", "acme-exports", { bucket: "acme-exports" }],
    ["PREFIX", "acme-exports, prefix `sales/`", { bucket: "acme-exports", prefix: "sales/" }],
    ["PREFIX", "northwind-landing, prefix `partner-feeds`", { bucket: "northwind-landing", prefix: "partner-feeds" }],
    ["BUCKET", "northwind-landing", { bucket: "northwind-landing" }],
    ["PREFIX", "northwind-landing, prefix `restricted/hr/`", { bucket: "northwind-landing", prefix: "restricted/hr/" }],
    ["OBJECT", "northwind-landing, object `sales/2026/orders.csv`", { bucket: "northwind-landing", object: "sales/2026/orders.csv" }],
  ];
  const rows = scopes.map(([objectType, what, location]) => {
    const ds = DataSource.parse({ id: "x", platform: "s3", objectType, location }) as Extract<DataSource, { platform: "s3" }>;
    const g = s3Grant(ds, s3Locations(config))!;
    return `| ${objectType} | ${what} | \`${g.location.scope}\` (\`${g.location.id}\`) | \`${g.s3SubPrefix}\`${g.object ? " (`s3PrefixType: Object`)" : ""} | \`${g.grantScope}\` |`;
  });
  return [
    "### Access levels and actions",
    "",
    "| policy | access level | S3 actions |",
    "|---|---|---|",
    `| read | READ | ${S3_ACTIONS.READ.join(", ")} |`,
    `| write | READWRITE | ${S3_ACTIONS.READWRITE.join(", ")} |`,
    "",
    "Each plan entry carries `accessLevel` and the exact `actions` list.",
    "",
    "## Grant scope",
    "",
    `An access grant names a registered location and a sub-prefix: "the grant scope ... is the result of appending the Subprefix field to the scope of the registered location", and a \`*\` after a prefix includes "all object key names in the bucket that start with that prefix" ([AccessGrantsLocationConfiguration](${AWS_DOCS.locationConfiguration})). accessplane follows from that:`,
    "",
    "- **Locations** are listed under `s3.locations` as `{ id, scope, iamRoleArn? }`, with `scope` `s3://` (every bucket of the Region), `s3://bucket/` or `s3://bucket/prefix/`: a folder, since the sub-prefix is appended to it as it stands, and no `*` (`s3-location-scope-invalid`). Without `s3.locations` there is one location, the default `s3://`, under the id `s3.accessGrantsLocationId` (AWS names it `default`); setting both is an error (`s3-location-conflict`).",
    "- **The longest scope that holds the data source wins**, and the sub-prefix is the rest of the data source's path below it. A data source outside every location is an error (`s3-outside-locations`): a grant on a guessed location would reach nobody or the wrong data.",
    "- **A prefix is granted as a folder.** `prefix: partner-feeds` is read as `partner-feeds/` and granted as `partner-feeds/*`: with `partner-feeds*`, the grant would also match `partner-feeds-archive/…`. The plan shows the folder and warns (`s3-prefix-normalised`); write the trailing `/` to silence it. A `*` in a data source's prefix or object is refused (`s3-wildcard-in-location`), and so is a bucket name outside S3's naming rules (`s3-bucket-invalid`): either would put the grant somewhere else.",
    `- **One object** gets \`s3PrefixType: Object\` and its exact key, no wildcard. The default location always needs a sub-prefix, since "you cannot create an access grant for the default location" itself ([Create grants](${AWS_DOCS.createGrants})); every accessplane grant has one.`,
    "",
    "With locations `s3://` (`default`), `s3://northwind-landing/` and `s3://northwind-landing/restricted/`:",
    "",
    "| object type | bucket and key | location | `s3SubPrefix` | grant scope |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "## Prerequisites of a deployment",
    "",
    "S3 grants need an instance, its Identity Center association and registered locations before the first grant is created. accessplane checks through `accessplane.yaml` what it can, creates what `s3.manageInstance: true` asks for, and names the rest here.",
    "",
    "| prerequisite | configuration | vendor rule |",
    "|---|---|---|",
    `| an S3 Access Grants instance in the data's Region | \`s3.accountId\`, required as soon as an S3 data source exists (\`s3-account-missing\`); created by accessplane (\`aws.s3control.AccessGrantsInstance\`) with \`manageInstance: true\` | one instance per Region per account, holding the locations and grants ([instances](${AWS_DOCS.instances})) |`,
    `| the instance associated with the IAM Identity Center instance | \`s3.identityCenterArn\`, required with \`manageInstance: true\` and identity-center data sources (\`s3-identity-center-missing\`); without \`manageInstance\`, associate it yourself | directory users and groups can be grantees only once the instance is associated with Identity Center ([AssociateAccessGrantsIdentityCenter](${AWS_DOCS.associateIdentityCenter})) |`,
    `| the identity store of the directory groups | \`s3.identityStoreId\`, required when identity-center data sources grant to a group per policy (\`s3-identity-store-missing\`) | a grant to a directory user or group names its Identity Center id ([Create grants](${AWS_DOCS.createGrants})) |`,
    `| a registered location holding each data source, with its IAM role | \`s3.locations\` (\`s3-outside-locations\`); registered by accessplane (\`aws.s3control.AccessGrantsLocation\`) with \`manageInstance: true\`, which needs each location's \`iamRoleArn\` (\`s3-location-role-missing\`) | at least one location must be registered before a grant; S3 Access Grants assumes the location's role to vend credentials ([Register a location](${AWS_DOCS.registerLocation})) |`,
    "",
    "accessplane does not create the locations' IAM roles: their permissions (the S3 and KMS actions the grants of the location may use on its scope) are the ceiling of every grant there and belong to whoever owns the buckets. Each role's trust policy lets the S3 Access Grants service assume it, set the source identity and, for Identity Center users, set the context; the conditions pin it to your instance:",
    "",
    "```json",
    JSON.stringify(TRUST_POLICY, null, 2),
    "```",
    "",
    "The identity that runs `pulumi up` needs:",
    "",
    "| for | privileges |",
    "|---|---|",
    `| grants | \`s3:CreateAccessGrant\`, \`s3:GetAccessGrant\`, \`s3:DeleteAccessGrant\`, \`s3:TagResource\` (grants carry provenance tags); for directory grantees also \`sso:DescribeInstance\`, \`sso:DescribeApplication\`, \`identitystore:DescribeUser\` and \`identitystore:DescribeGroup\` ([CreateAccessGrant](${AWS_DOCS.createGrant})) |`,
    "| directory groups (identity-center, `identityCenterGrantee: group`) | `identitystore:CreateGroup`, `identitystore:DescribeGroup`, `identitystore:UpdateGroup`, `identitystore:DeleteGroup`, `identitystore:CreateGroupMembership`, `identitystore:DescribeGroupMembership`, `identitystore:DeleteGroupMembership` |",
    `| the instance (\`manageInstance: true\`) | \`s3:CreateAccessGrantsInstance\`, \`s3:GetAccessGrantsInstance\`, \`s3:DeleteAccessGrantsInstance\`; to associate Identity Center also \`sso:DescribeInstance\`, \`sso:CreateApplication\`, \`sso:PutApplicationGrant\` and \`sso:PutApplicationAuthenticationMethod\` ([CreateAccessGrantsInstance](${AWS_DOCS.createInstance})) |`,
    `| the locations (\`manageInstance: true\`) | \`s3:CreateAccessGrantsLocation\`, \`s3:GetAccessGrantsLocation\`, \`s3:DeleteAccessGrantsLocation\`, and \`iam:PassRole\` on each location's role ([CreateAccessGrantsLocation](${AWS_DOCS.createLocation})) |`,
  ];
}

/** Loads an example through the real loader; an example with errors is a bug in this script. */
function plannedEstate(p: Platform, ex: Example) {
  const r = parseEstate({
    policies: [{ path: "policies.yaml", content: POLICIES }],
    inventory: [{ path: "inventory.yaml", content: inventoryOf(p, ex) }],
    ...(ex.config !== undefined ? { config: { path: "accessplane.yaml", content: ex.config } } : {}),
  });
  if (!r.estate) throw new Error(`example "${ex.title}" does not load:\n${r.issues.map(formatIssue).join("\n")}`);
  return { estate: r.estate, issues: r.issues };
}

/** One example: the files, the plan as text and the access entries as JSON. */
function exampleSection(p: Platform, ex: Example): string[] {
  const { estate, issues } = plannedEstate(p, ex);
  const plan = buildPlan(estate, DOCS_NOW);
  plan.issues = [...issues, ...plan.issues];
  return [
    `### Example: ${ex.title}`,
    "",
    ...(ex.config !== undefined ? ["`accessplane.yaml`:", "", "```yaml", ex.config.trimEnd(), "```", ""] : []),
    "`policies.yaml`:",
    "",
    "```yaml",
    POLICIES.trimEnd(),
    "```",
    "",
    "`inventory.yaml`:",
    "",
    "```yaml",
    inventoryOf(p, ex).trimEnd(),
    "```",
    "",
    `\`accessplane plan --now ${DOCS_NOW}\`:`,
    "",
    "```text",
    planText(plan).trimEnd(),
    "```",
    "",
    "<details><summary>Access entries (JSON)</summary>",
    "",
    "```json",
    JSON.stringify(plan.access, null, 2),
    "```",
    "",
    "</details>",
    "",
  ];
}

/** How each folding rule reads in prose (see `CaseRule`). */
const CASE_PROSE: Record<CaseRule, string> = {
  upper:
    "a name written unquoted is stored in upper case (`sales` is `SALES`); a name that cannot be an unquoted identifier (`raw-data`, `alice@example.com`) could only have been created quoted, so it is taken as written",
  lower:
    "a name written unquoted has its ASCII letters stored in lower case (`Sales` is `sales`); a name that cannot be an unquoted identifier (`IAM:alice`, `alice@example.com`) is taken as written",
  "lower-always": "names are case-insensitive and stored in lower case, quoted or not (`Sales` and `'\"Sales\"'` are both `sales`)",
  exact: "names are taken as written, case included",
  verbatim: "names are not identifiers: taken as written, double quotes included",
};

/** Per platform: where its folding rule comes from, and what users need to query with the grants. */
const NAMES: Record<Platform, { rule: string; usage?: string }> = {
  snowflake: {
    rule: 'Snowflake stores unquoted identifiers in upper case and quoted ones as written ([Identifier requirements](https://docs.snowflake.com/en/sql-reference/identifiers-syntax)), and the Snowflake provider takes every name it is given as case-sensitive ([identifiers rework](https://github.com/Snowflake-Labs/terraform-provider-snowflake/blob/main/docs/technical-documentation/identifiers_rework_design_decisions.md)): accessplane passes the stored names, fully qualified and quoted (`"SALES"."PUBLIC"."ORDERS"`). `database: sales` grants on `"SALES"` and `snowflake: alice` makes user `ALICE` a member; write `\'"sales"\'` for a database created as `"sales"`.',
    usage:
      "A query needs a warehouse and the policy role active. Set `snowflake.warehouse` to give every policy role USAGE on one warehouse: one `GrantPrivilegesToAccountRole` per role, shown in the plan as a parent grant of every entry. Policy roles are granted to users, not made their primary role, so they act as secondary roles: users need `DEFAULT_SECONDARY_ROLES = ('ALL')` (`ALTER USER alice SET DEFAULT_SECONDARY_ROLES = ('ALL')`), the default for users whose property is unset since behavior change 1692 ([2024_08 bundle](https://docs.snowflake.com/en/release-notes/bcr-bundles/2024_08/bcr-1692)). A user with `DEFAULT_SECONDARY_ROLES = ()` must run `USE SECONDARY ROLES ALL` ([USE SECONDARY ROLES](https://docs.snowflake.com/en/sql-reference/sql/use-secondary-roles)) or `USE ROLE` with the policy role.",
  },
  "databricks-unity-catalog": {
    rule: "Unity Catalog stores all object names in lower case and resolves them case-insensitively ([Names](https://docs.databricks.com/en/sql/language-manual/sql-ref-names.html)). User names are looked up as written.",
  },
  "databricks-spark": {
    rule: "Identifiers are case-insensitive and the Hive metastore stores database and table names in lower case ([Identifiers](https://docs.databricks.com/en/sql/language-manual/sql-ref-identifiers.html)). User names are looked up as written.",
  },
  trino: {
    rule: "Trino treats catalog, schema and table names as case-insensitive and lower-cases them, even quoted ones ([Keywords and identifiers](https://trino.io/docs/current/language/reserved.html), [trinodb/trino#17](https://github.com/trinodb/trino/issues/17)); grants and file-mode rules name them in lower case. User names are case-sensitive: taken as written.",
  },
  redshift: {
    rule: "Redshift folds the ASCII letters of names to lower case ([Names and identifiers](https://docs.aws.amazon.com/redshift/latest/dg/r_names.html)); a quoted object name keeps its case only with `enable_case_sensitive_identifier` set, a quoted user name always ([enable_case_sensitive_identifier](https://docs.aws.amazon.com/redshift/latest/dg/r_enable_case_sensitive_identifier.html)).",
    usage:
      "`identities.redshift` is the user as Redshift names it (what `CURRENT_USER` returns, which the entitlements are matched against): a database user (`alice`), or a federated user with the prefix Redshift gives it: `IAM:alice` or `IAMA:alice` from GetClusterCredentials (without and with AutoCreate), `IAM:alice` or `IAMR:analyst` for an IAM user or role (GetClusterCredentialsWithIAM, Redshift Serverless), `AWSIDC:alice@example.com` for IAM Identity Center (the prefix is the application's identity namespace), `<namespace>:alice` for a native identity provider. Prefixed names are taken as written. Another form (a lower-case `iam:` prefix, an ARN, a prefix without a name) is an error naming the file and line.",
  },
  synapse: {
    rule: "Synapse keeps names as created; whether they match case-insensitively depends on the database's collation, case-insensitive by default ([Database identifiers](https://learn.microsoft.com/en-us/sql/relational-databases/databases/database-identifiers)).",
  },
  bigquery: {
    rule: "Dataset and table names are case-sensitive ([Create datasets](https://cloud.google.com/bigquery/docs/datasets)). Identities are IAM members (`user:alice@example.com`).",
    usage:
      "Running a query is a job: users also need `bigquery.jobs.create` in the project they query from, e.g. `roles/bigquery.jobUser` on that project ([Jobs: required permissions](https://cloud.google.com/bigquery/docs/jobs-overview)). accessplane grants only read on the managed views, never that role.",
  },
  s3: {
    rule: "Bucket names and object keys are not SQL identifiers (keys are case-sensitive); grantees are directory ids and ARNs.",
  },
};

/** The names section of a page: the adapter's folding rules, their source, and what users need to query. */
function namesSection(p: Platform): string[] {
  const a = adapterOf(p);
  const { objects, users } = a.identifierCase;
  const key = a.identityKey(Config.parse({}));
  const quoting =
    objects === "verbatim"
      ? []
      : [
          "A name written in double quotes in the inventory (`table: '\"MixedCase\"'`) is a quoted identifier: the quotes are removed and its case is kept" +
            (objects === "lower-always" ? " (and then lowered: names here are case-insensitive)." : "."),
        ];
  return [
    "## Names",
    "",
    `${
      objects === users
        ? `Object names (\`location\`) and user names (\`identities.${key}\`): ${CASE_PROSE[objects]}.`
        : `Object names (\`location\`): ${CASE_PROSE[objects]}. User names (\`identities.${key}\`): ${CASE_PROSE[users]}.`
    } The plan shows every name as the platform stores it.`,
    "",
    NAMES[p].rule,
    "",
    ...quoting,
    "",
    ...(NAMES[p].usage !== undefined ? [NAMES[p].usage, ""] : []),
  ];
}

/** How each enforcement reads in prose. */
const ENFORCEMENT: Record<Enforcement, string> = {
  grants: "native grants",
  views: "managed views",
  cluster: "the cluster's access control",
  "access-grants": "S3 Access Grants",
};

const HEADER = "<!-- Generated by scripts/platform-docs.ts (`npm run docs:platforms`): edit the script, not this file. -->";

/** The page of one platform. */
export function renderPlatformDoc(p: Platform): string {
  const a = ADAPTERS[p];
  const page = PAGES[p];
  const lines = [
    HEADER,
    "",
    `# ${a.title}`,
    "",
    `Platform id \`${p}\` · ${a.supportsWrite ? "read and write" : "read only"} · enforced through ${ENFORCEMENT[a.enforcement]}.`,
    "",
    page.intro,
    "",
    "## Privileges",
    "",
    ...privilegeTable(p, Config.parse({})),
    "",
    ...(page.sections ? [...page.sections(), ""] : []),
    ...namesSection(p),
    "## Write policies",
    "",
    page.write,
    "",
    "- Write actions are not captured by audit: the platform's audit logs and governance reports do not record what a writer changed.",
    "- Except on Starburst (Trino), write access modifies existing data only: it never creates or drops tables.",
    "",
    "## Examples",
    "",
    ...page.examples.flatMap((ex) => exampleSection(p, ex)),
  ];
  return (
    lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

/** The index of the platform pages. */
export function renderIndex(): string {
  const rows = PLATFORMS.map((p) => {
    const a = ADAPTERS[p];
    return `| [${a.title}](${p}.md) | \`${p}\` | ${a.supportsWrite ? "read, write" : "read"} | ${ENFORCEMENT[a.enforcement]} |`;
  });
  return [
    HEADER,
    "",
    "# Platforms",
    "",
    "How a subscription policy's access type becomes privileges on each platform. Every page shows the privilege table as the adapter implements it, and example policies with the plan generated from them.",
    "",
    "| platform | id | policies grant | enforced through |",
    "|---|---|---|---|",
    ...rows,
    "",
    "Write actions are not captured by audit on any platform. Except on Starburst (Trino), write access never creates or drops tables.",
    "",
  ].join("\n");
}

/** Every generated file: path relative to the repository root -> content. */
export function renderAll(): Map<string, string> {
  const out = new Map<string, string>();
  out.set(path.posix.join(DOCS_DIR, "README.md"), renderIndex());
  for (const p of PLATFORMS) out.set(path.posix.join(DOCS_DIR, `${p}.md`), renderPlatformDoc(p));
  return out;
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const [file, content] of renderAll()) {
    const full = path.join(root, file);
    const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
    if (current === content) continue;
    stale.push(file);
    if (!check) {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
  process.stdout.write(stale.length === 0 ? "platform docs are up to date\n" : `${check ? "stale" : "wrote"}: ${stale.join(", ")}\n`);
  if (check && stale.length > 0) process.exitCode = 1;
}
