/**
 * The grant plan: a typed, serialisable description of effective access and of the principals that
 * materialise it. JSON version 1 is a contract: extend it, never break it.
 */
import type { Issue } from "../model/issues";
import type { AccessType, Platform } from "../model/schema";
import type { Expiration } from "../resolve/resolve";
import type { BlastRadius } from "../platforms/types";

export type { BlastRadius };

/** A privilege on a parent object, as shown in an access entry. */
export interface EntryParent {
  object: string;
  privileges: string[];
}

/** What one user holds on one data source, and why. */
export interface AccessEntry {
  user: string;
  dataSource: string;
  platform: Platform;
  objectType: string;
  /** The strongest access the user holds there. */
  access: AccessType;
  /** Sorted, upper case: the object's own privileges. */
  privileges: string[];
  parents: EntryParent[];
  /** The policies that justify it (sorted). */
  policies: string[];
  /** The object the privileges land on (the managed view on view-based platforms). */
  object: string;
  /** When every justifying subscription expires: the instant this access ends. */
  expiresAt?: string;
  /** Platform extras: S3 `accessLevel` and `actions`, Trino `operations`. */
  [extra: string]: unknown;
}

/** One object grant of a principal. */
export interface PrincipalGrant {
  dataSource: string;
  objectType: string;
  /** Securable kind as the platform names it. */
  kind: string;
  object: string;
  privileges: string[];
  parents: { kind: string; object: string; privileges: string[] }[];
  extras: Record<string, unknown>;
}

/** A member of a principal, by the identity the platform knows them by. */
export interface PrincipalMember {
  user: string;
  identity: string;
  expiresAt?: string;
  /**
   * The synced group the user is a member through: the identity provider manages that membership,
   * so it is no grant or resource of its own (absent: a membership of the user's own).
   */
  group?: string;
}

/** A synced group that is a member of a principal: its members hold the principal's access. */
export interface PrincipalGroup {
  /** The group's id in the inventory. */
  group: string;
  /** The group as the platform names it: the group's role, account group, directory group id or IAM member. */
  identity: string;
}

/** A role or group that materialises one cohort on one platform. */
export interface Principal {
  /** Stable id: `<platform>:<cohort key>`. */
  id: string;
  platform: Platform;
  policy: string;
  cohort: string;
  access: AccessType;
  guardrails: string[];
  /** The platform name of the role or group. */
  name: string;
  /** Every user the principal reaches, with those reached through a synced group marked so. */
  members: PrincipalMember[];
  /** Synced groups granted the principal (absent when every member is one of its own). */
  groups?: PrincipalGroup[];
  grants: PrincipalGrant[];
}

/** What a staged policy would grant once activated. */
export interface StagedPolicy {
  policy: string;
  access: AccessType;
  /** Users who would gain or change access (sorted). */
  users: string[];
  /** Data sources they would gain or change it on (sorted). */
  dataSources: string[];
  /**
   * The access entries naming this policy in the plan of the same estate and instant with the policy
   * active: every entry its activation adds or changes, as that plan would show it (by user, then data source).
   */
  entries: AccessEntry[];
}

/** An approval in force at the plan's instant, through an active approval policy. */
export interface PlanApproval {
  policy: string;
  user: string;
  approvedBy: string;
  approvedAt: string;
  /** Absent when the approval never expires. */
  expiresAt?: string;
}

/** A pending request for access through an approval policy: it grants nothing until approved. */
export interface PlanRequest {
  policy: string;
  user: string;
  requestedAt: string;
  /** When the requester wants access to end. */
  until?: string;
  reason?: string;
  /** The users who may approve it (sorted); the requester only when the policy allows self-approval. */
  approvers: string[];
}

/** Subscribers of an active grant policy whom guardrails block or downgrade on some of its data sources. */
export interface PlanGuardrailEffect {
  policy: string;
  effect: "blocked" | "downgraded";
  /** The guardrails these users fail (sorted). */
  guardrails: string[];
  users: string[];
  dataSources: string[];
}

/** The plan of an estate at one instant. */
export interface Plan {
  version: 1;
  now: string;
  /** Built on first use from a compact form (the Pulumi components never need it). */
  access: AccessEntry[];
  /** The number of access entries, without building them. */
  accessCount: number;
  principals: Principal[];
  staged: StagedPolicy[];
  /** Subscriptions that end after `now`, soonest first. */
  expirations: Expiration[];
  /** Grants to IAM principals: everyone who can use them, and who is over-provisioned. */
  blastRadius: BlastRadius[];
  issues: Issue[];
  /** Approvals in force, by policy then user (the diff shows who approved what, and until when). */
  approvals?: PlanApproval[];
  /** Pending requests, by policy then user; absent when there are none. */
  requests?: PlanRequest[];
  /** Who guardrails keep from what their policies select (the diff blames lost access on them). */
  guardrailEffects?: PlanGuardrailEffect[];
}
