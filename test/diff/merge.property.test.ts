/**
 * The access diff is a merge-join over the two plans' sorted entries, and the principal diff merges
 * sorted member lists. These properties compare both with straightforward Map-based reference
 * implementations (written here, independent of provider/plan/diff.ts) on random pairs of plans:
 * unrelated estates, an estate and a small edit of it, one estate at two instants; with ids whose
 * ordinal order differs from `localeCompare`; and with entries shuffled or repeated (plans from
 * elsewhere), where the diff must not depend on order either; and with grants edited in place.
 */
import fc from "fast-check";
import type { Estate } from "../../provider/model/estate";
import { buildPlan } from "../../provider/plan/build";
import { type AccessChange, diffPlans, type PrincipalChange } from "../../provider/plan/diff";
import type { AccessEntry, Plan, PrincipalGrant, PrincipalMember } from "../../provider/plan/types";
import { NOW, estateArb } from "../support/arbitrary";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const DAY = 86_400_000;

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Elements of `xs` not in `ys`, once each, sorted. */
const setMinus = (xs: readonly string[], ys: readonly string[]) => [...new Set(xs)].filter((x) => !ys.includes(x)).sort(ordinal);

// ------------------------------------------------------------------------------------------------
// References: every key of both plans in a Map, every change computed, then sorted.

function referenceAccess(base: Plan, head: Plan): AccessChange[] {
  const key = (e: AccessEntry) => JSON.stringify([e.user, e.dataSource]);
  const before = new Map(base.access.map((e) => [key(e), e]));
  const after = new Map(head.access.map((e) => [key(e), e]));
  const headNow = Date.parse(head.now);
  const out: AccessChange[] = [];
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(k);
    const a = after.get(k);
    const e = (a ?? b)!;
    const kind = !b ? "gained" : !a ? "lost" : "changed";
    const privileges = {
      added: setMinus(a?.privileges ?? [], b?.privileges ?? []),
      removed: setMinus(b?.privileges ?? [], a?.privileges ?? []),
    };
    const policies = { added: setMinus(a?.policies ?? [], b?.policies ?? []), removed: setMinus(b?.policies ?? [], a?.policies ?? []) };
    const accessMoved = !!b && !!a && b.access !== a.access;
    const expiryMoved = !!b && !!a && b.expiresAt !== a.expiresAt;
    const nothing = privileges.added.length + privileges.removed.length + policies.added.length + policies.removed.length === 0;
    if (b && a && !accessMoved && !expiryMoved && nothing && b.object === a.object) continue;
    const later =
      !!b && !!a && b.expiresAt !== undefined && (a.expiresAt === undefined || Date.parse(a.expiresAt) > Date.parse(b.expiresAt));
    const c: AccessChange = {
      id: `${e.user}|${e.dataSource}`,
      kind,
      user: e.user,
      dataSource: e.dataSource,
      platform: e.platform,
      objectType: e.objectType,
      privileges,
      policies,
      // Gains and losses: their policies; changes: the policies added and removed, else the head's.
      responsible:
        kind === "changed" && policies.added.length + policies.removed.length > 0
          ? [...policies.added, ...policies.removed].sort(ordinal)
          : [...e.policies].sort(ordinal),
      widens: kind === "gained" || privileges.added.length > 0 || (accessMoved && a.access === "write") || (kind === "changed" && later),
    };
    if (b) c.before = b;
    if (a) c.after = a;
    if (accessMoved) c.access = { from: b.access, to: a.access };
    if (expiryMoved) {
      c.expiry = {};
      if (b.expiresAt !== undefined) c.expiry.from = b.expiresAt;
      if (a.expiresAt !== undefined) c.expiry.to = a.expiresAt;
    }
    if (kind === "lost" && b!.expiresAt !== undefined && Date.parse(b!.expiresAt) <= headNow) c.expired = true;
    out.push(c);
  }
  const rank = { gained: 0, changed: 1, lost: 2 };
  return out.sort((x, y) => rank[x.kind] - rank[y.kind] || ordinal(x.user, y.user) || ordinal(x.dataSource, y.dataSource));
}

/**
 * The changes without what guardrails and approvals add (test/diff/blame.property.test.ts checks
 * those): a change the head's guardrails explain takes the reference's `responsible`.
 */
function unblamed(got: AccessChange[], want: AccessChange[]): AccessChange[] {
  return got.map(({ guardrails, approvals: _approvals, ...c }, i) =>
    guardrails && want[i] ? { ...c, responsible: want[i].responsible } : c,
  );
}

function referencePrincipals(base: Plan, head: Plan): PrincipalChange[] {
  const before = new Map(base.principals.map((p) => [p.id, p]));
  const after = new Map(head.principals.map((p) => [p.id, p]));
  const memberKey = (m: PrincipalMember) => JSON.stringify([m.user, m.identity]);
  const byMember = (x: PrincipalMember, y: PrincipalMember) => ordinal(x.user, y.user) || ordinal(x.identity, y.identity);
  const byDs = (x: { dataSource: string }, y: { dataSource: string }) => ordinal(x.dataSource, y.dataSource);
  const shape = (g: PrincipalGrant) => JSON.stringify([g.parents, g.extras, g.kind]);
  const out: PrincipalChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    const p = (a ?? b)!;
    const bm = new Map((b?.members ?? []).map((m) => [memberKey(m), m]));
    const am = new Map((a?.members ?? []).map((m) => [memberKey(m), m]));
    const bg = new Map((b?.grants ?? []).map((g) => [g.dataSource, g]));
    const ag = new Map((a?.grants ?? []).map((g) => [g.dataSource, g]));
    const changed: PrincipalChange["grants"]["changed"] = [];
    for (const [k, g] of ag) {
      const old = bg.get(k);
      if (!old) continue;
      if (old.object !== g.object || JSON.stringify(old.privileges) !== JSON.stringify(g.privileges) || shape(old) !== shape(g)) {
        changed.push({
          dataSource: k,
          object: g.object,
          privileges: { added: setMinus(g.privileges, old.privileges), removed: setMinus(old.privileges, g.privileges) },
        });
      }
    }
    const c: PrincipalChange = {
      id,
      kind: !b ? "created" : !a ? "deleted" : "updated",
      platform: p.platform,
      policy: p.policy,
      name: p.name,
      members: {
        added: [...am]
          .filter(([k]) => !bm.has(k))
          .map(([, m]) => m)
          .sort(byMember),
        removed: [...bm]
          .filter(([k]) => !am.has(k))
          .map(([, m]) => m)
          .sort(byMember),
      },
      grants: {
        added: [...ag]
          .filter(([k]) => !bg.has(k))
          .map(([, g]) => g)
          .sort(byDs),
        changed: changed.sort(byDs),
        removed: [...bg]
          .filter(([k]) => !ag.has(k))
          .map(([, g]) => g)
          .sort(byDs),
      },
    };
    if (a && b && a.name !== b.name) c.renamed = { from: b.name, to: a.name };
    const g = c.grants;
    if (
      c.kind !== "updated" ||
      c.renamed ||
      c.members.added.length + c.members.removed.length + g.added.length + g.changed.length + g.removed.length > 0
    )
      out.push(c);
  }
  const rank = { created: 0, updated: 1, deleted: 2 };
  return out.sort((x, y) => rank[x.kind] - rank[y.kind] || ordinal(x.id, y.id));
}

// ------------------------------------------------------------------------------------------------
// Pairs of estates.

/** Ids whose ordinal order is not their `localeCompare` order (case, `_`, digits, accents, spaces). */
const ID_POOL = ["a", "B", "_c", "b10", "b9", "Zeta", "zeta", "é", "ä1", "A-b", "a b", "ab", "aB", "Ab", "z", "Z0", "~x", "0"];

/** Renames users `u<i>` and data sources `ds<i>` of both estates by one mapping (ids and references). */
function renamed(estates: Estate[], names: string[]): Estate[] {
  const map = new Map<string, string>();
  for (let i = 0; i < 8; i++) {
    map.set(`u${i}`, names[i]!);
    map.set(`ds${i}`, names[8 + i]!);
  }
  // Ids and references are exactly the JSON strings "u<i>" and "ds<i>"; nothing else is spelled so.
  const rename = <T>(x: T): T =>
    JSON.parse(JSON.stringify(x).replace(/"(u|ds)(\d)"/g, (m) => JSON.stringify(map.get(m.slice(1, -1)) ?? m.slice(1, -1)))) as T;
  return estates.map((e) => ({ ...e, policies: rename(e.policies), inventory: rename(e.inventory) }));
}

/** A small edit of an estate: a policy dropped, its access flipped or staged, a tag or group toggled. */
const edited = (estate: Estate) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom("drop", "access", "state", "tag", "group"),
        fc.nat(),
        fc.constantFrom("t0", "t1", "t2", "t3"),
        fc.constantFrom("g0", "g1", "g2", "g3"),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((edits) => {
      const next = structuredClone(estate);
      for (const [what, n, tag, group] of edits) {
        const { policies } = next;
        const { users, dataSources } = next.inventory;
        if (what === "drop" && policies.length > 0) policies.splice(n % policies.length, 1);
        else if (what === "access" && policies.length > 0) {
          const p = policies[n % policies.length]!;
          p.access = p.access === "read" ? "write" : "read";
        } else if (what === "state" && policies.length > 0) {
          const p = policies[n % policies.length]!;
          p.state = p.state === "active" ? "staged" : "active";
        } else if (what === "tag") {
          const d = dataSources[n % dataSources.length]!;
          d.tags = d.tags.includes(tag) ? d.tags.filter((t) => t !== tag) : [...d.tags, tag];
        } else if (what === "group") {
          const u = users[n % users.length]!;
          u.groups = u.groups.includes(group) ? u.groups.filter((g) => g !== group) : [...u.groups, group];
        }
      }
      return next;
    });

const instant = fc.integer({ min: -400, max: 400 }).map((d) => new Date(NOW + d * DAY).toISOString());

/** Mostly estates that grant something (most random estates grant nothing at all), sometimes any. */
const someEstate = fc.oneof(
  { arbitrary: estateArb.filter((e) => buildPlan(e, new Date(NOW).toISOString()).access.length > 0), weight: 4 },
  { arbitrary: estateArb, weight: 1 },
);

/** Two plans: unrelated estates, an estate and an edit of it, or one estate at two instants. */
const planPairArb: fc.Arbitrary<[Plan, Plan]> = fc
  .tuple(
    fc.oneof(
      fc.tuple(someEstate, someEstate),
      someEstate.chain((e) => fc.tuple(fc.constant(e), edited(e))),
      someEstate.map((e) => [e, e] as [Estate, Estate]),
    ),
    fc.option(fc.shuffledSubarray(ID_POOL, { minLength: 16, maxLength: 16 }), { nil: undefined }),
    instant,
    fc.oneof(fc.constant<string | undefined>(undefined), instant),
  )
  .map(([[b, h], names, baseNow, headNow]) => {
    const [base, head] = names ? renamed([b, h], names) : [b, h];
    return [buildPlan(base!, baseNow), buildPlan(head!, headNow ?? baseNow)];
  });

/** A plan whose access entries and member lists come in another order, some of them twice. */
const scrambled = (plan: Plan) =>
  fc
    .tuple(
      fc.shuffledSubarray(plan.access, { minLength: plan.access.length, maxLength: plan.access.length }),
      fc.subarray(plan.access),
      fc.array(fc.nat(), { minLength: plan.principals.length, maxLength: plan.principals.length }),
    )
    .map(([access, twice, seeds]): Plan => ({
      ...plan,
      // A repeated key: the Map of the reference keeps the last entry, whatever its place.
      access: [...access, ...twice.map((e) => ({ ...e, policies: [...e.policies, "zz-repeated"] }))],
      principals: plan.principals.map((p, i) => {
        const s = seeds[i]!;
        const members = [...p.members];
        if (members.length > 1) members.push(members.splice(s % members.length, 1)[0]!);
        if (s % 3 === 0 && members.length > 0) members.push({ ...members[s % members.length]! });
        return { ...p, members };
      }),
    }));

/** A plan with one pair of neighbouring entries swapped: a single, local disorder. */
const swapped = (plan: Plan) =>
  fc.nat().map((n): Plan => {
    const access = [...plan.access];
    if (access.length > 1) {
      const k = n % (access.length - 1);
      [access[k], access[k + 1]] = [access[k + 1]!, access[k]!];
    }
    return { ...plan, access };
  });

/** Both plans' entries in reverse: pairs meet in step, but every side is out of order. */
const reversed = ([b, h]: [Plan, Plan]): [Plan, Plan] => [
  { ...b, access: [...b.access].reverse() },
  { ...h, access: [...h.access].reverse() },
];

/** Grants edited in place: kind, parents or extras changed, extras' keys reordered, or a deep copy (no change). */
const tweaked = (plan: Plan) =>
  fc
    .array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("kind", "parents", "extras", "order", "copy")), { maxLength: 4 })
    .map((edits): Plan => {
      const principals = plan.principals.map((p) => ({ ...p, grants: [...p.grants] }));
      for (const [pi, gi, what] of edits) {
        const p = principals.length > 0 ? principals[pi % principals.length]! : undefined;
        if (!p || p.grants.length === 0) continue;
        // A copy made here, not by structuredClone (whose objects belong to another realm under jest).
        const o = p.grants[gi % p.grants.length]!;
        const g: PrincipalGrant = {
          ...o,
          privileges: [...o.privileges],
          parents: o.parents.map((x) => ({ ...x, privileges: [...x.privileges] })),
          extras: { ...o.extras },
        };
        if (what === "kind") g.kind = `${g.kind}-other`;
        else if (what === "parents")
          g.parents = g.parents.length > 0 ? g.parents.slice(1) : [{ kind: "schema", object: "X", privileges: ["USAGE"] }];
        else if (what === "extras") g.extras = { ...g.extras, tweak: gi };
        else if (what === "order") g.extras = Object.fromEntries(Object.entries(g.extras).reverse());
        p.grants[gi % p.grants.length] = g;
      }
      return { ...plan, principals };
    });

describe("merge-join diff against a Map-based reference", () => {
  test("random pairs of plans: the same access changes and principal changes", () => {
    fc.assert(
      fc.property(planPairArb, ([base, head]) => {
        const d = diffPlans(base, head);
        const access = referenceAccess(base, head);
        expect(unblamed(d.access, access)).toStrictEqual(access);
        expect(d.principals).toStrictEqual(referencePrincipals(base, head));
        expect(d.summary.gained + d.summary.changed + d.summary.lost).toBe(access.length);
      }),
      { numRuns: RUNS },
    );
  });

  test("grants edited in place (kind, parents, extras, key order, or a mere copy): the reference's principal changes", () => {
    fc.assert(
      fc.property(
        planPairArb.chain(([b, h]) => fc.tuple(fc.constant(b), tweaked(h))),
        ([base, head]) => {
          expect(diffPlans(base, head).principals).toStrictEqual(referencePrincipals(base, head));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("plans from buildPlan (compared column by column) and their copies (compared entry by entry): one diff", () => {
    fc.assert(
      fc.property(planPairArb, ([base, head]) => {
        // A spread copy has the same entries but no access table behind it.
        expect(diffPlans(base, head)).toStrictEqual(diffPlans({ ...base }, { ...head }));
      }),
      { numRuns: RUNS },
    );
  });

  test("a plan whose access was replaced is diffed by its new entries", () => {
    fc.assert(
      fc.property(planPairArb, ([base, head]) => {
        const replaced = diffPlans(base, head);
        const copy = { ...head };
        head.access = head.access.slice(0, Math.floor(head.access.length / 2));
        const want = referenceAccess(base, head);
        expect(unblamed(diffPlans(base, head).access, want)).toStrictEqual(want);
        head.access = copy.access;
        expect(diffPlans(base, head)).toStrictEqual(replaced);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  test("a plan against itself: no access or principal change", () => {
    fc.assert(
      fc.property(planPairArb, ([base]) => {
        const d = diffPlans(base, base);
        expect(d.access).toEqual([]);
        expect(d.principals).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  test("entries out of order or repeated (a plan not from buildPlan): still the reference's result", () => {
    fc.assert(
      fc.property(
        planPairArb.chain(([b, h]) =>
          fc.oneof(
            fc.tuple(fc.oneof(fc.constant(b), scrambled(b)), fc.oneof(fc.constant(h), scrambled(h))),
            fc.tuple(swapped(b), fc.constant(h)),
            fc.tuple(fc.constant(b), swapped(h)),
            // Both out of order alike: pairs still meet, and only the order checks notice.
            { arbitrary: fc.constant(reversed([b, h])), weight: 3 },
          ),
        ),
        ([base, head]) => {
          const d = diffPlans(base, head);
          const want = referenceAccess(base, head);
          expect(unblamed(d.access, want)).toStrictEqual(want);
          expect(d.principals).toStrictEqual(referencePrincipals(base, head));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("members a synced group reaches are no membership of their own: the reference over the others", () => {
    // Marks the members of some users as reached through a synced group, on each side independently.
    const marked = (plan: Plan, through: readonly string[]): Plan => ({
      ...plan,
      access: plan.access,
      principals: plan.principals.map((p) => ({
        ...p,
        groups: [],
        members: p.members.map((m) => (through.includes(m.user) ? { ...m, group: "g" } : m)),
      })),
    });
    const own = (plan: Plan): Plan => ({
      ...plan,
      access: plan.access,
      principals: plan.principals.map(({ groups: _g, ...p }) => ({ ...p, members: p.members.filter((m) => m.group === undefined) })),
    });
    const users = fc.subarray(["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"]);
    fc.assert(
      fc.property(planPairArb, users, users, ([base, head], tb, th) => {
        const b = marked(base, tb);
        const h = marked(head, th);
        expect(diffPlans(b, h).principals).toStrictEqual(referencePrincipals(own(b), own(h)));
      }),
      { numRuns: RUNS },
    );
  });
});
