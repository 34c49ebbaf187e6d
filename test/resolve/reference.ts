/**
 * The resolver as it was before bitset evaluation (commit b145aa3), kept verbatim as the reference
 * the property tests compare `resolve` with: per (policy, user) `matches` through `subscribersOf`,
 * guardrail passers as sets of user ids. Not a test file itself (no `.test.ts`).
 */
import { createHash } from "node:crypto";
import type { DataSource, Inventory, Policy } from "../../provider/model/schema";
import { DataSourceIndex } from "../../provider/model/select";
import {
  type Cohort,
  type Expiration,
  type GuardrailEffect,
  type PolicyResolution,
  type Resolution,
  type Subscription,
  subscribersOf,
} from "../../provider/resolve/resolve";

const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** Resolves every policy of an estate at `now` into cohorts: the previous implementation. */
export function referenceResolve(estate: { policies: readonly Policy[]; inventory: Inventory }, now: Date | string): Resolution {
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
  const stagedCohorts: Cohort[] = [];
  const guardrailEffects: GuardrailEffect[] = [];
  for (const pr of [...grants, ...staged]) {
    const out = pr.policy.state === "active" ? cohorts : stagedCohorts;
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
      const failed = new Map<string, GuardrailEffect>();
      const record = (effect: GuardrailEffect["effect"], names: string[], user: string) => {
        if (pr.policy.state !== "active") return;
        const k = `${effect}\n${names.join("\n")}`;
        const e = failed.get(k);
        if (e) e.users.push(user);
        else failed.set(k, { policy: policy.name, effect, guardrails: names, users: [user], dataSources });
      };
      const fails = (access: "read" | "write", user: string) =>
        gates.filter((g) => g.policy.access === access && !passers.get(g.policy.name)!.has(user)).map((g) => g.policy.name);
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
        if (!allowed) {
          record("blocked", fails("read", s.user), s.user);
          continue;
        }
        if (policy.access === "write" && !write) {
          downgraded.push(s);
          record("downgraded", fails("write", s.user), s.user);
        } else full.push(s);
      }
      guardrailEffects.push(...failed.values());
      out.push({ key, policy: policy.name, access: policy.access, downgraded: false, guardrails: names, members: full, dataSources });
      if (downgraded.length > 0) {
        out.push({
          key: `${key}~read`,
          policy: policy.name,
          access: "read",
          downgraded: true,
          guardrails: names,
          members: downgraded,
          dataSources,
        });
      }
    }
  }
  cohorts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  stagedCohorts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

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
