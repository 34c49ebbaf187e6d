/**
 * Resolution: which users reach which data sources, with which access, through which policies.
 * Pure: `now` is an argument. Grant policies combine with OR; guardrails narrow with AND.
 *
 * The unit of output is the cohort: the users of one grant policy that share the same guardrails
 * on a set of data sources. Platforms materialise one principal (role, group) per cohort, so
 * resources grow as users + objects, and every member of a cohort has exactly the cohort's access.
 */
import { createHash } from "node:crypto";
import type { AccessType, Condition, DataSource, Inventory, Policy, User } from "../model/schema";
import { DataSourceIndex } from "../model/select";
import { isApprover } from "../model/validate";

/** Why a user is subscribed through a policy. */
export interface Subscription {
  user: string;
  /** The instant this subscription ends (exclusive); undefined when it does not expire. */
  expiresAt?: string;
  /** For approval policies: who approved. */
  approvedBy?: string;
}

/** A policy's audience and data sources at `now`, before guardrails. */
export interface PolicyResolution {
  policy: Policy;
  /** Users the restriction level admits at `now` (sorted by id). */
  subscribers: Subscription[];
  /** Data sources the selection reaches (sorted by id). */
  dataSources: DataSource[];
}

/** Users of one grant policy who share access and guardrails on a set of data sources. */
export interface Cohort {
  /** Stable key: the policy name, plus a guardrail signature and `~read` when guardrails narrow it. */
  key: string;
  policy: string;
  /** The access the cohort holds: the policy's, or `read` when a write guardrail downgrades it. */
  access: AccessType;
  /**
   * True when a write guardrail downgraded this write cohort to read: it keeps only the read part of
   * what write issues, so a guardrail never grants what the policy alone would not.
   */
  downgraded: boolean;
  /** Active guardrails that shaped this cohort (sorted). */
  guardrails: string[];
  members: Subscription[];
  dataSources: DataSource[];
}

/** A subscription that will end after `now`: a scheduled run must revoke it on time. */
export interface Expiration {
  policy: string;
  user: string;
  expiresAt: string;
}

/** The resolution of an estate at one instant. */
export interface Resolution {
  now: string;
  /** Active grant policies. */
  grants: PolicyResolution[];
  /** Staged grant policies: what they would grant, granting nothing. */
  staged: PolicyResolution[];
  /** Active guardrails. */
  guardrails: PolicyResolution[];
  cohorts: Cohort[];
  expirations: Expiration[];
}

/** Evaluates an ABAC condition against one user. */
export function matches(c: Condition, u: Pick<User, "groups" | "attributes">): boolean {
  if ("group" in c) return u.groups.includes(c.group);
  if ("attribute" in c) {
    const have = u.attributes[c.attribute];
    return !!have && c.values.some((v) => have.includes(v));
  }
  if ("anyOf" in c) return c.anyOf.some((x) => matches(x, u));
  return c.allOf.every((x) => matches(x, u));
}

/** True when an instant-bounded grant is in force at `now`: expiry is exclusive. */
export function inForce(now: number, from: string | undefined, until: string | undefined): boolean {
  if (from !== undefined && Date.parse(from) > now) return false;
  if (until !== undefined && Date.parse(until) <= now) return false;
  return true;
}

/** The users a policy's restriction level admits at `now`, with their expiry. */
export function subscribersOf(
  policy: Policy,
  users: readonly User[],
  usersById: ReadonlyMap<string, User>,
  now: number,
): Subscription[] {
  const r = policy.restriction;
  const out = new Map<string, Subscription>();
  const add = (s: Subscription) => {
    const prev = out.get(s.user);
    // Several approvals or selections of one user: the one lasting longest wins.
    if (!prev || (prev.expiresAt !== undefined && (s.expiresAt === undefined || s.expiresAt > prev.expiresAt)))
      out.set(s.user, s);
  };
  switch (r.level) {
    case "anyone":
      for (const u of users) add({ user: u.id });
      break;
    case "conditions":
      for (const u of users) if (matches(r.when, u)) add({ user: u.id });
      break;
    case "users":
      for (const s of r.users) {
        if (!usersById.has(s.user) || !inForce(now, undefined, s.expiresAt)) continue;
        add(s.expiresAt !== undefined ? { user: s.user, expiresAt: s.expiresAt } : { user: s.user });
      }
      break;
    case "approval":
      for (const a of r.approvals) {
        if (!usersById.has(a.user)) continue;
        // An approval by someone who may not approve grants nothing, whatever else it says.
        if (!isApprover(a.approvedBy, r.approvers, usersById)) continue;
        if (!inForce(now, a.approvedAt, a.expiresAt)) continue;
        add({ user: a.user, approvedBy: a.approvedBy, ...(a.expiresAt !== undefined ? { expiresAt: a.expiresAt } : {}) });
      }
      break;
  }
  return [...out.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** Resolves every policy of an estate at `now` into cohorts. */
export function resolve(
  estate: { policies: readonly Policy[]; inventory: Inventory },
  now: Date | string,
): Resolution {
  const nowMs = typeof now === "string" ? Date.parse(now) : now.getTime();
  const nowIso = new Date(nowMs).toISOString();
  const { inventory } = estate;
  const usersById = new Map(inventory.users.map((u) => [u.id, u]));
  const index = new DataSourceIndex(inventory.dataSources);
  const byName = (a: { policy: Policy }, b: { policy: Policy }) =>
    a.policy.name < b.policy.name ? -1 : a.policy.name > b.policy.name ? 1 : 0;

  const resolveOne = (policy: Policy): PolicyResolution => ({
    policy,
    subscribers: subscribersOf(policy, inventory.users, usersById, nowMs),
    dataSources: index.select(policy.dataSources),
  });
  const grants: PolicyResolution[] = [];
  const staged: PolicyResolution[] = [];
  const guardrails: PolicyResolution[] = [];
  for (const p of estate.policies) {
    if (p.state !== "active") {
      if (p.kind === "grant") staged.push(resolveOne(p));
      continue; // a staged guardrail narrows nothing, as a staged grant grants nothing
    }
    (p.kind === "guardrail" ? guardrails : grants).push(resolveOne(p));
  }
  grants.sort(byName);
  staged.sort(byName);
  guardrails.sort(byName);

  // For each data source: the guardrails on it, split by what they gate.
  const guardOn = new Map<string, PolicyResolution[]>();
  for (const g of guardrails) {
    for (const d of g.dataSources) {
      const list = guardOn.get(d.id);
      if (list) list.push(g);
      else guardOn.set(d.id, [g]);
    }
  }
  const passers = new Map<string, Set<string>>(guardrails.map((g) => [g.policy.name, new Set(g.subscribers.map((s) => s.user))]));

  const cohorts: Cohort[] = [];
  for (const pr of grants) {
    const { policy } = pr;
    // Group data sources by the guardrails that apply to this policy's access on them.
    const groups = new Map<string, { gates: PolicyResolution[]; dataSources: DataSource[] }>();
    for (const d of pr.dataSources) {
      // A `read` guardrail gates all access; a `write` guardrail gates write only.
      const gates = (guardOn.get(d.id) ?? []).filter((g) => g.policy.access === "read" || policy.access === "write");
      const sig = gates.map((g) => g.policy.name).join("\n");
      const entry = groups.get(sig);
      if (entry) entry.dataSources.push(d);
      else groups.set(sig, { gates, dataSources: [d] });
    }
    for (const [sig, { gates, dataSources }] of groups) {
      const names = gates.map((g) => g.policy.name);
      const key = sig === "" ? policy.name : `${policy.name}~${shortHash(sig)}`;
      const full: Subscription[] = [];
      const downgraded: Subscription[] = [];
      for (const s of pr.subscribers) {
        let allowed = true;
        let write = policy.access === "write";
        for (const g of gates) {
          if (passers.get(g.policy.name)!.has(s.user)) continue;
          if (g.policy.access === "read") {
            allowed = false;
            break;
          }
          write = false;
        }
        if (!allowed) continue;
        if (policy.access === "write" && !write) downgraded.push(s);
        else full.push(s);
      }
      cohorts.push({ key, policy: policy.name, access: policy.access, downgraded: false, guardrails: names, members: full, dataSources });
      if (downgraded.length > 0) {
        cohorts.push({ key: `${key}~read`, policy: policy.name, access: "read", downgraded: true, guardrails: names, members: downgraded, dataSources });
      }
    }
  }
  cohorts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const expirations: Expiration[] = [];
  for (const pr of grants) {
    if (pr.dataSources.length === 0) continue;
    for (const s of pr.subscribers) {
      if (s.expiresAt !== undefined) expirations.push({ policy: pr.policy.name, user: s.user, expiresAt: new Date(Date.parse(s.expiresAt)).toISOString() });
    }
  }
  expirations.sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : a.user < b.user ? -1 : a.user > b.user ? 1 : a.policy < b.policy ? -1 : 1));

  return { now: nowIso, grants, staged, guardrails, cohorts, expirations };
}
