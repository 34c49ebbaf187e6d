/**
 * With a recorded layout, `accessplane stacks --changed` finds the stacks a change touches from the
 * two plans instead of registering both estates. It must never miss one: on every change here, the
 * stacks whose registered resources differ (added, removed or changed inputs) are among the stacks
 * the plans name.
 */
import type { Estate } from "../../provider/model/estate";
import { buildPlan } from "../../provider/plan/build";
import { keyed } from "../../provider/cli/commands/stacks";
import { changedStacks, fromPlans, layout } from "../../provider/pulumi/stacks";
import { exampleEstate } from "../support/estate";

const NOW = new Date("2026-11-23T00:00:00Z");
const COUNTS = {
  snowflake: { principals: 2, members: 3 },
  databricks: { principals: 2, members: 2 },
  s3: { principals: 2, members: 2 },
  trino: 2,
  redshift: 2,
  synapse: 1,
  bigquery: 2,
};

type Edit = (e: Estate) => Estate;
const users =
  (f: (u: Estate["inventory"]["users"][number]) => Estate["inventory"]["users"][number] | undefined): Edit =>
  (e) => ({
    ...e,
    inventory: { ...e.inventory, users: e.inventory.users.flatMap((u) => f(u) ?? []) },
  });

const EDITS: [string, Edit][] = [
  ["a user joins a group", users((u) => (u.id === "dave" ? { ...u, groups: [...u.groups, "analysts", "data-engineers"] } : u))],
  ["a user leaves", users((u) => (u.id === "bob" ? undefined : u))],
  [
    "an identity changes",
    users((u) => (u.id === "carol" ? { ...u, identities: { ...u.identities, snowflake: "CAROL2", databricks: "c2@example.com" } } : u)),
  ],
  ["a policy goes", (e) => ({ ...e, policies: e.policies.filter((p) => p.name !== "finance-analysts-read") })],
  [
    "a policy arrives",
    (e) => ({
      ...e,
      policies: [...e.policies, { ...e.policies.find((p) => p.name === "data-engineers-write")!, name: "data-engineers-write-2" }],
    }),
  ],
  [
    "a table gains a tag",
    (e) => ({
      ...e,
      inventory: {
        ...e.inventory,
        dataSources: e.inventory.dataSources.map((d) => (d.id === "spark.web.clicks" ? { ...d, tags: [...d.tags, "ml", "sales"] } : d)),
      },
    }),
  ],
  [
    "every table gains a tag",
    (e) => ({
      ...e,
      inventory: { ...e.inventory, dataSources: e.inventory.dataSources.map((d) => ({ ...d, tags: [...d.tags, "finance"] })) },
    }),
  ],
  ["the configuration changes", (e) => ({ ...e, config: { ...e.config, databricksSpark: { authoritative: true } } })],
];

describe("stacks touched by a change, from the plans", () => {
  const base = exampleEstate();
  const basePlan = buildPlan(base, NOW);
  let baseKeyed: Awaited<ReturnType<typeof keyed>>;
  beforeAll(async () => {
    baseKeyed = await keyed(base, basePlan, NOW);
  });

  test.each(EDITS)("%s: every stack whose resources changed is named", async (_label, edit) => {
    const head = edit(exampleEstate());
    const headPlan = buildPlan(head, NOW);
    const headKeyed = await keyed(head, headPlan, NOW);
    const registered = changedStacks(layout(headKeyed, 5000, COUNTS), baseKeyed, headKeyed).map((s) => s.name);
    expect(registered.length).toBeGreaterThan(0);
    const named = fromPlans(base, basePlan, head, headPlan, COUNTS)!.map((s) => s.name);
    expect(registered.filter((n) => !named.includes(n))).toEqual([]);
  });

  test("names no stack for no change, and hands back to registration for a family without counts", () => {
    expect(fromPlans(base, basePlan, base, basePlan, COUNTS)).toEqual([]);
    const head = EDITS[0]![1](exampleEstate());
    expect(fromPlans(base, basePlan, head, buildPlan(head, NOW), { trino: 1 })).toBeUndefined();
  });

  test("a membership change in a split family names the user's members stack, not the principal's stack", () => {
    const head = EDITS[0]![1](exampleEstate());
    const named = fromPlans(base, basePlan, head, buildPlan(head, NOW), COUNTS)!;
    const sf = named.filter((s) => s.family === "snowflake");
    expect(sf.length).toBeGreaterThan(0);
    expect(sf.every((s) => s.part === "members")).toBe(true);
    // Registration agrees: no principals stack of a split family changed.
    expect(named.filter((s) => s.part === "principals" && s.family !== "s3")).toEqual([]);
  });
});
