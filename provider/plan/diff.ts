/**
 * The effective-access diff of two plans: who gains, loses or changes which privileges on which data
 * source, through which policy. Pure: plans in, a typed change list out, keyed by stable ids.
 * Adds come before revokes in every list.
 */
import type { Issue } from "../model/issues";
import type { Expiration } from "../resolve/resolve";
import type {
  PlanDiff,
  PrincipalChange,
  PrincipalReach,
  RegisteredResource,
  ResourceCounts,
  ResourceDiff,
  StagedChanges,
} from "./diff-types";
import { blame, planAccessChanges } from "./diff-access";
import { minus, sameList, sortedJoin } from "./join";
import { directMembers } from "./synced-groups";
import type {
  BlastRadius,
  Plan,
  PlanApproval,
  PlanRequest,
  Principal,
  PrincipalGrant,
  PrincipalGroup,
  PrincipalMember,
  StagedPolicy,
} from "./types";

// Callers take the diff and its types from this module.
export type * from "./diff-types";

/** Compares two sets of registered resources by stable key; a changed input is an update. */
export function diffResources(base: readonly RegisteredResource[], head: readonly RegisteredResource[]): ResourceDiff {
  const key = (r: RegisteredResource) => `${r.type}::${r.name}`;
  const before = new Map(base.map((r) => [key(r), JSON.stringify(r.inputs)]));
  const after = new Map(head.map((r) => [key(r), JSON.stringify(r.inputs)]));
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  return {
    create: sorted([...after.keys()].filter((k) => !before.has(k))),
    update: sorted([...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k))),
    delete: sorted([...before.keys()].filter((k) => !after.has(k))),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const PRINCIPAL_ORDER: Record<PrincipalChange["kind"], number> = { created: 0, updated: 1, deleted: 2 };

const memberKey = (m: PrincipalMember) => `${m.user}\u0000${m.identity}`;
const compareMembers = (x: PrincipalMember, y: PrincipalMember) => cmp(x.user, y.user) || cmp(x.identity, y.identity);

/** A principal's members of their own: all of them unless synced groups reach some (no copy then). */
const ownMembers = (p: Principal | undefined): readonly PrincipalMember[] => (!p ? [] : p.groups ? directMembers(p) : p.members);

/**
 * True when two principals have the same members of their own (as `ownMembers` gives them: the same
 * users with the same identities, in the same order), checked in place without copying them out.
 */
function sameOwnMembers(b: Principal, a: Principal): boolean {
  const bm = b.members;
  const am = a.members;
  const bSkip = b.groups !== undefined;
  const aSkip = a.groups !== undefined;
  let i = 0;
  let j = 0;
  for (;;) {
    if (bSkip) while (i < bm.length && bm[i]!.group !== undefined) i++;
    if (aSkip) while (j < am.length && am[j]!.group !== undefined) j++;
    if (i === bm.length || j === am.length) return i === bm.length && j === am.length;
    if (bm[i]!.user !== am[j]!.user || bm[i]!.identity !== am[j]!.identity) return false;
    i++;
    j++;
  }
}

/**
 * Members of their own added and removed (by user and identity; sorted by user, then identity): a
 * user reached through a synced group has no resource to change. Lists sorted by key (what
 * `buildPlan` produces) are merge-joined; anything else goes through maps.
 */
function memberChanges(base: Principal | undefined, head: Principal | undefined): PrincipalChange["members"] {
  // Most principals keep their members: equal lists change nothing whichever way they are compared,
  // and one equality test per member is a third of what the join's comparisons and order checks cost.
  if (base && head && sameOwnMembers(base, head)) return { added: [], removed: [] };
  const b = ownMembers(base);
  const a = ownMembers(head);
  const added: PrincipalMember[] = [];
  const removed: PrincipalMember[] = [];
  const joined = sortedJoin(b, a, compareMembers, {
    both: () => {},
    baseOnly: (m) => removed.push(m),
    headOnly: (m) => added.push(m),
  });
  if (joined) return { added, removed };
  const bm = new Map(b.map((m) => [memberKey(m), m]));
  const am = new Map(a.map((m) => [memberKey(m), m]));
  const byKey: PrincipalChange["members"] = { added: [], removed: [] };
  for (const [k, m] of am) if (!bm.has(k)) byKey.added.push(m);
  for (const [k, m] of bm) if (!am.has(k)) byKey.removed.push(m);
  byKey.added.sort(compareMembers);
  byKey.removed.sort(compareMembers);
  return byKey;
}

/**
 * True only when `JSON.stringify(x) === JSON.stringify(y)` certainly holds: the same value, or plain
 * arrays and objects with the same keys in the same order and such values. False means "compare the JSON".
 */
function sameJson(x: unknown, y: unknown): boolean {
  if (typeof x !== "object" || x === null) {
    const t = typeof x;
    return x === y && (t === "string" || t === "number" || t === "boolean" || t === "undefined" || x === null);
  }
  if (typeof y !== "object" || y === null || "toJSON" in x || "toJSON" in y) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.getPrototypeOf(y)) return false;
  if (proto === Array.prototype) {
    const xs = x as unknown[];
    const ys = y as unknown[];
    if (xs.length !== ys.length) return false;
    for (let i = 0; i < xs.length; i++) if (!sameJson(xs[i], ys[i])) return false;
    return true;
  }
  if (proto !== Object.prototype) return false;
  const xk = Object.keys(x);
  const yk = Object.keys(y);
  if (xk.length !== yk.length) return false;
  for (let i = 0; i < xk.length; i++) {
    const k = xk[i]!;
    if (k !== yk[i] || !sameJson((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const grantJson = (x: PrincipalGrant) => JSON.stringify([x.parents, x.extras, x.kind]);

/** True when a grant changed in place: its object, privileges (in order), parents, extras or kind. */
const grantChanged = (old: PrincipalGrant, g: PrincipalGrant) =>
  old.object !== g.object ||
  !sameList(old.privileges, g.privileges) ||
  (!(old.kind === g.kind && sameJson(old.parents, g.parents) && sameJson(old.extras, g.extras)) && grantJson(old) !== grantJson(g));

const byDataSource = (x: { dataSource: string }, y: { dataSource: string }) => cmp(x.dataSource, y.dataSource);

/** A grant that changed in place: its data source, object and the privileges added and removed. */
const grantChange = (old: PrincipalGrant, g: PrincipalGrant) => ({
  dataSource: g.dataSource,
  object: g.object,
  privileges: { added: minus(g.privileges, old.privileges), removed: minus(old.privileges, g.privileges) },
});

/**
 * Grants added, changed in place and removed, by data source (each sorted by data source). Lists
 * sorted by data source (what `buildPlan` produces) are merge-joined; anything else goes through maps.
 */
function grantChanges(b: readonly PrincipalGrant[], a: readonly PrincipalGrant[]): PrincipalChange["grants"] {
  const out: PrincipalChange["grants"] = { added: [], changed: [], removed: [] };
  const joined = sortedJoin(b, a, byDataSource, {
    both: (old, g) => {
      if (grantChanged(old, g)) out.changed.push(grantChange(old, g));
    },
    baseOnly: (g) => out.removed.push(g),
    headOnly: (g) => out.added.push(g),
  });
  if (joined) return out;
  const bg = new Map(b.map((g) => [g.dataSource, g]));
  const ag = new Map(a.map((g) => [g.dataSource, g]));
  const byKey: PrincipalChange["grants"] = {
    added: [...ag].filter(([k]) => !bg.has(k)).map(([, g]) => g),
    changed: [],
    removed: [...bg].filter(([k]) => !ag.has(k)).map(([, g]) => g),
  };
  for (const [k, g] of ag) {
    const old = bg.get(k);
    if (old && grantChanged(old, g)) byKey.changed.push(grantChange(old, g));
  }
  byKey.added.sort(byDataSource);
  byKey.changed.sort(byDataSource);
  byKey.removed.sort(byDataSource);
  return byKey;
}

/** Synced groups added and removed (by group and identity, sorted); undefined when none changed. */
function groupChanges(b: readonly PrincipalGroup[], a: readonly PrincipalGroup[]): PrincipalChange["groups"] {
  const key = (g: PrincipalGroup) => `${g.group}\u0000${g.identity}`;
  const bk = new Set(b.map(key));
  const ak = new Set(a.map(key));
  const added = a.filter((g) => !bk.has(key(g)));
  const removed = b.filter((g) => !ak.has(key(g)));
  return added.length || removed.length ? { added, removed } : undefined;
}

/** The principals a change creates, updates (members, synced groups, grants, name) or deletes, by kind then id. */
export function principalChanges(base: Plan, head: Plan): PrincipalChange[] {
  const before = new Map(base.principals.map((p) => [p.id, p]));
  const after = new Map(head.principals.map((p) => [p.id, p]));
  const out: PrincipalChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    const p = (a ?? b)!;
    const c: PrincipalChange = {
      id,
      kind: !b ? "created" : !a ? "deleted" : "updated",
      platform: p.platform,
      policy: p.policy,
      name: p.name,
      members: memberChanges(b, a),
      grants: grantChanges(b?.grants ?? [], a?.grants ?? []),
    };
    const groups = groupChanges(b?.groups ?? [], a?.groups ?? []);
    if (groups) c.groups = groups;
    if (a && b && a.name !== b.name) c.renamed = { from: b.name, to: a.name };
    const touched =
      c.kind !== "updated" ||
      c.renamed ||
      c.members.added.length ||
      c.members.removed.length ||
      c.groups ||
      c.grants.added.length ||
      c.grants.changed.length ||
      c.grants.removed.length;
    if (touched) out.push(c);
  }
  return out.sort((x, y) => PRINCIPAL_ORDER[x.kind] - PRINCIPAL_ORDER[y.kind] || cmp(x.id, y.id));
}

/** Counts resources the way the Pulumi components materialise principals: one per principal, object grant and membership. */
function estimate(changes: readonly PrincipalChange[]): ResourceCounts {
  const n: ResourceCounts = { create: 0, update: 0, delete: 0 };
  for (const c of changes) {
    if (c.kind === "created") n.create++;
    if (c.kind === "deleted") n.delete++;
    if (c.renamed) n.update++;
    n.create += c.members.added.length + (c.groups?.added.length ?? 0) + c.grants.added.length;
    n.delete += c.members.removed.length + (c.groups?.removed.length ?? 0) + c.grants.removed.length;
    n.update += c.grants.changed.length;
  }
  return n;
}

/** Entries of the head's blast radius that reach people the base's did not. */
function reachChanges(base: Plan, head: Plan): PrincipalReach[] {
  const key = (b: BlastRadius) => `${b.platform}\u0000${b.principal}\u0000${b.dataSource}\u0000${b.policy}`;
  const before = new Map((base.blastRadius ?? []).map((b) => [key(b), b]));
  const out: PrincipalReach[] = [];
  for (const b of head.blastRadius ?? []) {
    if (b.overProvisioned.length === 0 && !b.futureMembersBypassApproval) continue;
    const old = before.get(key(b));
    const newlyReached = minus(b.users, old?.users ?? []);
    const changed =
      !old ||
      newlyReached.length > 0 ||
      minus(b.overProvisioned, old.overProvisioned).length > 0 ||
      old.futureMembersBypassApproval !== b.futureMembersBypassApproval;
    if (changed) out.push({ ...b, newlyReached });
  }
  return out.sort((x, y) => cmp(x.dataSource, y.dataSource) || cmp(x.policy, y.policy) || cmp(x.principal, y.principal));
}

function stagedChanges(base: Plan, head: Plan): StagedChanges {
  const b = new Map(base.staged.map((s) => [s.policy, s]));
  const a = new Map(head.staged.map((s) => [s.policy, s]));
  // A preview changes with any of its entries, even when it reaches the same users and data sources.
  const same = (x: StagedPolicy, y: StagedPolicy) =>
    x.access === y.access &&
    sameList(x.users, y.users) &&
    sameList(x.dataSources, y.dataSources) &&
    (sameJson(x.entries, y.entries) || JSON.stringify(x.entries) === JSON.stringify(y.entries));
  const byPolicy = (x: { policy: string }, y: { policy: string }) => cmp(x.policy, y.policy);
  return {
    added: head.staged.filter((s) => !b.has(s.policy)).sort(byPolicy),
    changed: head.staged
      .filter((s) => b.has(s.policy) && !same(b.get(s.policy)!, s))
      .map((s) => ({ policy: s.policy, before: b.get(s.policy)!, after: s }))
      .sort(byPolicy),
    removed: base.staged.filter((s) => !a.has(s.policy)).sort(byPolicy),
  };
}

/** Pending requests added and removed (by policy, user and instant), only when there are some. */
function requestChanges(base: Plan, head: Plan): { requests?: { added: PlanRequest[]; removed: PlanRequest[] } } {
  const key = (q: PlanRequest) => `${q.policy}\u0000${q.user}\u0000${q.requestedAt}\u0000${q.until ?? ""}`;
  const b = new Set((base.requests ?? []).map(key));
  const h = new Set((head.requests ?? []).map(key));
  const added = (head.requests ?? []).filter((q) => !b.has(key(q)));
  const removed = (base.requests ?? []).filter((q) => !h.has(key(q)));
  return added.length + removed.length > 0 ? { requests: { added, removed } } : {};
}

const approvalKey = (a: PlanApproval) => `${a.policy}\u0000${a.user}\u0000${a.approvedBy}\u0000${a.approvedAt}\u0000${a.expiresAt ?? ""}`;

/** Approvals added and removed: one whose approver, instant or expiry changed is removed and added again. */
function approvalChanges(base: Plan, head: Plan): PlanDiff["approvals"] {
  const b = new Set((base.approvals ?? []).map(approvalKey));
  const a = new Set((head.approvals ?? []).map(approvalKey));
  return {
    added: (head.approvals ?? []).filter((x) => !b.has(approvalKey(x))),
    removed: (base.approvals ?? []).filter((x) => !a.has(approvalKey(x))),
  };
}

const issueKey = (i: Issue) => `${i.code}\u0000${i.message}`;

/** The effective-access diff from `base` to `head`. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const access = planAccessChanges(base, head);
  blame(access, head);

  const principals = principalChanges(base, head);
  const reach = reachChanges(base, head);
  const widening = [
    ...access.filter((c) => c.widens),
    ...reach.flatMap((r) => r.newlyReached.map((user) => ({ user, dataSource: r.dataSource }))),
  ];
  const baseIssues = new Set(base.issues.map(issueKey));
  const headIssues = new Set(head.issues.map(issueKey));
  const newIssues = head.issues.filter((i) => !baseIssues.has(issueKey(i)));
  const resolvedIssues = base.issues.filter((i) => !headIssues.has(issueKey(i)));
  const expKey = (x: Expiration) => `${x.policy}\u0000${x.user}\u0000${x.expiresAt}`;
  const baseExp = new Set(base.expirations.map(expKey));

  return {
    version: 1,
    baseNow: base.now,
    now: head.now,
    summary: {
      gained: access.filter((c) => c.kind === "gained").length,
      changed: access.filter((c) => c.kind === "changed").length,
      lost: access.filter((c) => c.kind === "lost").length,
      newWarnings: newIssues.filter((i) => i.severity === "warning").length,
      newErrors: newIssues.filter((i) => i.severity === "error").length,
      widens: widening.length > 0,
    },
    access,
    blastRadius: {
      users: [...new Set(widening.map((c) => c.user))].sort(cmp),
      dataSources: [...new Set(widening.map((c) => c.dataSource))].sort(cmp),
      principals: reach,
    },
    principals,
    estimatedResources: estimate(principals),
    staged: stagedChanges(base, head),
    expirations: head.expirations.map((x) => ({ ...x, new: !baseExp.has(expKey(x)) })),
    approvals: approvalChanges(base, head),
    ...requestChanges(base, head),
    newIssues,
    resolvedIssues,
  };
}

/** True when anyone gains access, privileges, write, a later expiry, or the use of a wider IAM principal. */
export function widens(diff: PlanDiff): boolean {
  return diff.access.some((c) => c.widens) || diff.blastRadius.principals.some((r) => r.newlyReached.length > 0);
}

/** True when the two plans grant exactly the same access and principals. */
export function isEmpty(diff: PlanDiff): boolean {
  const s = diff.staged;
  return (
    diff.access.length === 0 &&
    diff.principals.length === 0 &&
    s.added.length + s.changed.length + s.removed.length === 0 &&
    diff.approvals.added.length + diff.approvals.removed.length === 0 &&
    !diff.requests &&
    diff.newIssues.length === 0
  );
}
