/**
 * Filters over a plan: globs, repeatable patterns (OR within a dimension, AND across), the usage
 * error for a pattern that matches nothing, and exact counts on a generated estate, each checked
 * against a brute-force selection over the unfiltered plan.
 */
import { BASE, generateEstate, NOW } from "../../bench/generate";
import { buildPlan } from "../../provider/plan/build";
import {
  closestNames,
  compileFilter,
  type FilterSpec,
  FilterError,
  filterPlan,
  globTest,
  narrowContext,
  planContext,
} from "../../provider/plan/filter";
import type { AccessEntry, Plan } from "../../provider/plan/types";

describe("globTest", () => {
  test("`*` is any run, `?` one character, everything else literal", () => {
    expect(globTest("sf.*")("sf.db0.s0.t1")).toBe(true);
    expect(globTest("sf.*")("sfx")).toBe(false);
    expect(globTest("u0??")("u012")).toBe(true);
    expect(globTest("u0??")("u0123")).toBe(false);
    expect(globTest("a.b")("axb")).toBe(false);
    expect(globTest("(x)+[y]")("(x)+[y]")).toBe(true);
    expect(globTest("exact")("exactly")).toBe(false);
  });
  test("closest names: nearest first, a glob's literal part matched as a substring", () => {
    expect(closestNames("alcie", ["bob", "alice", "alicia"])).toEqual(["alice", "alicia", "bob"]);
    expect(closestNames("*orders*", ["sales.order", "x.orders_summary", "y"], 1)).toEqual(["x.orders_summary"]);
  });
});

describe("on a generated estate", () => {
  const estate = generateEstate(BASE, 1);
  const plan = buildPlan(estate, NOW);
  const ctx = planContext(estate);
  const dsInfo = new Map(ctx.dataSources.map((d) => [d.id, d]));
  const run = (spec: FilterSpec): Plan => filterPlan(plan, compileFilter(spec, ctx), ctx);
  const figures = (p: Plan) => ({
    access: p.access.length,
    principals: p.principals.length,
    users: new Set(p.access.map((e) => e.user)).size,
    dataSources: new Set(p.access.map((e) => e.dataSource)).size,
    expirations: p.expirations.length,
  });
  const keys = (xs: readonly AccessEntry[]) => xs.map((e) => `${e.user}\n${e.dataSource}`);

  test("the estate is the one the counts below were taken from", () => {
    expect(plan.access.length).toBe(5083);
    expect(plan.principals.length).toBe(96);
    expect(ctx.dataSources.length).toBe(3125);
    expect(ctx.users.length).toBe(625);
  });

  test.each<[string, FilterSpec, ReturnType<typeof figures>, (e: AccessEntry) => boolean]>([
    ["one user", { users: ["u042"] }, { access: 22, principals: 13, users: 1, dataSources: 22, expirations: 0 }, (e) => e.user === "u042"],
    [
      "a user glob",
      { users: ["u00*"] },
      { access: 83, principals: 18, users: 10, dataSources: 25, expirations: 1 },
      (e) => /^u00/.test(e.user),
    ],
    [
      "one platform",
      { platforms: ["snowflake"] },
      { access: 2710, principals: 21, users: 624, dataSources: 36, expirations: 14 },
      (e) => e.platform === "snowflake",
    ],
    [
      "a platform glob",
      { platforms: ["databricks-*"] },
      { access: 871, principals: 23, users: 621, dataSources: 31, expirations: 6 },
      (e) => e.platform.startsWith("databricks-"),
    ],
    [
      "a tag",
      { tags: ["pii"] },
      { access: 473, principals: 16, users: 377, dataSources: 15, expirations: 2 },
      (e) => dsInfo.get(e.dataSource)!.tags.includes("pii"),
    ],
    [
      "a data-source glob",
      { dataSources: ["sf.*"] },
      { access: 2710, principals: 21, users: 624, dataSources: 36, expirations: 14 },
      (e) => e.dataSource.startsWith("sf."),
    ],
    [
      "a policy glob",
      { policies: ["*-approval-*"] },
      { access: 88, principals: 19, users: 28, dataSources: 26, expirations: 16 },
      (e) => e.policies.some((p) => p.includes("-approval-")),
    ],
    [
      "users and two platforms (AND across, OR within)",
      { users: ["u1??"], platforms: ["s3", "trino"] },
      { access: 133, principals: 13, users: 100, dataSources: 19, expirations: 0 },
      (e) => /^u1\d\d$/.test(e.user) && (e.platform === "s3" || e.platform === "trino"),
    ],
    [
      "two tags and a policy glob",
      { tags: ["pii", "finance"], policies: ["*conditions*"] },
      { access: 115, principals: 13, users: 75, dataSources: 13, expirations: 0 },
      (e) => dsInfo.get(e.dataSource)!.tags.some((t) => t === "pii" || t === "finance") && e.policies.some((p) => p.includes("conditions")),
    ],
  ])("%s", (_, spec, expected, brute) => {
    const p = run(spec);
    expect(figures(p)).toEqual(expected);
    expect(keys(p.access)).toEqual(keys(plan.access.filter(brute)));
    // Principals keep only selected members and grants, and every kept entry is backed by one.
    const f = compileFilter(spec, ctx);
    for (const pr of p.principals) {
      expect(pr.members.every((m) => f.user(m.user))).toBe(true);
      expect(pr.grants.every((g) => f.dataSource(g.dataSource))).toBe(true);
      expect(f.policy(pr.policy)).toBe(true);
    }
    const backed = new Set(p.principals.flatMap((pr) => pr.members.flatMap((m) => pr.grants.map((g) => `${m.user}\n${g.dataSource}`))));
    expect(keys(p.access).every((k) => backed.has(k))).toBe(true);
  });

  test("data-source dimensions narrow the summary's context", () => {
    const f = compileFilter({ platforms: ["s3"] }, ctx);
    expect(narrowContext(ctx, f).dataSources.every((d) => d.platform === "s3")).toBe(true);
    expect(narrowContext(ctx, f).dataSources.length).toBe(f.dataSources.size);
    expect(narrowContext(ctx, compileFilter({ users: ["u001"] }, ctx))).toBe(ctx);
  });

  test("no filter is the plan itself", () => {
    expect(run({})).toBe(plan);
  });

  test.each<[FilterSpec, string]>([
    [{ users: ["u0042"] }, "--user `u0042` matches no user; closest: `u002`, `u004`, `u042`"],
    [{ platforms: ["snowflak"] }, "--platform `snowflak` matches no platform; closest: `snowflake`"],
    [{ policies: ["nope-*"] }, "--policy `nope-*` matches no policy; closest:"],
    [{ tags: ["pi"] }, "--tag `pi` matches no tag; closest: `pii`"],
    [{ users: ["u001"], dataSources: ["sf.db000.*", "sf.nowhere.*"] }, "--data-source `sf.nowhere.*` matches no data source; closest:"],
  ])("a pattern matching nothing is an error naming the closest names: %j", (spec, message) => {
    let err: unknown;
    try {
      compileFilter(spec, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FilterError);
    expect((err as FilterError).message.startsWith(message)).toBe(true);
    expect((err as FilterError).closest.length).toBeGreaterThan(0);
  });
});
