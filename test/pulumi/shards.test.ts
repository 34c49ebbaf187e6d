/**
 * Stack slices under Pulumi mocks: shards of every platform are disjoint and together the
 * single-stack estate (estate-scoped resources included), shard assignment is a stable hash that
 * adding a policy does not disturb, and policy globs select policy-scoped resources only.
 */
import type { Estate } from "../../provider/model/estate";
import { exampleEstate } from "../support/estate";
import type { Platform } from "../../provider/model/schema";
import { captureKeyed, captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { shardOf, sliceFilter, stableHash } from "../../provider/pulumi/slice";
import { FAMILIES, familyOf } from "../../provider/pulumi/stacks";

const NOW = "2026-11-23T00:00:00Z";
const example = exampleEstate;

/** The example estate with every estate-scoped shape on: Trino file mode and authoritative Spark. */
const estateScoped = (): Estate => {
  const e = example();
  return {
    ...e,
    config: {
      ...e.config,
      trino: { ...e.config.trino, mode: "file" },
      databricksSpark: { ...e.config.databricksSpark, authoritative: true },
    },
  };
};

const custom = (rs: CapturedResource[]) => rs.filter((r) => !r.type.startsWith("accessplane:"));
const key = (r: CapturedResource) => `${r.type}::${r.name}`;
const sorted = (rs: CapturedResource[]) => [...rs].sort((a, b) => key(a).localeCompare(key(b)));

describe("stable hash", () => {
  test("FNV-1a 32-bit: fixed values, so shards never move between runs or machines", () => {
    expect(stableHash("")).toBe(0x811c9dc5);
    expect(stableHash("a")).toBe(0xe40c292c);
    expect(stableHash("foobar")).toBe(0xbf9cf968);
  });

  test("jump consistent hashing: one more shard moves keys only to the new shard, about 1/n of them", () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `principal:ap-policy-${i}`);
    for (const n of [1, 3, 10]) {
      const moved = keys.filter((k) => shardOf(k, n) !== shardOf(k, n + 1));
      expect(moved.every((k) => shardOf(k, n + 1) === n)).toBe(true);
      expect(moved.length / keys.length).toBeGreaterThan(0.5 / (n + 1));
      expect(moved.length / keys.length).toBeLessThan(1.5 / (n + 1));
      for (const k of keys.slice(0, 50)) expect(shardOf(k, n)).toBeLessThan(n);
    }
  });

  test("malformed shards are refused with help", () => {
    expect(() => sliceFilter({ shard: { count: 0, index: 0 } })).toThrow(/slice.shard.count must be a positive integer/);
    expect(() => sliceFilter({ shard: { count: 2, index: 2 } })).toThrow(/slice.shard.index must be an integer in 0..1/);
    expect(() => sliceFilter({ part: "roles" as never })).toThrow(/slice.part must be one of principals, members, got "roles"/);
  });

  test("policy globs", () => {
    const f = sliceFilter({ policies: ["finance-*", "ml-named-users"] });
    expect(["finance-analysts-read", "ml-named-users", "ml-named-users-2", "data-engineers-write"].map(f.policy)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(f.object("snowflake", "x")).toBe(false);
  });
});

/** The example estate with a cohort on both Databricks platforms: one account group serves both principals. */
const sharedGroup = (): Estate => {
  const e = estateScoped();
  return {
    ...e,
    inventory: {
      ...e.inventory,
      dataSources: e.inventory.dataSources.map((d) => (d.id === "spark.web.clicks" ? { ...d, tags: [...d.tags, "ml"] } : d)),
    },
  };
};

describe.each([
  ["the example estate", example],
  ["the example estate with Trino file mode and authoritative Spark", estateScoped],
  ["the example estate with a cohort on both Databricks platforms", sharedGroup],
])("shards of %s", (_label, make) => {
  let all: CapturedResource[];
  beforeAll(async () => {
    all = sorted(custom(await captureResources(make(), NOW)));
  });

  test("family x shard slices are disjoint and their union is the single-stack estate", async () => {
    const count = 3;
    const slices: CapturedResource[][] = [];
    for (const { platforms } of FAMILIES) {
      for (let index = 0; index < count; index++) {
        slices.push(custom(await captureResources(make(), NOW, { slice: { platforms, shard: { count, index } } })));
      }
    }
    const keys = slices.flatMap((s) => s.map(key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(sorted(slices.flat())).toEqual(all);
    // More than one shard holds something: the split is real.
    expect(slices.filter((s) => s.length > 0).length).toBeGreaterThan(FAMILIES.length);
  });

  test("split into principals and members stacks, slices are disjoint and their union is the single-stack estate", async () => {
    const members: CapturedResource[] = [];
    const slices: CapturedResource[][] = [];
    for (const { platforms } of FAMILIES)
      for (const part of ["principals", "members"] as const)
        for (let index = 0; index < 2; index++) {
          const rs = custom(await captureResources(make(), NOW, { slice: { platforms, shard: { count: 2, index }, part } }));
          slices.push(rs);
          if (part === "members") members.push(...rs);
        }
    const keys = slices.flatMap((s) => s.map(key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(sorted(slices.flat())).toEqual(all);
    // Members stacks hold only users' memberships of policy principals, naming the principal
    // (Snowflake) or the id a lookup of its group by name returns (Databricks, Identity Center).
    const types = new Set(members.map((r) => r.type));
    expect(types).toEqual(
      new Set([
        "snowflake:index/grantAccountRole:GrantAccountRole",
        "databricks:index/groupMember:GroupMember",
        "aws:identitystore/groupMembership:GroupMembership",
      ]),
    );
    expect(members.every((r) => /\/member\//.test(r.name))).toBe(true);
    for (const r of members.filter((r) => r.type.startsWith("snowflake")))
      expect(r.inputs).toMatchObject({ roleName: expect.stringMatching(/^AP_/) });
    for (const r of members.filter((r) => r.type.startsWith("databricks"))) expect(r.inputs.groupId).toMatch(/^group:ap-/);
    for (const r of members.filter((r) => r.type.startsWith("aws"))) expect(r.inputs.groupId).toMatch(/^gid:ap-/);
  });

  test("a user's memberships of a platform are all in one members stack", async () => {
    const count = 3;
    // One capture at a time: the mocked runtime is process-wide.
    const slices: CapturedResource[][] = [];
    for (let index = 0; index < count; index++)
      slices.push(
        custom(await captureResources(make(), NOW, { slice: { platforms: ["snowflake"], part: "members", shard: { count, index } } })),
      );
    const stacksOf = new Map<string, Set<number>>();
    const grants = new Map<string, number>();
    slices.forEach((rs, index) =>
      rs.forEach((r) => {
        const user = String(r.inputs.userName);
        stacksOf.set(user, (stacksOf.get(user) ?? new Set()).add(index));
        grants.set(user, (grants.get(user) ?? 0) + 1);
      }),
    );
    // Users holding several roles (whose principals hash to different shards) still have one stack.
    expect([...grants.values()].filter((n) => n > 1).length).toBeGreaterThan(0);
    expect([...stacksOf.values()].every((s) => s.size === 1)).toBe(true);
    expect(slices.filter((rs) => rs.length > 0).length).toBeGreaterThan(1);
  });

  test("every custom resource has a platform and a shard key, and the key decides its stack", async () => {
    const { resources, keys } = await captureKeyed(make(), NOW);
    const customKeys = keys.filter((k) => !k.type.startsWith("accessplane:"));
    expect(customKeys.map((k) => `${k.type}::${k.name}`).sort()).toEqual(custom(resources).map(key).sort());
    expect(customKeys.every((k) => k.platform !== undefined && /^(principal|object):/.test(k.key))).toBe(true);
    for (const k of customKeys.slice(0, 40)) {
      const index = shardOf(k.key, 4);
      const rs = await captureResources(make(), NOW, { slice: { platforms: familyOf(k.platform!).platforms, shard: { count: 4, index } } });
      expect(rs.some((r) => r.type === k.type && r.name === k.name)).toBe(true);
    }
  });
});

describe("a cohort on both Databricks platforms", () => {
  test("has one account group, and a slice taking one Databricks platform alone is refused", async () => {
    const rs = custom(await captureResources(sharedGroup(), NOW));
    const groups = rs.filter((r) => r.type === "databricks:index/group:Group" && r.inputs.displayName === "ap-data-engineers-write");
    expect(groups).toHaveLength(1);
    for (const platform of ["databricks-spark", "databricks-unity-catalog"] as Platform[]) {
      await expect(captureResources(sharedGroup(), NOW, { slice: { platforms: [platform] } })).rejects.toThrow(
        /the account groups `ap-data-engineers-write`, `ap-ml-named-users` serve both Unity Catalog and Spark, so one stack must deploy both Databricks platforms; help: slice `platforms: \["databricks-unity-catalog", "databricks-spark"\]`/,
      );
    }
    // Without a shared group a single Databricks platform is still a valid slice.
    await expect(captureResources(example(), NOW, { slice: { platforms: ["databricks-spark"] } })).resolves.toBeDefined();
  });
});

describe("adding a policy", () => {
  test("moves no other resource between shards", async () => {
    const before = example();
    const extra = {
      ...before.policies.find((p) => p.name === "finance-analysts-read")!,
      name: "finance-analysts-read-copy",
    };
    const after: Estate = { ...before, policies: [...before.policies, extra] };
    const a = await captureKeyed(before, NOW);
    const b = await captureKeyed(after, NOW);
    const shardsOf = (keys: typeof a.keys, n: number) => new Map(keys.map((k) => [`${k.type}::${k.name}`, shardOf(k.key, n)]));
    for (const n of [2, 5, 16]) {
      const sa = shardsOf(a.keys, n);
      const sb = shardsOf(b.keys, n);
      const moved = [...sa].filter(([k, s]) => sb.has(k) && sb.get(k) !== s).map(([k]) => k);
      expect(moved).toEqual([]);
      const added = [...sb.keys()].filter((k) => !sa.has(k) && !k.startsWith("accessplane:"));
      expect(added.length).toBeGreaterThan(0);
      expect(
        added.every(
          (k) => k.includes("finance-analysts-read-copy") || /:finance-analysts-read-copy|ap[-_]finance-analysts-read-copy/i.test(k),
        ),
      ).toBe(true);
    }
  });
});

describe("policy slices", () => {
  test("a policy glob selects that policy's resources only, and no estate-scoped ones", async () => {
    const rs = custom(await captureResources(estateScoped(), NOW, { slice: { policies: ["finance-*"] } }));
    const all = custom(await captureResources(estateScoped(), NOW));
    expect(rs.length).toBeGreaterThan(0);
    expect(rs.every((r) => r.parent === "estate/finance-analysts-read")).toBe(true);
    expect(
      all
        .filter((r) => r.parent === "estate/finance-analysts-read")
        .map(key)
        .sort(),
    ).toEqual(rs.map(key).sort());
  });
});
