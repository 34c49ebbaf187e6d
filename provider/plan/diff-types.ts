/**
 * The types of an effective-access diff (see diff.ts): access changes, principal changes, resource
 * changes and the summary.
 */
import type { Issue } from "../model/issues";
import type { AccessType, Platform } from "../model/schema";
import type { Expiration } from "../resolve/resolve";
import type {
  AccessEntry,
  BlastRadius,
  PlanApproval,
  PlanRequest,
  PrincipalGrant,
  PrincipalGroup,
  PrincipalMember,
  StagedPolicy,
} from "./types";

/** How one user's access to one data source changed. */
export type AccessChangeKind = "gained" | "changed" | "lost";

/** One user's change of access on one data source. */
export interface AccessChange {
  /** Stable id: `<user>|<data source>`. */
  id: string;
  kind: AccessChangeKind;
  user: string;
  dataSource: string;
  platform: Platform;
  objectType: string;
  /** The base's entry; absent when access is gained. */
  before?: AccessEntry;
  /** The head's entry; absent when access is lost. */
  after?: AccessEntry;
  /** Object privileges added and removed (sorted). */
  privileges: { added: string[]; removed: string[] };
  /** Present when the access type changed (read <-> write). */
  access?: { from: AccessType; to: AccessType };
  /** Justifying policies that appeared or disappeared (sorted). */
  policies: { added: string[]; removed: string[] };
  /**
   * What caused the change (sorted): for a gain, the head's policies; for a loss, each base policy, or
   * the guardrail that now blocks it; for a change, the policies added and removed (a removed one
   * replaced by its blocking guardrail) and the guardrails that downgrade it, else the head's policies.
   */
  responsible: string[];
  /** Guardrails of the head that now block a base policy here, or downgrade a head policy to read. */
  guardrails?: GuardrailCause[];
  /** The head's approvals behind policies this change adds (who approved, when, until when). */
  approvals?: PlanApproval[];
  /**
   * The synced groups the head's policies this change adds reach the user through: joining such a
   * group in the identity provider gives the access, with no change to any resource.
   */
  syncedGroups?: { policy: string; group: string }[];
  /** Present when the instant the access ends changed; an absent side means "never". */
  expiry?: { from?: string; to?: string };
  /** Lost because every justifying subscription ended by the head's instant. */
  expired?: boolean;
  /** True when this change gives the user access, privileges or time they did not have. */
  widens: boolean;
}

/** A guardrail that keeps a user from what a policy selects. */
export interface GuardrailCause {
  guardrail: string;
  effect: "blocked" | "downgraded";
  policy: string;
}

/** A grant of a principal, changed in place. */
export interface GrantChange {
  dataSource: string;
  object: string;
  privileges: { added: string[]; removed: string[] };
}

/** One principal (role, group) created, updated or deleted. */
export interface PrincipalChange {
  /** The principal's stable id (`<platform>:<cohort key>`). */
  id: string;
  kind: "created" | "updated" | "deleted";
  platform: Platform;
  policy: string;
  /** The platform name of the role or group (the head's, unless deleted). */
  name: string;
  /** Present when the platform name changed. */
  renamed?: { from: string; to: string };
  /** Members of their own added and removed (a user reached through a synced group is no membership). */
  members: { added: PrincipalMember[]; removed: PrincipalMember[] };
  /** Synced groups granted or no longer granted the principal; absent when none changed. */
  groups?: { added: PrincipalGroup[]; removed: PrincipalGroup[] };
  grants: { added: PrincipalGrant[]; changed: GrantChange[]; removed: PrincipalGrant[] };
}

/** Counts of Pulumi resources to create, update and delete. */
export interface ResourceCounts {
  create: number;
  update: number;
  delete: number;
}

/** The Pulumi resources to create, update and delete, as `type::name` (what `pulumi preview` will show). */
export interface ResourceDiff {
  create: string[];
  update: string[];
  delete: string[];
}

/** A registered resource, as the components register it under mocks (structural: plan/ imports no Pulumi). */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** A grant to an IAM principal that reaches people no policy names, new or wider in the head. */
export interface PrincipalReach extends BlastRadius {
  /** People behind the principal who could not use this grant in the base (all of them when it is new). */
  newlyReached: string[];
}

/** Who a change reaches. */
export interface BlastRadiusDiff {
  /** Users whose access widens, through a policy or through a principal they can use (sorted). */
  users: string[];
  /** Data sources on which access widens (sorted). */
  dataSources: string[];
  /** The plan's blast radius (grants to shared or over-provisioned IAM principals) where the head reaches more people. */
  principals: PrincipalReach[];
}

/** Staged policies that appeared, disappeared or changed what they would grant. */
export interface StagedChanges {
  added: StagedPolicy[];
  changed: { policy: string; before: StagedPolicy; after: StagedPolicy }[];
  removed: StagedPolicy[];
}

/** An upcoming expiration in the head, flagged when the base did not schedule it. */
export interface UpcomingExpiration extends Expiration {
  new: boolean;
}

/** Totals for a one-line summary. */
export interface DiffSummary {
  gained: number;
  changed: number;
  lost: number;
  newWarnings: number;
  newErrors: number;
  widens: boolean;
}

/** The effective-access diff of two plans. */
export interface PlanDiff {
  version: 1;
  /** The instants the two plans were evaluated at. */
  baseNow: string;
  now: string;
  summary: DiffSummary;
  /** Gains, then changes, then losses; each by user, then data source. */
  access: AccessChange[];
  blastRadius: BlastRadiusDiff;
  /** Principals created, updated, deleted: a proxy for resource changes until plans list resources. */
  principals: PrincipalChange[];
  /** Principals + object grants + memberships, counted from `principals`. */
  estimatedResources: ResourceCounts;
  /** The Pulumi resources to create, update and delete (absent with `--no-resources`). */
  resources?: ResourceDiff;
  staged: StagedChanges;
  /** The head's upcoming expirations, soonest first. */
  expirations: UpcomingExpiration[];
  /** Approvals in force in the head but not the base, and the other way round (by policy, then user). */
  approvals: { added: PlanApproval[]; removed: PlanApproval[] };
  /** Pending requests opened in the head, and requests of the base no longer pending (approved or withdrawn); absent when none. */
  requests?: { added: PlanRequest[]; removed: PlanRequest[] };
  /** Issues in the head but not the base (by code and message). */
  newIssues: Issue[];
  /** Issues in the base that the head no longer has. */
  resolvedIssues: Issue[];
}
