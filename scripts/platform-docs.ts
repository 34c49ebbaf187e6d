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
import {
  Config,
  DataSource,
  OBJECT_TYPES,
  PLATFORMS,
  type AccessType,
  type Platform,
  type TrinoOperation,
} from "../provider/model/schema";
import { buildPlan } from "../provider/plan/build";
import { planText } from "../provider/plan/render/plan";
import { ADAPTERS } from "../provider/platforms";
import { S3_ACTIONS } from "../provider/platforms/s3";
import { TRINO_OPERATION_PRIVILEGES, trinoOperations } from "../provider/platforms/trino";
import type { Enforcement, PlatformAdapter } from "../provider/platforms/types";

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
const flow = (o: Record<string, unknown>) => `{ ${Object.entries(o).map(([k, v]) => `${k}: ${String(v)}`).join(", ")} }`;

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
        sources: [
          ["spark.web.orders", "TABLE", { catalog: "hive_metastore", schema: "web", table: "orders" }],
        ],
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
      "A policy's access type maps to Trino operations through the access grant mapping (`READ: [READ]`, `WRITE: [READ, WRITE]` by default); the cluster's `access-control.properties` mapping takes precedence over the central one, and the cluster property `immuta.allowed.immuta.datasource.operations` (`trino.cluster.allowedDataSourceOperations`, default `READ, WRITE`) bounds what is allowed on registered data. Each entry of the plan lists its effective `operations`. Trino has no USAGE privilege, so there are no parent grants.",
    write:
      "WRITE grants INSERT, UPDATE, DELETE, MERGE and TRUNCATE on tables and REFRESH on materialized views; views take nothing from WRITE (`write-on-read-only-object`). Only when a mapping adds OWN to WRITE and the cluster allows OWN does write also grant ALTER, COMMENT, DROP and SET PROPERTIES: Trino is the one platform where write access can drop tables. CREATE is never granted by a policy: it applies only to objects not registered as data sources (`allowedNonDataSourceOperations`), and naming it in a mapping or in `allowedDataSourceOperations` is a configuration error. An operation the cluster does not allow is left out, with the warning `trino-operation-not-allowed`.",
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
        title: "WRITE mapped to READ, WRITE and OWN, allowed by the cluster",
        config: OWN_CONFIG,
        identity: plainId("trino"),
        sources: [
          ["trino.lake.orders", "BASE TABLE", { catalog: "lake", schema: "sales", table: "orders" }],
        ],
      },
    ],
  },
  redshift: {
    intro:
      "Read only, view-based. Each data source gets a managed view (`<database>.<managedSchema>.<schema>__<table>`) joined to a secure entitlements view; SELECT on the managed views goes to PUBLIC once, so subscribing or revoking a user changes only the entitlements, never a grant. A user without access who queries the view gets zero rows.",
    write: viewBasedWrite("managed"),
    examples: [
      {
        title: "A table",
        identity: plainId("redshift"),
        sources: [
          ["redshift.dw.orders", "BASE TABLE", { database: "dw", schema: "sales", table: "orders" }],
        ],
      },
    ],
  },
  synapse: {
    intro:
      "Read only, view-based, as Redshift: a managed view per data source (`[<database>].[<managedSchema>].[<schema>__<table>]`), SELECT to PUBLIC once, entitlements decide. Each view checks access itself: a user without access gets the error `Access denied: you are not subscribed to the data source`.",
    write: viewBasedWrite("managed"),
    examples: [
      {
        title: "A table",
        identity: email("synapse"),
        sources: [
          ["synapse.sales.orders", "BASE TABLE", { database: "sales", schema: "dbo", table: "orders" }],
        ],
      },
    ],
  },
  bigquery: {
    intro:
      "Read only, view-based. Each table gets a 1-to-1 view in a mirrored dataset (`<dataset><bigqueryDatasetSuffix>`) that holds the policy logic; grants on that view let only subscribed users see data.",
    write: viewBasedWrite("mirrored"),
    examples: [
      {
        title: "A table",
        identity: (u) => `bigquery: "user:${u}@example.com"`,
        sources: [
          ["bigquery.web.orders", "BASE TABLE", { project: "acme-analytics", dataset: "web", table: "orders" }],
        ],
      },
    ],
  },
  s3: {
    sample: { bucket: "acme-landing", prefix: "sales/", object: "sales/2026/orders.csv" },
    intro:
      "S3 Access Grants: a read policy grants access level READ and a write policy READWRITE, scoped to a bucket, a prefix or one object (from the inventory). Users request temporary credentials from their Access Grants instance. The grantee follows the principal mode (the data source's `principalMode`, else `s3.principalMode`): an IAM Identity Center user or group (`identityCenter` identity; a missing one is an error), or an IAM role (`iamRole` identity). A prefix or object data source without its key grants nothing rather than the whole bucket (`s3-scope-missing`).",
    write:
      "Write maps to READWRITE: the READ actions plus PutObject, PutObjectAcl, PutObjectVersionAcl, DeleteObject, DeleteObjectVersion, AbortMultipartUpload and KmsGenerateDataKey. It writes and deletes objects inside the grant's scope, never buckets. When several policies reach one user, the grant carries the stronger level.",
    sections: s3Sections,
    examples: [
      {
        title: "A prefix and a bucket",
        identity: (u) => `identityCenter: 9067a1b2c3-${u}`,
        sources: [
          ["s3.landing.sales", "PREFIX", { bucket: "acme-landing", prefix: "sales/" }],
          ["s3.exports", "BUCKET", { bucket: "acme-sales-exports" }],
        ],
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
      return { privileges: cell(r.privileges) + (Array.isArray(ops) ? ` (${ops.join(", ")})` : ""), notes: r.notes.map((n) => `\`${n.code}\``) };
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

/** Trino: operations per object type, and the effective operations of every mapping and property. */
function trinoSections(): string[] {
  const ops: TrinoOperation[] = ["READ", "WRITE", "OWN", "CREATE"];
  const mapping = (w: string) => ({ READ: ["READ"], WRITE: w.split(",") });
  const variants: [string, Record<string, unknown>][] = [
    ["default", {}],
    ["central `WRITE: [READ, WRITE, OWN]`", { accessGrantMapping: mapping("READ,WRITE,OWN") }],
    ["central OWN, cluster `WRITE: [READ, WRITE]`", { accessGrantMapping: mapping("READ,WRITE,OWN"), cluster: { accessGrantMapping: mapping("READ,WRITE") } }],
    ["central default, cluster `WRITE: [READ, WRITE, OWN]`", { cluster: { accessGrantMapping: mapping("READ,WRITE,OWN") } }],
  ];
  const properties: [string, string[]][] = [
    ["`READ,WRITE` (default)", ["READ", "WRITE"]],
    ["`READ,WRITE,OWN`", ["READ", "WRITE", "OWN"]],
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
  return [
    "### Operations",
    "",
    `| object type | ${ops.join(" | ")} |`,
    `|---|${ops.map(() => "---|").join("")}`,
    ...Object.entries(TRINO_OPERATION_PRIVILEGES).map(([t, row]) => `| ${t} | ${ops.map((o) => cell(row[o])).join(" | ")} |`),
    "",
    "### Mapping and cluster property",
    "",
    "The effective operations of each access type (the cluster mapping, when set, replaces the central one; the property then removes what it does not allow):",
    "",
    "| mapping | `immuta.allowed.immuta.datasource.operations` | read | write | removed from write (`trino-operation-not-allowed`) |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "With WRITE mapped to READ, WRITE and OWN and OWN allowed by the cluster:",
    "",
    ...privilegeTable("trino", Config.parse({ trino: { accessGrantMapping: mapping("READ,WRITE,OWN"), cluster: { allowedDataSourceOperations: ["READ", "WRITE", "OWN"] } } })),
  ];
}

/** Unity Catalog: what the deploying identities need, and the vendor rule behind each resource. */
function unityCatalogSections(): string[] {
  return [
    "### Resources and prerequisites",
    "",
    "| resource | through | why (vendor rule) |",
    "|---|---|---|",
    "| `databricks.Group` (`api: \"account\"`) and `databricks.GroupMember` per member | the account provider, `providers.databricksAccount` (`host: https://accounts.cloud.databricks.com`, or `https://accounts.azuredatabricks.net`, and `accountId`) | Unity Catalog grants accept only account-level principals: a group created with a workspace provider is workspace-local and the grant fails with \"Could not find principal with name ...\" (provider maintainers in [databricks/terraform-provider-databricks#4680](https://github.com/databricks/terraform-provider-databricks/issues/4680) and [#2237](https://github.com/databricks/terraform-provider-databricks/issues/2237); the `databricks_group` docs: account groups need the accounts host and `account_id`) |",
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
    "| `databricks.Group` (`api: \"account\"`) and `databricks.GroupMember` | the account provider | one account group per cohort, shared with Unity Catalog (account group names are unique in the account) |",
    "| `databricks.MwsPermissionAssignment` (`permissions: [\"USER\"]`, `workspaceId` = `databricks.workspaceId`), or `databricks.PermissionAssignment` through the Spark workspace provider when `databricks.workspaceId` is not set | account provider / workspace provider | permissions in `hive_metastore` refer to the workspace's principals ([Work with Unity Catalog and the legacy Hive metastore](https://docs.databricks.com/en/data-governance/unity-catalog/hive-metastore.html)), so the account group is added to the workspace; `USER` adds it to the workspace's users (basic workspace access for its members), never `ADMIN` |",
    "| `SparkTableGrants` (accessplane dynamic resource) per policy principal | a SQL warehouse, through the [Statement Execution API](https://docs.databricks.com/api/workspace/statementexecution) (`POST /api/2.0/sql/statements`) | ``GRANT SELECT ON TABLE `hive_metastore`.`db`.`t` TO `group` ``, `GRANT USAGE ON DATABASE ...`, `REVOKE ... FROM` and `SHOW GRANTS` ([Hive metastore privileges and securable objects (legacy)](https://docs.databricks.com/en/data-governance/table-acls/object-privileges.html)); each statement names only accessplane's group, and objects are catalog-qualified, so `location.catalog` is honoured whatever the workspace's default catalog |",
    "| `databricks.SqlPermissions` per table, view (`view:`) and database, only with `databricksSpark.authoritative: true` | the Spark workspace provider | the resource is authoritative: it runs `REVOKE ALL PRIVILEGES` for every principal it is not given on its securable (\"would remove anything else\"; `access/resource_sql_permissions.go` in databricks/terraform-provider-databricks), so the plan warns (`databricks-spark-authoritative`) and lists every securable it takes over. It addresses `database`.`table` in the workspace's default catalog, so a data source outside `hive_metastore` is an error (`databricks-spark-authoritative-catalog`) |",
    "",
    "Prerequisites:",
    "",
    "- **Account admin** for the account provider (groups, members, `MwsPermissionAssignment`), or workspace admin for `PermissionAssignment` through the workspace provider.",
    "- **A SQL warehouse** for `SparkTableGrants`: `accessplane:databricksHost` (the workspace URL), `accessplane:databricksWarehouseId`, and the secret `accessplane:databricksToken` (or `ACCESSPLANE_DATABRICKS_HOST`, `ACCESSPLANE_DATABRICKS_WAREHOUSE_ID`, `ACCESSPLANE_DATABRICKS_TOKEN`). The token's identity must be a workspace admin or own the tables and databases (only they can grant on Hive metastore objects) and may use the warehouse. Data access control is always enforced on SQL warehouses; clusters must have table access control enabled.",
    "- Only the group's own privileges change: on update, what it holds on its tables is read back (`SHOW GRANTS`), grants are applied first, then revokes (a privilege granted to the group by hand is revoked too). Delete revokes exactly what the group holds there.",
  ];
}

/** S3: the exact actions of each access level. */
function s3Sections(): string[] {
  return [
    "### Access levels and actions",
    "",
    "| policy | access level | S3 actions |",
    "|---|---|---|",
    `| read | READ | ${S3_ACTIONS.READ.join(", ")} |`,
    `| write | READWRITE | ${S3_ACTIONS.READWRITE.join(", ")} |`,
    "",
    "Each plan entry carries `accessLevel` and the exact `actions` list.",
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
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
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
