/**
 * Stewardship: domains and their stewards, who may approve a policy's requests, and the rules an
 * approval must keep to grant anything (no self-approval unless allowed, a lifetime within the
 * policy's `maxDuration`). Pure: resolution, explanation, validation and the CLI share these rules.
 *
 * Every rule here only ever takes access away: an approval that breaks one grants nothing. A
 * reference to a user who has left the inventory is a warning, never an error, so removing a person
 * always plans and deploys.
 */
import type { Approval, ApproverSet, Config, DataSource, Domain, DomainRule, Inventory, Policy, User } from "./schema";
import { DataSourceIndex } from "./select";

/** Everything the approval rules need from an estate, indexed once. */
export interface StewardshipContext {
  usersById: ReadonlyMap<string, Pick<User, "groups">>;
  domainsById: ReadonlyMap<string, Domain>;
  /** The domain of a data source, by id: its own `domain`, else the first matching rule. */
  domainOf(ds: DataSource): string | undefined;
  /** The data sources a policy selects. */
  selected(p: Policy): DataSource[];
}

const contexts = new WeakMap<object, WeakMap<object, StewardshipContext>>();
const NO_CONFIG = {};

/** The stewardship context of an estate (cached per inventory and configuration object). */
export function stewardshipContext(inventory: Inventory, config?: Pick<Config, "stewardship">): StewardshipContext {
  const key = config ?? NO_CONFIG;
  let byConfig = contexts.get(inventory);
  if (!byConfig) contexts.set(inventory, (byConfig = new WeakMap()));
  const hit = byConfig.get(key);
  if (hit) return hit;
  // As resolution indexes them: with duplicate ids (an invalid estate), the last definition wins.
  const usersById = new Map<string, User>(inventory.users.map((u) => [u.id, u]));
  const domainsById = new Map<string, Domain>();
  for (const d of inventory.domains ?? []) if (!domainsById.has(d.id)) domainsById.set(d.id, d);
  const rules = config?.stewardship?.domainRules ?? [];
  // Built on first use: most callers of the context never select data sources.
  let index: DataSourceIndex | undefined;
  const selections = new WeakMap<Policy, DataSource[]>();
  const ctx: StewardshipContext = {
    usersById,
    domainsById,
    domainOf: (ds) => ds.domain ?? rules.find((r) => ruleMatches(r, ds))?.domain,
    selected: (p) => {
      let s = selections.get(p);
      if (!s) selections.set(p, (s = (index ??= new DataSourceIndex(inventory.dataSources)).select(p.dataSources)));
      return s;
    },
  };
  byConfig.set(key, ctx);
  return ctx;
}

/** True when every location key the rule gives equals the data source's. */
export function ruleMatches(rule: DomainRule, ds: DataSource): boolean {
  if (rule.platform !== undefined && rule.platform !== ds.platform) return false;
  const loc = ds.location as Record<string, string | undefined>;
  const keys = ["database", "catalog", "schema", "project", "dataset", "bucket"] as const;
  let any = rule.platform !== undefined;
  for (const k of keys) {
    const want = rule[k];
    if (want === undefined) continue;
    any = true;
    if (loc[k] !== want) return false;
  }
  return any;
}

/** True when `user` is one of these users or a member of one of these groups (and in the inventory). */
function named(user: string, users: readonly string[], groups: readonly string[], usersById: StewardshipContext["usersById"]): boolean {
  const u = usersById.get(user);
  if (!u) return false;
  return users.includes(user) || u.groups.some((g) => groups.includes(g));
}

/** True when `user` is a steward of the domain. */
export function isSteward(user: string, domain: Domain | undefined, usersById: StewardshipContext["usersById"]): boolean {
  return !!domain && named(user, domain.stewards.users, domain.stewards.groups, usersById);
}

/**
 * The domains whose stewards approve for a policy: its own domain, or for a global policy every
 * domain of the data sources it selects (undefined for a source in no domain, which no steward covers).
 */
export function stewardDomains(p: Policy, ctx: StewardshipContext): (string | undefined)[] {
  if (p.domain !== undefined) return [p.domain];
  return [...new Set(ctx.selected(p).map((d) => ctx.domainOf(d)))];
}

/**
 * True when `user` may approve requests of the policy: a listed user, a member of a listed group,
 * with `owners` an owner of every data source it selects, with `stewards` a steward of every
 * domain involved. Only a user in the inventory may approve.
 */
export function mayApprove(user: string, p: Policy, ctx: StewardshipContext): boolean {
  if (p.restriction.level !== "approval") return false;
  const a: ApproverSet = p.restriction.approvers;
  if (!ctx.usersById.has(user)) return false;
  if (named(user, a.users, a.groups, ctx.usersById)) return true;
  const sources = ctx.selected(p);
  if (a.owners && sources.length > 0 && sources.every((d) => d.owners.includes(user))) return true;
  if (a.stewards) {
    const domains = stewardDomains(p, ctx);
    if (domains.length > 0 && domains.every((d) => d !== undefined && isSteward(user, ctx.domainsById.get(d), ctx.usersById))) return true;
  }
  return false;
}

/** Every user of the inventory who may approve the policy's requests, sorted. */
export function approversOf(p: Policy, ctx: StewardshipContext): string[] {
  return [...ctx.usersById.keys()].filter((u) => mayApprove(u, p, ctx)).sort();
}

/** A pending request with who may approve it. */
export interface PendingRequest {
  policy: string;
  user: string;
  requestedAt: string;
  until?: string;
  reason?: string;
  approvers: string[];
}

/** Every pending request of the estate's approval policies, by policy then user, with who may approve each. */
export function pendingRequests(estate: {
  policies: readonly Policy[];
  inventory: Inventory;
  config?: Pick<Config, "stewardship">;
}): PendingRequest[] {
  const ctx = stewardshipContext(estate.inventory, estate.config);
  const out: PendingRequest[] = [];
  for (const p of estate.policies) {
    const r = p.restriction;
    if (r.level !== "approval" || !r.requests?.length) continue;
    const approvers = approversOf(p, ctx);
    for (const q of r.requests) {
      out.push({
        policy: p.name,
        user: q.user,
        requestedAt: q.requestedAt,
        ...(q.until !== undefined ? { until: q.until } : {}),
        ...(q.reason !== undefined ? { reason: q.reason } : {}),
        approvers: approvers.filter((u) => u !== q.user || !!r.allowSelfApproval),
      });
    }
  }
  return out.sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

/** Milliseconds of an ISO 8601 duration in weeks, days, hours, minutes and seconds (`P90D`). */
export function durationMs(d: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(d);
  if (!m) return NaN;
  const [w, dd, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number];
  return (((w * 7 + dd) * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

/** The latest `expiresAt` the policy's `maxDuration` allows for an approval given at `approvedAt`. */
export function latestExpiry(approvedAt: string, maxDuration: string): string {
  return new Date(Date.parse(approvedAt) + durationMs(maxDuration)).toISOString().replace(/\.000Z$/, "Z");
}

/** A rule an approval breaks on its own (without the inventory): self-approval or lifetime. */
export interface ApprovalDefect {
  code: "self-approval" | "approval-exceeds-max-duration";
  message: string;
  help: string;
  /** The key of the approval the defect is at. */
  at: "approvedBy" | "expiresAt" | undefined;
}

/** The rules the approval breaks; empty when it keeps them all. */
export function approvalDefects(p: Policy, a: Approval): ApprovalDefect[] {
  const r = p.restriction;
  if (r.level !== "approval") return [];
  const out: ApprovalDefect[] = [];
  if (a.approvedBy === a.user && !r.allowSelfApproval) {
    out.push({
      code: "self-approval",
      message: `\`${a.user}\` approved their own request to policy \`${p.name}\``,
      help: "ask another approver to approve it; set `approval.allowSelfApproval: true` only if approvers may grant themselves access; this approval grants nothing",
      at: "approvedBy",
    });
  }
  if (r.maxDuration !== undefined) {
    const latest = latestExpiry(a.approvedAt, r.maxDuration);
    if (a.expiresAt === undefined) {
      out.push({
        code: "approval-exceeds-max-duration",
        message: `approval of \`${a.user}\` never expires, but policy \`${p.name}\` allows approvals of at most \`${r.maxDuration}\``,
        help: `set \`expiresAt\` no later than \`${latest}\` (\`approvedAt\` plus \`${r.maxDuration}\`); this approval grants nothing`,
        at: undefined,
      });
    } else if (Date.parse(a.expiresAt) > Date.parse(latest)) {
      out.push({
        code: "approval-exceeds-max-duration",
        message: `approval of \`${a.user}\` lasts longer than the \`${r.maxDuration}\` policy \`${p.name}\` allows`,
        help: `the latest allowed \`expiresAt\` is \`${latest}\` (\`approvedAt\` plus \`${r.maxDuration}\`); this approval grants nothing`,
        at: "expiresAt",
      });
    }
  }
  return out;
}

/**
 * True when the approval may grant access: its approver may approve the policy and it keeps every
 * approval rule. Without a context, only listed users and groups count as approvers (fail-safe:
 * owners and stewards then approve nothing).
 */
export function approvalCounts(
  p: Policy,
  a: Approval,
  usersById: ReadonlyMap<string, Pick<User, "groups">>,
  ctx?: StewardshipContext,
): boolean {
  const r = p.restriction;
  if (r.level !== "approval") return false;
  const may = ctx ? mayApprove(a.approvedBy, p, ctx) : named(a.approvedBy, r.approvers.users, r.approvers.groups, usersById);
  return may && approvalDefects(p, a).length === 0;
}
