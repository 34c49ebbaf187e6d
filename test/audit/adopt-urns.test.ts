/**
 * `adopt`'s import file names each resource with the URN the program registers: the entry's type,
 * name and parent chain (resolved through the file as `pulumi import` does) give exactly the URN
 * of the resource the components register, under Pulumi mocks.
 */
import { adopt, type ImportEntry } from "../../provider/audit/adopt";
import { compareWithPlan } from "../../provider/audit/compare";
import type { LiveState } from "../../provider/audit/types";
import { buildPlan } from "../../provider/plan/build";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { mustLoad, NOW } from "../support/estate";

const USERS = `
users:
  - { id: ann, groups: [g, h], identities: { snowflake: ANN, databricks: ann@x.io, identityCenter: idc-ann } }
  - { id: ben, groups: [g], identities: { snowflake: BEN, databricks: ben@x.io, identityCenter: idc-ben } }
groups: [ { id: g }, { id: h } ]
dataSources:
  - { id: sf, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: A }, tags: [t] }
  - { id: uc, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: c, schema: s, table: a }, tags: [t] }
  - { id: hv, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: s, table: a }, tags: [u] }
  - { id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: x/ }, tags: [u] }
`;
const POLICIES = `
policies:
  - { name: zeta-read, access: read, subscribers: { when: { group: g } }, dataSources: { tags: { anyOf: [t] } } }
  - { name: alpha-read, access: read, subscribers: { when: { group: h } }, dataSources: { tags: { anyOf: [u] } } }
`;
const CONFIG = `s3: { identityStoreId: d-9067a1b2c3, accountId: "406321587214", accessGrantsLocationId: default, identityCenterGrantee: group }\n`;

/** A URN as the engine builds it: the parents' types, outermost first, then the resource's own (pulumi/pulumi, resource.NewURN). */
const urn = (types: readonly string[], name: string) => `urn:pulumi:stack::project::${types.join("$")}::${name}`;

/** The URN of every registered resource, its parent chain walked through the captured tree. */
function programUrns(rs: readonly CapturedResource[]): Map<string, string> {
  const components = new Map(rs.filter((r) => r.type.startsWith("accessplane:")).map((r) => [r.name, r]));
  const chain = (r: CapturedResource): string[] => {
    const parent = r.parent === undefined ? undefined : components.get(r.parent);
    return [...(parent ? chain(parent) : []), r.type];
  };
  return new Map(rs.map((r) => [urn(chain(r), r.name), r.type]));
}

/** The URN `pulumi import --file` gives an entry: its parent is the entry of that `name` (pkg/cmd/pulumi/operations/import.go). */
function importUrn(entries: readonly ImportEntry[], e: ImportEntry): string {
  const chain = (x: ImportEntry): string[] => {
    const parent = x.parent === undefined ? undefined : entries.find((y) => y.name === x.parent);
    if (x.parent !== undefined && !parent) throw new Error(`entry ${x.name}: parent ${x.parent} is not in the file`);
    return [...(parent ? chain(parent) : []), x.type];
  };
  return urn(chain(e), e.name);
}

test("every import entry's type, name and parent chain is exactly the URN the program registers for it", async () => {
  const estate = mustLoad({ policies: { "p.yaml": POLICIES }, inventory: { "i.yaml": USERS }, config: CONFIG });
  const plan = buildPlan(estate, NOW);
  const named = (platform: string) => plan.principals.filter((p) => p.platform === platform);
  const listed = (platform: LiveState["platform"], principals: LiveState["principals"]): LiveState => ({
    platform,
    source: platform,
    grants: [],
    memberships: [],
    principals,
    readFrom: "test",
    readAt: NOW,
  });
  const states = [
    listed("snowflake", [{ kind: "role", name: named("snowflake")[0]!.name }]),
    listed(
      "databricks-unity-catalog",
      [...named("databricks-unity-catalog"), ...named("databricks-spark")].map((p, i) => ({
        kind: "group" as const,
        name: p.name,
        id: `${1000 + i}`,
        level: "account" as const,
      })),
    ),
    listed("s3", [{ kind: "group", name: named("s3")[0]!.name, id: "g-1" }]),
  ];
  const report = compareWithPlan(plan, estate.inventory, estate.config, states);
  const { resources } = adopt(report, plan, states, "estate", estate.config.s3).imports;

  // One entry per existing planned object of each kind, and the two policies' components.
  expect(resources.map((e) => e.type).sort()).toEqual([
    "accessplane:index:AccessEstate",
    "accessplane:index:SubscriptionPolicy",
    "accessplane:index:SubscriptionPolicy",
    "aws:identitystore/group:Group",
    "databricks:index/group:Group",
    "databricks:index/group:Group",
    "snowflake:index/accountRole:AccountRole",
  ]);
  const registered = programUrns(await captureResources(estate, NOW));
  for (const e of resources) expect([e.name, registered.get(importUrn(resources, e))]).toEqual([e.name, e.type]);
  // Components carry no id; everything else does, under a policy component.
  for (const e of resources) expect(e.component === true).toBe(e.type.startsWith("accessplane:"));
  for (const e of resources.filter((x) => !x.component)) expect(e.parent).toMatch(/^estate\/(alpha|zeta)-read$/);
});

test("no entries, no components: an empty import file", () => {
  const estate = mustLoad({ policies: { "p.yaml": POLICIES }, inventory: { "i.yaml": USERS }, config: CONFIG });
  const plan = buildPlan(estate, NOW);
  const report = compareWithPlan(plan, estate.inventory, estate.config, []);
  expect(adopt(report, plan, [], "estate", estate.config.s3).imports).toEqual({ resources: [] });
});
