/**
 * The audit of a deployment with synced groups: on S3 a synced Identity Center group is a grantee of
 * its own on each object, on BigQuery a `group:` member of the view's binding, on Snowflake a role
 * granted the policy role. Each deployed exactly reports nothing; each taken away is reported.
 */
import { compareWithPlan } from "../../provider/audit/compare";
import type { LiveState } from "../../provider/audit/types";
import { buildPlan } from "../../provider/plan/build";
import { mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const GROUP_ID = "9067a1b2c3-1111-2222-3333-444455556666";
const estate = mustLoad({
  policies: {
    "p.yaml":
      "name: p\naccess: read\nsubscribers: { when: { anyOf: [ { group: analysts }, { attribute: department, values: [finance] } ] } }\ndataSources: { tags: { anyOf: [t] } }\n",
  },
  inventory: {
    "i.yaml": `users:
  - { id: ann, groups: [analysts], identities: { identityCenter: idc-ann, bigquery: "user:ann@x.io", snowflake: ANN } }
  - { id: cat, attributes: { department: [finance] }, identities: { identityCenter: idc-cat, bigquery: "user:cat@x.io", snowflake: CAT } }
groups:
  - { id: analysts, identities: { identityCenter: ${GROUP_ID}, bigquery: "group:analysts@x.io", snowflake: ANALYSTS } }
dataSources:
  - { id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: x/ }, tags: [t] }
  - { id: view, platform: bigquery, objectType: BASE TABLE, location: { project: p, dataset: d, table: a, location: EU }, tags: [t] }
`,
  },
  config: 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "406321587214"\n  accessGrantsLocationId: default\n',
});
const plan = buildPlan(estate, NOW);
const s3 = plan.principals.find((p) => p.platform === "s3")!;
const bq = plan.principals.find((p) => p.platform === "bigquery")!;

/** What the components deploy: the policy's directory group with cat, the synced group on the prefix, the binding with both. */
function deployed(): LiveState[] {
  const object = s3.grants[0]!.object;
  const view = bq.grants[0]!.object;
  return [
    {
      platform: "s3",
      source: "lake",
      grants: [
        { platform: "s3", grantee: { kind: "group", name: s3.name }, object, privileges: ["READ"], kind: "direct" },
        { platform: "s3", grantee: { kind: "group", name: "analysts", id: GROUP_ID }, object, privileges: ["READ"], kind: "direct" },
      ],
      memberships: [
        { platform: "s3", parent: { kind: "group", name: s3.name }, member: { kind: "user", name: "idc-cat" } },
        { platform: "s3", parent: { kind: "group", name: "analysts", id: GROUP_ID }, member: { kind: "user", name: "idc-ann" } },
      ],
      principals: [{ kind: "group", name: s3.name }],
      readFrom: "test",
      readAt: NOW,
    },
    {
      platform: "bigquery",
      source: "bq",
      grants: [
        { platform: "bigquery", grantee: { kind: "user", name: "user:cat@x.io" }, object: view, privileges: ["SELECT"], kind: "direct" },
        {
          platform: "bigquery",
          grantee: { kind: "group", name: "group:analysts@x.io" },
          object: view,
          privileges: ["SELECT"],
          kind: "direct",
        },
      ],
      memberships: [],
      readFrom: "test",
      readAt: NOW,
    },
  ];
}

const findings = (states: LiveState[]) =>
  compareWithPlan(plan, estate.inventory, estate.config, states).entries.map((e) => [
    e.section,
    e.platform,
    e.principal.name,
    e.detail,
    e.users,
  ]);

test("the plan names the synced group on both platforms", () => {
  expect([s3.groups, bq.groups]).toEqual([
    [{ group: "analysts", identity: GROUP_ID }],
    [{ group: "analysts", identity: "group:analysts@x.io" }],
  ]);
});

test("a deployment of exactly the plan reports nothing", () => {
  expect(findings(deployed())).toEqual([]);
});

test("the synced group's grant taken away is missing, for the users it reaches", () => {
  const states = deployed();
  states[0]!.grants = states[0]!.grants.filter((g) => g.grantee.name !== "analysts");
  states[1]!.grants = states[1]!.grants.filter((g) => g.grantee.kind !== "group");
  expect(findings(states)).toEqual([
    ["missing", "bigquery", bq.name, "in the plan, not granted to `group:analysts@x.io`", ["ann"]],
    ["missing", "s3", s3.name, `in the plan, not granted to \`${GROUP_ID}\``, ["ann"]],
  ]);
});

test("another group on the object is unmanaged access", () => {
  const states = deployed();
  states[1]!.grants.push({
    platform: "bigquery",
    grantee: { kind: "group", name: "group:everyone@x.io" },
    object: bq.grants[0]!.object,
    privileges: ["SELECT"],
    kind: "direct",
  });
  expect(findings(states).map(([section, platform, principal]) => [section, platform, principal])).toEqual([
    ["unmanaged", "bigquery", "group:everyone@x.io"],
  ]);
});
