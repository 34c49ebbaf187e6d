/**
 * Problems found in the inputs or while planning. Every stage collects them and reports all at once;
 * errors fail a plan, warnings never do.
 */

/** How serious a problem is: errors fail the run, warnings are reported only. */
export type Severity = "error" | "warning";

/** Where in the pipeline an issue is found. */
export type IssueStage = "read" | "yaml" | "schema" | "validate" | "plan" | "pull";

/** What one issue code means, for the reference of codes (docs/issue-codes.md). */
export interface IssueCodeInfo {
  /** The severity it is reported with; `error|warning` when the configuration decides (see `meaning`). */
  severity: Severity | "error|warning";
  stage: IssueStage;
  /** One line: what the problem is. */
  meaning: string;
}

/**
 * Every issue code accessplane reports, with its severity and meaning. Codes are stable: tooling may
 * match on them, so a code is added here, never renamed.
 */
export const ISSUE_CODES = {
  // Reading files
  "path-not-found": { severity: "error", stage: "read", meaning: "a policies, inventory or config path does not exist" },
  "file-unreadable": { severity: "error", stage: "read", meaning: "an input file cannot be read (permissions, I/O error)" },
  "file-too-large": { severity: "error", stage: "read", meaning: "an input file is over the 16 MiB limit" },
  "not-utf8": { severity: "error", stage: "read", meaning: "an input file is not valid UTF-8" },
  // YAML
  "yaml-syntax": { severity: "error", stage: "yaml", meaning: "a file is not valid YAML" },
  "duplicate-key": { severity: "error", stage: "yaml", meaning: "a key appears twice in the same YAML mapping" },
  "yaml-alias": { severity: "error", stage: "yaml", meaning: "YAML aliases cannot be resolved (too many, or self-referencing)" },
  "condition-cycle": {
    severity: "error",
    stage: "yaml",
    meaning: "a YAML alias refers to a node that contains it, so the document never ends",
  },
  "too-deep": { severity: "error", stage: "yaml", meaning: "a document nests deeper than 64 levels" },
  // Shape (the JSON Schema in schema/)
  "unknown-key": { severity: "error", stage: "schema", meaning: "a key the schema does not accept at this place" },
  "missing-field": { severity: "error", stage: "schema", meaning: "a required key is missing" },
  "invalid-type": { severity: "error", stage: "schema", meaning: "a value of the wrong type (text, number, list, mapping)" },
  "invalid-value": {
    severity: "error",
    stage: "schema",
    meaning: "a value the schema does not accept (not one of the allowed values, or a rule of its format)",
  },
  "condition-empty": { severity: "error", stage: "schema", meaning: "an `anyOf` or `allOf` condition lists no condition" },
  "restriction-missing": { severity: "error", stage: "schema", meaning: "a policy's `subscribers` names no restriction level" },
  "restriction-conflict": { severity: "error", stage: "schema", meaning: "a policy's `subscribers` sets more than one restriction level" },
  // Cross-references
  "duplicate-policy": { severity: "error", stage: "validate", meaning: "two policies have the same name" },
  "duplicate-user": { severity: "error", stage: "validate", meaning: "two users have the same id" },
  "duplicate-group": { severity: "error", stage: "validate", meaning: "two groups have the same id" },
  "duplicate-data-source": { severity: "error", stage: "validate", meaning: "two data sources have the same id" },
  "duplicate-shared-role": { severity: "error", stage: "validate", meaning: "two shared roles have the same ARN" },
  "user-not-in-inventory": {
    severity: "warning",
    stage: "validate",
    meaning:
      "a reference to a user who is not in the inventory (has most likely left, or the id is mistyped: the help says which user it is one edit from): it grants nothing",
  },
  "unknown-group": { severity: "error", stage: "validate", meaning: "a reference to a group that is not in the inventory" },
  "unknown-data-source": { severity: "error", stage: "validate", meaning: "a policy names a data source that is not in the inventory" },
  "unknown-tag": { severity: "error", stage: "validate", meaning: "a policy selects a tag that no data source carries" },
  "unknown-attribute": { severity: "warning", stage: "validate", meaning: "a condition on an attribute no user carries: it never matches" },
  "unknown-attribute-value": {
    severity: "warning",
    stage: "validate",
    meaning: "a condition value no user has for its attribute: it never matches",
  },
  "no-approvers": { severity: "error", stage: "validate", meaning: "an approval policy names no approvers" },
  "approval-by-non-approver": {
    severity: "error",
    stage: "validate",
    meaning: "an approval recorded by someone who is not an approver of the policy: it grants nothing",
  },
  "expiry-before-approval": { severity: "error", stage: "validate", meaning: "an approval expires before it was given" },
  "policy-admits-nobody": {
    severity: "warning",
    stage: "validate",
    meaning: "a grant policy whose restriction admits no user of the inventory",
  },
  "selection-empty": { severity: "warning", stage: "validate", meaning: "a policy selects no data source" },
  "selection-unbounded": { severity: "error", stage: "validate", meaning: "a data-source selection names neither data sources nor tags" },
  // Stewardship
  "unknown-domain": {
    severity: "error",
    stage: "validate",
    meaning: "a data source, policy or domain rule names a domain the inventory does not declare",
  },
  "domain-rule-unknown-domain": {
    severity: "warning",
    stage: "validate",
    meaning: "a domain rule of the project file names a domain the inventory does not declare: no steward approves for its data sources",
  },
  "duplicate-domain": { severity: "error", stage: "validate", meaning: "two domains have the same id" },
  "domain-escape": { severity: "error", stage: "validate", meaning: "a domain policy selects a data source of another domain, or of none" },
  "unknown-steward": {
    severity: "error",
    stage: "validate",
    meaning: "a domain steward or governance member is a misspelt user or an unknown group",
  },
  "self-approval": {
    severity: "error",
    stage: "validate",
    meaning: "an approval by the user it approves, in a policy that does not allow self-approval: it grants nothing",
  },
  "approval-exceeds-max-duration": {
    severity: "error",
    stage: "validate",
    meaning: "an approval without expiry, or longer than its policy's `maxDuration`: it grants nothing",
  },
  "approval-unverified": {
    severity: "error",
    stage: "validate",
    meaning: "`verify-approvals`: an approval added in a pull request is not backed by its approver's approving review",
  },
  // Configuration
  "trino-mapping-without-read": { severity: "error", stage: "validate", meaning: "a Trino access grant mapping does not include READ" },
  "trino-mapping-create": {
    severity: "error",
    stage: "validate",
    meaning: "a Trino access grant mapping includes CREATE, which no policy can grant",
  },
  "trino-read-mapping-widens": {
    severity: "error",
    stage: "validate",
    meaning: "the Trino mapping of READ includes an operation that modifies data",
  },
  "trino-create-on-data-sources": {
    severity: "error",
    stage: "validate",
    meaning: "`allowedDataSourceOperations` includes CREATE, though data sources already exist",
  },
  "trino-unregistered-own-create-split": {
    severity: "warning",
    stage: "validate",
    meaning: "file mode: `allowedNonDataSourceOperations` allows one of OWN and CREATE without the other, so neither is granted",
  },
  "trino-unregistered-bound-in-sql-mode": {
    severity: "warning",
    stage: "validate",
    meaning: "SQL mode: a non-default `allowedNonDataSourceOperations` is not enforced",
  },
  "trino-file-mode-without-admins": {
    severity: "error",
    stage: "validate",
    meaning: "file mode names no Trino administrator, so the rules document would lock everyone out",
  },
  "s3-location-scope-invalid": {
    severity: "error",
    stage: "validate",
    meaning: "an S3 Access Grants location scope is not `s3://`, a bucket or a prefix ending in `/`",
  },
  "s3-location-duplicate": {
    severity: "error",
    stage: "validate",
    meaning: "an S3 Access Grants location repeats the id or scope of an earlier one",
  },
  "s3-location-role-missing": {
    severity: "error",
    stage: "validate",
    meaning: "a location that `s3.manageInstance` registers has no `iamRoleArn`",
  },
  "s3-location-conflict": { severity: "error", stage: "validate", meaning: "both `s3.accessGrantsLocationId` and `s3.locations` are set" },
  "s3-account-missing": { severity: "error", stage: "validate", meaning: "S3 data sources exist but `s3.accountId` is not set" },
  "s3-identity-store-missing": {
    severity: "error",
    stage: "validate",
    meaning: "directory groups are needed but `s3.identityStoreId` is not set",
  },
  "s3-identity-center-missing": {
    severity: "error",
    stage: "validate",
    meaning: "`s3.manageInstance` is set but `s3.identityCenterArn` is not",
  },
  "s3-bucket-invalid": {
    severity: "error",
    stage: "validate",
    meaning: "an S3 data source names a bucket that is not a valid bucket name",
  },
  "s3-wildcard-in-location": {
    severity: "error",
    stage: "validate",
    meaning: "an S3 prefix or object contains `*`, which S3 Access Grants reads as a wildcard",
  },
  "s3-prefix-normalised": {
    severity: "warning",
    stage: "validate",
    meaning: "an S3 prefix without a final `/` is granted as the folder it names",
  },
  "s3-outside-locations": {
    severity: "error",
    stage: "validate",
    meaning: "an S3 data source lies outside every S3 Access Grants location",
  },
  // Planning
  "missing-identity": {
    severity: "error|warning",
    stage: "plan",
    meaning:
      "a subscribed user has no identity on a platform, so nothing is granted there: an error, or a warning with `identities.onMissing: skip`",
  },
  "shared-group-identity": {
    severity: "error",
    stage: "plan",
    meaning: "two groups are provisioned to one directory under the same name: a grant to one would reach the other's members",
  },
  "synced-group-managed-name": {
    severity: "error",
    stage: "plan",
    meaning: "a synced group's name on a platform carries the prefix of accessplane's own principals",
  },
  "identity-shared": {
    severity: "error",
    stage: "plan",
    meaning: "several users have one identity on a platform, so access granted to one would reach the others",
  },
  "policy-staged": {
    severity: "warning",
    stage: "plan",
    meaning: "a staged policy: it grants nothing now (the message says what it would reach)",
  },
  "write-on-read-only-object": {
    severity: "warning",
    stage: "plan",
    meaning: "a write policy on a read-only object (a view and the like): it yields read privileges, or nothing, only",
  },
  "write-on-read-only-platform": {
    severity: "warning",
    stage: "plan",
    meaning: "a write policy on a platform where policies grant read access only",
  },
  "write-not-issued": { severity: "warning", stage: "plan", meaning: "a write policy on an object kind on which write issues nothing" },
  "snowflake-incoming-share": {
    severity: "warning",
    stage: "plan",
    meaning: "a Snowflake object from an incoming data share, which cannot carry object grants",
  },
  "databricks-incoming-share": {
    severity: "warning",
    stage: "plan",
    meaning: "a Unity Catalog object from an incoming Delta share, which cannot carry grants",
  },
  "databricks-spark-authoritative": {
    severity: "warning",
    stage: "plan",
    meaning: "authoritative table ACLs revoke every privilege accessplane does not grant on the securables it touches",
  },
  "databricks-spark-authoritative-catalog": {
    severity: "error",
    stage: "plan",
    meaning: "authoritative table ACLs address only `hive_metastore`, but a data source is in another catalog",
  },
  "bigquery-external-table-not-biglake": {
    severity: "warning",
    stage: "plan",
    meaning: "a BigQuery external table that is not a BigLake table: nothing is granted on it",
  },
  "bigquery-location-conflict": {
    severity: "error",
    stage: "plan",
    meaning: "data sources of one BigQuery dataset name different locations",
  },
  "trino-operation-not-allowed": {
    severity: "warning",
    stage: "plan",
    meaning: "the Trino cluster does not allow an operation of the mapping on data sources, so it is not granted",
  },
  "trino-operation-not-in-sql-mode": {
    severity: "warning",
    stage: "plan",
    meaning: "an operation Trino's GRANT cannot express in SQL mode, so it is not granted",
  },
  "s3-scope-missing": {
    severity: "warning",
    stage: "plan",
    meaning: "an S3 prefix or object data source without its prefix or object key: nothing is granted on it",
  },
  "s3-role-shared": { severity: "error", stage: "plan", meaning: "iam-role-per-user: several users have the same IAM role" },
  "s3-shared-role-unacknowledged": {
    severity: "error",
    stage: "plan",
    meaning: "a grant to a shared IAM role that neither the policy nor the data source acknowledges",
  },
  "s3-role-limit": {
    severity: "error",
    stage: "plan",
    meaning: "iam-role-per-user needs more IAM roles in an account than `s3.maxRolesPerAccount`",
  },
  // Pulling the inventory (`accessplane inventory pull`): each names its source, never a credential
  "pulled-conflict": {
    severity: "error",
    stage: "pull",
    meaning: "a hand-written inventory entry contradicts the pulled entry with the same id (platform, object type or location)",
  },
  "scope-pattern-invalid": {
    severity: "error",
    stage: "pull",
    meaning: "an `include`/`exclude` pattern of a source is not a valid scope pattern",
  },
  "tag-rule-empty": {
    severity: "error",
    stage: "pull",
    meaning: "a tag mapping rule names neither a label nor a location part, so it would tag everything",
  },
  "source-kind-not-audited": {
    severity: "error",
    stage: "pull",
    meaning: "`audit`/`adopt` cannot read live grants from a source of this kind yet",
  },
  "duplicate-source": { severity: "error", stage: "pull", meaning: "two sources of the project file have the same name" },
  "unknown-source-kind": { severity: "error", stage: "pull", meaning: "a source's `kind` is not a connector accessplane has" },
  "source-invalid": { severity: "error", stage: "pull", meaning: "a source entry of the project file does not have the connector's shape" },
  "source-bad-config": {
    severity: "error",
    stage: "pull",
    meaning: "a source names something its platform does not have (a database, a catalog)",
  },
  "source-credential-invalid": {
    severity: "error",
    stage: "pull",
    meaning: "a credential is written as a literal, or is not usable (a key that does not parse)",
  },
  "source-credential-missing": {
    severity: "error",
    stage: "pull",
    meaning: "the environment variable a credential names is unset or empty",
  },
  "source-dependency-missing": { severity: "error", stage: "pull", meaning: "a package the connector needs is not installed" },
  "source-unreachable": { severity: "error", stage: "pull", meaning: "the source's host cannot be reached, or did not answer in time" },
  "source-auth-refused": { severity: "error", stage: "pull", meaning: "the source refused the credential (HTTP 401/403, a login failure)" },
  "source-permission-missing": {
    severity: "error",
    stage: "pull",
    meaning: "the pull's identity lacks a privilege on a catalog view or API",
  },
  "source-throttled": { severity: "error", stage: "pull", meaning: "the source kept throttling after every retry" },
  "source-bad-response": {
    severity: "error",
    stage: "pull",
    meaning: "a response of the source cannot be parsed, or is an error the connector does not know",
  },
  "source-statement-failed": { severity: "error", stage: "pull", meaning: "a catalog query failed on the source" },
  "source-failed": { severity: "error", stage: "pull", meaning: "the source failed in a way no other code names" },
  "data-source-id-collision": { severity: "error", stage: "pull", meaning: "two pulled objects get the same data-source id" },
  "user-id-collision": { severity: "error", stage: "pull", meaning: "two directory users get the same user id" },
  "group-name-collision": { severity: "error", stage: "pull", meaning: "two directory groups have the same name" },
  "unknown-table-type": {
    severity: "error|warning",
    stage: "pull",
    meaning: "a catalog object has a table type accessplane does not map; it is left out, never guessed",
  },
  "unknown-object-type": {
    severity: "warning",
    stage: "pull",
    meaning: "a pulled object's type is not one of its platform's object types; it is left out",
  },
  "unknown-database-kind": {
    severity: "warning",
    stage: "pull",
    meaning: "a Snowflake database kind the connector does not know; it is skipped",
  },
  "object-invalid": {
    severity: "warning",
    stage: "pull",
    meaning: "a pulled object cannot be a data source (a name too long, a bad location); it is left out",
  },
  "data-source-id-not-derived": {
    severity: "warning",
    stage: "pull",
    meaning: "the data-source id template cannot be filled for an object; it is left out",
  },
  "user-id-not-derived": {
    severity: "warning",
    stage: "pull",
    meaning: "the user id template cannot be filled for a directory user; the user is left out",
  },
  "user-invalid": {
    severity: "warning",
    stage: "pull",
    meaning: "a directory user cannot be a user (its id or email is not valid); it is left out",
  },
  "user-field-invalid": {
    severity: "warning",
    stage: "pull",
    meaning: "a field of a directory user is not valid; it is left out of the user's entry",
  },
  "identity-not-derived": {
    severity: "warning",
    stage: "pull",
    meaning: "a platform identity template cannot be filled for a user; no identity is written for that platform",
  },
  "group-invalid": { severity: "warning", stage: "pull", meaning: "a directory group's name cannot be a group id; it is left out" },
  "scim-user-unnamed": { severity: "warning", stage: "pull", meaning: "a SCIM user has no userName; it is left out" },
  "scim-group-unnamed": { severity: "warning", stage: "pull", meaning: "a SCIM group has no displayName; it is left out" },
  "users-inactive": { severity: "warning", stage: "pull", meaning: "inactive directory users were left out (they get no access)" },
} as const satisfies Record<string, IssueCodeInfo>;

/** A stable issue code: one of ISSUE_CODES, so a misspelt code does not compile. */
export type IssueCode = keyof typeof ISSUE_CODES;

/** One problem, located as precisely as the stage that found it can. */
export interface Issue {
  severity: Severity;
  /** Stable kebab-case code: tooling may match on it. */
  code: IssueCode;
  /** Lowercase, no final period, user values in backticks. */
  message: string;
  /** File, relative to the working directory, where the problem is. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Dotted path inside the file, e.g. `policies[2].subscribers.when.anyOf[0].group`. */
  path?: string;
  /** How to fix it. */
  help?: string;
  /** Every data source the issue concerns (sorted), when it concerns several. */
  dataSources?: string[];
}

/** Renders a dotted path from zod- or YAML-style path segments. */
export function dottedPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Orders issues for stable output: errors first, then by file, line, path and code. */
export function sortIssues(issues: Issue[]): Issue[] {
  const rank = (s: Severity) => (s === "error" ? 0 : 1);
  return [...issues].sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.path ?? "").localeCompare(b.path ?? "") ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** True when any issue is an error. */
export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

/** Formats one issue as `file:line: severity[code]: message (at path)` plus its help line. */
export function formatIssue(i: Issue): string {
  const where = i.file ? `${i.file}${i.line ? `:${i.line}` : ""}: ` : "";
  const at = i.path ? ` (at ${i.path})` : "";
  const help = i.help ? `\n    help: ${i.help}` : "";
  return `${where}${i.severity}[${i.code}]: ${i.message}${at}${help}`;
}

/** Thrown by library entry points when inputs have errors; carries every issue. */
export class InputError extends Error {
  constructor(readonly issues: Issue[]) {
    super(
      issues
        .filter((i) => i.severity === "error")
        .map(formatIssue)
        .join("\n"),
    );
    this.name = "InputError";
  }
}
