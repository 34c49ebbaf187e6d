/**
 * Bitset resolution equals the per-user definition: `UserIndex.evaluate(c)` is exactly
 * `users.filter((u) => matches(c, u))`, and `resolve` returns exactly what the previous
 * implementation (`test/resolve/reference.ts`: `subscribersOf` per policy, guardrail passers as id
 * sets) returns, on random estates, on estates wider than one bitset word, with duplicate ids, and on
 * a bench-shaped estate.
 */
import fc from "fast-check";
import { BASE, NOW as BENCH_NOW, generateEstate } from "../../bench/generate";
import type { Estate } from "../../provider/model/estate";
import type { Condition, DataSource, User } from "../../provider/model/schema";
import { UserIndex, and, full, has, indexes, or, wordsFor } from "../../provider/resolve/bitset";
import { matches, resolve } from "../../provider/resolve/resolve";
import { NOW, estateArb } from "../support/arbitrary";
import { referenceResolve } from "./reference";

const RUNS = 300;
const GROUPS = ["g0", "g1", "g2", "g3", "g4"];
const DEPTS = ["a", "b", "c"];

/** The definition: the indexes of the users a condition admits. */
const byDefinition = (c: Condition, users: readonly Pick<User, "groups" | "attributes">[]) =>
  users.flatMap((u, i) => (matches(c, u) ? [i] : []));

/** Conditions over groups and two attributes; `anyOf`/`allOf` may be empty (the schema forbids it, `matches` defines it). */
const conditionOver = (groups: string[], attributes: string[], values: string[], minChildren = 1): fc.Arbitrary<Condition> =>
  fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...groups).map((group) => ({ group })),
      fc.record({ attribute: fc.constantFrom(...attributes), values: fc.subarray(values, { minLength: 1 }) }),
      fc.array(tie("c"), { minLength: minChildren, maxLength: 3 }).map((anyOf) => ({ anyOf })),
      fc.array(tie("c"), { minLength: minChildren, maxLength: 3 }).map((allOf) => ({ allOf })),
    ),
  })).c;

const userArb = (attributes: string[]) =>
  fc
    .record({
      groups: fc.subarray(GROUPS),
      attrs: fc.array(fc.tuple(fc.constantFrom(...attributes), fc.subarray(DEPTS)), { maxLength: 2 }),
    })
    .map(({ groups, attrs }) => ({ groups, attributes: Object.fromEntries(attrs) }));

describe("bitset primitives", () => {
  test("full, has, indexes, or and and agree with sets of indexes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.array(fc.nat({ max: 199 }), { maxLength: 40 }), { maxLength: 4 }),
        (n, lists) => {
          const sets = lists.map((xs) => new Set(xs.filter((x) => x < n)));
          const bits = sets.map((s) => {
            const b = new Uint32Array(wordsFor(n));
            for (const i of s) b[i >>> 5]! |= 1 << (i & 31);
            return b;
          });
          const all = full(n);
          const range = Array.from({ length: n }, (_, i) => i);
          expect(indexes(all)).toEqual(range);
          expect(indexes(or(bits, wordsFor(n)))).toEqual(range.filter((i) => sets.some((s) => s.has(i))));
          expect(indexes(and(bits, all))).toEqual(range.filter((i) => sets.every((s) => s.has(i))));
          bits.forEach((b, k) => expect(range.filter((i) => has(b, i))).toEqual([...sets[k]!].sort((x, y) => x - y)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("UserIndex.evaluate is matches, user by user", () => {
  test("every policy condition of random estates", () => {
    fc.assert(
      fc.property(estateArb, (e) => {
        const ix = new UserIndex(e.inventory.users, matches);
        for (const p of e.policies) {
          if (p.restriction.level !== "conditions") continue;
          expect(indexes(ix.evaluate(p.restriction.when))).toEqual(byDefinition(p.restriction.when, e.inventory.users));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("several conditions on one index (shared, memoised subtrees), up to 200 users, empty any-of/all-of", () => {
    const attrs = ["dept", "site"];
    fc.assert(
      fc.property(
        fc.array(userArb(attrs), { maxLength: 200 }),
        fc.array(conditionOver([...GROUPS, "nobody"], [...attrs, "unknown"], [...DEPTS, "z"], 0), { minLength: 1, maxLength: 8 }),
        (users, conditions) => {
          const ix = new UserIndex(users, matches);
          // Each twice, and in a structurally equal copy, so memoised results are checked too.
          for (const c of [...conditions, ...conditions, ...(structuredClone(conditions) as Condition[])]) {
            const bits = ix.evaluate(c);
            expect(bits.length).toBe(wordsFor(users.length));
            expect(indexes(bits)).toEqual(byDefinition(c, users));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("attributes named like Object.prototype members, and users not shaped as the schema says", () => {
    const attrs = ["dept", "constructor", "toString", "__proto__", "hasOwnProperty"];
    const odd = fc.constantFrom<Pick<User, "groups" | "attributes">>(
      { groups: ["g0"], attributes: Object.create({ dept: ["a"] }) as Record<string, string[]> },
      { groups: ["g1"], attributes: Object.defineProperty({}, "dept", { value: ["b"], enumerable: false }) as Record<string, string[]> },
      { groups: ["g2"], attributes: Object.assign(Object.create(null) as Record<string, string[]>, { dept: ["c"] }) },
    );
    const outcome = (f: () => number[]) => {
      try {
        return { ok: f() };
      } catch (e) {
        return { threw: (e as Error).constructor.name };
      }
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(userArb(attrs), odd), { maxLength: 40 }), conditionOver(GROUPS, attrs, DEPTS), (users, c) => {
        const ix = new UserIndex(users, matches);
        expect(outcome(() => indexes(ix.evaluate(c)))).toEqual(outcome(() => byDefinition(c, users)));
      }),
      { numRuns: RUNS },
    );
  });
});

/** An estate with extra users (a random order, more than one bitset word) and, optionally, duplicate data source ids and policy names. */
function widen(
  e: Estate,
  extra: Pick<User, "groups" | "attributes">[],
  order: number[],
  dupPolicies: number[],
  dupSources: number[],
): Estate {
  const added: User[] = extra.map((x, i) => ({ id: `w${i}`, groups: x.groups, attributes: x.attributes, identities: {} }));
  const all = [...e.inventory.users, ...added];
  const users = order.map((i) => all[i]!);
  // A second data source with an existing id and other tags. (No second user with an existing id:
  // the loader rejects one, `duplicate-user`, and `resolve` assumes unique user ids.)
  const dataSources: DataSource[] = [...e.inventory.dataSources];
  for (const i of dupSources)
    if (dataSources.length > 0) dataSources.push({ ...dataSources[i % dataSources.length]!, tags: ["t0", "t1", "t2", "t3"].slice(i % 4) });
  // A second policy with an existing name, another access and the audience of another policy.
  const policies = [...e.policies];
  for (const i of dupPolicies.slice(0, 1)) {
    if (policies.length === 0) continue;
    const p = policies[i % policies.length]!;
    const other = policies[(i >> 2) % policies.length]!;
    policies.push({ ...p, access: p.access === "read" ? "write" : "read", restriction: other.restriction });
  }
  return { ...e, policies, inventory: { ...e.inventory, users, dataSources } };
}

const widenedArb = (duplicates: boolean) =>
  fc.tuple(estateArb, fc.array(userArb(["dept"]), { maxLength: 80 })).chain(([e, extra]) => {
    const n = e.inventory.users.length + extra.length;
    const range = Array.from({ length: n }, (_, i) => i);
    const dups = duplicates ? fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 3 }) : fc.constant([] as number[]);
    return fc
      .tuple(
        fc.shuffledSubarray(range, { minLength: n, maxLength: n }),
        dups,
        duplicates ? fc.array(fc.nat({ max: 100 }), { maxLength: 3 }) : fc.constant([] as number[]),
      )
      .map(([order, du, ds]) => widen(e, extra, order, du, ds));
  });

describe("resolve equals the previous implementation", () => {
  test("random estates", () => {
    fc.assert(
      fc.property(estateArb, (e) => {
        expect(resolve(e, new Date(NOW))).toStrictEqual(referenceResolve(e, new Date(NOW)));
      }),
      { numRuns: RUNS },
    );
  });

  test("random estates of up to 88 users in a random order", () => {
    fc.assert(
      fc.property(widenedArb(false), (e) => {
        expect(resolve(e, new Date(NOW))).toStrictEqual(referenceResolve(e, new Date(NOW)));
      }),
      { numRuns: RUNS },
    );
  });

  test("estates with duplicate data source ids and policy names (invalid, but resolved the same)", () => {
    fc.assert(
      fc.property(widenedArb(true), (e) => {
        expect(resolve(e, new Date(NOW))).toStrictEqual(referenceResolve(e, new Date(NOW)));
      }),
      { numRuns: RUNS },
    );
  });

  test("the bench estate at its base size (625 users, 3,125 data sources, 31 policies)", () => {
    const e = generateEstate(BASE, 3);
    const got = resolve(e, BENCH_NOW);
    expect(got.cohorts.length).toBeGreaterThan(0);
    expect(got).toStrictEqual(referenceResolve(e, BENCH_NOW));
  });
});
