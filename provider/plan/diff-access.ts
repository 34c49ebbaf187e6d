/**
 * The access part of a plan diff: one change per (user, data source) whose access differs, by a
 * merge-join of the two plans' sorted entries, and the guardrails and approvals behind each change.
 */
import type { AccessChange, AccessChangeKind, GuardrailCause } from "./diff-types";
import { type AccessTable, accessTableOf } from "./access-table";
import { minus, sameList, sortedJoin } from "./join";
import type { AccessEntry, Plan, PlanApproval } from "./types";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Later of two expiries, where undefined means "never" (the latest). */
const extends_ = (from: string | undefined, to: string | undefined) =>
  from !== undefined && (to === undefined || Date.parse(to) > Date.parse(from));

const NONE: readonly string[] = [];

function accessChange(before: AccessEntry | undefined, after: AccessEntry | undefined, headNow: number): AccessChange | undefined {
  const e = (after ?? before)!;
  const kind: AccessChangeKind = !before ? "gained" : !after ? "lost" : "changed";
  const bPriv = before ? before.privileges : NONE;
  const aPriv = after ? after.privileges : NONE;
  const bPol = before ? before.policies : NONE;
  const aPol = after ? after.policies : NONE;
  const privileges = { added: minus(aPriv, bPriv), removed: minus(bPriv, aPriv) };
  const policies = { added: minus(aPol, bPol), removed: minus(bPol, aPol) };
  const id = `${e.user}|${e.dataSource}`;
  const responsible = [...e.policies].sort(cmp);
  // Keys in the order of the JSON form (`before`, then `after`), set one by one: a spread of a
  // temporary object per optional key would cost an allocation each, once per changed entry.
  const c = { id, kind, user: e.user, dataSource: e.dataSource, platform: e.platform, objectType: e.objectType } as AccessChange;
  if (before) c.before = before;
  if (after) c.after = after;
  c.privileges = privileges;
  c.policies = policies;
  c.responsible = responsible;
  c.widens = false;
  if (before && after) {
    if (before.access !== after.access) c.access = { from: before.access, to: after.access };
    if (before.expiresAt !== after.expiresAt) {
      c.expiry = {
        ...(before.expiresAt !== undefined ? { from: before.expiresAt } : {}),
        ...(after.expiresAt !== undefined ? { to: after.expiresAt } : {}),
      };
    }
    const same =
      !c.access &&
      !c.expiry &&
      privileges.added.length === 0 &&
      privileges.removed.length === 0 &&
      policies.added.length === 0 &&
      policies.removed.length === 0 &&
      before.object === after.object;
    if (same) return undefined;
  }
  if (kind === "lost" && before!.expiresAt !== undefined && Date.parse(before!.expiresAt) <= headNow) c.expired = true;
  c.widens =
    kind === "gained" ||
    privileges.added.length > 0 ||
    c.access?.to === "write" ||
    (kind === "changed" && extends_(before!.expiresAt, after!.expiresAt));
  return c;
}

/**
 * The order of a plan's access entries: ordinal (`<`, as build.ts sorts users and data sources, never
 * `localeCompare`) by user id, then by data-source id.
 */
function compareEntries(a: AccessEntry, b: AccessEntry): number {
  const au = a.user;
  const bu = b.user;
  if (au !== bu) return au < bu ? -1 : 1;
  const ad = a.dataSource;
  const bd = b.dataSource;
  return ad === bd ? 0 : ad < bd ? -1 : 1;
}

/** The entries sorted (stably) by user then data source; a key met twice keeps its last entry, as a Map would. */
function normalised(access: readonly AccessEntry[]): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const e of [...access].sort(compareEntries)) {
    if (out.length > 0 && compareEntries(out[out.length - 1]!, e) === 0) out[out.length - 1] = e;
    else out.push(e);
  }
  return out;
}

/**
 * True when `accessChange` would find nothing to report, checked without allocating: the same access,
 * expiry and object, and the same privileges and policies element by element. False only means
 * "maybe changed": `accessChange` then decides (it compares privileges and policies as sets). As
 * `accessChange` does, it leaves parents and platform extras (`operations`, `accessLevel`, `actions`) out.
 */
const unchanged = (b: AccessEntry, a: AccessEntry) =>
  b.access === a.access &&
  b.expiresAt === a.expiresAt &&
  b.object === a.object &&
  sameList(b.privileges, a.privileges) &&
  sameList(b.policies, a.policies);

/**
 * Access changes by a merge-join of the two plans' entries, which `buildPlan` sorts by user then data
 * source: a change object is built only for an entry on one side alone or a pair that differs. Gains,
 * then changes, then losses, each list in (user, data source) order as the join produces it.
 * Undefined when either side is out of order.
 */
function mergeAccess(b: readonly AccessEntry[], a: readonly AccessEntry[], headNow: number): AccessChange[] | undefined {
  const gained: AccessChange[] = [];
  const changed: AccessChange[] = [];
  const lost: AccessChange[] = [];
  const joined = sortedJoin(b, a, compareEntries, {
    both: (x, y) => {
      if (unchanged(x, y)) return;
      const c = accessChange(x, y, headNow);
      if (c) changed.push(c);
    },
    baseOnly: (x) => lost.push(accessChange(x, undefined, headNow)!),
    headOnly: (y) => gained.push(accessChange(undefined, y, headNow)!),
  });
  return joined ? gained.concat(changed, lost) : undefined;
}

/**
 * The access changes from `base` to `head`. Plans from `buildPlan` are sorted, so one merge-join does
 * it; entries out of order (a plan from elsewhere) are sorted first, so the result never depends on it.
 */
export function accessChanges(base: readonly AccessEntry[], head: readonly AccessEntry[], headNow: number): AccessChange[] {
  return mergeAccess(base, head, headNow) ?? mergeAccess(normalised(base), normalised(head), headNow)!;
}

/**
 * The access changes from plan `base` to plan `head`, as `accessChanges` finds them over their
 * entries. For two plans from `buildPlan` it compares their access tables column by column instead,
 * building entry objects only for the rows that may have changed.
 */
export function planAccessChanges(base: Plan, head: Plan): AccessChange[] {
  const headNow = Date.parse(head.now);
  const b = accessTableOf(base);
  const a = accessTableOf(head);
  return b && a ? tableChanges(b, a, headNow) : accessChanges(base.access, head.access, headNow);
}

/**
 * Ranks of two ascending (ordinal, no duplicates) id lists in their union: `base[i]` has rank
 * `ranks.base[i]`, `head[j]` rank `ranks.head[j]`, and equal ids have equal ranks.
 */
function unionRanks(base: readonly string[], head: readonly string[]): { base: Int32Array; head: Int32Array } {
  const rb = new Int32Array(base.length);
  const rh = new Int32Array(head.length);
  let i = 0;
  let j = 0;
  let r = 0;
  while (i < base.length || j < head.length) {
    if (j === head.length || (i < base.length && base[i]! < head[j]!)) rb[i++] = r++;
    else if (i === base.length || head[j]! < base[i]!) rh[j++] = r++;
    else {
      rb[i++] = r;
      rh[j++] = r++;
    }
  }
  return { base: rb, head: rh };
}

/**
 * Access changes by a merge-join of two access tables' columns. Users and data sources are indexes
 * into each plan's own sorted ids, so both sides are ranked in the union of ids first: the join then
 * visits (user, data source) pairs in the order of `mergeAccess`. A pair in both with equal access,
 * expiry, object, privileges and policies is unchanged (as `unchanged` decides over entries); any
 * other row becomes entries, and `accessChange` decides.
 */
function tableChanges(b: AccessTable, a: AccessTable, headNow: number): AccessChange[] {
  const users = unionRanks(b.users, a.users);
  const sources = unionRanks(
    b.dataSources.map((d) => d.id),
    a.dataSources.map((d) => d.id),
  );
  const bc = b.columns();
  const ac = a.columns();
  // Privilege lists and policy sets are interned per plan (one id per content): map head ids to the
  // base id of the same content, or -1.
  const maxOf = (col: Int32Array, n: number) => {
    let m = -1;
    for (let k = 0; k < n; k++) if (col[k]! > m) m = col[k]!;
    return m;
  };
  const idMap = (bMax: number, aMax: number, bList: (id: number) => readonly string[], aList: (id: number) => readonly string[]) => {
    const byKey = new Map<string, number>();
    for (let id = 0; id <= bMax; id++) byKey.set(bList(id).join("\u0000"), id);
    const out = new Int32Array(aMax + 1);
    for (let id = 0; id <= aMax; id++) out[id] = byKey.get(aList(id).join("\u0000")) ?? -1;
    return out;
  };
  const privMap = idMap(
    maxOf(bc.priv, b.length),
    maxOf(ac.priv, a.length),
    (x) => b.privilegesOf(x),
    (x) => a.privilegesOf(x),
  );
  const polMap = idMap(
    maxOf(bc.pol, b.length),
    maxOf(ac.pol, a.length),
    (x) => b.policiesOfSet(x),
    (x) => a.policiesOfSet(x),
  );
  // Per base data source: 0 not compared yet, 1 its object is the head's, 2 it differs.
  const objectSame = new Uint8Array(b.dataSources.length);
  const gained: AccessChange[] = [];
  const changed: AccessChange[] = [];
  const lost: AccessChange[] = [];
  const nb = b.length;
  const na = a.length;
  let i = 0;
  let j = 0;
  while (i < nb || j < na) {
    // Rows ordered by user rank, then data-source rank: -1 base first, 1 head first, 0 the same pair.
    const o =
      i === nb ? 1 : j === na ? -1 : users.base[bc.u[i]!]! - users.head[ac.u[j]!]! || sources.base[bc.d[i]!]! - sources.head[ac.d[j]!]!;
    if (o < 0) lost.push(accessChange(b.entryAt(i++), undefined, headNow)!);
    else if (o > 0) gained.push(accessChange(undefined, a.entryAt(j++), headNow)!);
    else {
      const bd = bc.d[i]!;
      const ad = ac.d[j]!;
      let same =
        bc.write[i] === ac.write[j] && bc.exp[i] === ac.exp[j] && privMap[ac.priv[j]!] === bc.priv[i] && polMap[ac.pol[j]!] === bc.pol[i];
      if (same) {
        if (objectSame[bd] === 0) objectSame[bd] = b.objectOf(bd) === a.objectOf(ad) ? 1 : 2;
        same = objectSame[bd] === 1;
      }
      if (!same) {
        const c = accessChange(b.entryAt(i), a.entryAt(j), headNow);
        if (c) changed.push(c);
      }
      i++;
      j++;
    }
  }
  return gained.concat(changed, lost);
}

/** Values by (policy, user), as nested maps: a lookup builds no key. */
class PairMap<V> {
  private readonly byPolicy = new Map<string, Map<string, V>>();
  set(policy: string, user: string, v: V): void {
    const m = this.byPolicy.get(policy);
    if (m) m.set(user, v);
    else this.byPolicy.set(policy, new Map([[user, v]]));
  }
  get(policy: string, user: string): V | undefined {
    return this.byPolicy.get(policy)?.get(user);
  }
  /** The users of one policy that have a value. */
  users(policy: string): ReadonlyMap<string, V> | undefined {
    return this.byPolicy.get(policy);
  }
}

/**
 * Names the causes of each change: guardrails of the head that block a policy the base granted
 * through, or downgrade a policy to read; the approvals behind policies a change adds. Indexes only
 * the (policy, user) pairs the changes ask about.
 */
export function blame(access: AccessChange[], head: Plan): void {
  // Every index below is keyed by policy, then user, and holds only the pairs some change asks
  // about: the head's guardrail effects, approvals and synced-group members are far more numerous
  // than the changes, and are scanned without building a key per item.
  const want = new PairMap<true>();
  const asked = new PairMap<true>();
  for (const c of access) {
    if (c.kind === "lost") for (const p of c.before!.policies) want.set(p, c.user, true);
    if (c.kind === "changed") {
      for (const p of c.policies.removed) want.set(p, c.user, true);
      if (c.access?.to === "read") for (const p of c.after!.policies) want.set(p, c.user, true);
    }
    if (c.kind !== "lost") for (const p of c.kind === "gained" ? c.after!.policies : c.policies.added) asked.set(p, c.user, true);
  }
  type Effect = { effect: GuardrailCause["effect"]; guardrails: string[]; dataSources: Set<string> };
  const effects = new PairMap<Effect[]>();
  for (const e of head.guardrailEffects ?? []) {
    const users = want.users(e.policy);
    if (!users) continue;
    let ds: Set<string> | undefined;
    for (const u of e.users) {
      if (!users.has(u)) continue;
      ds ??= new Set(e.dataSources);
      const l = effects.get(e.policy, u);
      const v = { effect: e.effect, guardrails: e.guardrails, dataSources: ds };
      if (l) l.push(v);
      else effects.set(e.policy, u, [v]);
    }
  }
  const causes = (policy: string, c: AccessChange, effect: GuardrailCause["effect"]): GuardrailCause[] =>
    (effects.get(policy, c.user) ?? [])
      .filter((e) => e.effect === effect && e.dataSources.has(c.dataSource))
      .flatMap((e) => e.guardrails.map((guardrail) => ({ guardrail, effect, policy })));
  const approvals = new PairMap<PlanApproval>();
  for (const a of head.approvals ?? []) if (asked.users(a.policy)?.has(a.user)) approvals.set(a.policy, a.user, a);
  // (policy, user) -> platform -> the synced group the head's principal reaches the user through.
  const through = new PairMap<Map<string, string>>();
  for (const p of head.principals) {
    const users = p.groups ? asked.users(p.policy) : undefined;
    if (!users) continue;
    for (const m of p.members) {
      if (m.group === undefined || !users.has(m.user)) continue;
      const byPlatform = through.get(p.policy, m.user);
      if (byPlatform) byPlatform.set(p.platform, m.group);
      else through.set(p.policy, m.user, new Map([[p.platform, m.group]]));
    }
  }
  for (const c of access) {
    const found: GuardrailCause[] = [];
    const why: string[] = [];
    const removed = c.kind === "lost" ? c.before!.policies : c.kind === "changed" ? c.policies.removed : [];
    for (const p of removed) {
      // Blocked by a read guardrail, or downgraded by a write one to a read that issues nothing here.
      const blockedBy = causes(p, c, "blocked");
      const g = blockedBy.length > 0 ? blockedBy : causes(p, c, "downgraded");
      found.push(...g);
      if (g.length > 0) why.push(...g.map((x) => x.guardrail));
      else why.push(p);
    }
    if (c.kind === "changed" && c.access?.to === "read") {
      for (const p of c.after!.policies) {
        const g = causes(p, c, "downgraded");
        found.push(...g);
        why.push(...g.map((x) => x.guardrail));
      }
    }
    if (found.length > 0) c.guardrails = found;
    if (c.kind === "lost") c.responsible = [...new Set(why)].sort(cmp);
    else if (c.kind === "changed") {
      const all = [...new Set([...c.policies.added, ...why])].sort(cmp);
      if (all.length > 0) c.responsible = all;
    }
    if (c.kind !== "lost") {
      const added = c.kind === "gained" ? c.after!.policies : c.policies.added;
      const mine = added.map((p) => approvals.get(p, c.user)).filter((a): a is PlanApproval => a !== undefined);
      if (mine.length > 0) c.approvals = mine;
      const groups = added.flatMap((policy) => {
        const group = through.get(policy, c.user)?.get(c.platform);
        return group === undefined ? [] : [{ policy, group }];
      });
      if (groups.length > 0) c.syncedGroups = groups;
    }
  }
}
