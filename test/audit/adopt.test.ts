/**
 * `adopt`: drafts from an audit load and validate with the estate, grant nothing while staged, and
 * once activated the plan reproduces exactly the audited unmanaged access (user, data source,
 * access); existing planned roles become `pulumi import` entries.
 */
import { adopt, accessOf, draftPoliciesYaml } from "../../provider/audit/adopt";
import { compareWithPlan } from "../../provider/audit/compare";
import type { LiveGrant, LiveState } from "../../provider/audit/types";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import { load } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const POLICIES =
  "policies:\n  - { name: analysts-read, access: read, subscribers: { when: { group: analysts } }, dataSources: { tags: { anyOf: [fin] } } }\n";
const INVENTORY = `
users:
  - { id: ann, groups: [analysts], identities: { snowflake: ANN } }
  - { id: ben, identities: { snowflake: BEN } }
  - { id: cat, identities: { snowflake: CAT } }
groups: [{ id: analysts }]
dataSources:
  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 }, tags: [fin] }
  - { id: t2, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T2 } }
  - { id: t3, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T3 } }
`;

function planOf(extra?: string) {
  const r = load({ policies: { "p.yaml": POLICIES, ...(extra ? { "adopted.yaml": extra } : {}) }, inventory: { "i.yaml": INVENTORY } });
  expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
  return { estate: r.estate!, plan: planFromResolution(r.estate!, resolve(r.estate!, NOW)) };
}

const grant = (role: string, kind: "role" | "user", table: string, privileges: string[]): LiveGrant => ({
  platform: "snowflake",
  grantee: { kind, name: role },
  object: `"DB"."S"."${table}"`,
  path: ["DB", "S", table],
  privileges,
  kind: "direct",
  grantor: "SYSADMIN",
});

test("drafts reproduce the audited access exactly once activated, and existing planned roles are imported", () => {
  const { estate, plan } = planOf();
  const ap = plan.principals[0]!;
  const state: LiveState = {
    platform: "snowflake",
    source: "sf",
    readFrom: "SHOW GRANTS (current)",
    readAt: NOW,
    principals: [
      { kind: "role", name: ap.name },
      { kind: "role", name: "ANALYST_ALL" },
      { kind: "role", name: "TEAM_BI" },
      { kind: "role", name: "LOADERS" },
    ],
    grants: [
      ...ap.grants.map((g) => ({
        platform: "snowflake" as const,
        grantee: { kind: "role" as const, name: ap.name },
        object: g.object,
        privileges: g.privileges,
        kind: "direct" as const,
      })),
      ...[...new Set(ap.grants.flatMap((g) => g.parents))].map((p) => ({
        platform: "snowflake" as const,
        grantee: { kind: "role" as const, name: ap.name },
        object: p.object,
        privileges: p.privileges,
        kind: "direct" as const,
      })),
      grant("ANALYST_ALL", "role", "T2", ["SELECT"]),
      { ...grant("ANALYST_ALL", "role", "<TABLE>", ["SELECT"]), kind: "future" },
      grant("LOADERS", "role", "T3", ["INSERT", "SELECT"]),
      grant("CAT", "user", "T1", ["SELECT"]),
    ],
    memberships: [
      ...ap.members.map((m) => ({
        platform: "snowflake" as const,
        parent: { kind: "role" as const, name: ap.name },
        member: { kind: "user" as const, name: m.identity },
      })),
      { platform: "snowflake", parent: { kind: "role", name: "ANALYST_ALL" }, member: { kind: "role", name: "TEAM_BI" } },
      { platform: "snowflake", parent: { kind: "role", name: "TEAM_BI" }, member: { kind: "user", name: "BEN" } },
      { platform: "snowflake", parent: { kind: "role", name: "TEAM_BI" }, member: { kind: "user", name: "ZED" } },
      { platform: "snowflake", parent: { kind: "role", name: "LOADERS" }, member: { kind: "user", name: "ANN" } },
    ],
  };
  const report = compareWithPlan(plan, estate.inventory, estate.config, [state]);
  const audited = report.entries
    .filter((e) => e.section === "unmanaged" && e.dataSource && e.kind !== "future")
    .flatMap((e) => e.users.map((u) => `${u} ${e.dataSource} ${accessOf(e.privileges)}`))
    .sort();
  expect(audited).toEqual(["ann t3 write", "ben t2 read", "cat t1 read"]);

  const a = adopt(report, plan, [state]);
  expect(a.policies.map((p) => [p.name, p.access, p.state, p.subscribers.users, p.dataSources.names])).toEqual([
    ["adopted-snowflake-analyst_all", "read", "staged", ["ben"], ["t2"]],
    ["adopted-snowflake-loaders", "write", "staged", ["ann"], ["t3"]],
    ["adopted-snowflake-user-cat", "read", "staged", ["cat"], ["t1"]],
  ]);
  expect(a.policies[0]!.description).toBe(
    'Adopted from the snowflake role `ANALYST_ALL` (source `sf`, read from SHOW GRANTS (current) at 2026-11-23T00:00:00Z). Not expressible as data sources: SELECT on "DB"."S"."<TABLE>" (future). Members unknown to the inventory: ZED.',
  );
  expect(a.imports).toEqual({
    resources: [
      { type: "accessplane:index:AccessEstate", name: "estate", component: true },
      { type: "accessplane:index:SubscriptionPolicy", name: "estate/analysts-read", parent: "estate", component: true },
      { type: "snowflake:index/accountRole:AccountRole", name: `estate/${ap.id}/role`, id: ap.name, parent: "estate/analysts-read" },
    ],
  });

  // Staged: the drafts load and validate, and grant nothing.
  const yaml = draftPoliciesYaml(a);
  const staged = planOf(yaml).plan;
  expect(staged.access).toEqual(plan.access);
  // Activated: exactly the audited access is added, nothing else.
  const active = planOf(yaml.replace(/state: staged/g, "state: active")).plan;
  const before = new Set(plan.access.map((e) => `${e.user} ${e.dataSource} ${e.access}`));
  const added = active.access
    .map((e) => `${e.user} ${e.dataSource} ${e.access}`)
    .filter((k) => !before.has(k))
    .sort();
  expect(added).toEqual(audited);
});
