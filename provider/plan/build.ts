/**
 * Builds the plan from a resolution and the platform adapters: effective access per (user, data
 * source) and one principal per (cohort, platform). Pure.
 */
import type { Issue } from "../model/issues";
import { sortIssues } from "../model/issues";
import type { AccessType, DataSource, Identities, Policy } from "../model/schema";
import { adapterFor } from "../platforms";
import type { Note, PlatformAdapter, Privileges, Target } from "../platforms/types";
import { type Resolution, resolve } from "../resolve/resolve";
import type { AccessEntry, Plan, Principal, PrincipalGrant, PrincipalMember } from "./types";
import type { Estate } from "../model/load";

interface Acc {
  u: number;
  d: number;
  privileges: readonly string[];
  policies: string[];
  write: boolean;
  /** Latest expiry among justifying subscriptions; null once any never expires. */
  expiresAt: string | null | undefined;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the plan of an estate at `now`. */
export function buildPlan(estate: Estate, now: Date | string): Plan {
  return planFromResolution(estate, resolve(estate, now));
}

/** Builds the plan from an existing resolution (lets callers time the two stages apart). */
export function planFromResolution(estate: Estate, resolution: Resolution): Plan {
  const { inventory, config } = estate;
  const users = [...inventory.users].sort((a, b) => cmp(a.id, b.id));
  const sources = [...inventory.dataSources].sort((a, b) => cmp(a.id, b.id));
  const uIdx = new Map(users.map((u, i) => [u.id, i]));
  const dIdx = new Map(sources.map((d, i) => [d.id, i]));
  const policies = new Map(estate.policies.map((p) => [p.name, p]));
  const nD = sources.length;
  const issues: Issue[] = [];

  const adapter = (ds: DataSource): PlatformAdapter<DataSource["platform"]> => {
    const a = adapterFor(ds);
    if (!a) throw new Error(`no adapter for platform ${ds.platform}`);
    return a as PlatformAdapter<DataSource["platform"]>;
  };

  // Privilege tables are memoised per (platform, table key, access): an estate has few distinct rows.
  const privMemo = new Map<string, Privileges>();
  const privileges = (ds: DataSource, access: AccessType): Privileges => {
    const a = adapter(ds);
    const k = `${ds.platform}|${a.tableKey(ds as never)}|${access}`;
    let p = privMemo.get(k);
    if (!p) {
      p = a.privileges(ds as never, access, config);
      privMemo.set(k, p);
    }
    return p;
  };
  const targetMemo = new Map<string, Target>();
  const target = (ds: DataSource): Target => {
    let t = targetMemo.get(ds.id);
    if (!t) {
      t = adapter(ds).target(ds as never, config);
      targetMemo.set(ds.id, t);
    }
    return t;
  };

  // Warnings from the tables, one per (policy, code), naming the first data source and the count.
  const notes = new Map<string, { policy: string; note: Note; count: number }>();
  const noteFor = (policy: string, n: Note) => {
    const k = `${policy}\n${n.code}`;
    const prev = notes.get(k);
    if (prev) prev.count++;
    else notes.set(k, { policy, note: n, count: 1 });
  };

  // Members without the identity a platform needs: one issue per (platform, user).
  const missing = new Map<string, { user: string; platform: string; key: keyof Identities; severity: "error" | "warning"; dataSources: Set<string> }>();

  const acc = new Map<number, Acc>();
  const principals: Principal[] = [];

  for (const cohort of resolution.cohorts) {
    const memberUsers = cohort.members.map((m) => ({ sub: m, user: users[uIdx.get(m.user)!]! }));
    // Principals: one per (cohort, platform, identity kind); grants per object.
    const byPrincipal = new Map<string, { a: PlatformAdapter<DataSource["platform"]>; key: keyof Identities; grants: PrincipalGrant[]; ds: DataSource }>();
    for (const ds of cohort.dataSources) {
      const a = adapter(ds);
      const p = privileges(ds, cohort.access);
      for (const n of p.notes) noteFor(cohort.policy, n);
      if (p.privileges.length === 0) continue;
      const idKey = a.identityKey(config, ds as never);
      const pk = `${ds.platform}|${idKey}`;
      let pr = byPrincipal.get(pk);
      if (!pr) {
        pr = { a, key: idKey, grants: [], ds };
        byPrincipal.set(pk, pr);
      }
      const t = target(ds);
      pr.grants.push({
        dataSource: ds.id,
        objectType: ds.objectType,
        kind: t.kind,
        object: t.object,
        privileges: [...p.privileges],
        parents: t.parents.map((x) => ({ kind: x.kind, object: x.object, privileges: [...x.privileges] })),
        extras: a.extras(ds as never, p.privileges, config),
      });
      const isWrite = cohort.access === "write" && !sameSet(p.privileges, privileges(ds, "read").privileges);
      const d = dIdx.get(ds.id)!;
      for (const { sub, user } of memberUsers) {
        if (!user.identities[idKey]) {
          const mk = `${ds.platform}|${idKey}|${user.id}`;
          const m = missing.get(mk);
          if (m) m.dataSources.add(ds.id);
          else missing.set(mk, { user: user.id, platform: ds.platform, key: idKey, severity: a.missingIdentity(config, ds as never), dataSources: new Set([ds.id]) });
          continue;
        }
        const u = uIdx.get(user.id)!;
        const key = u * nD + d;
        const e = acc.get(key);
        const exp = sub.expiresAt === undefined ? null : sub.expiresAt;
        if (!e) {
          acc.set(key, { u, d, privileges: p.privileges, policies: [cohort.policy], write: isWrite, expiresAt: exp });
        } else {
          if (e.privileges !== p.privileges) e.privileges = a.merge(e.privileges, p.privileges);
          if (!e.policies.includes(cohort.policy)) e.policies.push(cohort.policy);
          e.write ||= isWrite;
          e.expiresAt = e.expiresAt === null || exp === null ? null : e.expiresAt! > exp ? e.expiresAt : exp;
        }
      }
    }
    for (const [, pr] of byPrincipal) {
      const members: PrincipalMember[] = [];
      for (const { sub, user } of memberUsers) {
        const identity = user.identities[pr.key];
        if (!identity) continue;
        members.push(sub.expiresAt !== undefined ? { user: user.id, identity, expiresAt: sub.expiresAt } : { user: user.id, identity });
      }
      principals.push({
        id: `${pr.ds.platform}:${cohort.key}`,
        platform: pr.ds.platform,
        policy: cohort.policy,
        cohort: cohort.key,
        access: cohort.access,
        guardrails: cohort.guardrails,
        name: pr.a.principalName(cohort.key, config),
        members,
        grants: pr.grants,
      });
    }
  }

  // Access entries, sorted by user then data source (indexes follow sorted ids).
  const keys = [...acc.keys()].sort((a, b) => a - b);
  const access: AccessEntry[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const e = acc.get(keys[i]!)!;
    const user = users[e.u]!;
    const ds = sources[e.d]!;
    const t = target(ds);
    const entry: AccessEntry = {
      user: user.id,
      dataSource: ds.id,
      platform: ds.platform,
      objectType: ds.objectType,
      access: e.write ? "write" : "read",
      privileges: [...e.privileges],
      parents: t.parents.map((p) => ({ object: p.object, privileges: [...p.privileges] })),
      policies: e.policies.length > 1 ? e.policies.sort() : e.policies,
      object: t.object,
      ...adapter(ds).extras(ds as never, e.privileges, config),
    };
    if (e.expiresAt) entry.expiresAt = new Date(Date.parse(e.expiresAt)).toISOString();
    access[i] = entry;
  }

  for (const { policy, note, count } of notes.values()) {
    const p = policies.get(policy);
    issues.push({
      severity: "warning",
      code: note.code,
      message: `policy \`${policy}\`: ${note.message}${count > 1 ? ` (and ${count - 1} more like it)` : ""}`,
      ...(p ? { file: p.file, path: "dataSources" } : {}),
      help: note.help,
    });
  }
  for (const m of missing.values()) {
    const list = [...m.dataSources].sort();
    issues.push({
      severity: m.severity,
      code: "missing-identity",
      message: `user \`${m.user}\` is subscribed to ${list.length} ${m.platform} data source${list.length > 1 ? "s" : ""} (\`${list[0]}\`${list.length > 1 ? ", …" : ""}) but has no \`${m.key}\` identity, so nothing is granted there`,
      help: `add \`identities.${m.key}\` to user \`${m.user}\` in the inventory`,
    });
  }

  const staged = resolution.staged.map((s) => ({
    policy: s.policy.name,
    access: s.policy.access,
    users: s.subscribers.map((x) => x.user),
    dataSources: s.dataSources.map((d) => d.id),
  }));
  for (const s of resolution.staged) {
    issues.push(stagedIssue(s.policy, s.subscribers.length, s.dataSources.length));
  }

  principals.sort((a, b) => cmp(a.id, b.id));
  return {
    version: 1,
    now: resolution.now,
    access,
    principals,
    staged,
    expirations: resolution.expirations,
    issues: sortIssues(issues),
  };
}

function stagedIssue(p: Policy, users: number, sources: number): Issue {
  return {
    severity: "warning",
    code: "policy-staged",
    message: `policy \`${p.name}\` is staged: it grants nothing now; active, it would reach ${users} user${users === 1 ? "" : "s"} on ${sources} data source${sources === 1 ? "" : "s"}`,
    file: p.file,
    path: "state",
    help: "set `state: active` to enforce it",
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
