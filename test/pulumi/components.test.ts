/**
 * The components under Pulumi mocks: exact children, access implied by resources equals the plan,
 * preview stability, linear growth, providers reaching every child, and stack slices.
 */
import * as path from "node:path";
import { buildPlan } from "../../provider/plan/build";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { EMITTERS } from "../../provider/pulumi/emitters";
import { expectGolden } from "../support/golden";
import { impliedAccess } from "../support/implied";
import { exampleEstate, mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const example = exampleEstate;

const custom = (rs: CapturedResource[]) => rs.filter((r) => !r.type.startsWith("accessplane:"));
const byName = (rs: CapturedResource[]) => new Map(custom(rs).map((r) => [`${r.type}::${r.name}`, r]));

describe("AccessEstate on the example estate", () => {
  let resources: CapturedResource[];
  beforeAll(async () => {
    resources = await captureResources(example(), NOW);
  });

  test("registers exactly the golden resources", () => {
    expectGolden(path.join(__dirname, "golden", "example-resources.json"), JSON.stringify(resources, null, 2) + "\n");
  });

  test("one SubscriptionPolicy child per grant policy, under the estate", () => {
    expect(resources.filter((r) => r.type === "accessplane:index:SubscriptionPolicy").map((r) => `${r.name} <- ${r.parent}`)).toEqual(
      example()
        .policies.filter((p) => p.kind === "grant")
        .map((p) => `estate/${p.name} <- estate`)
        .sort(),
    );
  });

  test("the access implied by the resources equals the plan's access on every platform", () => {
    const estate = example();
    const plan = buildPlan(estate, NOW);
    // Trino resources speak native privileges: compare with the ones each plan entry lists.
    const expected = new Map(
      plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, e.platform === "trino" ? (e.nativePrivileges as string[]) : e.privileges]),
    );
    expect(impliedAccess(resources, estate)).toEqual(expected);
  });

  test("every privilege list in the inputs is sorted", () => {
    const lists: string[][] = [];
    const walk = (v: unknown, key: string) => {
      if (Array.isArray(v)) {
        if (key === "privileges" || key === "members") lists.push(v as string[]);
        v.forEach((x) => walk(x, ""));
      } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    for (const r of resources) walk(r.inputs, "");
    expect(lists.length).toBeGreaterThan(20);
    for (const l of lists) expect(l).toEqual([...l].sort());
  });
});

// A small estate per platform, to pin each emitter's exact children.
const USERS = `
users:
  - { id: ann, groups: [g], identities: { snowflake: ANN, databricks: ann@x.io, identityCenter: idc-ann, iamRole: "arn:aws:iam::111111111111:role/ann", bigquery: "user:ann@x.io", trino: ann, redshift: ann, synapse: ann@x.io } }
  - { id: ben, groups: [g], identities: { snowflake: BEN, databricks: ben@x.io, identityCenter: idc-ben, iamRole: "arn:aws:iam::111111111111:role/ben", bigquery: "user:ben@x.io", trino: ben, redshift: ben, synapse: ben@x.io } }
groups: [ { id: g } ]
`;
const SOURCES: Record<string, string> = {
  snowflake: `{ id: a, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: A }, tags: [t] }`,
  "databricks-unity-catalog": `{ id: a, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: c, schema: s, table: a }, tags: [t] }`,
  "databricks-spark": `{ id: a, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: s, table: a }, tags: [t] }`,
  bigquery: `{ id: a, platform: bigquery, objectType: BASE TABLE, location: { project: p, dataset: d, table: a, location: EU }, tags: [t] }`,
  s3: `{ id: a, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: x/ }, tags: [t] }`,
  trino: `{ id: a, platform: trino, objectType: BASE TABLE, location: { catalog: c, schema: s, table: a }, tags: [t] }`,
  redshift: `{ id: a, platform: redshift, objectType: BASE TABLE, location: { database: d, schema: s, table: a }, tags: [t] }`,
  synapse: `{ id: a, platform: synapse, objectType: BASE TABLE, location: { database: d, schema: s, table: a }, tags: [t] }`,
};
/** The S3 prerequisites every estate with an S3 data source states. */
const S3_CONFIG = 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n';
/**
 * S3's small estate pins the location rules too: the instance and its locations (manageInstance), a
 * grant below a bucket location, a prefix written without its slash, and a single object.
 */
const PLATFORM_EXTRAS: Record<string, { config: string; sources: string }> = {
  s3: {
    config: `${S3_CONFIG}  manageInstance: true
  identityCenterArn: arn:aws:sso:::instance/ssoins-7223a5b1c9e4d6f8
  locations:
    - { id: default, scope: "s3://", iamRoleArn: "arn:aws:iam::406321587214:role/access-grants-default" }
    - { id: landing, scope: "s3://acme-landing/", iamRoleArn: "arn:aws:iam::406321587214:role/access-grants-landing" }
`,
    sources: `  - { id: feeds, platform: s3, objectType: PREFIX, location: { bucket: acme-landing, prefix: partner-feeds }, tags: [t] }
  - { id: orders, platform: s3, objectType: OBJECT, location: { bucket: acme-landing, object: sales/2026/orders.csv }, tags: [t] }
`,
  },
};
const platformEstate = (platform: string, extraSources = "") =>
  mustLoad({
    policies: { "p.yaml": "name: p\naccess: write\nsubscribers: { when: { group: g } }\ndataSources: { tags: { anyOf: [t] } }\n" },
    inventory: {
      "users.yaml": USERS,
      "ds.yaml": `dataSources:\n  - ${SOURCES[platform]}\n${PLATFORM_EXTRAS[platform]?.sources ?? ""}${extraSources}`,
    },
    config: PLATFORM_EXTRAS[platform]?.config ?? S3_CONFIG,
  });

describe.each(Object.keys(SOURCES))("%s emitter", (platform) => {
  test("registers exactly the golden children for two users and one object", async () => {
    const rs = custom(await captureResources(platformEstate(platform), NOW));
    expectGolden(path.join(__dirname, "golden", `${platform}.json`), JSON.stringify(rs, null, 2) + "\n");
  });
});

describe("preview stability", () => {
  const names = (rs: CapturedResource[]) => [...byName(rs).keys()].sort();
  const changed = (a: CapturedResource[], b: CapturedResource[]) => {
    const A = byName(a);
    const B = byName(b);
    return {
      creates: [...B.keys()].filter((k) => !A.has(k)).sort(),
      deletes: [...A.keys()].filter((k) => !B.has(k)).sort(),
      updates: [...B.keys()].filter((k) => A.has(k) && JSON.stringify(A.get(k)!.inputs) !== JSON.stringify(B.get(k)!.inputs)).sort(),
    };
  };
  let base: CapturedResource[];
  beforeAll(async () => {
    base = await captureResources(example(), NOW);
  });

  test("one extra user adds exactly their memberships", async () => {
    const e = example();
    const dave = e.inventory.users.find((u) => u.id === "dave")!;
    e.inventory.users = [
      ...e.inventory.users,
      {
        ...dave,
        id: "gina",
        email: "gina@example.com",
        groups: ["finance"],
        identities: {
          ...dave.identities,
          snowflake: "GINA",
          databricks: "gina@example.com",
          identityCenter: "9067a1b2c3-gina",
          bigquery: "user:gina@example.com",
          trino: "gina",
          redshift: "gina",
          synapse: "gina@example.com",
        },
      },
    ];
    const d = changed(base, await captureResources(e, NOW));
    expect(d.deletes).toEqual([]);
    expect(d.creates).toEqual([
      "databricks:index/groupMember:GroupMember::estate/databricks/ap-everyone-reads-telemetry/member/gina",
      "databricks:index/groupMember:GroupMember::estate/databricks/ap-finance-analysts-read/member/gina",
      "snowflake:index/grantAccountRole:GrantAccountRole::estate/snowflake:everyone-reads-telemetry/member/gina",
      "snowflake:index/grantAccountRole:GrantAccountRole::estate/snowflake:finance-analysts-read/member/gina",
    ]);
    // Members are data of these resources (aggregated per view, or rows per principal): they change
    // in place, and nothing is replaced.
    expect(d.updates).toEqual([
      "gcp:bigquery/iamBinding:IamBinding::estate/bigquery/readers/bigquery.web.sessions",
      "pulumi-nodejs:dynamic/accessplane:PolicyEntitlements::estate/redshift:finance-analysts-read/entitlements/dw",
      "pulumi-nodejs:dynamic/accessplane:TrinoRoleGrants::estate/trino:finance-analysts-read/role",
    ]);
  });

  test("one extra table adds exactly its grants", async () => {
    const e = example();
    const orders = e.inventory.dataSources.find((d) => d.id === "snowflake.sales.orders")!;
    e.inventory.dataSources = [
      ...e.inventory.dataSources,
      { ...orders, id: "snowflake.sales.refunds", location: { database: "SALES", schema: "PUBLIC", table: "REFUNDS" } } as typeof orders,
    ];
    const d = changed(base, await captureResources(e, NOW));
    expect(d).toEqual({
      creates: [
        "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole::estate/snowflake:data-engineers-write/grant/snowflake.sales.refunds",
        "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole::estate/snowflake:finance-analysts-read/grant/snowflake.sales.refunds",
      ],
      deletes: [],
      updates: [],
    });
  });

  test("one removed policy deletes exactly its resources", async () => {
    const e = example();
    e.policies = e.policies.filter((p) => p.name !== "ml-named-users");
    const after = await captureResources(e, NOW);
    const d = changed(base, after);
    expect(d.creates).toEqual([]);
    expect(d.updates).toEqual([]);
    // The policy gives carol and bob write on the `ml` data (one S3 prefix, one Unity Catalog
    // table): its groups, memberships, grants and the catalog and schema usage go; nothing else.
    expect(d.deletes).toEqual([
      "aws:identitystore/group:Group::estate/s3:ml-named-users/group",
      "aws:identitystore/groupMembership:GroupMembership::estate/s3:ml-named-users/member/bob",
      "aws:identitystore/groupMembership:GroupMembership::estate/s3:ml-named-users/member/carol",
      "aws:s3control/accessGrant:AccessGrant::estate/s3:ml-named-users/grant/s3.ml.artifacts",
      "databricks:index/grant:Grant::estate/databricks-unity-catalog:ml-named-users/grant/uc.ml.features",
      "databricks:index/grant:Grant::estate/databricks-unity-catalog:ml-named-users/usage/catalog/main",
      "databricks:index/grant:Grant::estate/databricks-unity-catalog:ml-named-users/usage/schema/main.ml",
      "databricks:index/group:Group::estate/databricks/ap-ml-named-users/group",
      "databricks:index/groupMember:GroupMember::estate/databricks/ap-ml-named-users/member/bob",
      "databricks:index/groupMember:GroupMember::estate/databricks/ap-ml-named-users/member/carol",
    ]);
    expect(names(after).filter((n) => n.includes("ml-named-users"))).toEqual([]);
  });
});

describe("growth", () => {
  const estateOf = (nUsers: number, nObjects: number, platform: string) => {
    const users = Array.from(
      { length: nUsers },
      (_, i) =>
        `  - { id: u${i}, groups: [g], identities: { snowflake: U${i}, databricks: u${i}@x.io, identityCenter: idc-u${i}, bigquery: "user:u${i}@x.io", trino: u${i}, redshift: u${i}, synapse: u${i}@x.io } }`,
    ).join("\n");
    const objects = Array.from(
      { length: nObjects },
      (_, i) =>
        "  - " +
        SOURCES[platform]!.replace(/id: a/, `id: o${i}`)
          .replace(/table: a\b|table: A\b/, `table: o${i}`)
          .replace("prefix: x/", `prefix: x${i}/`),
    ).join("\n");
    return mustLoad({
      policies: { "p.yaml": "name: p\naccess: read\nsubscribers: { anyone: true }\ndataSources: { tags: { anyOf: [t] } }\n" },
      inventory: { "inv.yaml": `users:\n${users}\ngroups: [ { id: g } ]\ndataSources:\n${objects}\n` },
      config: S3_CONFIG,
    });
  };
  test.each(Object.keys(SOURCES))("%s: resources grow as users + objects, not users x objects", async (platform) => {
    const count = async (u: number, o: number) => custom(await captureResources(estateOf(u, o, platform), NOW)).length;
    const base = await count(2, 2);
    const moreUsers = await count(8, 2);
    const moreObjects = await count(2, 8);
    const both = await count(8, 8);
    // Linear: the increments add up; a product would make `both` exceed the sum.
    expect(both - base).toBe(moreUsers - base + (moreObjects - base));
  });
});

describe("providers and slices", () => {
  test("a providers map passed to AccessEstate reaches every custom child", async () => {
    const rs = await captureResources(example(), NOW, {
      providers: () => {
        /* eslint-disable @typescript-eslint/no-require-imports */
        const snowflake = require("@pulumi/snowflake");
        const databricks = require("@pulumi/databricks");
        const aws = require("@pulumi/aws");
        const gcp = require("@pulumi/gcp");
        /* eslint-enable @typescript-eslint/no-require-imports */
        const dbx = new databricks.Provider("dbx", {});
        return {
          snowflake: new snowflake.Provider("sf", {}),
          "databricks-unity-catalog": dbx,
          "databricks-spark": dbx,
          databricksAccount: new databricks.Provider("dbx-account", {
            host: "https://accounts.cloud.databricks.com",
            accountId: "00000000-0000-0000-0000-000000000000",
          }),
          s3: new aws.Provider("aws", { region: "eu-west-1" }),
          bigquery: new gcp.Provider("gcp", {}),
        };
      },
    });
    const all = rs.filter((r) => !r.type.startsWith("accessplane:") && !r.type.startsWith("pulumi:providers:"));
    // accessplane's dynamic resources run their own provider (connections from config or env).
    const children = all.filter((r) => !r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(
      all
        .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
        .every((r) => r.provider === undefined || !/::(sf|dbx|aws|gcp)::/.test(r.provider)),
    ).toBe(true);
    // Exactly the resources the estate registers without a providers map (a workspace assignment is
    // named after its workspace's provider then), on every platform that has a provider.
    const key = (r: CapturedResource) => `${r.type}::${r.name.replace(/\/workspace\/dbx$/, "/workspace")}`;
    const without = custom(await captureResources(example(), NOW)).filter((r) => !r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(children.map(key).sort()).toEqual(without.map(key).sort());
    expect([...new Set(children.map((r) => r.type.split(":")[0]))].sort()).toEqual(["aws", "databricks", "gcp", "snowflake"]);
    const expected: Record<string, string> = { snowflake: "::sf::", databricks: "::dbx::", aws: "::aws::", gcp: "::gcp::" };
    // Databricks groups, members and workspace assignments are account-level: the account provider.
    const account = [
      "databricks:index/group:Group",
      "databricks:index/groupMember:GroupMember",
      "databricks:index/mwsPermissionAssignment:MwsPermissionAssignment",
    ];
    for (const r of children)
      expect(r.provider ?? "").toContain(account.includes(r.type) ? "::dbx-account::" : expected[r.type.split(":")[0]!]!);
  });

  test("stacks sliced by platform own disjoint resources whose union is the single-stack estate", async () => {
    const all = custom(await captureResources(example(), NOW));
    const platforms = Object.keys(EMITTERS);
    const slices = [];
    for (const p of platforms) slices.push(custom(await captureResources(example(), NOW, { slice: { platforms: [p as never] } })));
    const keys = slices.flatMap((s) => s.map((r) => `${r.type}::${r.name}`));
    expect(new Set(keys).size).toBe(keys.length);
    expect(slices.flat().sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`))).toEqual(all);
  });
});
