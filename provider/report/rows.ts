/**
 * The rows of an access review: for every data source a data owner owns, who has access, which
 * access, through which policy and platform principal, since when, until when, and on whose
 * approval. Built from the plan's principals (members x grants), so a row is exactly a grant the
 * deployment makes; staged policies grant nothing and have no row.
 */
import type { Estate } from "../model/estate";
import type { Platform } from "../model/schema";
import { adapterFor } from "../platforms";
import { closestNames, type DataSourceInfo, type PlanContext, type PlanFilter } from "../plan/filter";
import { PRINCIPAL_NOUN } from "../plan/render/summary";
import type { Plan } from "../plan/types";

/** One grant of one user on one data source through one principal. */
export interface ReviewRow {
  dataSource: string;
  platform: Platform;
  objectType: string;
  /** The native object the privileges land on. */
  object: string;
  user: string;
  /** The identity the platform knows the user by. */
  identity: string;
  access: "read" | "write";
  /** Native privileges, sorted. */
  privileges: string[];
  policy: string;
  /** What the platform calls the principal (`Snowflake role`...). */
  principalKind: string;
  /** The principal's native name. */
  principal: string;
  /** Since when the access is justified (ISO instant), when known. */
  since?: string;
  /** Where `since` comes from: the approval, or the policy file's first commit. */
  sinceSource?: "approval" | "git";
  /** When the access ends; absent when it does not. */
  until?: string;
  /** The approval in force, when the policy is approval-based. */
  approvedBy?: string;
  approvedAt?: string;
  /** Who may approve for the policy (users, then `group:<id>`). */
  approvers: string[];
}

/** An owned data source, with how many users hold it. */
export interface ReviewDataSource extends DataSourceInfo {
  users: number;
  readers: number;
  writers: number;
}

/** An access review for one owner (or a whole estate, without an owner). */
export interface Review {
  now: string;
  /** Whose data sources: the owner's id; absent for every data source. */
  owner?: string;
  dataSources: ReviewDataSource[];
  rows: ReviewRow[];
}

/** Names an owner that owns no data source. */
export class OwnerError extends Error {
  constructor(
    readonly owner: string,
    readonly closest: readonly string[],
  ) {
    super(
      `--owner \`${owner}\` owns no data source` +
        (closest.length
          ? `; owners in the estate: ${closest.map((c) => `\`${c}\``).join(", ")}`
          : "; no data source has `owners` in the inventory"),
    );
    this.name = "OwnerError";
  }
}

/** Approvers of each approval policy, for the review. */
export type ApproversOf = ReadonlyMap<string, { users: readonly string[]; groups: readonly string[] }>;

/** What the review needs beyond the plan. */
export interface ReviewInput {
  plan: Plan;
  ctx: PlanContext;
  approvers: ApproversOf;
  /**
   * The privileges read access yields on a data source: a grant of a write principal is write only
   * where it yields more (a write policy on a view yields what read does), as in the plan's entries.
   */
  readPrivileges: (dataSource: string) => readonly string[];
  /** The first commit of each policy file (ISO instant), from git where available. */
  policySince?: ReadonlyMap<string, string>;
  owner?: string;
  filter?: PlanFilter;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The data sources a review covers: the owner's (every one without an owner), narrowed by the filter. */
export function reviewDataSources(ctx: PlanContext, owner: string | undefined, filter?: PlanFilter): DataSourceInfo[] {
  let ds = owner === undefined ? [...ctx.dataSources] : ctx.dataSources.filter((d) => d.owners.includes(owner));
  if (owner !== undefined && ds.length === 0)
    throw new OwnerError(owner, closestNames(owner, new Set(ctx.dataSources.flatMap((d) => d.owners))));
  if (filter) ds = ds.filter((d) => filter.dataSource(d.id));
  return ds.sort(byId);
}

/** The review of `input.owner`'s data sources (or every data source). */
export function buildReview(input: ReviewInput): Review {
  const { plan, ctx, filter } = input;
  const sources = reviewDataSources(ctx, input.owner, filter);
  const wanted = new Map(sources.map((d) => [d.id, d]));
  const policyFile = new Map(ctx.policies.map((p) => [p.name, p.file]));
  const approvals = new Map((plan.approvals ?? []).map((a) => [`${a.policy}\n${a.user}`, a]));
  const rows: ReviewRow[] = [];
  for (const p of plan.principals) {
    if (filter && !filter.policy(p.policy)) continue;
    const grants = p.grants.filter((g) => wanted.has(g.dataSource));
    if (grants.length === 0) continue;
    const ap = input.approvers.get(p.policy);
    const approvers = ap ? [...ap.users, ...ap.groups.map((g) => `group:${g}`)] : [];
    const gitSince = input.policySince?.get(policyFile.get(p.policy) ?? "");
    for (const m of p.members) {
      if (filter && !filter.user(m.user)) continue;
      const a = approvals.get(`${p.policy}\n${m.user}`);
      const since = a
        ? { since: a.approvedAt, sinceSource: "approval" as const }
        : gitSince
          ? { since: gitSince, sinceSource: "git" as const }
          : {};
      for (const g of grants) {
        const write = p.access === "write" && !sameSet(g.privileges, input.readPrivileges(g.dataSource));
        rows.push({
          dataSource: g.dataSource,
          platform: p.platform,
          objectType: g.objectType,
          object: g.object,
          user: m.user,
          identity: m.identity,
          access: write ? "write" : "read",
          privileges: [...g.privileges].sort(),
          policy: p.policy,
          principalKind: PRINCIPAL_NOUN[p.platform],
          principal: p.name,
          ...since,
          ...(m.expiresAt !== undefined ? { until: m.expiresAt } : {}),
          ...(a ? { approvedBy: a.approvedBy, approvedAt: a.approvedAt } : {}),
          approvers,
        });
      }
    }
  }
  rows.sort((a, b) => cmp(a.dataSource, b.dataSource) || cmp(a.user, b.user) || cmp(a.policy, b.policy) || cmp(a.principal, b.principal));
  const holders = new Map<string, { users: Set<string>; writers: Set<string> }>();
  for (const r of rows) {
    const h = holders.get(r.dataSource) ?? holders.set(r.dataSource, { users: new Set(), writers: new Set() }).get(r.dataSource)!;
    h.users.add(r.user);
    if (r.access === "write") h.writers.add(r.user);
  }
  return {
    now: plan.now,
    ...(input.owner !== undefined ? { owner: input.owner } : {}),
    dataSources: sources.map((d) => {
      const h = holders.get(d.id);
      const users = h?.users.size ?? 0;
      const writers = h?.writers.size ?? 0;
      return { ...d, users, writers, readers: users - writers };
    }),
    rows,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The columns of a review row as text cells, in the order the HTML and CSV show them. */
export const REVIEW_COLUMNS = [
  "data source",
  "platform",
  "user",
  "identity",
  "access",
  "privileges",
  "policy",
  "principal kind",
  "principal",
  "since",
  "since from",
  "until",
  "approved by",
  "approved at",
  "approvers",
] as const;

/** A row as the text of each column of `REVIEW_COLUMNS`. */
export function rowCells(r: ReviewRow): string[] {
  return [
    r.dataSource,
    r.platform,
    r.user,
    r.identity,
    r.access,
    r.privileges.join(", "),
    r.policy,
    r.principalKind,
    r.principal,
    r.since ?? "",
    r.sinceSource === "approval" ? "approval" : r.sinceSource === "git" ? "policy file's first commit" : "",
    r.until ?? "",
    r.approvedBy ?? "",
    r.approvedAt ?? "",
    r.approvers.join(", "),
  ];
}

/** The approvers of every approval policy of `estate`. */
export function approversOf(estate: Estate): ApproversOf {
  const out = new Map<string, { users: readonly string[]; groups: readonly string[] }>();
  for (const p of estate.policies) if (p.restriction.level === "approval") out.set(p.name, p.restriction.approvers);
  return out;
}

/** What `buildReview` needs of the estate beyond the plan and its context. */
export function reviewInputs(estate: Estate): Pick<ReviewInput, "approvers" | "readPrivileges"> {
  const byId = new Map(estate.inventory.dataSources.map((d) => [d.id, d]));
  const memo = new Map<string, readonly string[]>();
  return {
    approvers: approversOf(estate),
    readPrivileges: (id) => {
      let p = memo.get(id);
      if (p === undefined) {
        const ds = byId.get(id);
        p = ds ? adapterFor(ds).privileges(ds as never, "read", estate.config).privileges : [];
        memo.set(id, p);
      }
      return p;
    },
  };
}
