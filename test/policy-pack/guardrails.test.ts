/**
 * The CrossGuard guardrails over two sets of resources: the example estate as the components register
 * it under mocks (no violation), and a deliberately unsafe estate (exact violations). The pack's
 * constructor needs the Pulumi CLI, so the validations are called directly, the way the engine would.
 */
import { estatePaths } from "../../provider/cli/main";
import { loadEstate } from "../../provider/model/read";
import type { Estate } from "../../provider/model/estate";
import { Config } from "../../provider/model/schema";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { S3_TAGS as EMITTED_TAGS } from "../../provider/pulumi/emitters/s3";
import {
  DEFAULT_CONFIG,
  type GuardrailConfig,
  iamRoleQuota,
  noUnacknowledgedSharedRoleGrant,
  noWriteOnReadOnly,
  onlyPolicyPrincipals,
  roleAccount,
  s3GrantScopeIsAFolder,
  S3_TAGS,
} from "../../policy-pack/validations";
import { mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const role = (account: string, n: string) => `arn:aws:iam::${account}:role/${n}`;
const urn = (r: { type: string; name: string }) => `urn:pulumi:test::accessplane::${r.type}::${r.name}`;

interface Violation {
  policy: string;
  resource?: string;
  message: string;
}

/** Runs every policy of the pack over the resources, as `pulumi preview --policy-pack` would. */
function validate(resources: CapturedResource[], config: Partial<GuardrailConfig> = {}): Violation[] {
  const getConfig = <T extends object>() => config as T;
  const out: Violation[] = [];
  const resourcePolicies = {
    "no-unacknowledged-shared-role-grant": noUnacknowledgedSharedRoleGrant,
    "no-write-on-read-only": noWriteOnReadOnly,
    "only-policy-principals": onlyPolicyPrincipals,
    "s3-grant-scope-is-a-folder": s3GrantScopeIsAFolder,
  };
  for (const [policy, check] of Object.entries(resourcePolicies)) {
    for (const r of resources) {
      check({ type: r.type, name: r.name, urn: urn(r), props: r.inputs, getConfig }, (message) =>
        out.push({ policy, resource: r.name, message }),
      );
    }
  }
  iamRoleQuota({ resources: resources.map((r) => ({ type: r.type, name: r.name, urn: urn(r), props: r.inputs })), getConfig }, (message) =>
    out.push({ policy: "iam-role-quota", message }),
  );
  // Grouped by policy in the pack's order (stable sort), then by resource name.
  return out.sort((a, b) => (a.policy === b.policy ? (a.resource ?? "").localeCompare(b.resource ?? "") : 0));
}

/** The bundled example estate, found the way the CLI finds it. */
const example = (): Estate => loadEstate(estatePaths({})).estate!;

/** The pack config an estate implies: its prefixes, and its read-only Unity Catalog objects. */
function packConfig(estate: Estate): Partial<GuardrailConfig> {
  const writable = new Set(["MANAGED", "EXTERNAL"]);
  return {
    snowflakeRolePrefix: estate.config.naming.snowflakeRolePrefix,
    groupPrefix: estate.config.naming.groupPrefix,
    readOnlyTables: estate.inventory.dataSources.flatMap((d) =>
      d.platform === "databricks-unity-catalog" && !writable.has(d.objectType)
        ? [`${d.location.catalog}.${d.location.schema}.${d.location.table}`]
        : [],
    ),
  };
}

/**
 * Both S3 IAM modes, accepted by the plan: ann, ben (account 1) and cat (account 2) on their own
 * roles; dan behind a shared role (with eve) on a data source that acknowledges it.
 */
const IAM_ESTATE = () =>
  mustLoad({
    policies: {
      "own.yaml": "name: lake-readers\naccess: read\nsubscribers: { when: { group: own } }\ndataSources: { names: [lake] }\n",
      "shared.yaml": "name: exports-writers\naccess: write\nsubscribers: { when: { group: shared } }\ndataSources: { names: [exports] }\n",
    },
    inventory: {
      "inv.yaml": `users:
  - { id: ann, groups: [own], identities: { iamRole: "${role("111111111111", "ann")}" } }
  - { id: ben, groups: [own], identities: { iamRole: "${role("111111111111", "ben")}" } }
  - { id: cat, groups: [own], identities: { iamRole: "${role("222222222222", "cat")}" } }
  - { id: dan, groups: [shared], identities: { iamRole: "${role("111111111111", "exports-shared")}" } }
  - { id: eve }
groups: [{ id: own }, { id: shared }]
dataSources:
  - { id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: raw/ }, principalMode: iam-role-per-user }
  - { id: exports, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: exports/ }, principalMode: shared-iam-role, acknowledgeSharedRole: true }
sharedRoles:
  - { arn: "${role("111111111111", "exports-shared")}", members: [dan, eve] }
`,
    },
    config: 's3:\n  accountId: "111111111111"\n',
  });

let exampleResources: CapturedResource[];
let iamResources: CapturedResource[];
beforeAll(async () => {
  exampleResources = await captureResources(example(), NOW);
  iamResources = await captureResources(IAM_ESTATE(), NOW);
});

describe("the pack agrees with the emitters", () => {
  test("tag names and config defaults are the estate's", () => {
    expect(S3_TAGS).toEqual(EMITTED_TAGS);
    const defaults = Config.parse({});
    expect(DEFAULT_CONFIG).toEqual({
      snowflakeRolePrefix: defaults.naming.snowflakeRolePrefix,
      groupPrefix: defaults.naming.groupPrefix,
      readOnlyTables: [],
      bigqueryDatasetSuffix: defaults.viewBased.bigqueryDatasetSuffix,
      maxRolesPerAccount: defaults.s3.maxRolesPerAccount,
      syncedGroups: [],
    });
  });

  test("an S3 grant's wildcard must follow a `/`, or stand alone, and end the sub-prefix", () => {
    const flagged = (sub: string, extra: Record<string, unknown> = {}) => {
      let n = 0;
      const props = { accessGrantsLocationConfiguration: { s3SubPrefix: sub }, ...extra };
      s3GrantScopeIsAFolder({ type: "aws:s3control/accessGrant:AccessGrant", name: "g", urn: "u", props }, () => n++);
      return n > 0;
    };
    expect(["*", "acme/*", "acme/sales/*", "sales/2026/orders.csv"].map((x) => flagged(x))).toEqual([false, false, false, false]);
    expect(["acme/sales*", "acme*", "acme/*/raw/*", "acme/sa*les/"].map((x) => flagged(x))).toEqual([true, true, true, true]);
    expect(flagged("acme/orders*.csv", { s3PrefixType: "Object" })).toBe(false);
  });

  test("role ARNs parse to their account; anything else is not a role", () => {
    expect(
      [
        "arn:aws:iam::111111111111:role/a",
        "arn:aws-us-gov:iam::222222222222:role/p/q",
        "arn:aws:iam::111111111111:user/a",
        "role/a",
        "",
      ].map(roleAccount),
    ).toEqual(["111111111111", "222222222222", undefined, undefined, undefined]);
  });
});

describe("the example estate, captured from the components", () => {
  test("covers every guarded resource type", () => {
    const types = new Set(exampleResources.map((r) => r.type));
    for (const t of [
      "aws:s3control/accessGrant:AccessGrant",
      "aws:identitystore/group:Group",
      "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole",
      "snowflake:index/grantAccountRole:GrantAccountRole",
      "databricks:index/grant:Grant",
      "pulumi-nodejs:dynamic/accessplane:SparkTableGrants",
      "gcp:bigquery/iamBinding:IamBinding",
    ])
      expect(types).toContain(t);
  });

  test("has no violation, with the defaults and with the config it implies", () => {
    expect(packConfig(example()).readOnlyTables).toEqual(["main.finance.ledger_monthly"]);
    expect(validate(exampleResources)).toEqual([]);
    expect(validate(exampleResources, packConfig(example()))).toEqual([]);
  });

  test("the IAM modes the plan accepts have no violation", () => {
    expect(
      iamResources
        .filter((r) => r.type === "aws:s3control/accessGrant:AccessGrant")
        .map(
          (r) =>
            `${(r.inputs.grantee as { granteeIdentifier: string }).granteeIdentifier} ${(r.inputs.tags as Record<string, string>)[S3_TAGS.mode]}`,
        ),
    ).toEqual([
      "arn:aws:iam::111111111111:role/exports-shared shared-iam-role",
      "arn:aws:iam::111111111111:role/ann iam-role-per-user",
      "arn:aws:iam::111111111111:role/ben iam-role-per-user",
      "arn:aws:iam::222222222222:role/cat iam-role-per-user",
    ]);
    expect(validate(iamResources)).toEqual([]);
  });

  test("the quota counts distinct roles per account from the emitted grants", () => {
    expect(validate(iamResources, { maxRolesPerAccount: 1 })).toEqual([
      {
        policy: "iam-role-quota",
        message:
          "S3 access grants use 2 distinct IAM roles in AWS account `111111111111` for iam-role-per-user, over the limit of 1 roles per account; switch those data sources to identity-center, which needs no role per user",
      },
    ]);
  });
});

describe("a deliberately unsafe estate", () => {
  /**
   * The components refuse or downgrade everything below (write on read-only objects yields SELECT,
   * principals are always prefixed, unacknowledged shared roles and the role quota are plan errors),
   * so these resources are the captured ones edited by hand, the way someone could declare them
   * next to the estate in the same stack.
   */
  function unsafe(): CapturedResource[] {
    const rs: CapturedResource[] = structuredClone([...exampleResources, ...iamResources]);
    const find = (type: string, name: string) => {
      const r = rs.find((x) => x.type === type && x.name === name);
      if (!r) throw new Error(`no ${type} ${name}`);
      return r;
    };
    // Write privileges on read-only objects, one per platform.
    find(
      "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole",
      "estate/snowflake:data-engineers-write/grant/snowflake.sales.orders_summary",
    ).inputs.privileges = ["INSERT", "SELECT", "UPDATE"];
    find(
      "databricks:index/grant:Grant",
      "estate/databricks-unity-catalog:finance-analysts-read/grant/uc.finance.ledger_monthly",
    ).inputs.privileges = ["MODIFY", "SELECT"];
    const sparkGrants = find(
      "pulumi-nodejs:dynamic/accessplane:SparkTableGrants",
      "estate/databricks-spark:everyone-reads-telemetry/grants",
    ).inputs.grants as { table: string | null; privileges: string[] }[];
    sparkGrants.find((g) => g.table === "clicks")!.privileges = ["MODIFY", "SELECT"];
    find("gcp:bigquery/iamBinding:IamBinding", "estate/bigquery/readers/bigquery.web.sessions").inputs.role = "roles/bigquery.dataEditor";
    // Foreign principals: a policy role granted on to SYSADMIN, a Databricks grant to everyone, an
    // Identity Center group outside the naming scheme.
    rs.push(
      {
        type: "snowflake:index/grantAccountRole:GrantAccountRole",
        name: "handmade/sysadmin-inherits",
        inputs: { parentRoleName: "SYSADMIN", roleName: "AP_FINANCE_ANALYSTS_READ" },
      },
      {
        type: "databricks:index/grant:Grant",
        name: "handmade/all-users",
        inputs: { principal: "account users", privileges: ["SELECT"], table: "main.finance.ledger" },
      },
      // Authoritative SqlPermissions declared by hand, with write on a read-only platform.
      {
        type: "databricks:index/sqlPermissions:SqlPermissions",
        name: "handmade/spark-clicks",
        inputs: {
          database: "web",
          table: "clicks",
          privilegeAssignments: [{ principal: "ap-everyone-reads-telemetry", privileges: ["MODIFY", "SELECT"] }],
        },
      },
      {
        type: "aws:identitystore/group:Group",
        name: "handmade/finance-team",
        inputs: { displayName: "finance-team", identityStoreId: "d-9067a1b2c3" },
      },
    );
    // An unacknowledged grant to a shared role (the plan refuses it), and an IAM grant without tags.
    const shared = find(
      "aws:s3control/accessGrant:AccessGrant",
      "estate/s3:exports-writers#iamRole/grant/exports/arn:aws:iam::111111111111:role/exports-shared",
    );
    (shared.inputs.tags as Record<string, string>)[S3_TAGS.acknowledged] = "false";
    const untagged = structuredClone(shared);
    untagged.name = "handmade/untagged";
    delete untagged.inputs.tags;
    rs.push(untagged);
    // A grant whose wildcard follows a bare prefix: it reaches sibling prefixes too.
    const widened = structuredClone(find("aws:s3control/accessGrant:AccessGrant", "estate/s3:lake-readers#iamRole/grant/lake/ann"));
    widened.name = "handmade/partner-feeds";
    widened.inputs.accessGrantsLocationConfiguration = { s3SubPrefix: "northwind-landing/partner-feeds*" };
    rs.push(widened);
    // 5,001 iam-role-per-user grantees in one account, cloned from an emitted grant (the plan stops at 5,000).
    const own = find("aws:s3control/accessGrant:AccessGrant", "estate/s3:lake-readers#iamRole/grant/lake/ann");
    for (let i = 0; i < 5001; i++) {
      const g = structuredClone(own);
      g.name = `handmade/lake/u${i}`;
      (g.inputs.grantee as Record<string, string>).granteeIdentifier = role("333333333333", `u${i}`);
      rs.push(g);
    }
    return rs;
  }

  test("reports exactly the unsafe resources", () => {
    const violations = validate(unsafe(), packConfig(example()));
    expect(violations).toEqual([
      {
        policy: "no-unacknowledged-shared-role-grant",
        resource: "estate/s3:exports-writers#iamRole/grant/exports/arn:aws:iam::111111111111:role/exports-shared",
        message:
          "AccessGrant `estate/s3:exports-writers#iamRole/grant/exports/arn:aws:iam::111111111111:role/exports-shared` of policy `exports-writers` grants S3 access to shared IAM role `arn:aws:iam::111111111111:role/exports-shared` without acknowledgement: everyone who can assume the role gains it, and future members bypass approval; prefer identity-center, or set `acknowledgeSharedRole: true` on the policy or the data source after reviewing the plan's blast radius",
      },
      {
        policy: "no-unacknowledged-shared-role-grant",
        resource: "handmade/untagged",
        message:
          "AccessGrant `handmade/untagged` grants S3 access to IAM principal `arn:aws:iam::111111111111:role/exports-shared` without the `accessplane:principal-mode` tag, so its provenance is unknown and nobody reviewed who is behind the principal; grant S3 access through an accessplane policy (identity-center preferred) instead of declaring the grant by hand",
      },
      {
        policy: "no-write-on-read-only",
        resource: "estate/bigquery/readers/bigquery.web.sessions",
        message:
          "IamBinding `estate/bigquery/readers/bigquery.web.sessions` grants `roles/bigquery.dataEditor` on BigQuery managed view `web_accessplane.sessions`, which is read-only (only `roles/bigquery.dataViewer` may be granted there); managed views are read-only: bind `roles/bigquery.dataViewer` only",
      },
      {
        policy: "no-write-on-read-only",
        resource: "estate/databricks-spark:everyone-reads-telemetry/grants",
        message:
          "SparkTableGrants `estate/databricks-spark:everyone-reads-telemetry/grants` grants `MODIFY` on Databricks Spark object `hive_metastore.web.clicks`, which is read-only (only `READ_METADATA`, `SELECT`, `USAGE` may be granted there); Databricks Spark is read-only for subscription policies: control write through scratch paths and workspaces, and grant only SELECT, USAGE or READ_METADATA",
      },
      {
        policy: "no-write-on-read-only",
        resource: "estate/databricks-unity-catalog:finance-analysts-read/grant/uc.finance.ledger_monthly",
        message:
          "Grant `estate/databricks-unity-catalog:finance-analysts-read/grant/uc.finance.ledger_monthly` grants `MODIFY` on Unity Catalog securable `main.finance.ledger_monthly`, which is read-only (only `BROWSE`, `SELECT` may be granted there); grant only SELECT: a write policy issues nothing on views, materialized views, streaming and foreign tables",
      },
      {
        policy: "no-write-on-read-only",
        resource: "estate/snowflake:data-engineers-write/grant/snowflake.sales.orders_summary",
        message:
          'GrantPrivilegesToAccountRole `estate/snowflake:data-engineers-write/grant/snowflake.sales.orders_summary` grants `INSERT`, `UPDATE` on Snowflake view `"SALES"."PUBLIC"."ORDERS_SUMMARY"`, which is read-only (only `SELECT` may be granted there); grant only SELECT (a write policy on a read-only object yields SELECT), or point the write policy at base tables',
      },
      {
        policy: "no-write-on-read-only",
        resource: "handmade/spark-clicks",
        message:
          "SqlPermissions `handmade/spark-clicks` grants `MODIFY` on Databricks Spark object `web.clicks`, which is read-only (only `READ_METADATA`, `SELECT`, `USAGE` may be granted there); Databricks Spark is read-only for subscription policies: control write through scratch paths and workspaces, and grant only SELECT, USAGE or READ_METADATA",
      },
      {
        policy: "only-policy-principals",
        resource: "handmade/all-users",
        message:
          "Grant `handmade/all-users` uses Databricks principal `account users`, which is not a policy principal (its name does not start with `ap-`); grant access through an accessplane policy, whose generated principals carry the prefix, and manage other principals outside this stack",
      },
      {
        policy: "only-policy-principals",
        resource: "handmade/finance-team",
        message:
          "Group `handmade/finance-team` uses Identity Center group `finance-team`, which is not a policy principal (its name does not start with `ap-`); grant access through an accessplane policy, whose generated principals carry the prefix, and manage other principals outside this stack",
      },
      {
        policy: "only-policy-principals",
        resource: "handmade/sysadmin-inherits",
        message:
          "GrantAccountRole `handmade/sysadmin-inherits` uses Snowflake parent role `SYSADMIN`, which is not a policy principal (its name does not start with `AP_`); grant access through an accessplane policy, whose generated principals carry the prefix, and manage other principals outside this stack (a synced group's role belongs in the pack's `syncedGroups`)",
      },
      {
        policy: "s3-grant-scope-is-a-folder",
        resource: "handmade/partner-feeds",
        message:
          "AccessGrant `handmade/partner-feeds` has sub-prefix `northwind-landing/partner-feeds*`, whose `*` also matches every key that merely starts with `northwind-landing/partner-feeds` (such as `northwind-landing/partner-feeds-archive/`); scope a folder (`northwind-landing/partner-feeds/*`) through an accessplane data source, or a single object with `s3PrefixType: Object`",
      },
      {
        policy: "iam-role-quota",
        message:
          "S3 access grants use 5001 distinct IAM roles in AWS account `333333333333` for iam-role-per-user, over the limit of 5000 roles per account; switch those data sources to identity-center, which needs no role per user",
      },
    ]);
  });

  test("a policy role granted to a synced group's role passes when the pack lists the group, and only then", async () => {
    const estate = mustLoad({
      policies: { "p.yaml": "name: p\naccess: read\nsubscribers: { when: { group: analysts } }\ndataSources: { tags: { anyOf: [t] } }\n" },
      inventory: {
        "i.yaml": `users:
  - { id: ann, groups: [analysts], identities: { snowflake: ANN } }
groups:
  - { id: analysts, identities: { snowflake: analysts } }
dataSources:
  - { id: a, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: A }, tags: [t] }
`,
      },
    });
    const rs = (await captureResources(estate, NOW)).filter((r) => !r.type.startsWith("accessplane:"));
    const synced = estate.inventory.groups.flatMap((g) => (g.identities?.snowflake ? [g.identities.snowflake] : []));
    expect(validate(rs, { syncedGroups: synced })).toEqual([]);
    expect(validate(rs).map((v) => [v.policy, v.resource])).toEqual([
      ["only-policy-principals", "estate/snowflake:p/synced-group/analysts"],
    ]);
  });

  test("5,000 roles in one account are within the quota", () => {
    const rs = unsafe().filter((r) => r.name !== "handmade/lake/u5000");
    expect(validate(rs, packConfig(example())).filter((v) => v.policy === "iam-role-quota")).toEqual([]);
  });

  test("the foreign-principal check follows the configured prefixes", () => {
    const config = { ...packConfig(example()), snowflakeRolePrefix: "ap_", groupPrefix: "team-" };
    const violations = validate(exampleResources, config).filter((v) => v.policy === "only-policy-principals");
    const perType = (vs: Violation[]) =>
      vs.reduce<Record<string, number>>((m, v) => {
        const t = exampleResources.find((r) => r.name === v.resource)!.type;
        return { ...m, [t]: (m[t] ?? 0) + 1 };
      }, {});
    // Snowflake identifiers fold to upper case, so `ap_` still accepts the AP_ roles; group prefixes are exact.
    expect(perType(violations)).toEqual({
      "aws:identitystore/group:Group": 2,
      "databricks:index/grant:Grant": 12,
      "databricks:index/group:Group": 5,
      "pulumi-nodejs:dynamic/accessplane:SparkTableGrants": 1,
    });
  });
});
