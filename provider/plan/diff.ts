/**
 * The effective-access diff of two plans: who gains, loses or changes which privileges on which data
 * source, through which policy. Pure: plans in, a typed change list out, keyed by stable ids.
 * Adds come before revokes in every list.
 */
import type { Issue } from "../model/issues";
import type { AccessType, Platform } from "../model/schema";
import type { Expiration } from "../resolve/resolve";
import type { AccessEntry, BlastRadius, Plan, PrincipalGrant, PrincipalMember, StagedPolicy } from "./types";

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
  /** The policies responsible: the head's for gains and changes, the base's for losses. */
  responsible: string[];
  /** Present when the instant the access ends changed; an absent side means "never". */
  expiry?: { from?: string; to?: string };
  /** Lost because every justifying subscription ended by the head's instant. */
  expired?: boolean;
  /** True when this change gives the user access, privileges or time they did not have. */
  widens: boolean;
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
  /** Issues in the head but not the base (by code and message). */
  newIssues: Issue[];
  /** Issues in the base that the head no longer has. */
  resolvedIssues: Issue[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const KIND_ORDER: Record<AccessChangeKind, number> = { gained: 0, changed: 1, lost: 2 };
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
  const privileges = { added: minus(after?.privileges ?? [], before?.privileges ?? []), removed: minus(before?.privileges ?? [], after?.privileges ?? []) };
  const policies = { added: minus(after?.policies ?? [], before?.policies ?? []), removed: minus(before?.policies ?? [], after?.policies ?? []) };
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
      c.expiry = { ...(before.expiresAt !== undefined ? { from: before.expiresAt } : {}), ...(after.expiresAt !== undefined ? { to: after.expiresAt } : {}) };
    }
    const same =
      !c.access && !c.expiry && privileges.added.length === 0 && privileges.removed.length === 0 &&
      policies.added.length === 0 && policies.removed.length === 0 && before.object === after.object;
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

function principalChanges(base: Plan, head: Plan): PrincipalChange[] {
  const before = new Map(base.principals.map((p) => [p.id, p]));
  const after = new Map(head.principals.map((p) => [p.id, p]));
  const out: PrincipalChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    const p = (a ?? b)!;
    const bm = new Map((b?.members ?? []).map((m) => [memberKey(m), m]));
    const am = new Map((a?.members ?? []).map((m) => [memberKey(m), m]));
    const bg = new Map((b?.grants ?? []).map((g) => [g.dataSource, g]));
    const ag = new Map((a?.grants ?? []).map((g) => [g.dataSource, g]));
    const c: PrincipalChange = {
      id,
      kind: !b ? "created" : !a ? "deleted" : "updated",
      platform: p.platform,
      policy: p.policy,
      name: p.name,
      members: {
        added: [...am].filter(([k]) => !bm.has(k)).map(([, m]) => m),
        removed: [...bm].filter(([k]) => !am.has(k)).map(([, m]) => m),
      },
      grants: {
        added: [...ag].filter(([k]) => !bg.has(k)).map(([, g]) => g),
        changed: [],
        removed: [...bg].filter(([k]) => !ag.has(k)).map(([, g]) => g),
      },
    };
    for (const [k, g] of ag) {
      const old = bg.get(k);
      if (!old) continue;
      const parents = (x: PrincipalGrant) => JSON.stringify([x.parents, x.extras, x.kind]);
      if (old.object !== g.object || !sameList(old.privileges, g.privileges) || parents(old) !== parents(g)) {
        c.grants.changed.push({ dataSource: k, object: g.object, privileges: { added: minus(g.privileges, old.privileges), removed: minus(old.privileges, g.privileges) } });
      }
    }
    if (a && b && a.name !== b.name) c.renamed = { from: b.name, to: a.name };
    const byUser = (x: PrincipalMember, y: PrincipalMember) => cmp(x.user, y.user) || cmp(x.identity, y.identity);
    c.members.added.sort(byUser);
    c.members.removed.sort(byUser);
    const byDs = (x: { dataSource: string }, y: { dataSource: string }) => cmp(x.dataSource, y.dataSource);
    c.grants.added.sort(byDs);
    c.grants.changed.sort(byDs);
    c.grants.removed.sort(byDs);
    const touched =
      c.kind !== "updated" || c.renamed || c.members.added.length || c.members.removed.length ||
      c.grants.added.length || c.grants.changed.length || c.grants.removed.length;
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
    const changed = !old || newlyReached.length > 0 || minus(b.overProvisioned, old.overProvisioned).length > 0 || old.futureMembersBypassApproval !== b.futureMembersBypassApproval;
    if (changed) out.push({ ...b, newlyReached });
  }
  return out.sort((x, y) => cmp(x.dataSource, y.dataSource) || cmp(x.policy, y.policy) || cmp(x.principal, y.principal));
}

function stagedChanges(base: Plan, head: Plan): StagedChanges {
  const b = new Map(base.staged.map((s) => [s.policy, s]));
  const a = new Map(head.staged.map((s) => [s.policy, s]));
  const same = (x: StagedPolicy, y: StagedPolicy) =>
    x.access === y.access && sameList(x.users, y.users) && sameList(x.dataSources, y.dataSources);
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

const issueKey = (i: Issue) => `${i.code}\u0000${i.message}`;

/** The effective-access diff from `base` to `head`. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const key = (e: AccessEntry) => `${e.user}\u0000${e.dataSource}`;
  const before = new Map(base.access.map((e) => [key(e), e]));
  const after = new Map(head.access.map((e) => [key(e), e]));
  const headNow = Date.parse(head.now);
  const access: AccessChange[] = [];
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const c = accessChange(before.get(k), after.get(k), headNow);
    if (c) access.push(c);
  }
  access.sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || cmp(x.user, y.user) || cmp(x.dataSource, y.dataSource));

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
  return diff.access.length === 0 && diff.principals.length === 0 && s.added.length + s.changed.length + s.removed.length === 0 && diff.newIssues.length === 0;
}
