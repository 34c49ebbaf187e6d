/**
 * The adapter contract: each platform declares its privilege tables as typed data and how it names
 * principals and objects. Shared code only calls these members; it never branches on a platform.
 */
import type { Issue } from "../model/issues";
import type { AccessType, Config, DataSource, DataSourceOf, Identities, Inventory, Platform, Policy, User } from "../model/schema";

/** A warning an adapter raises about one (data source, access) pair. */
export interface Note {
  code: string;
  message: string;
  help: string;
}

/** Privileges an access type yields on one object, before naming. */
export interface Privileges {
  /** Sorted, upper case; empty when the platform issues nothing. */
  privileges: readonly string[];
  notes: readonly Note[];
}

/** A privilege on a parent object (schema, database, catalog) granted with any object privilege. */
export interface ParentGrant {
  /** Kind of parent, as the platform's GRANT statement names it (`DATABASE`, `SCHEMA`, `CATALOG`). */
  kind: string;
  object: string;
  privileges: readonly string[];
}

/** Where privileges land for one data source: the object itself, or the managed view for view-based platforms. */
export interface Target {
  /** Kind of securable, as the platform names it (`TABLE`, `VIEW`, `BUCKET`...). */
  kind: string;
  /** Fully qualified, display name of the object privileges apply to. */
  object: string;
  parents: readonly ParentGrant[];
}

/** How a platform enforces access. */
export type Enforcement = "grants" | "views" | "cluster" | "access-grants";

/** Who can use one IAM principal that a grant goes to, and whom no policy justifies. */
export interface BlastRadius {
  platform: Platform;
  /** The principal the grant names (an IAM role ARN). */
  principal: string;
  dataSource: string;
  policy: string;
  /** Every user who can use the principal, sorted. */
  users: string[];
  /** Users behind the principal whom no policy justifies on the data source: over-provisioned. */
  overProvisioned: string[];
  /** True for shared roles: whoever joins the role later gains the access without approval. */
  futureMembersBypassApproval: boolean;
}

/** What an adapter's audit sees: its platform's principals and the estate around them. */
export interface AuditInput {
  principals: readonly {
    policy: string;
    name: string;
    members: readonly { user: string; identity: string }[];
    grants: readonly { dataSource: string; privileges: readonly string[] }[];
  }[];
  /** Users holding access per data source (from every policy), to tell justified from over-provisioned. */
  holders: ReadonlyMap<string, ReadonlySet<string>>;
  inventory: Inventory;
  config: Config;
  policies: ReadonlyMap<string, Policy>;
  sources: ReadonlyMap<string, DataSource>;
}

/** Findings of an adapter's audit: issues, and the blast radius of grants to shared principals. */
export interface AuditResult {
  issues: Issue[];
  blastRadius: BlastRadius[];
}

/** One platform's adapter. */
export interface PlatformAdapter<P extends Platform = Platform> {
  readonly platform: P;
  /** Human name, e.g. `Databricks Unity Catalog`. */
  readonly title: string;
  /** Whether write policies can issue write privileges on any object type. */
  readonly supportsWrite: boolean;
  readonly enforcement: Enforcement;
  /** Which identity of a user the platform knows them by (without `ds`: the estate's default). */
  readonly identityKey: (config: Config, ds?: DataSourceOf<P>) => keyof Identities;
  /** Privileges `access` yields on `ds`, from the platform's tables. */
  privileges(ds: DataSourceOf<P>, access: AccessType, config: Config): Privileges;
  /** A key such that data sources with equal keys get equal `privileges` (for memoising). */
  tableKey(ds: DataSourceOf<P>): string;
  /** Where the privileges land. */
  target(ds: DataSourceOf<P>, config: Config): Target;
  /** Combines privilege sets that several policies give one user on one object. */
  merge(a: readonly string[], b: readonly string[]): readonly string[];
  /** The atomic operations a privilege stands for (S3 access levels expand to actions). */
  implied(privilege: string): readonly string[];
  /** Platform-specific fields of an access entry (S3: `accessLevel`, `actions`; Trino: `operations`); a function of `tableKey(ds)` and `privileges` only, since plans memoise it. */
  extras(ds: DataSourceOf<P>, privileges: readonly string[], config: Config): Record<string, unknown>;
  /** The name of the principal (role, group) materialising a cohort. */
  principalName(cohortKey: string, config: Config): string;
  /** Platform rules over the whole plan (S3: principal modes, shared roles, role quotas). */
  audit?(input: AuditInput): AuditResult;
}

/** Sorted, de-duplicated union of privilege lists. */
export function union(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

/** Identity: most privileges stand only for themselves. */
export const selfImplied = (p: string): readonly string[] => [p];

/** Snowflake-style identifier for generated names: upper case, non-word characters to `_`. */
export function upperIdent(prefix: string, key: string): string {
  return `${prefix}${key}`.toUpperCase().replace(/[^A-Z0-9_$]/g, "_");
}

/** Group-style name for generated principals: lower case, `~` (guardrail suffix) to `-`. */
export function groupName(prefix: string, key: string): string {
  return `${prefix}${key}`.replace(/~/g, "--");
}

/** Builds the read/write table type of a platform: every object type maps both access types. */
export type PrivilegeTable<T extends string, Priv extends string> = Record<
  T,
  { read: readonly Priv[]; write: readonly Priv[] }
>;

/** The user-facing id of who a subscription reaches (used for identity lookups). */
export type UserIdentity = Pick<User, "id" | "identities">;
