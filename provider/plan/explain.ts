/**
 * Why a user has, or lacks, access: every policy's verdict on the user, the condition tree with the
 * value of each node, approvals and selections with their expiry, the guardrails that gate each
 * grant, and the identities the platforms need. Built on the resolver's own functions (`matches`,
 * `inForce`, `subscribersOf`, which `resolve`'s bitset evaluation is property-tested against) and its
 * cohorts, so it can never disagree with a plan.
 */
import type { Estate } from "../model/estate";
import type { AccessType, Condition, DataSource, Identities, Platform, Policy, User } from "../model/schema";
import { approvalDefects, approversOf, mayApprove, stewardshipContext, type StewardshipContext } from "../model/stewardship";
import { bind } from "../platforms";
import { foldIdentifier } from "../platforms/types";
import { type Subscription, inForce, matches, resolve } from "../resolve/resolve";
import { planFromResolution } from "./build";
import type { AccessEntry, BlastRadius } from "./types";

/** One node of a condition tree, evaluated for the user. */
export interface ConditionNode {
  /** `group`, `attribute`, `anyOf` or `allOf`. */
  op: "group" | "attribute" | "anyOf" | "allOf";
  /** The group or attribute name. */
  name?: string;
  /** The attribute values the condition accepts. */
  values?: string[];
  /** The user's values of the attribute. */
  has?: string[];
  holds: boolean;
  children: ConditionNode[];
}

/** One approval of the user, judged. */
export interface ApprovalVerdict {
  approvedBy: string;
  approvedAt: string;
  expiresAt?: string;
  /** Whether the approver is allowed to approve for this policy. */
  mayApprove: boolean;
  /** The approval rules it breaks (`self-approval`, `approval-exceeds-max-duration`): it then grants nothing. */
  breaks?: string[];
  status: "in force" | "expired" | "not yet in force";
}

/** A pending request of the user: it grants nothing until approved. */
export interface RequestVerdict {
  requestedAt: string;
  until?: string;
  reason?: string;
  /** The users who may approve it. */
  approvers: string[];
}

/** How the policy's restriction level judged the user. */
export type RestrictionVerdict =
  | { level: "anyone" }
  | { level: "conditions"; tree: ConditionNode }
  | {
      level: "approval";
      approvers: { users: string[]; groups: string[]; owners?: boolean; stewards?: boolean };
      approvals: ApprovalVerdict[];
      requests?: RequestVerdict[];
    }
  | { level: "users"; selectedCount: number; selections: { expiresAt?: string; inForce: boolean }[] };

/** What a grant policy that admits the user gives on one data source. */
export interface GrantOutcome {
  dataSource: string;
  platform: Platform;
  /**
   * `granted`: the user holds `access` through this policy; `downgraded`: a write guardrail limits
   * it to read; `blocked`: a read guardrail the user fails; `staged`: the policy grants nothing yet;
   * `no-identity`: the user has no identity on the platform; `nothing-issued`: the platform issues
   * no privilege for this access on this object.
   */
  result: "granted" | "downgraded" | "blocked" | "staged" | "no-identity" | "nothing-issued";
  access: AccessType;
  privileges: string[];
  /** The guardrails gating this grant on this data source, and whether the user passes each. */
  gates: { guardrail: string; passes: boolean }[];
  /** The identity the platform knows the user by. */
  identity: { key: keyof Identities; value?: string };
  /** Why the platform issues nothing, in its own words. */
  notes: string[];
  /**
   * The synced group the access comes through: the identity provider manages its membership, so it
   * changes between deploys without a `pulumi up` (the plan shows membership as of the inventory).
   * On a `no-identity` outcome: the group that reaches the user whenever the platform has their account.
   */
  through?: { group: string; identity: string };
}

/** One policy's verdict on the user. */
export interface PolicyVerdict {
  policy: string;
  kind: Policy["kind"];
  access: AccessType;
  state: Policy["state"];
  file: string;
  /** Whether the restriction level admits the user at `now` (for a guardrail: whether the user passes). */
  admits: boolean;
  /** The subscription that admits the user, with its expiry. */
  subscription?: Subscription;
  restriction: RestrictionVerdict;
  /** The data sources in scope the policy selects (sorted). */
  dataSources: string[];
  /** For grant policies that admit the user: the result on each selected data source in scope. */
  outcomes: GrantOutcome[];
}

/** Why a user has or lacks access, on one data source or everywhere. */
export interface Explanation {
  now: string;
  user: string;
  /** The data source asked about; absent for "everywhere". */
  dataSource?: string;
  /** The user's effective access in scope, as the plan gives it. */
  access: AccessEntry[];
  /** Active and staged grant policies in scope, admitting ones first. */
  grants: PolicyVerdict[];
  /** Active guardrails in scope. */
  guardrails: PolicyVerdict[];
  /** Grants to IAM principals in scope that the user can use (the plan's blast radius). */
  principals: BlastRadius[];
}

/** The reasons `explain` cannot answer: an unknown user or data source. */
export class UnknownNameError extends Error {
  constructor(
    readonly what: "user" | "data source",
    readonly value: string,
    readonly known: readonly string[],
  ) {
    super(`unknown ${what} \`${value}\``);
  }
}

function conditionNode(c: Condition, u: User): ConditionNode {
  const holds = matches(c, u);
  if ("group" in c) return { op: "group", name: c.group, holds, children: [] };
  if ("attribute" in c)
    return { op: "attribute", name: c.attribute, values: c.values, has: u.attributes[c.attribute] ?? [], holds, children: [] };
  if ("anyOf" in c) return { op: "anyOf", holds, children: c.anyOf.map((x) => conditionNode(x, u)) };
  return { op: "allOf", holds, children: c.allOf.map((x) => conditionNode(x, u)) };
}

function restrictionVerdict(p: Policy, u: User, ctx: StewardshipContext, now: number): RestrictionVerdict {
  const r = p.restriction;
  switch (r.level) {
    case "anyone":
      return { level: "anyone" };
    case "conditions":
      return { level: "conditions", tree: conditionNode(r.when, u) };
    case "users":
      return {
        level: "users",
        selectedCount: new Set(r.users.map((s) => s.user)).size,
        selections: r.users
          .filter((s) => s.user === u.id)
          .map((s) => ({
            ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
            inForce: inForce(now, undefined, s.expiresAt),
          })),
      };
    case "approval": {
      const requests = (r.requests ?? []).filter((q) => q.user === u.id);
      const approvers = requests.length > 0 ? approversOf(p, ctx).filter((x) => x !== u.id || r.allowSelfApproval) : [];
      return {
        level: "approval",
        approvers: r.approvers,
        approvals: r.approvals
          .filter((a) => a.user === u.id)
          .map((a) => {
            const breaks = approvalDefects(p, a).map((d) => d.code);
            return {
              approvedBy: a.approvedBy,
              approvedAt: a.approvedAt,
              ...(a.expiresAt !== undefined ? { expiresAt: a.expiresAt } : {}),
              mayApprove: mayApprove(a.approvedBy, p, ctx),
              ...(breaks.length > 0 ? { breaks } : {}),
              status: inForce(now, a.approvedAt, a.expiresAt)
                ? "in force"
                : Date.parse(a.approvedAt) > now
                  ? "not yet in force"
                  : "expired",
            };
          }),
        ...(requests.length > 0
          ? {
              requests: requests.map((q) => ({
                requestedAt: q.requestedAt,
                ...(q.until !== undefined ? { until: q.until } : {}),
                ...(q.reason !== undefined ? { reason: q.reason } : {}),
                approvers,
              })),
            }
          : {}),
      };
    }
  }
}

/** Explains `userId`'s access to `dataSourceId` (or to every data source) at `now`. */
export function explain(estate: Estate, userId: string, dataSourceId: string | undefined, now: Date | string): Explanation {
  const { inventory, config } = estate;
  const usersById = new Map(inventory.users.map((u) => [u.id, u]));
  const user = usersById.get(userId);
  if (!user) throw new UnknownNameError("user", userId, [...usersById.keys()]);
  const dsById = new Map(inventory.dataSources.map((d) => [d.id, d]));
  if (dataSourceId !== undefined && !dsById.has(dataSourceId)) throw new UnknownNameError("data source", dataSourceId, [...dsById.keys()]);
  const inScope = (d: DataSource) => dataSourceId === undefined || d.id === dataSourceId;

  const resolution = resolve(estate, now);
  const stewardship = stewardshipContext(inventory, estate.config);
  const nowMs = Date.parse(resolution.now);
  const plan = planFromResolution(estate, resolution);
  const passes = new Map(resolution.guardrails.map((g) => [g.policy.name, g.subscribers.some((s) => s.user === userId)]));
  // The synced group the user reaches a cohort's principal on a data source through, if any.
  const syncedGroupOf = (cohort: string, ds: DataSource): { group: string; identity: string } | undefined => {
    for (const pr of plan.principals) {
      if (pr.cohort !== cohort || pr.platform !== ds.platform || !pr.groups) continue;
      if (!pr.grants.some((g) => g.dataSource === ds.id)) continue;
      // A user without the platform identity is no member of the principal: the synced group of
      // theirs that the principal has reaches them whenever the platform has their account.
      const member = pr.members.find((m) => m.user === userId);
      const group = member ? member.group : pr.groups.find((x) => user.groups.includes(x.group))?.group;
      const g = group === undefined ? undefined : pr.groups.find((x) => x.group === group);
      if (g) return g;
    }
    return undefined;
  };

  const verdict = (pr: (typeof resolution.grants)[number], staged: boolean): PolicyVerdict | undefined => {
    const selected = pr.dataSources.filter(inScope);
    if (dataSourceId !== undefined && selected.length === 0) return undefined;
    const subscription = pr.subscribers.find((s) => s.user === userId);
    const p = pr.policy;
    const v: PolicyVerdict = {
      policy: p.name,
      kind: p.kind,
      access: p.access,
      state: p.state,
      file: p.file,
      admits: subscription !== undefined,
      ...(subscription ? { subscription } : {}),
      restriction: restrictionVerdict(p, user, stewardship, nowMs),
      dataSources: selected.map((d) => d.id),
      outcomes: [],
    };
    if (!subscription || p.kind !== "grant") return v;
    for (const ds of selected) {
      const a = bind(ds, config);
      const key = a.identityKey();
      const identity = { key, ...(user.identities[key] ? { value: foldIdentifier(user.identities[key], a.identifierCase.users) } : {}) };
      // A staged policy is explained by the cohorts it would have if active (same guardrails, same
      // tables): it would grant only where an active one would, and then grants nothing yet.
      const cohorts = (staged ? resolution.stagedCohorts : resolution.cohorts).filter(
        (c) => c.policy === p.name && c.dataSources.some((d) => d.id === ds.id),
      );
      const gates = (cohorts[0]?.guardrails ?? []).map((g) => ({ guardrail: g, passes: passes.get(g) ?? false }));
      const cohort = cohorts.find((c) => c.members.some((m) => m.user === userId));
      if (!cohort) {
        v.outcomes.push({
          dataSource: ds.id,
          platform: ds.platform,
          result: "blocked",
          access: p.access,
          privileges: [],
          gates,
          identity,
          notes: [],
        });
        continue;
      }
      const got = a.privileges(cohort.access);
      const would =
        got.privileges.length === 0
          ? "nothing-issued"
          : !identity.value
            ? "no-identity"
            : cohort.access !== p.access
              ? "downgraded"
              : "granted";
      const result = staged && (would === "granted" || would === "downgraded") ? "staged" : would;
      const through = staged ? undefined : syncedGroupOf(cohort.key, ds);
      v.outcomes.push({
        dataSource: ds.id,
        platform: ds.platform,
        result,
        access: cohort.access,
        privileges: [...got.privileges],
        gates,
        identity,
        notes: got.notes.map((n) => n.message),
        ...(through ? { through } : {}),
      });
    }
    return v;
  };

  const admitsFirst = (a: PolicyVerdict, b: PolicyVerdict) => Number(b.admits) - Number(a.admits) || (a.policy < b.policy ? -1 : 1);
  const grants = [...resolution.grants.map((g) => verdict(g, false)), ...resolution.staged.map((g) => verdict(g, true))].filter(
    (v): v is PolicyVerdict => v !== undefined,
  );
  grants.sort((a, b) => Number(a.state === "staged") - Number(b.state === "staged") || admitsFirst(a, b));
  const guardrails = resolution.guardrails.map((g) => verdict(g, false)).filter((v): v is PolicyVerdict => v !== undefined);
  guardrails.sort(admitsFirst);

  return {
    now: resolution.now,
    user: userId,
    ...(dataSourceId !== undefined ? { dataSource: dataSourceId } : {}),
    access: plan.access.filter((e) => e.user === userId && (dataSourceId === undefined || e.dataSource === dataSourceId)),
    grants,
    guardrails,
    principals: plan.blastRadius.filter((b) => (dataSourceId === undefined || b.dataSource === dataSourceId) && b.users.includes(userId)),
  };
}
