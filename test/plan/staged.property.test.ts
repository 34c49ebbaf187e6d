/**
 * A staged policy's preview is what its activation would grant: the entries naming it in the plan
 * of the same estate with it switched to active, which are exactly the entries that plan adds or
 * changes against the plan where it is staged.
 */
import fc from "fast-check";
import { buildPlan } from "../../provider/plan/build";
import { diffPlans } from "../../provider/plan/diff";
import type { Estate } from "../../provider/model/estate";
import { NOW, estateArb } from "../support/arbitrary";
import { mustLoad } from "../support/estate";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const nowIso = new Date(NOW).toISOString();

/** The estate with policy `name` switched to active. */
const activate = (estate: Estate, name: string): Estate => ({
  ...estate,
  policies: estate.policies.map((p) => (p.name === name ? { ...p, state: "active" as const } : p)),
});

/** Estates with at least one staged grant policy, and that policy's name. */
const withStaged = estateArb
  .filter((e) => e.policies.some((p) => p.kind === "grant" && p.state === "staged"))
  .chain((e) =>
    fc
      .constantFrom(...e.policies.filter((p) => p.kind === "grant" && p.state === "staged").map((p) => p.name))
      .map((name) => ({ estate: e, name })),
  );

describe("staged previews", () => {
  test("equal the entries naming the policy in the plan where it is active", () => {
    fc.assert(
      fc.property(withStaged, ({ estate, name }) => {
        const staged = buildPlan(estate, nowIso).staged.find((s) => s.policy === name)!;
        const active = buildPlan(activate(estate, name), nowIso);
        const expected = active.access.filter((e) => e.policies.includes(name));
        expect(staged.entries).toEqual(expected);
        // JSON sees the same: key order included.
        expect(JSON.stringify(staged.entries)).toBe(JSON.stringify(expected));
        expect(staged.users).toEqual([...new Set(expected.map((e) => e.user))].sort());
        expect(staged.dataSources).toEqual([...new Set(expected.map((e) => e.dataSource))].sort());
      }),
      { numRuns: RUNS },
    );
  });

  test("are exactly what activating the policy gains or changes", () => {
    fc.assert(
      fc.property(withStaged, ({ estate, name }) => {
        const before = buildPlan(estate, nowIso);
        const d = diffPlans(before, buildPlan(activate(estate, name), nowIso));
        expect(d.access.filter((c) => c.kind === "lost")).toEqual([]);
        // The diff lists gains before changes; entries are by user, then data source.
        const byKey = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
        const after = [...d.access].sort(byKey).map((c) => c.after);
        expect(before.staged.find((s) => s.policy === name)!.entries).toEqual(after);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("staged preview by example", () => {
  const inventory = `
users:
  - { id: ann, groups: [analysts, cleared], identities: { snowflake: ANN, databricks: ann@example.com } }
  - { id: ben, groups: [analysts], identities: { snowflake: BEN, databricks: ben@example.com } }
  - { id: cat, groups: [analysts, cleared], identities: { snowflake: CAT } }
groups:
  - { id: analysts }
  - { id: cleared }
dataSources:
  - { id: sf.t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 }, tags: [pii] }
  - { id: uc.t, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: main, schema: s, table: t }, tags: [pii] }
  - { id: uc.v, platform: databricks-unity-catalog, objectType: VIEW, location: { catalog: main, schema: s, table: v } }
`;
  const policies = {
    "policies/w.yaml":
      "name: w\naccess: write\nstate: staged\nsubscribers: { when: { group: analysts } }\ndataSources: { names: [sf.t1, uc.t, uc.v] }\n",
    "policies/pii.yaml":
      "name: pii\nkind: guardrail\naccess: read\nsubscribers: { when: { group: cleared } }\ndataSources: { tags: { anyOf: [pii] } }\n",
  };

  test("leaves out users a guardrail blocks, objects where write issues nothing and users without the identity", () => {
    const plan = buildPlan(mustLoad({ policies, inventory: { "inventory.yaml": inventory } }), nowIso);
    const [w] = plan.staged;
    expect(w!.entries.map((e) => `${e.user} ${e.dataSource} ${e.access} ${e.privileges.join(",")}`)).toEqual([
      "ann sf.t1 write DELETE,INSERT,SELECT,TRUNCATE,UPDATE",
      "ann uc.t write MODIFY,SELECT",
      "cat sf.t1 write DELETE,INSERT,SELECT,TRUNCATE,UPDATE",
    ]);
    // ben fails the guardrail, cat has no Databricks identity, and write issues nothing on the view.
    expect([w!.users, w!.dataSources]).toEqual([
      ["ann", "cat"],
      ["sf.t1", "uc.t"],
    ]);
    expect(plan.issues.find((i) => i.code === "policy-staged")!.message).toBe(
      "policy `w` is staged: it grants nothing now; active, it would reach 2 users on 2 data sources",
    );
  });
});
