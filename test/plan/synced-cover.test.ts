/**
 * The groups a principal takes in place of its members: which groups qualify for a cohort, and the
 * greedy cover used where every group qualifies (checked against a plain greedy that recounts every
 * group at every step).
 */
import fc from "fast-check";
import type { Policy } from "../../provider/model/schema";
import { greedyCover, impliedBy, qualifyingGroups } from "../../provider/plan/synced-groups";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 0) || 200;

/** The textbook greedy: recount every group at every step. */
function plainGreedy(groups: readonly string[], membersOf: (g: string) => readonly number[], cost: number): string[] {
  const reached = new Set<number>();
  const left = [...groups];
  const chosen: string[] = [];
  for (;;) {
    let best = -1;
    let gain = cost;
    left.forEach((g, i) => {
      const n = new Set(membersOf(g).filter((u) => !reached.has(u))).size;
      if (n > gain) [best, gain] = [i, n];
    });
    if (best < 0) return chosen.sort();
    const [g] = left.splice(best, 1);
    chosen.push(g!);
    for (const u of membersOf(g!)) reached.add(u);
  }
}

const policy = (name: string, restriction: Policy["restriction"]): Policy =>
  ({ name, restriction, kind: "grant", access: "read", state: "active" }) as Policy;

describe("synced groups a cohort can take", () => {
  test("lazy greedy cover equals the plain greedy, and each group it takes adds more users than it costs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.nat(30), { maxLength: 12 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        (lists, cost) => {
          const names = lists.map((_, i) => `g${String(i).padStart(2, "0")}`);
          const membersOf = (g: string) => lists[names.indexOf(g)]!;
          const cover = greedyCover(names, membersOf, cost);
          expect(cover).toEqual(plainGreedy(names, membersOf, cost));
          const reached = new Set<number>();
          const order = [...names].filter((g) => cover.includes(g));
          // Replayed in the greedy's own order (largest gain first), every step gains two or more.
          const steps: string[] = [];
          const rest = new Set(order);
          while (rest.size > 0) {
            const gains = [...rest].map((g) => [g, membersOf(g).filter((u) => !reached.has(u)).length] as const);
            const [g, n] = gains.reduce((a, b) => (b[1] > a[1] ? b : a));
            expect(n).toBeGreaterThan(cost);
            steps.push(g);
            rest.delete(g);
            for (const u of membersOf(g)) reached.add(u);
          }
          expect(steps.length).toBe(cover.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("a cover on a tie takes the group first in order, and stops when a group adds one user", () => {
    const m: Record<string, number[]> = { a: [1, 2], b: [1, 2], c: [3], d: [2, 3, 4] };
    expect(greedyCover(["a", "b", "c", "d"], (g) => m[g]!)).toEqual(["d"]);
    expect(greedyCover(["b", "a"], (g) => m[g]!)).toEqual(["b"]);
    expect(greedyCover(["c"], (g) => m[g]!)).toEqual([]);
    // Where a group costs a resource per grant (S3), it must reach more users than it has grants.
    expect(greedyCover(["a", "d"], (g) => m[g]!, 2)).toEqual(["d"]);
    expect(greedyCover(["a", "d"], (g) => m[g]!, 3)).toEqual([]);
  });

  test("membership alone must satisfy the audience and every guardrail", () => {
    const policies = new Map(
      [
        policy("any", { level: "anyone" }),
        policy("teams", {
          level: "conditions",
          when: { anyOf: [{ group: "a" }, { allOf: [{ group: "b" }, { attribute: "x", values: ["1"] }] }] },
        }),
        policy("both", { level: "conditions", when: { allOf: [{ group: "a" }, { anyOf: [{ group: "a" }, { group: "c" }] }] } }),
        policy("cleared", { level: "conditions", when: { anyOf: [{ group: "a" }, { group: "c" }] } }),
        policy("by-attribute", { level: "conditions", when: { attribute: "x", values: ["1"] } }),
        policy("named", { level: "users", users: [] }),
      ].map((p) => [p.name, p]),
    );
    const q = (policy: string, guardrails: string[] = [], downgraded = false) =>
      qualifyingGroups({ policy, guardrails, downgraded }, policies);
    expect(q("any")).toBe("any");
    expect(q("any", ["cleared"])).toEqual(["a", "c"]);
    expect(q("any", ["cleared", "by-attribute"])).toEqual([]);
    expect(q("teams")).toEqual(["a"]);
    expect(q("teams", ["cleared"])).toEqual(["a"]);
    expect(q("both")).toEqual(["a"]);
    expect(q("named")).toEqual([]);
    expect(q("any", ["named"])).toEqual([]);
    expect(q("cleared", [], true)).toEqual([]);
    expect(impliedBy({ allOf: [{ group: "a" }, { group: "b" }] }, "a")).toBe(false);
  });
});
