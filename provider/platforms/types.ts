/**
 * The adapter contract: each platform declares its privilege tables as typed data and how it names
 * principals and objects. Shared code only calls these members; it never branches on a platform.
 */
import type { Issue, IssueCode } from "../model/issues";
import type {
  AccessType,
  Config,
  DataSource,
  DataSourceOf,
  GroupIdentities,
  Identities,
  Inventory,
  Platform,
  Policy,
  User,
} from "../model/schema";

/** A warning an adapter raises about one (data source, access) pair. */
export interface Note {
  code: IssueCode;
  message: string;
  help: string;
}

/** Privileges an access type yields on one object, before naming. */
export interface Privileges {
  /** Sorted, upper case; empty when the platform issues nothing. */
  privileges: readonly string[];
  notes: readonly Note[];
}

/** A privilege on a parent object (schema, database, catalog, or a configured warehouse) granted with any object privilege. */
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

/**
 * A target's names as the platform stores them, unquoted, part by part: what `Target` quotes. Emitters
 * pass these to providers that take names unquoted, so nothing parses a quoted name back.
 */
export interface TargetPath {
  /** The object's path (e.g. `[catalog, schema, table]`; the managed view's on view-based platforms). */
  object: readonly string[];
  /** Each parent's path, in the order of `Target.parents`. */
  parents: readonly (readonly string[])[];
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

/**
 * A directory of synced groups a platform can make members of its principals: the key of
 * `groups[].identities` and how the platform stores those names.
 */
export interface SyncedGroups {
  key: keyof GroupIdentities;
  case: CaseRule;
  /**
   * True where a synced group cannot be a member of the principal and is a grantee of each of its
   * grants instead (S3 Access Grants: Identity Center groups do not nest), so a group costs one
   * resource per grant rather than one.
   */
  granteePerGrant?: true;
}

/** One platform's adapter. */
export interface PlatformAdapter<P extends Platform = Platform> {
  readonly platform: P;
  /** Human name, e.g. `Databricks Unity Catalog`. */
  readonly title: string;
  /** Whether write policies can issue write privileges on any object type. */
  readonly supportsWrite: boolean;
  readonly enforcement: Enforcement;
  /** How the platform stores the names the inventory writes: object names (`location`) and user names (identities). */
  readonly identifierCase: IdentifierCase;
  /** Which identity of a user the platform knows them by (without `ds`: the estate's default). */
  readonly identityKey: (config: Config, ds?: DataSourceOf<P>) => keyof Identities;
  /**
   * Whether a principal on `ds` can have a synced group as a member (a role granted to a role, a
   * group in a group, a group as grantee): absent where the platform grants to users only.
   */
  readonly syncedGroups: (config: Config, ds?: DataSourceOf<P>) => SyncedGroups | undefined;
  /** Privileges `access` yields on `ds`, from the platform's tables. */
  privileges(ds: DataSourceOf<P>, access: AccessType, config: Config): Privileges;
  /** A key such that data sources with equal keys get equal `privileges` (for memoising). */
  tableKey(ds: DataSourceOf<P>): string;
  /** Where the privileges land. */
  target(ds: DataSourceOf<P>, config: Config): Target;
  /** The unquoted names of `target(ds, config)`, part by part. */
  path(ds: DataSourceOf<P>, config: Config): TargetPath;
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

/**
 * How a platform stores a name written in the inventory:
 * - `upper`: a valid unquoted identifier (a letter or `_`, then ASCII letters, digits, `_`, `$`) is
 *   stored in upper case (Snowflake); any other name could only have been created quoted: as written;
 * - `lower`: a valid unquoted identifier (as above, non-ASCII letters allowed) has its ASCII letters
 *   stored in lower case (Redshift, PostgreSQL); any other name: as written;
 * - `lower-always`: names are case-insensitive and stored in lower case, quoted or not (Trino,
 *   Unity Catalog, the Hive metastore);
 * - `exact`: stored as written (case-sensitive, or case-insensitive by collation but kept as created);
 * - `verbatim`: not an identifier at all (S3 keys, IAM members, ARNs): taken as written, quotes included.
 * Except for `verbatim`, a name in double quotes (`'"MixedCase"'`, `""` for a quote inside) is an
 * explicit quoted identifier: the quotes are removed and the case kept (lowered for `lower-always`).
 */
export type CaseRule = "upper" | "lower" | "lower-always" | "exact" | "verbatim";

/** A platform's folding rules: for object names (databases, schemas, tables...) and for user names. */
export interface IdentifierCase {
  objects: CaseRule;
  users: CaseRule;
}

const UNQUOTED_UPPER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const UNQUOTED_LOWER = /^[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_$\u0080-\uFFFF]*$/;

/** The name a platform stores for `name` as the inventory writes it, under `rule` (see `CaseRule`). */
export function foldIdentifier(name: string, rule: CaseRule): string {
  if (rule === "verbatim") return name;
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    const inner = name.slice(1, -1).replace(/""/g, '"');
    return rule === "lower-always" ? inner.toLowerCase() : inner;
  }
  switch (rule) {
    case "upper":
      return UNQUOTED_UPPER.test(name) ? name.toUpperCase() : name;
    // Only ASCII letters fold: Redshift folds ASCII letters of standard identifiers to lower case.
    case "lower":
      return UNQUOTED_LOWER.test(name) ? name.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : name;
    case "lower-always":
      return name.toLowerCase();
    case "exact":
      return name;
  }
}

/** A location with every part folded under `rule` (absent parts stay absent). */
export function foldLocation<L extends object>(location: L, rule: CaseRule): L {
  if (rule === "verbatim") return location;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(location)) out[k] = typeof v === "string" ? foldIdentifier(v, rule) : v;
  return out as L;
}

/** Snowflake-style identifier for generated names: upper case, non-word characters to `_`. */
export function upperIdent(prefix: string, key: string): string {
  return `${prefix}${key}`.toUpperCase().replace(/[^A-Z0-9_$]/g, "_");
}

/**
 * Group-style name for generated principals: the prefix and the cohort key as written (case kept),
 * each `~` (before a guardrail signature or `read` in the key) written `--`.
 */
export function groupName(prefix: string, key: string): string {
  return `${prefix}${key}`.replace(/~/g, "--");
}

/** Builds the read/write table type of a platform: every object type maps both access types. */
export type PrivilegeTable<T extends string, Priv extends string> = Record<T, { read: readonly Priv[]; write: readonly Priv[] }>;

/** The user-facing id of who a subscription reaches (used for identity lookups). */
export type UserIdentity = Pick<User, "id" | "identities">;
