/**
 * Builds the plan from a resolution and the platform adapters: effective access per (user, data
 * source) and one principal per (cohort, platform). Pure.
 */
import type { Issue } from "../model/issues";
import { sortIssues } from "../model/issues";
import type { Identities, Platform, Policy } from "../model/schema";
import { ADAPTERS } from "../platforms";
import { type BlastRadius, type PlatformAdapter, foldIdentifier } from "../platforms/types";
import { type Cohort, type Resolution, resolve } from "../resolve/resolve";
import { AccessTable, setAccessTable } from "./access-table";
import { Holdings } from "./holdings";
import { CohortExpander, type PlanIndex } from "./principals";
import { privilegeTables } from "./privileges";
import { SyncedGroupIndex } from "./synced-groups";
import type { AccessEntry, Plan, PlanApproval, Principal, StagedPolicy } from "./types";
import type { Estate } from "../model/estate";
import { pendingRequests } from "../model/stewardship";
import { append } from "../model/arrays";

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
  const userIds = users.map((u) => u.id);
  const index: PlanIndex = {
    users,
    userIndex: new Map(users.map((u, i) => [u.id, i])),
    sourceIndex: new Map(sources.map((d, i) => [d.id, i])),
  };
  const policies = new Map(estate.policies.map((p) => [p.name, p]));
  const tables = privilegeTables(config);
  const synced = new SyncedGroupIndex(users, inventory.groups, policies, config, sources, (id) => estate.origins?.group?.(id));
  const expander = new CohortExpander(index, tables, config, synced);

  // Each user's holdings come from the buckets of the cohorts they are in: the access table folds
  // them into entries with no hashing and no object per (user, data source).
  const policyNames = [...new Set(resolution.cohorts.map((c) => c.policy))].sort();
  const policyId = new Map(policyNames.map((p, i) => [p, i]));
  const holdings = new Holdings();
  const principals: Principal[] = [];
  for (const cohort of resolution.cohorts) expander.expand(cohort, policyId.get(cohort.policy)!, holdings, principals);
  const table = new AccessTable(userIds, sources, policyNames, tables, holdings);

  const issues: Issue[] = [
    ...expander.noteIssues(policies),
    ...expander.missingIssues((user) => estate.origins?.user(user)),
    ...sharedIdentities(estate),
    ...synced.issues(),
  ];

  const staged = stagedPreviews(resolution, expander, table);
  for (const s of staged) {
    const p = resolution.staged.find((x) => x.policy.name === s.policy)!.policy;
    issues.push(stagedIssue(p, s.users.length, s.dataSources.length));
  }

  principals.sort((a, b) => cmp(a.id, b.id));

  // Platform audits over the whole plan (S3 principal modes and blast radius). Holders only on
  // platforms that audit (S3): building them for every entry would cost a map operation per entry.
  const auditors = (Object.values(ADAPTERS) as PlatformAdapter[]).filter((a) => a.audit);
  const holders = table.holders(new Set(auditors.map((a) => a.platform as string)));
  const blastRadius: BlastRadius[] = [];
  const sourcesById = new Map(sources.map((d) => [d.id, d]));
  for (const a of auditors) {
    // Audits run even without principals: some rules concern every object the estate deploys.
    const mine = principals.filter((p) => p.platform === a.platform);
    const r = a.audit!({ principals: mine, holders, inventory, config, policies, sources: sourcesById });
    append(issues, r.issues);
    append(blastRadius, r.blastRadius);
  }

  // Entry objects are built on first use of `plan.access`: consumers that need principals only (the
  // Pulumi components) never pay for one object per (user, data source).
  let access: AccessEntry[] | undefined;
  const requests = pendingRequests(estate);
  const plan: Plan = {
    version: 1,
    now: resolution.now,
    get access(): AccessEntry[] {
      return (access ??= table.entries());
    },
    set access(v: AccessEntry[]) {
      access = v;
      setAccessTable(plan, undefined);
    },
    accessCount: table.length,
    principals,
    staged,
    expirations: resolution.expirations,
    blastRadius,
    issues: sortIssues(issues),
    approvals: approvalsOf(resolution),
    ...(requests.length > 0 ? { requests } : {}),
    guardrailEffects: resolution.guardrailEffects.map((e) => ({ ...e, dataSources: e.dataSources.map((d) => d.id) })),
  };
  setAccessTable(plan, table);
  return plan;
}

/**
 * Staged previews: what each staged policy's activation would add or change, computed from its
 * cohorts under the same guardrails and tables, merged with the access the active policies give on
 * the same (user, data source). Equal to the entries naming the policy in the plan where it is
 * active (test/plan/staged.property.test.ts).
 */
function stagedPreviews(resolution: Resolution, expander: CohortExpander, table: AccessTable): StagedPolicy[] {
  const stagedCohorts = new Map<string, Cohort[]>();
  for (const c of resolution.stagedCohorts) {
    const l = stagedCohorts.get(c.policy);
    if (l) l.push(c);
    else stagedCohorts.set(c.policy, [c]);
  }
  const preview = (name: string): AccessEntry[] => {
    const holdings = new Holdings();
    for (const c of stagedCohorts.get(name) ?? []) expander.expand(c, -1, holdings);
    return table.preview(name, holdings);
  };
  return resolution.staged.map((s): StagedPolicy => {
    const entries = preview(s.policy.name);
    return {
      policy: s.policy.name,
      access: s.policy.access,
      users: [...new Set(entries.map((e) => e.user))],
      dataSources: [...new Set(entries.map((e) => e.dataSource))].sort(cmp),
      entries,
    };
  });
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

/**
 * Two people whose identities on a platform are one stored name (`alice` and `ALICE` on Snowflake,
 * which stores unquoted names upper case) are one account there: a grant to either reaches both, so
 * the plan refuses it. IAM roles are left to the S3 audit, which knows shared roles
 * (`s3-role-shared`, `sharedRoles`).
 */
function sharedIdentities(estate: Estate): Issue[] {
  const { config } = estate;
  // The identity kinds each platform grants to, in one pass over the data sources.
  const keysOf = new Map<Platform, Set<keyof Identities>>();
  for (const ds of estate.inventory.dataSources) {
    const a = ADAPTERS[ds.platform] as PlatformAdapter;
    let keys = keysOf.get(ds.platform);
    if (!keys) keysOf.set(ds.platform, (keys = new Set([a.identityKey(config)])));
    keys.add(a.identityKey(config, ds));
  }
  const issues: Issue[] = [];
  for (const p of [...keysOf.keys()].sort()) {
    const a = ADAPTERS[p] as PlatformAdapter;
    const keys = keysOf.get(p)!;
    keys.delete("iamRole");
    for (const key of [...keys].sort()) {
      const byIdentity = new Map<string, string[]>();
      for (const u of estate.inventory.users) {
        const raw = u.identities[key];
        if (raw === undefined) continue;
        const stored = foldIdentifier(raw, a.identifierCase.users);
        const same = byIdentity.get(stored);
        if (same) same.push(u.id);
        else byIdentity.set(stored, [u.id]);
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
