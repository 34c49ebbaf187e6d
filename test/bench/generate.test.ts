/**
 * The benchmark's estate generator: deterministic per seed, covering every platform, object type
 * and restriction level, referentially valid, and faithful through its own YAML. No timing here.
 */
import { BASE, NOW, generateEstate, mulberry32, perturb, toSources, type Sizes } from "../../bench/generate";
import { parseEstate } from "../../provider/model/load";
import type { Estate } from "../../provider/model/estate";
import { OBJECT_TYPES, PLATFORMS, type Condition } from "../../provider/model/schema";
import { validateEstate } from "../../provider/model/validate";
import { buildPlan } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";

const SMALL: Sizes = { users: 300, dataSources: 600, policies: 40 };
const small = generateEstate(SMALL, 1);

const depth = (c: Condition): number =>
  "anyOf" in c ? 1 + Math.max(...c.anyOf.map(depth)) : "allOf" in c ? 1 + Math.max(...c.allOf.map(depth)) : 0;

describe("mulberry32", () => {
  test("the same seed gives the same sequence, another seed another one", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("generateEstate", () => {
  test("is deterministic per seed, byte for byte once serialised", () => {
    const again = toSources(generateEstate(SMALL, 1));
    expect(again).toEqual(toSources(small));
    expect(toSources(generateEstate(SMALL, 2))).not.toEqual(again);
  });

  test("organisation growth: the same estate up to the headline, more teams (not larger ones) past it", () => {
    expect(toSources(generateEstate(SMALL, 1, "organisation"))).toEqual(toSources(small));
    const sizes = { users: 20_000, dataSources: 200, policies: 40 };
    const teams = (e: Estate) => e.inventory.groups.filter((g) => g.id.startsWith("team-")).length;
    const named = (e: Estate) => Math.max(...e.policies.map((p) => (p.restriction.level === "users" ? p.restriction.users.length : 0)));
    const audiences = generateEstate(sizes, 1);
    const organisation = generateEstate(sizes, 1, "organisation");
    expect(validateEstate(organisation).filter((i) => i.severity === "error")).toEqual([]);
    expect([teams(audiences), teams(organisation)]).toEqual([200, 400]);
    // Named users as many as at the headline (at most 0.8% of 10,000), not a share of 20,000.
    expect(named(audiences)).toBeGreaterThan(80);
    expect(named(organisation)).toBeLessThanOrEqual(80);
  });

  test("has the requested sizes", () => {
    expect(small.inventory.users).toHaveLength(SMALL.users);
    expect(small.inventory.dataSources).toHaveLength(SMALL.dataSources);
    expect(small.policies).toHaveLength(SMALL.policies);
  });

  test("is referentially valid: validateEstate finds no error", () => {
    expect(validateEstate(small).filter((i) => i.severity === "error")).toEqual([]);
  });

  test.each([
    ["base of the scaling table", BASE],
    ["tiny", { users: 20, dataSources: 40, policies: 8 }],
  ])("is valid at the %s size", (_name, sizes) => {
    expect(validateEstate(generateEstate(sizes, 3)).filter((i) => i.severity === "error")).toEqual([]);
  });

  test("covers every platform and every object type of each platform", () => {
    const seen = new Set(small.inventory.dataSources.map((d) => `${d.platform}|${d.objectType}`));
    const all = PLATFORMS.flatMap((p) => OBJECT_TYPES[p].map((t) => `${p}|${t}`));
    expect(all.filter((k) => !seen.has(k))).toEqual([]);
  });

  test("has objects from incoming shares and S3 sources granted through IAM roles", () => {
    const big = generateEstate(BASE, 1).inventory.dataSources;
    expect(big.some((d) => "incomingShare" in d && d.incomingShare)).toBe(true);
    expect(big.some((d) => d.platform === "s3" && d.principalMode === "iam-role-per-user")).toBe(true);
  });

  test("has policies of every restriction level, read and write, staged and guardrails", () => {
    const ps = small.policies;
    expect(new Set(ps.map((p) => p.restriction.level))).toEqual(new Set(["anyone", "approval", "conditions", "users"]));
    expect(new Set(ps.map((p) => p.access))).toEqual(new Set(["read", "write"]));
    expect(ps.some((p) => p.state === "staged")).toBe(true);
    expect(ps.filter((p) => p.kind === "guardrail").length).toBeGreaterThan(0);
    expect(ps.filter((p) => p.kind === "grant" && p.restriction.level === "anyone").length).toBe(2);
  });

  test("has nested conditions, and approvals that expired, expire later or never", () => {
    const conditions = small.policies.flatMap((p) => (p.restriction.level === "conditions" ? [p.restriction.when] : []));
    expect(Math.max(...conditions.map(depth))).toBeGreaterThanOrEqual(2);
    const approvals = small.policies.flatMap((p) => (p.restriction.level === "approval" ? p.restriction.approvals : []));
    const now = Date.parse(NOW);
    expect(approvals.some((a) => a.expiresAt !== undefined && Date.parse(a.expiresAt) <= now)).toBe(true);
    expect(approvals.some((a) => a.expiresAt !== undefined && Date.parse(a.expiresAt) > now)).toBe(true);
    expect(approvals.some((a) => a.expiresAt === undefined)).toBe(true);
  });

  test("users have groups, attributes and identities on every platform", () => {
    const u = small.inventory.users[1]!;
    expect(u.groups.length).toBeGreaterThan(0);
    expect(Object.keys(u.attributes).sort()).toEqual(["department", "level", "region"]);
    const keys = new Set(small.inventory.users.flatMap((x) => Object.keys(x.identities)));
    expect([...keys].sort()).toEqual(["bigquery", "databricks", "iamRole", "identityCenter", "redshift", "snowflake", "synapse", "trino"]);
  });

  test("policies are selective: each active grant reaches a small share of the estate", () => {
    const r = resolve(generateEstate(BASE, 1), NOW);
    const open = r.grants.filter((g) => g.policy.restriction.level !== "anyone");
    const share = open.map((g) => g.subscribers.length / BASE.users);
    expect(Math.max(...share)).toBeLessThan(0.1);
    // Tag selections reach well under 1% of the data sources; `anyone` policies reach fewer still.
    const sources = r.grants.map((g) => g.dataSources.length / BASE.dataSources);
    expect(Math.max(...sources)).toBeLessThan(0.02);
  });
});

describe("plan", () => {
  test("the generated estate plans with no error (the bench plans and deploys it)", () => {
    expect(buildPlan(small, NOW).issues.filter((i) => i.severity === "error")).toEqual([]);
  });
});

describe("toSources", () => {
  test("round-trips through the real loader with no error and the same estate", () => {
    const res = parseEstate(toSources(small));
    expect(res.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(res.estate).toEqual(small);
  });
});

describe("perturb", () => {
  const head: Estate = perturb(small, 0.01, 2);

  test("leaves the input untouched and stays valid", () => {
    expect(toSources(small)).toEqual(toSources(generateEstate(SMALL, 1)));
    const res = parseEstate(toSources(head));
    expect(res.issues.filter((i) => i.severity === "error")).toEqual([]);
  });

  test("changes about 1% of users, data sources and policies", () => {
    const changed = <T>(a: T[], b: T[]) => a.filter((x, i) => JSON.stringify(x) !== JSON.stringify(b[i])).length;
    const { users, dataSources } = small.inventory;
    expect(changed(users, head.inventory.users)).toBeGreaterThan(0);
    expect(changed(users, head.inventory.users)).toBeLessThanOrEqual(Math.ceil(users.length * 0.01));
    expect(head.inventory.users.length - users.length).toBeLessThanOrEqual(Math.ceil(users.length * 0.01));
    expect(changed(dataSources, head.inventory.dataSources)).toBeLessThanOrEqual(Math.ceil(dataSources.length * 0.01));
    expect(changed(small.policies, head.policies)).toBeGreaterThan(0);
    expect(changed(small.policies, head.policies)).toBeLessThanOrEqual(Math.ceil(small.policies.length * 0.01));
  });
});
