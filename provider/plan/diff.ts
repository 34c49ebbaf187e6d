/**
 * The effective-access diff of two plans: who gains, loses or changes which privileges on which data
 * source, through which policy. Pure: plans in, a typed change list out, keyed by stable ids.
 * Adds come before revokes in every list.
 */
import type { Issue } from "../model/issues";
import type { AccessType, Platform } from "../model/schema";
import type { Expiration } from "../resolve/resolve";
import type { AccessEntry, BlastRadius, Plan, PlanApproval, PlanRequest, PrincipalGrant, PrincipalMember, StagedPolicy } from "./types";

/** How one user's access to one data source changed. */
export type AccessChangeKind = "gained" | "changed" | "lost";

/** One user's change of access on one data source. */
export interface AccessChange {
  /** Stable id: `<user>|<data source>`. */
  id: string;
  kind: AccessChangeKind;
  user: string;
  dataSource: string;
  platform: Platform;
  objectType: string;
  /** The base's entry; absent when access is gained. */
  before?: AccessEntry;
  /** The head's entry; absent when access is lost. */
  after?: AccessEntry;
  /** Object privileges added and removed (sorted). */
  privileges: { added: string[]; removed: string[] };
  /** Present when the access type changed (read <-> write). */
  access?: { from: AccessType; to: AccessType };
  /** Justifying policies that appeared or disappeared (sorted). */
  policies: { added: string[]; removed: string[] };
  /**
   * What caused the change (sorted): for a gain, the head's policies; for a loss, each base policy, or
   * the guardrail that now blocks it; for a change, the policies added and removed (a removed one
   * replaced by its blocking guardrail) and the guardrails that downgrade it, else the head's policies.
   */
  responsible: string[];
  /** Guardrails of the head that now block a base policy here, or downgrade a head policy to read. */
  guardrails?: GuardrailCause[];
  /** The head's approvals behind policies this change adds (who approved, when, until when). */
  approvals?: PlanApproval[];
  /** Present when the instant the access ends changed; an absent side means "never". */
  expiry?: { from?: string; to?: string };
  /** Lost because every justifying subscription ended by the head's instant. */
  expired?: boolean;
  /** True when this change gives the user access, privileges or time they did not have. */
  widens: boolean;
}

/** A guardrail that keeps a user from what a policy selects. */
export interface GuardrailCause {
  guardrail: string;
  effect: "blocked" | "downgraded";
  policy: string;
}

/** A grant of a principal, changed in place. */
export interface GrantChange {
  dataSource: string;
  object: string;
  privileges: { added: string[]; removed: string[] };
}

/** One principal (role, group) created, updated or deleted. */
export interface PrincipalChange {
  /** The principal's stable id (`<platform>:<cohort key>`). */
  id: string;
  kind: "created" | "updated" | "deleted";
  platform: Platform;
  policy: string;
  /** The platform name of the role or group (the head's, unless deleted). */
  name: string;
  /** Present when the platform name changed. */
  renamed?: { from: string; to: string };
  members: { added: PrincipalMember[]; removed: PrincipalMember[] };
  grants: { added: PrincipalGrant[]; changed: GrantChange[]; removed: PrincipalGrant[] };
}

/** Counts of Pulumi resources to create, update and delete. */
export interface ResourceCounts {
  create: number;
  update: number;
  delete: number;
}

/** The Pulumi resources to create, update and delete, as `type::name` (what `pulumi preview` will show). */
export interface ResourceDiff {
  create: string[];
  update: string[];
  delete: string[];
}

/** A registered resource, as the components register it under mocks (structural: plan/ imports no Pulumi). */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

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

/** A grant to an IAM principal that reaches people no policy names, new or wider in the head. */
export interface PrincipalReach extends BlastRadius {
  /** People behind the principal who could not use this grant in the base (all of them when it is new). */
  newlyReached: string[];
}

/** Who a change reaches. */
export interface BlastRadiusDiff {
  /** Users whose access widens, through a policy or through a principal they can use (sorted). */
  users: string[];
  /** Data sources on which access widens (sorted). */
  dataSources: string[];
  /** The plan's blast radius (grants to shared or over-provisioned IAM principals) where the head reaches more people. */
  principals: PrincipalReach[];
}

/** Staged policies that appeared, disappeared or changed what they would grant. */
export interface StagedChanges {
  added: StagedPolicy[];
  changed: { policy: string; before: StagedPolicy; after: StagedPolicy }[];
  removed: StagedPolicy[];
}

/** An upcoming expiration in the head, flagged when the base did not schedule it. */
export interface UpcomingExpiration extends Expiration {
  new: boolean;
}

/** Totals for a one-line summary. */
export interface DiffSummary {
  gained: number;
  changed: number;
  lost: number;
  newWarnings: number;
  newErrors: number;
  widens: boolean;
}

/** The effective-access diff of two plans. */
export interface PlanDiff {
  version: 1;
  /** The instants the two plans were evaluated at. */
  baseNow: string;
  now: string;
  summary: DiffSummary;
  /** Gains, then changes, then losses; each by user, then data source. */
  access: AccessChange[];
  blastRadius: BlastRadiusDiff;
  /** Principals created, updated, deleted: a proxy for resource changes until plans list resources. */
  principals: PrincipalChange[];
  /** Principals + object grants + memberships, counted from `principals`. */
  estimatedResources: ResourceCounts;
  /** The Pulumi resources to create, update and delete (absent with `--no-resources`). */
  resources?: ResourceDiff;
  staged: StagedChanges;
  /** The head's upcoming expirations, soonest first. */
  expirations: UpcomingExpiration[];
  /** Pending requests opened in the head, and requests of the base no longer pending (approved or withdrawn); absent when none. */
  requests?: { added: PlanRequest[]; removed: PlanRequest[] };
  /** Approvals in force in the head but not the base, and the other way round (by policy, then user). */
  approvals: { added: PlanApproval[]; removed: PlanApproval[] };
  /** Issues in the head but not the base (by code and message). */
  newIssues: Issue[];
  /** Issues in the base that the head no longer has. */
  resolvedIssues: Issue[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const PRINCIPAL_ORDER: Record<PrincipalChange["kind"], number> = { created: 0, updated: 1, deleted: 2 };

/** Elements of `a` missing from `b`, sorted. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const s = new Set(b);
  return [...new Set(a)].filter((x) => !s.has(x)).sort(cmp);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Later of two expiries, where undefined means "never" (the latest). */
const extends_ = (from: string | undefined, to: string | undefined) =>
  from !== undefined && (to === undefined || Date.parse(to) > Date.parse(from));

function accessChange(before: AccessEntry | undefined, after: AccessEntry | undefined, headNow: number): AccessChange | undefined {
  const e = (after ?? before)!;
  const kind: AccessChangeKind = !before ? "gained" : !after ? "lost" : "changed";
  const privileges = {
    added: minus(after?.privileges ?? [], before?.privileges ?? []),
    removed: minus(before?.privileges ?? [], after?.privileges ?? []),
  };
  const policies = {
    added: minus(after?.policies ?? [], before?.policies ?? []),
    removed: minus(before?.policies ?? [], after?.policies ?? []),
  };
  const c: AccessChange = {
    id: `${e.user}|${e.dataSource}`,
    kind,
    user: e.user,
    dataSource: e.dataSource,
    platform: e.platform,
    objectType: e.objectType,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    privileges,
    policies,
    responsible: [...(after ?? before)!.policies].sort(cmp),
    widens: false,
  };
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

const memberKey = (m: PrincipalMember) => `${m.user}\u0000${m.identity}`;
const compareMembers = (x: PrincipalMember, y: PrincipalMember) => cmp(x.user, y.user) || cmp(x.identity, y.identity);

/** True when every member is strictly after the one before it, by user then identity (no key twice). */
function ascendingMembers(ms: readonly PrincipalMember[], from: number): boolean {
  for (let i = Math.max(1, from); i < ms.length; i++) {
    const p = ms[i - 1]!;
    const c = ms[i]!;
    if (p.user === c.user ? !(p.identity < c.identity) : !(p.user < c.user)) return false;
  }
  return true;
}

/**
 * Members added and removed (by user and identity; sorted by user, then identity). Lists with the same
 * keys in the same order (most principals) are checked without allocating; lists sorted by key (what
 * `buildPlan` produces) are merge-joined after their common prefix; anything else goes through maps.
 */
function memberChanges(b: readonly PrincipalMember[], a: readonly PrincipalMember[]): PrincipalChange["members"] {
  const n = Math.min(b.length, a.length);
  let k = 0;
  while (k < n && b[k]!.user === a[k]!.user && b[k]!.identity === a[k]!.identity) k++;
  if (k === b.length && k === a.length) return { added: [], removed: [] };
  const added: PrincipalMember[] = [];
  const removed: PrincipalMember[] = [];
  // The prefix holds the same keys on both sides: checking the base whole checks the head's prefix too.
  if (ascendingMembers(b, 0) && ascendingMembers(a, k)) {
    let i = k;
    let j = k;
    while (i < b.length && j < a.length) {
      const o = compareMembers(b[i]!, a[j]!);
      if (o === 0) {
        i++;
        j++;
      } else if (o < 0) removed.push(b[i++]!);
      else added.push(a[j++]!);
    }
    while (i < b.length) removed.push(b[i++]!);
    while (j < a.length) added.push(a[j++]!);
    return { added, removed };
  }
  const bm = new Map(b.map((m) => [memberKey(m), m]));
  const am = new Map(a.map((m) => [memberKey(m), m]));
  for (const [k, m] of am) if (!bm.has(k)) added.push(m);
  for (const [k, m] of bm) if (!am.has(k)) removed.push(m);
  return { added: added.sort(compareMembers), removed: removed.sort(compareMembers) };
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

/** Grants added, changed in place and removed, by data source (each sorted by data source). */
function grantChanges(b: readonly PrincipalGrant[], a: readonly PrincipalGrant[]): PrincipalChange["grants"] {
  if (b.length === a.length) {
    let k = 0;
    while (k < b.length && b[k]!.dataSource === a[k]!.dataSource && !grantChanged(b[k]!, a[k]!)) k++;
    if (k === b.length) return { added: [], changed: [], removed: [] };
  }
  const bg = new Map(b.map((g) => [g.dataSource, g]));
  const ag = new Map(a.map((g) => [g.dataSource, g]));
  const out: PrincipalChange["grants"] = {
    added: [...ag].filter(([k]) => !bg.has(k)).map(([, g]) => g),
    changed: [],
    removed: [...bg].filter(([k]) => !ag.has(k)).map(([, g]) => g),
  };
  for (const [k, g] of ag) {
    const old = bg.get(k);
    if (old && grantChanged(old, g)) {
      out.changed.push({
        dataSource: k,
        object: g.object,
        privileges: { added: minus(g.privileges, old.privileges), removed: minus(old.privileges, g.privileges) },
      });
    }
  }
  const byDs = (x: { dataSource: string }, y: { dataSource: string }) => cmp(x.dataSource, y.dataSource);
  out.added.sort(byDs);
  out.changed.sort(byDs);
  out.removed.sort(byDs);
  return out;
}

function principalChanges(base: Plan, head: Plan): PrincipalChange[] {
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
      members: memberChanges(b?.members ?? [], a?.members ?? []),
      grants: grantChanges(b?.grants ?? [], a?.grants ?? []),
    };
    if (a && b && a.name !== b.name) c.renamed = { from: b.name, to: a.name };
    const touched =
      c.kind !== "updated" ||
      c.renamed ||
      c.members.added.length ||
      c.members.removed.length ||
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
    n.create += c.members.added.length + c.grants.added.length;
    n.delete += c.members.removed.length + c.grants.removed.length;
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

const approvalKey = (a: PlanApproval) => `${a.policy}\u0000${a.user}\u0000${a.approvedBy}\u0000${a.approvedAt}\u0000${a.expiresAt ?? ""}`;

/** Pending requests added and removed (by policy, user and instant), only when there are some. */
function requestChanges(base: Plan, head: Plan): { requests?: { added: PlanRequest[]; removed: PlanRequest[] } } {
  const key = (q: PlanRequest) => `${q.policy}\u0000${q.user}\u0000${q.requestedAt}\u0000${q.until ?? ""}`;
  const b = new Set((base.requests ?? []).map(key));
  const h = new Set((head.requests ?? []).map(key));
  const added = (head.requests ?? []).filter((q) => !b.has(key(q)));
  const removed = (base.requests ?? []).filter((q) => !h.has(key(q)));
  return added.length + removed.length > 0 ? { requests: { added, removed } } : {};
}

/** Approvals added and removed: one whose approver, instant or expiry changed is removed and added again. */
function approvalChanges(base: Plan, head: Plan): PlanDiff["approvals"] {
  const b = new Set((base.approvals ?? []).map(approvalKey));
  const a = new Set((head.approvals ?? []).map(approvalKey));
  return {
    added: (head.approvals ?? []).filter((x) => !b.has(approvalKey(x))),
    removed: (base.approvals ?? []).filter((x) => !a.has(approvalKey(x))),
  };
}

/**
 * Names the causes of each change: guardrails of the head that block a policy the base granted
 * through, or downgrade a policy to read; the approvals behind policies a change adds. Indexes only
 * the (policy, user) pairs the changes ask about.
 */
function blame(access: AccessChange[], head: Plan): void {
  const want = new Set<string>();
  const pairKey = (policy: string, user: string) => `${policy}\u0000${user}`;
  for (const c of access) {
    if (c.kind === "lost") for (const p of c.before!.policies) want.add(pairKey(p, c.user));
    if (c.kind === "changed") {
      for (const p of c.policies.removed) want.add(pairKey(p, c.user));
      if (c.access?.to === "read") for (const p of c.after!.policies) want.add(pairKey(p, c.user));
    }
  }
  const effects = new Map<string, { effect: GuardrailCause["effect"]; guardrails: string[]; dataSources: Set<string> }[]>();
  if (want.size > 0) {
    for (const e of head.guardrailEffects ?? []) {
      let ds: Set<string> | undefined;
      for (const u of e.users) {
        const k = pairKey(e.policy, u);
        if (!want.has(k)) continue;
        ds ??= new Set(e.dataSources);
        const l = effects.get(k);
        const v = { effect: e.effect, guardrails: e.guardrails, dataSources: ds };
        if (l) l.push(v);
        else effects.set(k, [v]);
      }
    }
  }
  const causes = (policy: string, c: AccessChange, effect: GuardrailCause["effect"]): GuardrailCause[] =>
    (effects.get(pairKey(policy, c.user)) ?? [])
      .filter((e) => e.effect === effect && e.dataSources.has(c.dataSource))
      .flatMap((e) => e.guardrails.map((guardrail) => ({ guardrail, effect, policy })));
  const approvals = new Map((head.approvals ?? []).map((a) => [pairKey(a.policy, a.user), a]));
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
      const mine = added.map((p) => approvals.get(pairKey(p, c.user))).filter((a): a is PlanApproval => a !== undefined);
      if (mine.length > 0) c.approvals = mine;
    }
  }
}

const issueKey = (i: Issue) => `${i.code}\u0000${i.message}`;

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

/** Element-by-element equality of two string lists, without allocating. */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
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
  sameStrings(b.privileges, a.privileges) &&
  sameStrings(b.policies, a.policies);

/**
 * Access changes by a merge-join of the two plans' entries, which `buildPlan` sorts by user then data
 * source: a change object is built only for an entry on one side alone or a pair that differs. Gains,
 * then changes, then losses, each list in (user, data source) order as the join produces it.
 *
 * The join also checks that both sides are strictly ascending, at one comparison per base entry and
 * per gained head entry: a head entry met as a pair equals its base entry, which is after every head
 * entry consumed before it (each was below a base entry at most this one, or equal to an earlier one).
 * On the first entry out of order it gives up and returns undefined. Each entry's fields are read once.
 */
function mergeAccess(b: readonly AccessEntry[], a: readonly AccessEntry[], headNow: number): AccessChange[] | undefined {
  const gained: AccessChange[] = [];
  const changed: AccessChange[] = [];
  const lost: AccessChange[] = [];
  const nb = b.length;
  const na = a.length;
  let i = 0;
  let j = 0;
  // The keys consumed last on each side (undefined user: none yet).
  let pbu: string | undefined;
  let pbd = "";
  let pau: string | undefined;
  let pad = "";
  // The comparison of the current users: entries of one user are contiguous and share the string.
  let bu: string | undefined;
  let au: string | undefined;
  let uo = 0;
  while (i < nb && j < na) {
    const x = b[i]!;
    const y = a[j]!;
    const xu = x.user;
    const yu = y.user;
    const xd = x.dataSource;
    const yd = y.dataSource;
    if (xu !== bu || yu !== au) {
      bu = xu;
      au = yu;
      uo = xu === yu ? 0 : xu < yu ? -1 : 1;
    }
    const o = uo !== 0 ? uo : xd === yd ? 0 : xd < yd ? -1 : 1;
    if (o === 0) {
      if (pbu !== undefined && !(pbu === xu ? pbd < xd : pbu < xu)) return undefined;
      pbu = xu;
      pbd = xd;
      pau = yu;
      pad = yd;
      i++;
      j++;
      if (unchanged(x, y)) continue;
      const c = accessChange(x, y, headNow);
      if (c) changed.push(c);
    } else if (o < 0) {
      if (pbu !== undefined && !(pbu === xu ? pbd < xd : pbu < xu)) return undefined;
      pbu = xu;
      pbd = xd;
      i++;
      lost.push(accessChange(x, undefined, headNow)!);
    } else {
      if (pau !== undefined && !(pau === yu ? pad < yd : pau < yu)) return undefined;
      pau = yu;
      pad = yd;
      j++;
      gained.push(accessChange(undefined, y, headNow)!);
    }
  }
  for (; i < nb; i++) {
    const x = b[i]!;
    if (pbu !== undefined && !(pbu === x.user ? pbd < x.dataSource : pbu < x.user)) return undefined;
    pbu = x.user;
    pbd = x.dataSource;
    lost.push(accessChange(x, undefined, headNow)!);
  }
  for (; j < na; j++) {
    const y = a[j]!;
    if (pau !== undefined && !(pau === y.user ? pad < y.dataSource : pau < y.user)) return undefined;
    pau = y.user;
    pad = y.dataSource;
    gained.push(accessChange(undefined, y, headNow)!);
  }
  return gained.concat(changed, lost);
}

/**
 * The access changes from `base` to `head`. Plans from `buildPlan` are sorted, so one merge-join does
 * it; entries out of order (a plan from elsewhere) are sorted first, so the result never depends on it.
 */
function accessChanges(base: readonly AccessEntry[], head: readonly AccessEntry[], headNow: number): AccessChange[] {
  return mergeAccess(base, head, headNow) ?? mergeAccess(normalised(base), normalised(head), headNow)!;
}

/** The effective-access diff from `base` to `head`. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const access = accessChanges(base.access, head.access, Date.parse(head.now));
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
