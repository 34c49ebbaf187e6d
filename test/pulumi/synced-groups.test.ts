/**
 * Memberships through synced groups, by example: the exact resources per platform for a policy
 * whose subscribers are a synced group or an attribute, and the cases that stay per user.
 */
import * as path from "node:path";
import { buildPlan } from "../../provider/plan/build";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { expectGolden } from "../support/golden";
import { impliedAccess } from "../support/implied";
import { load, mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const custom = (rs: CapturedResource[]) => rs.filter((r) => !r.type.startsWith("accessplane:") && !r.type.startsWith("pulumi:providers:"));

const identities = (id: string) =>
  `{ snowflake: ${id.toUpperCase()}, databricks: ${id}@x.io, identityCenter: idc-${id}, bigquery: "user:${id}@x.io", trino: ${id}, redshift: ${id}, synapse: ${id}@x.io }`;
// ann and ben are analysts (synced everywhere); cat is in finance by attribute only.
const INVENTORY = `
users:
  - { id: ann, groups: [analysts], identities: ${identities("ann")} }
  - { id: ben, groups: [analysts], identities: ${identities("ben")} }
  - { id: cat, attributes: { department: [finance] }, identities: ${identities("cat")} }
groups:
  - id: analysts
    identities: { snowflake: ANALYSTS, databricks: Analysts, identityCenter: 9067a1b2c3-1111-2222-3333-444455556666, trino: analysts, bigquery: "group:analysts@x.io" }
`;
const SOURCES: Record<string, string> = {
  snowflake: `{ id: a, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: A }, tags: [t] }`,
  "databricks-unity-catalog": `{ id: a, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: c, schema: s, table: a }, tags: [t] }`,
  "databricks-spark": `{ id: a, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: s, table: a }, tags: [t] }`,
  bigquery: `{ id: a, platform: bigquery, objectType: BASE TABLE, location: { project: p, dataset: d, table: a, location: EU }, tags: [t] }`,
  s3: `{ id: a, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: x/ }, tags: [t] }`,
  trino: `{ id: a, platform: trino, objectType: BASE TABLE, location: { catalog: c, schema: s, table: a }, tags: [t] }`,
  redshift: `{ id: a, platform: redshift, objectType: BASE TABLE, location: { database: d, schema: s, table: a }, tags: [t] }`,
};
const config = (trinoMode = "file") =>
  `s3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\ntrino:\n  mode: ${trinoMode}\n  admins: { users: [trino-admin] }\n`;
type Options = { policy?: string; config?: string; trinoMode?: string };
const POLICY = `name: p
access: read
subscribers: { when: { anyOf: [ { group: analysts }, { attribute: department, values: [finance] } ] } }
dataSources: { tags: { anyOf: [t] } }
`;

const estate = (platform: string, o: Options = {}) =>
  mustLoad({
    policies: { "p.yaml": o.policy ?? POLICY },
    inventory: { "inventory.yaml": `${INVENTORY}dataSources:\n  - ${SOURCES[platform]}\n` },
    // Trino in file mode on the Trino estate only: the rules document is written even without Trino data sources.
    config: config(o.trinoMode ?? (platform === "trino" ? "file" : "sql")) + (o.config ?? ""),
  });

describe.each(Object.keys(SOURCES))("%s: a synced group and a user by attribute", (platform) => {
  test("registers exactly the golden resources, and they imply the plan's access", async () => {
    const e = estate(platform);
    const rs = custom(await captureResources(e, NOW));
    expectGolden(path.join(__dirname, "golden", "synced-groups", `${platform}.json`), JSON.stringify(rs, null, 2) + "\n");
    const plan = buildPlan(e, NOW);
    expect(impliedAccess(rs, e)).toEqual(
      new Map(
        plan.access.map((x) => [
          `${x.user}\u0000${x.dataSource}`,
          x.platform === "trino" ? (x.nativePrivileges as string[]) : x.privileges,
        ]),
      ),
    );
  });
});

describe("which principals take synced groups", () => {
  const groupsOf = (platform: string, o: Options = {}) =>
    buildPlan(estate(platform, o), NOW).principals.map((p) => ({
      groups: p.groups ?? [],
      through: p.members.filter((m) => m.group).map((m) => `${m.user}<-${m.group}`),
    }));

  test("the plan names the group and marks the members reached through it", () => {
    expect(groupsOf("snowflake")).toEqual([
      { groups: [{ group: "analysts", identity: "ANALYSTS" }], through: ["ann<-analysts", "ben<-analysts"] },
    ]);
    expect(groupsOf("databricks-unity-catalog")[0]!.groups).toEqual([{ group: "analysts", identity: "Analysts" }]);
  });

  test.each([
    ["Redshift keeps entitlement rows per user", "redshift", {}],
    ["Trino in SQL mode grants roles to users only", "trino", { trinoMode: "sql" }],
    ["a directory switched to per-user", "snowflake", { config: "membership: { snowflake: per-user }\n" }],
    [
      "a condition that is not a union of groups",
      "snowflake",
      {
        policy: POLICY.replace(
          "{ anyOf: [ { group: analysts }, { attribute: department, values: [finance] } ] }",
          "{ allOf: [ { group: analysts }, { attribute: department, values: [finance] } ] }",
        ),
      },
    ],
    ["named users", "snowflake", { policy: POLICY.replace(/subscribers: .*\n/, "subscribers: { users: [ann, ben] }\n") }],
  ])("stays per user: %s", (_why, platform, o) => {
    expect(groupsOf(platform, o as Options)).toEqual([{ groups: [], through: [] }]);
  });

  const guarded = (guardrail: string, policy = POLICY) =>
    mustLoad({
      policies: {
        "p.yaml": policy,
        "g.yaml": `name: g\nkind: guardrail\n${guardrail}\ndataSources: { tags: { anyOf: [t] } }\n`,
      },
      inventory: { "inventory.yaml": `${INVENTORY}dataSources:\n  - ${SOURCES.snowflake}\n` },
      config: config(),
    });
  const nested = (e: ReturnType<typeof guarded>) => buildPlan(e, NOW).principals.map((p) => [p.cohort, p.groups?.map((g) => g.group)]);

  test("a guardrail the group satisfies keeps the group; one it does not keeps members per user", () => {
    expect(nested(guarded("access: read\nsubscribers: { when: { group: analysts } }"))).toEqual([
      [expect.stringMatching(/^p~/), ["analysts"]],
    ]);
    expect(nested(guarded("access: read\nsubscribers: { when: { attribute: level, values: [senior] } }"))).toEqual([
      [expect.stringMatching(/^p~/), undefined],
    ]);
  });

  test("members downgraded by a write guardrail keep memberships of their own", () => {
    const write = POLICY.replace("access: read", "access: write");
    const e = guarded("access: write\nsubscribers: { when: { attribute: department, values: [finance] } }", write);
    // ann and ben fail the write guardrail: their read cohort is defined by failing it, which no group implies.
    expect(nested(e)).toEqual([
      [expect.stringMatching(/^p~[0-9a-f]+$/), undefined],
      [expect.stringMatching(/~read$/), undefined],
    ]);
  });

  test("anyone: a cover of every user by groups, with the rest per user", () => {
    const anyone = POLICY.replace(/subscribers: .*\n/, "subscribers: { anyone: true }\n");
    const plan = buildPlan(estate("snowflake", { policy: anyone }), NOW);
    expect(plan.principals.map((p) => [p.groups, p.members.map((m) => `${m.user}<-${m.group ?? "own"}`)])).toEqual([
      [[{ group: "analysts", identity: "ANALYSTS" }], ["ann<-analysts", "ben<-analysts", "cat<-own"]],
    ]);
  });

  test("a group member without the platform identity: the group is still granted, and the warning says it reaches them", async () => {
    const e = mustLoad({
      policies: { "p.yaml": POLICY },
      inventory: {
        "inventory.yaml": `${INVENTORY.replace(/- \{ id: ben, .*\n/, "- { id: ben, groups: [analysts], identities: { databricks: ben@x.io } }\n")}dataSources:\n  - ${SOURCES.snowflake}\n`,
      },
      config: `${config()}identities: { onMissing: skip }\n`,
    });
    const plan = buildPlan(e, NOW);
    // Ben has no Snowflake account, so he is in no Snowflake copy of the group: nothing is granted
    // to him now, and the group reaches him whenever Snowflake has his account.
    expect(plan.principals.map((p) => [p.groups, p.members.map((m) => `${m.user}<-${m.group ?? "own"}`)])).toEqual([
      [[{ group: "analysts", identity: "ANALYSTS" }], ["ann<-analysts", "cat<-own"]],
    ]);
    expect(plan.access.filter((a) => a.user === "ben")).toEqual([]);
    expect(impliedAccess(custom(await captureResources(e, NOW)), e)).toEqual(
      new Map(plan.access.map((x) => [`${x.user}\u0000${x.dataSource}`, x.privileges])),
    );
    expect(plan.issues.filter((i) => i.code === "missing-identity").map((i) => [i.severity, i.message])).toEqual([
      [
        "warning",
        "user `ben` is subscribed to 1 snowflake data source (`a`) but has no `snowflake` identity, so nothing is granted there; synced group `analysts` reaches them there whenever the platform has their account",
      ],
    ]);
  });
});

describe("synced group identities that would widen access", () => {
  const planOf = (groups: string) => {
    const e = mustLoad({
      policies: { "p.yaml": POLICY },
      inventory: { "inventory.yaml": `${INVENTORY.replace(/groups:\n(.|\n)*$/, groups)}dataSources:\n  - ${SOURCES.snowflake}\n` },
      config: config("sql"),
    });
    return buildPlan(e, NOW);
  };

  test("two groups under one Snowflake role: an error at the second, and neither is granted", () => {
    const plan = planOf(`groups:
  - { id: analysts, identities: { snowflake: analysts } }
  - { id: contractors, identities: { snowflake: ANALYSTS } }
`);
    expect(plan.issues.filter((i) => i.code === "shared-group-identity")).toEqual([
      {
        severity: "error",
        code: "shared-group-identity",
        message:
          "groups `analysts` and `contractors` are both provisioned to `snowflake` as `ANALYSTS`: a policy granted to one would reach the other's members",
        file: "inventory.yaml",
        line: 8,
        path: "groups[1].identities.snowflake",
        help: "give each group the `snowflake` identity of its own directory group, or merge the two groups",
      },
    ]);
    expect(plan.principals.map((p) => p.groups)).toEqual([undefined]);
  });

  test("a group named like accessplane's own roles is refused", () => {
    const plan = planOf(`groups:
  - { id: analysts, identities: { snowflake: AP_ANALYSTS } }
`);
    expect(plan.issues.filter((i) => i.code === "synced-group-managed-name").map((i) => [i.message, i.path])).toEqual([
      [
        "group `analysts` is provisioned to `snowflake` as `AP_ANALYSTS`, which starts with `AP_`, the prefix of accessplane's own principals",
        "groups[0].identities.snowflake",
      ],
    ]);
    expect(plan.principals.map((p) => p.groups)).toEqual([undefined]);
  });

  test("a Google group must be written as an IAM group member", () => {
    const r = load({
      policies: { "p.yaml": POLICY },
      inventory: {
        "inventory.yaml": `${INVENTORY.replace('bigquery: "group:analysts@x.io"', "bigquery: analysts@x.io")}dataSources:\n  - ${SOURCES.bigquery}\n`,
      },
      config: config("sql"),
    });
    expect(r.issues.map((i) => [i.code, i.path, i.message])).toEqual([
      [
        "invalid-value",
        "groups[0].identities.bigquery",
        "`bigquery` must be a Google group as an IAM member, such as `group:analysts@example.com` (got the text `analysts@x.io`)",
      ],
    ]);
  });
});
