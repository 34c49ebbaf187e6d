/**
 * Filters over a plan: one user, one data source, one policy, one platform or one tag out of an
 * estate of thousands. Each dimension takes several patterns (`*` any run of characters, `?` one
 * character); patterns of one dimension combine with OR, dimensions with AND. A pattern that matches
 * no name at all is a mistake, reported with the closest names, never an empty answer.
 */
import type { Estate } from "../model/estate";
import type { Issue } from "../model/issues";
import { PLATFORMS, type Platform } from "../model/schema";
import { distance } from "../model/suggest";
import type { AccessEntry, Plan } from "./types";

/** What the filters and renderers need to know of the estate around a plan. */
export interface PlanContext {
  users: readonly string[];
  dataSources: readonly DataSourceInfo[];
  policies: readonly PolicyInfo[];
}

/** A data source as filters and reports see it. */
export interface DataSourceInfo {
  id: string;
  platform: Platform;
  objectType: string;
  tags: readonly string[];
  owners: readonly string[];
}

/** A policy as filters and reports see it. */
export interface PolicyInfo {
  name: string;
  file: string;
  kind: "grant" | "guardrail";
  state: "active" | "staged";
  access: "read" | "write";
}

/** The context of a plan of `estate`. */
export function planContext(estate: Estate): PlanContext {
  return {
    users: estate.inventory.users.map((u) => u.id),
    dataSources: estate.inventory.dataSources.map((d) => ({
      id: d.id,
      platform: d.platform,
      objectType: d.objectType,
      tags: d.tags,
      owners: d.owners,
    })),
    policies: estate.policies.map((p) => ({ name: p.name, file: p.file, kind: p.kind, state: p.state, access: p.access })),
  };
}

/** Patterns per dimension, as the command line gives them (each flag repeatable). */
export interface FilterSpec {
  users?: readonly string[];
  dataSources?: readonly string[];
  policies?: readonly string[];
  platforms?: readonly string[];
  tags?: readonly string[];
}

/**
 * One dimension of filtering: its flag, the noun of its names, and the names it matches against.
 * Dimensions of `level: "dataSource"` narrow the data sources by a property of each; a new one (a
 * data domain, once data sources carry one) is one entry here, one field of `FilterSpec` and
 * `DataSourceInfo`, and one flag: the selection and the did-you-mean follow.
 */
interface Dimension {
  key: keyof FilterSpec;
  flag: string;
  noun: string;
  level: "user" | "dataSource" | "policy";
  /** Every name of the dimension in the estate. */
  names(ctx: PlanContext): Iterable<string>;
  /** For data-source dimensions: the names a data source carries. */
  of?(d: DataSourceInfo): readonly string[];
}

/** Every filter dimension, in the order errors are reported. */
export const DIMENSIONS: readonly Dimension[] = [
  { key: "users", flag: "--user", noun: "user", level: "user", names: (c) => c.users },
  {
    key: "dataSources",
    flag: "--data-source",
    noun: "data source",
    level: "dataSource",
    names: (c) => c.dataSources.map((d) => d.id),
    of: (d) => [d.id],
  },
  { key: "policies", flag: "--policy", noun: "policy", level: "policy", names: (c) => c.policies.map((p) => p.name) },
  { key: "platforms", flag: "--platform", noun: "platform", level: "dataSource", names: () => PLATFORMS, of: (d) => [d.platform] },
  {
    key: "tags",
    flag: "--tag",
    noun: "tag",
    level: "dataSource",
    names: (c) => new Set(c.dataSources.flatMap((d) => d.tags)),
    of: (d) => d.tags,
  },
];

/** A filter pattern that matches no name of its dimension. */
export class FilterError extends Error {
  constructor(
    readonly flag: string,
    readonly pattern: string,
    readonly closest: readonly string[],
    noun: string,
  ) {
    super(
      `${flag} \`${pattern}\` matches no ${noun}` +
        (closest.length ? `; closest: ${closest.map((c) => `\`${c}\``).join(", ")}` : `; the estate has no ${noun} to match`),
    );
    this.name = "FilterError";
  }
}

/** A glob pattern as a test: `*` any run of characters, `?` exactly one; everything else literal. */
export function globTest(pattern: string): (s: string) => boolean {
  if (!/[*?]/.test(pattern)) return (s) => s === pattern;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "s",
  );
  return (s) => re.test(s);
}

/** The names nearest to `pattern` (its literal part, for a glob), at most `n`, nearest first. */
export function closestNames(pattern: string, names: Iterable<string>, n = 3): string[] {
  const literal = pattern.replace(/[*?]/g, "");
  const lower = literal.toLowerCase();
  const scored: { name: string; d: number }[] = [];
  // A name containing what was written (`databricks` in `databricks-spark`) is as close as it gets.
  for (const name of names)
    scored.push({ name, d: lower.length === 0 || name.toLowerCase().includes(lower) ? 0 : distance(literal, name) });
  scored.sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, n).map((x) => x.name);
}

/** A compiled filter: predicates over users, data sources and policies. */
export interface PlanFilter {
  /** True when any dimension restricts. */
  readonly active: boolean;
  readonly restricts: { users: boolean; dataSources: boolean; policies: boolean };
  user(id: string): boolean;
  dataSource(id: string): boolean;
  policy(name: string): boolean;
  /** The users the user patterns match (every user without them). */
  readonly users: readonly string[];
  /** The data sources the data-source dimensions select (every one without them). */
  readonly dataSources: ReadonlySet<string>;
}

/**
 * Compiles `spec` against the estate: throws `FilterError` for the first pattern that matches no
 * name of its dimension, with the closest names.
 */
export function compileFilter(spec: FilterSpec, ctx: PlanContext): PlanFilter {
  const tests: Partial<Record<keyof FilterSpec, ((s: string) => boolean)[]>> = {};
  for (const dim of DIMENSIONS) {
    const patterns = spec[dim.key] ?? [];
    if (patterns.length === 0) continue;
    const names = [...dim.names(ctx)];
    tests[dim.key] = patterns.map((p) => {
      const t = globTest(p);
      if (!names.some(t)) throw new FilterError(dim.flag, p, closestNames(p, names), dim.noun);
      return t;
    });
  }
  const any = (ts: ((s: string) => boolean)[] | undefined, s: string) => ts === undefined || ts.some((t) => t(s));
  const dsDims = DIMENSIONS.filter((d) => d.level === "dataSource" && tests[d.key] !== undefined);
  const dataSources = new Set(
    ctx.dataSources.filter((d) => dsDims.every((dim) => dim.of!(d).some((n) => any(tests[dim.key], n)))).map((d) => d.id),
  );
  const users = ctx.users.filter((u) => any(tests.users, u));
  const userSet = new Set(users);
  const restricts = { users: tests.users !== undefined, dataSources: dsDims.length > 0, policies: tests.policies !== undefined };
  return {
    active: restricts.users || restricts.dataSources || restricts.policies,
    restricts,
    user: (id) => !restricts.users || userSet.has(id) || any(tests.users, id),
    dataSource: (id) => !restricts.dataSources || dataSources.has(id),
    policy: (name) => any(tests.policies, name),
    users,
    dataSources,
  };
}

const entryKept = (f: PlanFilter, e: AccessEntry) =>
  f.user(e.user) && f.dataSource(e.dataSource) && (!f.restricts.policies || e.policies.some((p) => f.policy(p)));

/**
 * Whether an issue concerns the filtered part of the estate: an issue naming data sources is kept
 * when one of them is selected; an issue in a policy file is kept when a selected policy is in it.
 */
function issueKept(f: PlanFilter, i: Issue, filesOfSelected: ReadonlySet<string> | undefined, policyFiles: ReadonlySet<string>): boolean {
  if (f.restricts.dataSources && i.dataSources && i.dataSources.length > 0 && !i.dataSources.some((d) => f.dataSource(d))) return false;
  if (filesOfSelected && i.file !== undefined && policyFiles.has(i.file) && !filesOfSelected.has(i.file)) return false;
  return true;
}

/**
 * The part of `plan` the filter selects: access entries of selected users on selected data sources
 * (through a selected policy), principals of selected policies narrowed to selected grants and
 * members, staged previews, expirations, blast radius, approvals and issues narrowed the same way.
 * Without an active filter, the plan itself.
 */
export function filterPlan(plan: Plan, f: PlanFilter, ctx: PlanContext): Plan {
  if (!f.active) return plan;
  const access = plan.access.filter((e) => entryKept(f, e));
  const principals = plan.principals
    .filter((p) => f.policy(p.policy))
    .map((p) => ({ ...p, members: p.members.filter((m) => f.user(m.user)), grants: p.grants.filter((g) => f.dataSource(g.dataSource)) }))
    .filter((p) => (!f.restricts.dataSources || p.grants.length > 0) && (!f.restricts.users || p.members.length > 0));
  const staged = plan.staged
    .filter((s) => f.policy(s.policy))
    .map((s) => {
      const entries = s.entries.filter((e) => f.user(e.user) && f.dataSource(e.dataSource));
      return { ...s, entries, users: s.users.filter((u) => f.user(u)), dataSources: s.dataSources.filter((d) => f.dataSource(d)) };
    })
    .filter((s) => s.entries.length > 0 || (s.users.length > 0 && s.dataSources.length > 0));
  // An expiration names a user and a policy: with data sources filtered, it stays when that user
  // still holds a selected data source through that policy.
  const held = new Set(access.flatMap((e) => e.policies.map((p) => `${e.user}\n${p}`)));
  const expirations = plan.expirations.filter(
    (x) => f.user(x.user) && f.policy(x.policy) && (!f.restricts.dataSources || held.has(`${x.user}\n${x.policy}`)),
  );
  const blastRadius = plan.blastRadius.filter(
    (b) => f.dataSource(b.dataSource) && f.policy(b.policy) && (!f.restricts.users || b.users.some((u) => f.user(u))),
  );
  const policyFiles = new Set(ctx.policies.map((p) => p.file));
  const filesOfSelected = f.restricts.policies ? new Set(ctx.policies.filter((p) => f.policy(p.name)).map((p) => p.file)) : undefined;
  const issues = plan.issues.filter((i) => issueKept(f, i, filesOfSelected, policyFiles));
  const out: Plan = {
    version: plan.version,
    now: plan.now,
    access,
    accessCount: access.length,
    principals,
    staged,
    expirations,
    blastRadius,
    issues,
  };
  if (plan.approvals) out.approvals = plan.approvals.filter((a) => f.user(a.user) && f.policy(a.policy));
  if (plan.guardrailEffects)
    out.guardrailEffects = plan.guardrailEffects
      .filter((g) => f.policy(g.policy))
      .map((g) => ({ ...g, users: g.users.filter((u) => f.user(u)), dataSources: g.dataSources.filter((d) => f.dataSource(d)) }))
      .filter((g) => g.users.length > 0 && g.dataSources.length > 0);
  return out;
}

/** The context narrowed to the selected data sources (the summary counts only those). */
export function narrowContext(ctx: PlanContext, f: PlanFilter): PlanContext {
  if (!f.restricts.dataSources) return ctx;
  return { ...ctx, dataSources: ctx.dataSources.filter((d) => f.dataSource(d.id)) };
}

/** A one-line description of the active filters, e.g. `--user alice --platform snowflake`. */
export function describeFilter(spec: FilterSpec): string {
  return DIMENSIONS.flatMap((d) => (spec[d.key] ?? []).map((p) => `${d.flag} ${p}`)).join(" ");
}
