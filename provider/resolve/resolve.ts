/**
 * Resolution: which users reach which data sources, with which access, through which policies.
 * Pure: `now` is an argument. Grant policies combine with OR; guardrails narrow with AND.
 *
 * The unit of output is the cohort: the users of one grant policy that share the same guardrails
 * on a set of data sources. Platforms materialise one principal (role, group) per cohort, so
 * resources grow as users + objects, and every member of a cohort has exactly the cohort's access.
 */
import { createHash } from "node:crypto";
import type { AccessType, Config, DataSource, Inventory, Policy, User } from "../model/schema";
import { DataSourceIndex } from "../model/select";
import { matches } from "../model/policy";
import { approvalCounts, stewardshipContext, type StewardshipContext } from "../model/stewardship";
import { type Bits, UserIndex, add as addBit, and, has, indexes as members } from "./bitset";

/** Why a user is subscribed through a policy. */
export interface Subscription {
  user: string;
  /** The instant this subscription ends (exclusive); undefined when it does not expire. */
  expiresAt?: string;
  /** For approval policies: who approved. */
  approvedBy?: string;
  /** For approval policies: when the approval took effect. */
  approvedAt?: string;
}

/**
 * Subscribers of one grant policy whom guardrails on some of its data sources block (a read guardrail
 * they fail) or downgrade to read (a write guardrail they fail): what the diff blames a loss on.
 */
export interface GuardrailEffect {
  policy: string;
  effect: "blocked" | "downgraded";
  /** The guardrails these users fail (sorted): the cause. */
  guardrails: string[];
  users: string[];
  dataSources: DataSource[];
}

/** A policy's audience and data sources at `now`, before guardrails. */
export interface PolicyResolution {
  policy: Policy;
  /** Users the restriction level admits at `now` (sorted by id). */
  subscribers: Subscription[];
  /** Data sources the selection reaches (sorted by id). */
  dataSources: DataSource[];
}

/** The key suffix of a cohort a write guardrail downgrades to read (`policy~H~read`). */
export const DOWNGRADED_SUFFIX = "~read";

/** Whether a cohort key (a principal's `cohort`) names a downgraded cohort. */
export const isDowngradedKey = (key: string): boolean => key.endsWith(DOWNGRADED_SUFFIX);

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
  /**
   * The cohorts each staged grant policy would have if it were active, by the same guardrails (sorted
   * by key): what the plan previews, never what it grants.
   */
  stagedCohorts: Cohort[];
  /** Who the active guardrails block or downgrade, per active grant policy (by policy, then key). */
  guardrailEffects: GuardrailEffect[];
  expirations: Expiration[];
}

/** Evaluates an ABAC condition against one user (the rule lives with validation, which checks it too). */
export { matches };

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
  stewardship?: StewardshipContext,
): Subscription[] {
  const r = policy.restriction;
  const out = new Map<string, Subscription>();
  const add = (s: Subscription) => {
    const prev = out.get(s.user);
    // Several approvals or selections of one user: the one lasting longest wins.
    if (!prev || (prev.expiresAt !== undefined && (s.expiresAt === undefined || s.expiresAt > prev.expiresAt))) out.set(s.user, s);
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
        // It also grants nothing when it breaks an approval rule (self-approval, a lifetime over
        // `maxDuration`). Without a stewardship context, owners and stewards approve nothing.
        if (!approvalCounts(policy, a, usersById, stewardship)) continue;
        if (!inForce(now, a.approvedAt, a.expiresAt)) continue;
        add({
          user: a.user,
          approvedBy: a.approvedBy,
          approvedAt: a.approvedAt,
          ...(a.expiresAt !== undefined ? { expiresAt: a.expiresAt } : {}),
        });
      }
      break;
  }
  return [...out.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/**
 * Resolves every policy of an estate at `now` into cohorts.
 *
 * Users are indexed once (`UserIndex`): conditions are evaluated as bitsets over user indexes rather
 * than per (policy, user), and guardrails gate cohorts by bitset tests rather than id lookups. The
 * result is exactly what per-user `subscribersOf` and id sets give (test/resolve/bitset.property.test.ts).
 */
export function resolve(
  estate: { policies: readonly Policy[]; inventory: Inventory; config?: Pick<Config, "stewardship"> },
  now: Date | string,
): Resolution {
  const nowMs = typeof now === "string" ? Date.parse(now) : now.getTime();
  const nowIso = new Date(nowMs).toISOString();
  const { inventory } = estate;
  const { users } = inventory;
  const usersById = new Map(users.map((u) => [u.id, u]));
  const index = new DataSourceIndex(inventory.dataSources);
  const byName = (a: { policy: Policy }, b: { policy: Policy }) =>
    a.policy.name < b.policy.name ? -1 : a.policy.name > b.policy.name ? 1 : 0;

  // Users indexed by their rank in id order, so that a bitset's members come out in the order
  // `subscribersOf` sorts its output (ids are unique: the loader rejects a duplicate, `duplicate-user`).
  const ranked = [...users].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const userIndex = new UserIndex(ranked, matches);
  const rankOf = new Map(ranked.map((u, r) => [u.id, r]));
  /** For each policy resolution, the rank of each subscriber. */
  const subscriberRanks = new Map<PolicyResolution, number[]>();
  /** The subscribers `subscribersOf` returns for an anyone or conditions policy admitting `bits`. */
  const admitted = (bits: Bits): { subscribers: Subscription[]; ranks: number[] } => {
    const ranks = [...members(bits)];
    return { subscribers: ranks.map((r) => ({ user: ranked[r]!.id })), ranks };
  };

  const resolveOne = (policy: Policy): PolicyResolution => {
    const r = policy.restriction;
    let subscribers: Subscription[];
    let ranks: number[];
    if (r.level === "anyone" || r.level === "conditions") {
      ({ subscribers, ranks } = admitted(r.level === "anyone" ? userIndex.all : userIndex.evaluate(r.when)));
    } else {
      subscribers = subscribersOf(policy, users, usersById, nowMs, stewardshipContext(inventory, estate.config));
      ranks = subscribers.map((s) => rankOf.get(s.user)!);
    }
    const pr: PolicyResolution = { policy, subscribers, dataSources: index.select(policy.dataSources) };
    subscriberRanks.set(pr, ranks);
    return pr;
  };
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

  // For each data source: the guardrails on it.
  const guardOn = new Map<string, PolicyResolution[]>();
  for (const g of guardrails) {
    for (const d of g.dataSources) {
      const list = guardOn.get(d.id);
      if (list) list.push(g);
      else guardOn.set(d.id, [g]);
    }
  }
  // Each guardrail's subscribers, as a bitset, by name (policy names are unique in a valid estate;
  // otherwise the last of a name stands for all of it, as it always has).
  const passers = new Map<string, Bits>();
  for (const g of guardrails) {
    const bits = new Uint32Array(userIndex.words);
    for (const i of subscriberRanks.get(g)!) addBit(bits, i);
    passers.set(g.policy.name, bits);
  }
  // The gates of a data source for a read and for a write policy, and their signature, once per data source.
  interface Gates {
    gates: PolicyResolution[];
    sig: string;
  }
  const noGates: Gates = { gates: [], sig: "" };
  const gatesOn = new Map<string, { read: Gates; write: Gates }>();
  const gatesFor = (d: DataSource, write: boolean): Gates => {
    const on = guardOn.get(d.id);
    if (!on) return noGates;
    let both = gatesOn.get(d.id);
    if (!both) {
      // A `read` guardrail gates all access; a `write` guardrail gates write only.
      const of = (gates: PolicyResolution[]): Gates => ({ gates, sig: gates.map((g) => g.policy.name).join("\n") });
      both = { read: of(on.filter((g) => g.policy.access === "read")), write: of(on) };
      gatesOn.set(d.id, both);
    }
    return write ? both.write : both.read;
  };

  /** The cohorts of one grant policy: active ones grant, staged ones are previewed the same way. */
  const cohortsOf = (pr: PolicyResolution, cohorts: Cohort[], effects?: GuardrailEffect[]): void => {
    const { policy } = pr;
    const isWrite = policy.access === "write";
    const subscribers = pr.subscribers;
    const at = subscriberRanks.get(pr)!;
    // Group data sources by the guardrails that apply to this policy's access on them.
    const groups = new Map<string, { gates: PolicyResolution[]; dataSources: DataSource[] }>();
    for (const d of pr.dataSources) {
      const { gates, sig } = gatesFor(d, isWrite);
      const entry = groups.get(sig);
      if (entry) entry.dataSources.push(d);
      else groups.set(sig, { gates, dataSources: [d] });
    }
    for (const [sig, { gates, dataSources }] of groups) {
      const names = gates.map((g) => g.policy.name);
      const key = sig === "" ? policy.name : `${policy.name}~${shortHash(sig)}`;
      let full: Subscription[];
      const downgraded: Subscription[] = [];
      if (gates.length === 0) full = subscribers.slice();
      else {
        // A subscriber must pass every read guardrail to keep access, and every write guardrail to keep write.
        const readGates = gates.filter((g) => g.policy.access === "read");
        const writeGates = gates.filter((g) => g.policy.access !== "read");
        const allowed =
          readGates.length > 0
            ? and(
                readGates.map((g) => passers.get(g.policy.name)!),
                userIndex.all,
              )
            : undefined;
        const writable =
          writeGates.length > 0
            ? and(
                writeGates.map((g) => passers.get(g.policy.name)!),
                userIndex.all,
              )
            : undefined;
        full = [];
        // Who fails which guardrails, grouped by effect and failed set (recorded for active policies only).
        const failed = new Map<string, GuardrailEffect>();
        const record = (effect: GuardrailEffect["effect"], fails: PolicyResolution[], i: number, user: string) => {
          const names = fails.filter((g) => !has(passers.get(g.policy.name)!, i)).map((g) => g.policy.name);
          const k = `${effect}\n${names.join("\n")}`;
          const e = failed.get(k);
          if (e) e.users.push(user);
          else failed.set(k, { policy: policy.name, effect, guardrails: names, users: [user], dataSources });
        };
        for (let k = 0; k < subscribers.length; k++) {
          const i = at[k]!;
          if (allowed && !has(allowed, i)) {
            if (effects) record("blocked", readGates, i, subscribers[k]!.user);
            continue;
          }
          if (isWrite && writable && !has(writable, i)) {
            downgraded.push(subscribers[k]!);
            if (effects) record("downgraded", writeGates, i, subscribers[k]!.user);
          } else full.push(subscribers[k]!);
        }
        if (effects) for (const e of failed.values()) effects.push(e);
      }
      cohorts.push({ key, policy: policy.name, access: policy.access, downgraded: false, guardrails: names, members: full, dataSources });
      if (downgraded.length > 0) {
        cohorts.push({
          key: `${key}${DOWNGRADED_SUFFIX}`,
          policy: policy.name,
          access: "read",
          downgraded: true,
          guardrails: names,
          members: downgraded,
          dataSources,
        });
      }
    }
  };
  const cohorts: Cohort[] = [];
  const guardrailEffects: GuardrailEffect[] = [];
  for (const pr of grants) cohortsOf(pr, cohorts, guardrailEffects);
  const stagedCohorts: Cohort[] = [];
  for (const pr of staged) cohortsOf(pr, stagedCohorts);
  stagedCohorts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  cohorts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const expirations: Expiration[] = [];
  for (const pr of grants) {
    if (pr.dataSources.length === 0) continue;
    for (const s of pr.subscribers) {
      if (s.expiresAt !== undefined)
        expirations.push({ policy: pr.policy.name, user: s.user, expiresAt: new Date(Date.parse(s.expiresAt)).toISOString() });
    }
  }
  expirations.sort((a, b) =>
    a.expiresAt < b.expiresAt
      ? -1
      : a.expiresAt > b.expiresAt
        ? 1
        : a.user < b.user
          ? -1
          : a.user > b.user
            ? 1
            : a.policy < b.policy
              ? -1
              : 1,
  );

  return { now: nowIso, grants, staged, guardrails, cohorts, stagedCohorts, guardrailEffects, expirations };
}
