/**
 * Builds the plan from a resolution and the platform adapters: effective access per (user, data
 * source) and one principal per (cohort, platform). Pure.
 */
import type { Issue } from "../model/issues";
import { sortIssues } from "../model/issues";
import type { AccessType, DataSource, Identities, Platform, Policy } from "../model/schema";
import { ADAPTERS, adapterFor } from "../platforms";
import { type BlastRadius, type Note, type PlatformAdapter, type Privileges, type Target, foldIdentifier } from "../platforms/types";
import { type Cohort, type Resolution, resolve } from "../resolve/resolve";
import { pendingRequests } from "../model/stewardship";
import type { AccessEntry, Plan, PlanApproval, Principal, PrincipalGrant, PrincipalMember, StagedPolicy } from "./types";
import type { Estate } from "../model/load";

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
  // A downgraded write cohort keeps the read privileges that write's privileges cover: nothing where
  // write issues nothing, SELECT where write issues SELECT and more, READ within READWRITE.
  const downgradeMemo = new Map<string, Privileges>();
  const downgraded = (ds: DataSource): Privileges => {
    const a = adapter(ds);
    const k = `${ds.platform}|${a.tableKey(ds as never)}`;
    let p = downgradeMemo.get(k);
    if (!p) {
      const write = privileges(ds, "write");
      const covered = new Set(write.privileges.flatMap((x) => a.implied(x)));
      const read = privileges(ds, "read").privileges.filter((x) => a.implied(x).every((y) => covered.has(y)));
      p = { privileges: read, notes: write.notes };
      downgradeMemo.set(k, p);
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

  // Warnings from the tables, one per (policy, code, platform, object type, reason, help), listing
  // every data source. Table rows are memoised per table key, so their notes name whichever data
  // source filled the row: each source's own notes are asked for again (only where a row has notes).
  const ownNotesMemo = new Map<string, readonly Note[]>();
  const ownNotes = (ds: DataSource, access: AccessType): readonly Note[] => {
    const k = `${access}\n${ds.id}`;
    let n = ownNotesMemo.get(k);
    if (!n) {
      n = adapter(ds).privileges(ds as never, access, config).notes;
      ownNotesMemo.set(k, n);
    }
    return n;
  };
  const notes = new Map<string, NoteGroup>();
  const noteFor = (policy: string, ds: DataSource, n: Note) => {
    // The reason without the data source's name, so that sources sharing it share one warning.
    const name = `\`${ds.id}\``;
    const reason = n.message.split(name).join("each data source");
    const help = n.help.split(name).join("each data source");
    const k = [policy, n.code, ds.platform, ds.objectType, reason, help].join("\n");
    const g = notes.get(k);
    if (g) g.dataSources.add(ds.id);
    else
      notes.set(k, {
        policy,
        code: n.code,
        platform: ds.platform,
        objectType: ds.objectType,
        reason,
        help,
        single: n,
        dataSources: new Set([ds.id]),
      });
  };

  // Members without the identity a platform needs: one issue per (platform, user).
  const missing = new Map<string, { user: string; platform: string; key: keyof Identities; dataSources: Set<string> }>();

  // Privilege lists come from memoised table rows: intern them, so entries carry small ids and
  // merges of two lists are memoised per pair of ids.
  const privLists: (readonly string[])[] = [];
  const privIds = new Map<readonly string[], number>();
  const internPriv = (l: readonly string[]): number => {
    let id = privIds.get(l);
    if (id === undefined) {
      const key = l.join(",");
      id = privLists.findIndex((x) => x.join(",") === key);
      if (id < 0) {
        id = privLists.length;
        privLists.push(l);
      }
      privIds.set(l, id);
    }
    return id;
  };
  const mergeMemo = new Map<number, number>();
  const mergeIds = (a: PlatformAdapter<DataSource["platform"]>, x: number, y: number): number => {
    if (x === y) return x;
    const k = x * 65536 + y;
    let r = mergeMemo.get(k);
    if (r === undefined) {
      r = internPriv(a.merge(privLists[x]!, privLists[y]!));
      mergeMemo.set(k, r);
    }
    return r;
  };
  const policyNames = [...new Set(resolution.cohorts.map((c) => c.policy))].sort();
  const policyId = new Map(policyNames.map((p, i) => [p, i]));

  /**
   * A principal's grants in index form: objects ascending by data-source index (cohorts list data
   * sources sorted by id), so each user's entries come from a k-way merge of the buckets they are
   * in: no hashing and no object per (user, data source) until the entry itself.
   */
  interface Bucket {
    a: PlatformAdapter<DataSource["platform"]>;
    key: keyof Identities;
    grants: PrincipalGrant[];
    ds: DataSource;
    policy: number;
    d: number[];
    priv: number[];
    write: boolean[];
  }
  const userBuckets: ({ b: Bucket; exp: number }[] | undefined)[] = new Array(users.length);
  const principals: Principal[] = [];

  /**
   * Adds one cohort's buckets to its members' lists (`add`). An active cohort (`principals` given)
   * also records its principals, warnings and missing identities; a staged one only what it would grant.
   */
  const addCohort = (cohort: Cohort, policy: number, add: (u: number, b: Bucket, exp: number) => void, principals?: Principal[]): void => {
    const byPrincipal = new Map<string, Bucket>();
    for (const ds of cohort.dataSources) {
      const a = adapter(ds);
      const p = cohort.downgraded ? downgraded(ds) : privileges(ds, cohort.access);
      if (principals && p.notes.length > 0)
        for (const n of ownNotes(ds, cohort.downgraded ? "write" : cohort.access)) noteFor(cohort.policy, ds, n);
      if (p.privileges.length === 0) continue;
      const idKey = a.identityKey(config, ds as never);
      const pk = `${ds.platform}|${idKey}`;
      let pr = byPrincipal.get(pk);
      if (!pr) {
        pr = { a, key: idKey, grants: [], ds, policy, d: [], priv: [], write: [] };
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
      pr.d.push(dIdx.get(ds.id)!);
      pr.priv.push(internPriv(p.privileges));
      pr.write.push(cohort.access === "write" && !sameSet(p.privileges, privileges(ds, "read").privileges));
    }
    for (const pr of byPrincipal.values()) {
      const members: PrincipalMember[] = [];
      for (const sub of cohort.members) {
        const u = uIdx.get(sub.user)!;
        const user = users[u]!;
        // The user name as the platform stores it (e.g. Snowflake's `alice` is user `ALICE`).
        const identity = user.identities[pr.key] && foldIdentifier(user.identities[pr.key]!, pr.a.identifierCase.users);
        if (!identity) {
          if (!principals) continue;
          const mk = `${pr.ds.platform}|${pr.key}|${user.id}`;
          const m = missing.get(mk) ?? { user: user.id, platform: pr.ds.platform, key: pr.key, dataSources: new Set<string>() };
          for (const g of pr.grants) m.dataSources.add(g.dataSource);
          missing.set(mk, m);
          continue;
        }
        members.push(sub.expiresAt !== undefined ? { user: user.id, identity, expiresAt: sub.expiresAt } : { user: user.id, identity });
        add(u, pr, sub.expiresAt === undefined ? Infinity : Date.parse(sub.expiresAt));
      }
      if (!principals) continue;
      // A cohort reaching one platform through two identity kinds (an S3 data source overriding the
      // principal mode) has two principals: the non-default one carries its identity kind in its id.
      const defaultKey = pr.a.identityKey(config);
      principals.push({
        id: `${pr.ds.platform}:${cohort.key}${pr.key === defaultKey ? "" : `#${pr.key}`}`,
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
  };
  for (const cohort of resolution.cohorts) {
    addCohort(cohort, policyId.get(cohort.policy)!, (u, b, exp) => (userBuckets[u] ??= []).push({ b, exp }), principals);
  }

  // Access entries, sorted by user then data source. Per user, contributions accumulate in scratch
  // columns indexed by data source (stamped with the user, so nothing is cleared between users); the
  // touched indexes are then sorted. Entries on one object share its parents, and entries with equal
  // privileges on objects of one table kind share the list and the extras: treat them as read-only.
  const nD = sources.length;
  const stamp = new Int32Array(nD).fill(-1);
  const sPriv = new Int32Array(nD);
  const sPol = new Int32Array(nD);
  const sWrite = new Uint8Array(nD);
  const sExp = new Float64Array(nD);
  const morePols = new Map<number, number[]>();
  // Stamped with user + 1 when an entry has more than one policy (rare): no map lookup otherwise.
  const hasMore = new Int32Array(nD);
  const extrasAt: (Record<string, unknown> | undefined)[] = new Array(nD);
  const extrasPrivAt = new Int32Array(nD).fill(-1);
  const targets: (Target | undefined)[] = new Array(nD);
  const parentsByIdx: AccessEntry["parents"][] = new Array(nD);
  const extrasClass = new Int32Array(nD).fill(-1);
  const classIds = new Map<string, number>();
  const extrasMemo = new Map<number, Record<string, unknown>>();
  const NO_EXTRAS: Record<string, unknown> = {};
  const userIds = users.map((u) => u.id);
  const cols = new EntryColumns();
  // Policy lists and expiry instants repeat across millions of entries: share them. Policy-set ids
  // below `policyNames.length` are single policies; above, indexes into `policyLists`.
  const singlePolicy: string[][] = [];
  const policyLists: string[][] = policyNames.map(() => []);
  const policySetIds = new Map<string, number>();
  const isoOf = new Map<number, string>();
  let touched = new Int32Array(64);
  for (let u = 0; u < userBuckets.length; u++) {
    const list = userBuckets[u];
    if (!list) continue;
    let n = 0;
    for (const { b, exp } of list) {
      for (let i = 0; i < b.d.length; i++) {
        const d = b.d[i]!;
        if (stamp[d] !== u) {
          stamp[d] = u;
          sPriv[d] = b.priv[i]!;
          sPol[d] = b.policy;
          sWrite[d] = b.write[i] ? 1 : 0;
          sExp[d] = exp;
          if (n === touched.length) {
            const t = new Int32Array(n * 2);
            t.set(touched);
            touched = t;
          }
          touched[n++] = d;
        } else {
          if (sPriv[d] !== b.priv[i]) sPriv[d] = mergeIds(b.a, sPriv[d]!, b.priv[i]!);
          if (b.write[i]) sWrite[d] = 1;
          if (exp > sExp[d]!) sExp[d] = exp;
          if (sPol[d] !== b.policy) {
            if (hasMore[d] !== u + 1) {
              hasMore[d] = u + 1;
              morePols.set(d, [b.policy]);
            } else {
              const more = morePols.get(d)!;
              if (!more.includes(b.policy)) more.push(b.policy);
            }
          }
        }
      }
    }
    const order = touched.subarray(0, n).sort();
    cols.reserve(n);
    for (let j = 0; j < n; j++) {
      const d = order[j]!;
      let pol: number;
      if (hasMore[d] !== u + 1) pol = sPol[d]!;
      else {
        const ids = [sPol[d]!, ...morePols.get(d)!].sort((x, y) => x - y);
        const k = ids.join(",");
        pol = policySetIds.get(k) ?? policySetIds.set(k, policyLists.push(ids.map((i) => policyNames[i]!)) - 1).get(k)!;
        morePols.delete(d);
      }
      cols.push(u, d, sPriv[d]!, sWrite[d]!, pol, sExp[d]!);
    }
  }

  // Entry objects are built on first use of `plan.access`: consumers that need principals only (the
  // Pulumi components) never pay for one object per (user, data source).
  const materialise = (): AccessEntry[] => {
    const out: AccessEntry[] = new Array(cols.length);
    for (let i = 0; i < cols.length; i++) {
      const d = cols.d[i]!;
      const ds = sources[d]!;
      let t = targets[d];
      if (!t) {
        targets[d] = t = target(ds);
        parentsByIdx[d] = t.parents.map((p) => ({ object: p.object, privileges: [...p.privileges] }));
      }
      const priv = cols.priv[i]!;
      // Extras depend on the table kind and the privileges: cache the last pair per object.
      let extras = extrasAt[d];
      if (extrasPrivAt[d] !== priv || extras === undefined) {
        const a = adapter(ds);
        let cls = extrasClass[d]!;
        if (cls < 0) {
          const ck = `${ds.platform}|${a.tableKey(ds as never)}`;
          cls = classIds.get(ck) ?? classIds.size;
          classIds.set(ck, cls);
          extrasClass[d] = cls;
        }
        const xk = cls * 65536 + priv;
        extras = extrasMemo.get(xk);
        if (!extras) {
          extras = a.extras(ds as never, privLists[priv]!, config);
          if (Object.keys(extras).length === 0) extras = NO_EXTRAS;
          extrasMemo.set(xk, extras);
        }
        extrasAt[d] = extras;
        extrasPrivAt[d] = priv;
      }
      const pol = cols.pol[i]!;
      const entry: AccessEntry = {
        user: userIds[cols.u[i]!]!,
        dataSource: ds.id,
        platform: ds.platform,
        objectType: ds.objectType,
        access: cols.write[i] ? "write" : "read",
        privileges: privLists[priv] as string[],
        parents: parentsByIdx[d]!,
        policies: pol < policyNames.length ? (singlePolicy[pol] ??= [policyNames[pol]!]) : policyLists[pol]!,
        object: t.object,
      };
      // Most platforms have no extras; spreading an empty object still costs per entry.
      if (extras !== NO_EXTRAS) Object.assign(entry, extras);
      const exp = cols.exp[i]!;
      if (exp !== Infinity) entry.expiresAt = isoOf.get(exp) ?? isoOf.set(exp, new Date(exp).toISOString()).get(exp)!;
      out[i] = entry;
    }
    return out;
  };

  for (const g of notes.values()) {
    const p = policies.get(g.policy);
    const list = [...g.dataSources].sort(cmp);
    const title = ADAPTERS[g.platform as Platform]?.title ?? g.platform;
    issues.push({
      severity: "warning",
      code: g.code,
      message:
        list.length === 1
          ? `policy \`${g.policy}\`: ${g.single.message}`
          : `policy \`${g.policy}\`: ${g.reason} (${list.length} ${title} \`${g.objectType}\` data sources)`,
      ...(p ? { file: p.file, path: "dataSources" } : {}),
      help: list.length === 1 ? g.single.help : g.help,
      dataSources: list,
    });
  }
  // One rule on every platform: a user who would be granted access but cannot be is an error,
  // unless the configuration says to skip such users (`identities.onMissing: skip`).
  const skip = config.identities.onMissing === "skip";
  for (const m of missing.values()) {
    const list = [...m.dataSources].sort();
    const at = estate.origins?.user(m.user);
    issues.push({
      severity: skip ? "warning" : "error",
      code: "missing-identity",
      message: `user \`${m.user}\` is subscribed to ${list.length} ${m.platform} data source${list.length > 1 ? "s" : ""} (\`${list[0]}\`${list.length > 1 ? ", …" : ""}) but has no \`${m.key}\` identity, so nothing is granted there`,
      ...(at ? { file: at.file, ...(at.line !== undefined ? { line: at.line } : {}), path: `${at.path}.identities` } : {}),
      help: skip
        ? `add \`identities.${m.key}\` to user \`${m.user}\` in the inventory to grant the access`
        : `add \`identities.${m.key}\` to user \`${m.user}\` in the inventory, or set \`identities: { onMissing: skip }\` in the configuration to leave such users out with a warning`,
      dataSources: list,
    });
  }

  issues.push(...sharedIdentities(estate));

  // Staged previews: what each staged policy's activation would add or change, computed from its
  // cohorts under the same guardrails and tables, merged with the access the active policies give on
  // the same (user, data source). Equal to the entries naming the policy in the plan where it is
  // active (test/plan/staged.property.test.ts).
  let userStart: Int32Array | undefined;
  const activeAt = (u: number, d: number): number => {
    if (!userStart) {
      userStart = new Int32Array(users.length + 1);
      for (let i = 0; i < cols.length; i++) userStart[cols.u[i]! + 1]!++;
      for (let k = 0; k < users.length; k++) userStart[k + 1]! += userStart[k]!;
    }
    let lo = userStart[u]!;
    let hi = userStart[u + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = cols.d[mid]!;
      if (x === d) return mid;
      if (x < d) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  };
  const policiesAt = (i: number): readonly string[] => {
    const pol = cols.pol[i]!;
    return pol < policyNames.length ? [policyNames[pol]!] : policyLists[pol]!;
  };
  const stagedCohorts = new Map<string, Cohort[]>();
  for (const c of resolution.stagedCohorts) {
    const l = stagedCohorts.get(c.policy);
    if (l) l.push(c);
    else stagedCohorts.set(c.policy, [c]);
  }
  const preview = (name: string): AccessEntry[] => {
    const byUser = new Map<
      number,
      Map<number, { a: PlatformAdapter<DataSource["platform"]>; priv: number; write: boolean; exp: number }>
    >();
    for (const c of stagedCohorts.get(name) ?? []) {
      addCohort(c, -1, (u, b, exp) => {
        const m = byUser.get(u) ?? byUser.set(u, new Map()).get(u)!;
        for (let i = 0; i < b.d.length; i++) {
          const d = b.d[i]!;
          const prev = m.get(d);
          if (!prev) m.set(d, { a: b.a, priv: b.priv[i]!, write: b.write[i]!, exp });
          else {
            prev.priv = mergeIds(b.a, prev.priv, b.priv[i]!);
            prev.write ||= b.write[i]!;
            if (exp > prev.exp) prev.exp = exp;
          }
        }
      });
    }
    const out: AccessEntry[] = [];
    for (const u of [...byUser.keys()].sort((x, y) => x - y)) {
      const m = byUser.get(u)!;
      for (const d of [...m.keys()].sort((x, y) => x - y)) {
        const c = m.get(d)!;
        let { priv, write, exp } = c;
        let pols = [name];
        const i = activeAt(u, d);
        if (i >= 0) {
          priv = mergeIds(c.a, cols.priv[i]!, priv);
          write ||= cols.write[i] === 1;
          exp = Math.max(exp, cols.exp[i]!);
          pols = [...policiesAt(i), name].sort(cmp);
        }
        const ds = sources[d]!;
        const t = target(ds);
        const privs = privLists[priv]!;
        const entry: AccessEntry = {
          user: userIds[u]!,
          dataSource: ds.id,
          platform: ds.platform,
          objectType: ds.objectType,
          access: write ? "write" : "read",
          privileges: privs as string[],
          parents: t.parents.map((p) => ({ object: p.object, privileges: [...p.privileges] })),
          policies: pols,
          object: t.object,
        };
        Object.assign(entry, adapter(ds).extras(ds as never, privs, config));
        if (exp !== Infinity) entry.expiresAt = new Date(exp).toISOString();
        out.push(entry);
      }
    }
    return out;
  };
  const staged = resolution.staged.map((s): StagedPolicy => {
    const entries = preview(s.policy.name);
    return {
      policy: s.policy.name,
      access: s.policy.access,
      users: [...new Set(entries.map((e) => e.user))],
      dataSources: [...new Set(entries.map((e) => e.dataSource))].sort(cmp),
      entries,
    };
  });
  for (const s of staged) {
    const p = resolution.staged.find((x) => x.policy.name === s.policy)!.policy;
    issues.push(stagedIssue(p, s.users.length, s.dataSources.length));
  }

  principals.sort((a, b) => cmp(a.id, b.id));

  // Platform audits over the whole plan (S3 principal modes and blast radius).
  // Holders only on platforms that audit (S3): building them for every entry would cost a map
  // operation per entry for nothing.
  const audited = new Set((Object.values(ADAPTERS) as PlatformAdapter[]).filter((a) => a.audit).map((a) => a.platform as string));
  const holders = new Map<string, Set<string>>();
  if (audited.size > 0) {
    // One flag per data source, so the scan over every entry touches typed arrays only.
    const flag = new Uint8Array(nD);
    let any = false;
    for (let d = 0; d < nD; d++) {
      if (audited.has(sources[d]!.platform)) {
        flag[d] = 1;
        any = true;
      }
    }
    for (let i = 0; any && i < cols.length; i++) {
      const d = cols.d[i]!;
      if (!flag[d]) continue;
      const id = sources[d]!.id;
      const set = holders.get(id);
      if (set) set.add(userIds[cols.u[i]!]!);
      else holders.set(id, new Set([userIds[cols.u[i]!]!]));
    }
  }
  const blastRadius: BlastRadius[] = [];
  const sourcesById = new Map(sources.map((d) => [d.id, d]));
  for (const a of Object.values(ADAPTERS) as PlatformAdapter[]) {
    if (!a.audit) continue;
    // Audits run even without principals: some rules concern every object the estate deploys.
    const mine = principals.filter((p) => p.platform === a.platform);
    const r = a.audit({ principals: mine, holders, inventory, config, policies, sources: sourcesById });
    issues.push(...r.issues);
    blastRadius.push(...r.blastRadius);
  }

  let access: AccessEntry[] | undefined;
  const requests = pendingRequests(estate);
  return {
    version: 1,
    now: resolution.now,
    get access(): AccessEntry[] {
      return (access ??= materialise());
    },
    set access(v: AccessEntry[]) {
      access = v;
    },
    accessCount: cols.length,
    principals,
    staged,
    expirations: resolution.expirations,
    blastRadius,
    issues: sortIssues(issues),
    approvals: approvalsOf(resolution),
    ...(requests.length > 0 ? { requests } : {}),
    guardrailEffects: resolution.guardrailEffects.map((e) => ({ ...e, dataSources: e.dataSources.map((d) => d.id) })),
  };
}

/** The data sources of one table warning: they share its policy, code, platform, object type, reason and help. */
interface NoteGroup {
  policy: string;
  code: string;
  platform: string;
  objectType: string;
  /** The note's message with the data source's name replaced by "each data source". */
  reason: string;
  help: string;
  /** The first source's own note: the message when the group has one source. */
  single: Note;
  dataSources: Set<string>;
}

/** Access entries as typed columns: a few bytes per (user, data source) instead of an object. */
class EntryColumns {
  length = 0;
  u = new Int32Array(1024);
  d = new Int32Array(1024);
  priv = new Int32Array(1024);
  write = new Uint8Array(1024);
  pol = new Int32Array(1024);
  exp = new Float64Array(1024);
  /** Makes room for `n` more entries. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.u.length) return;
    let cap = this.u.length;
    while (cap < need) cap *= 2;
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.u = grow(this.u, (n) => new Int32Array(n));
    this.d = grow(this.d, (n) => new Int32Array(n));
    this.priv = grow(this.priv, (n) => new Int32Array(n));
    this.write = grow(this.write, (n) => new Uint8Array(n));
    this.pol = grow(this.pol, (n) => new Int32Array(n));
    this.exp = grow(this.exp, (n) => new Float64Array(n));
  }
  /** Appends one entry (room must be reserved). */
  push(u: number, d: number, priv: number, write: number, pol: number, exp: number): void {
    const i = this.length++;
    this.u[i] = u;
    this.d[i] = d;
    this.priv[i] = priv;
    this.write[i] = write;
    this.pol[i] = pol;
    this.exp[i] = exp;
  }
}

const iso = (t: string) => new Date(Date.parse(t)).toISOString();

/** The approvals in force through active policies, by policy then user (one per pair: the longest-lasting). */
function approvalsOf(resolution: Resolution): PlanApproval[] {
  const out: PlanApproval[] = [];
  for (const g of resolution.grants) {
    for (const sub of g.subscribers) {
      if (sub.approvedBy === undefined || sub.approvedAt === undefined) continue;
      const a: PlanApproval = { policy: g.policy.name, user: sub.user, approvedBy: sub.approvedBy, approvedAt: iso(sub.approvedAt) };
      if (sub.expiresAt !== undefined) a.expiresAt = iso(sub.expiresAt);
      out.push(a);
    }
  }
  return out;
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

/**
 * Two people whose identities on a platform are one stored name (`alice` and `ALICE` on Snowflake,
 * which stores unquoted names upper case) are one account there: a grant to either reaches both, so
 * the plan refuses it. IAM roles are left to the S3 audit, which knows shared roles
 * (`s3-role-shared`, `sharedRoles`).
 */
function sharedIdentities(estate: Estate): Issue[] {
  const { config } = estate;
  const platforms = new Set(estate.inventory.dataSources.map((d) => d.platform));
  const issues: Issue[] = [];
  for (const p of [...platforms].sort()) {
    const a = ADAPTERS[p] as PlatformAdapter;
    const keys = new Set<keyof Identities>([a.identityKey(config)]);
    for (const ds of estate.inventory.dataSources) if (ds.platform === p) keys.add(a.identityKey(config, ds as never));
    keys.delete("iamRole");
    for (const key of [...keys].sort()) {
      const byIdentity = new Map<string, string[]>();
      for (const u of estate.inventory.users) {
        const raw = u.identities[key];
        if (raw === undefined) continue;
        const stored = foldIdentifier(raw, a.identifierCase.users);
        byIdentity.set(stored, [...(byIdentity.get(stored) ?? []), u.id]);
      }
      for (const [stored, users] of byIdentity) {
        if (users.length < 2) continue;
        const at = estate.origins?.user(users[1]!);
        issues.push({
          severity: "error",
          code: "identity-shared",
          message: `users ${users.map((u) => `\`${u}\``).join(", ")} have the same ${a.title} identity \`${stored}\` (\`${key}\`, as ${a.title} stores it): access granted to one would reach the others`,
          ...(at ? { file: at.file, ...(at.line !== undefined ? { line: at.line } : {}), path: `${at.path}.identities.${key}` } : {}),
          help: `give each user the \`${key}\` identity of their own account, or merge the users into one`,
        });
      }
    }
  }
  return issues;
}
