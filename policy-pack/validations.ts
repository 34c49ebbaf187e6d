/**
 * The accessplane guardrails as plain validation functions over registered resources. The pack's
 * constructor (index.ts) only wires them into `@pulumi/policy`, which needs the Pulumi CLI; tests call
 * these directly with captured resources. Nothing here imports accessplane's provider: the pack runs
 * in its own folder, and the tag names and defaults it shares with the emitters are pinned by tests.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

/** What a resource validation reads of `ResourceValidationArgs`; `getConfig` is absent in tests (defaults apply). */
export type ResourceArgs = Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props"> & { getConfig?: <T extends object>() => T };

/** What a stack validation reads of `StackValidationArgs`. */
export type StackArgs = { resources: Pick<PolicyResource, "type" | "name" | "urn" | "props">[] } & Partial<
  Pick<StackValidationArgs, "getConfig">
>;

/** Tags the S3 emitter puts on every access grant (equal to `S3_TAGS` in provider/pulumi/emitters/s3.ts). */
export const S3_TAGS = {
  policy: "accessplane:policy",
  mode: "accessplane:principal-mode",
  acknowledged: "accessplane:shared-role-acknowledged",
} as const;

/** The pack configuration; each policy reads the keys it needs, with these defaults (the estate config's). */
export interface GuardrailConfig {
  /** `naming.snowflakeRolePrefix` of the estate. */
  snowflakeRolePrefix: string;
  /** `naming.groupPrefix` of the estate. */
  groupPrefix: string;
  /** Full names (`catalog.schema.table`) of Unity Catalog securables that are read-only (views and the like). */
  readOnlyTables: string[];
  /** `viewBased.bigqueryDatasetSuffix`: the mirrored datasets that hold managed views. */
  bigqueryDatasetSuffix: string;
  /** `s3.maxRolesPerAccount`: IAM's hard quota of roles per AWS account. */
  maxRolesPerAccount: number;
  /**
   * The Snowflake roles of the estate's synced groups (`groups[].identities.snowflake`): policy roles
   * are granted to them, and the identity provider, not the stack, manages who holds them.
   */
  syncedGroups: string[];
}

/** Defaults of the pack configuration. */
export const DEFAULT_CONFIG: GuardrailConfig = {
  snowflakeRolePrefix: "AP_",
  groupPrefix: "ap-",
  readOnlyTables: [],
  bigqueryDatasetSuffix: "_accessplane",
  maxRolesPerAccount: 5000,
  syncedGroups: [],
};

const configOf = (args: { getConfig?: <T extends object>() => T }): GuardrailConfig => ({
  ...DEFAULT_CONFIG,
  ...(args.getConfig?.<Partial<GuardrailConfig>>() ?? {}),
});

/** Resource types the guardrails read. */
export const TYPES = {
  accessGrant: "aws:s3control/accessGrant:AccessGrant",
  identityStoreGroup: "aws:identitystore/group:Group",
  sfAccountRole: "snowflake:index/accountRole:AccountRole",
  sfGrantPrivileges: "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole",
  sfGrantRole: "snowflake:index/grantAccountRole:GrantAccountRole",
  dbxGroup: "databricks:index/group:Group",
  dbxGrant: "databricks:index/grant:Grant",
  dbxGrants: "databricks:index/grants:Grants",
  dbxSqlPermissions: "databricks:index/sqlPermissions:SqlPermissions",
  dbxSparkGrants: "pulumi-nodejs:dynamic/accessplane:SparkTableGrants",
  bqIamBinding: "gcp:bigquery/iamBinding:IamBinding",
  bqIamMember: "gcp:bigquery/iamMember:IamMember",
} as const;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const records = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : [];
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(", ");
/** How a violation names its resource: type token and logical name. */
const named = (args: { type: string; name: string }) => `${args.type.split(":").pop()} \`${args.name}\``;

/** An S3 access grant to an IAM principal, with the accessplane tags it carries. */
function iamGrant(r: { type: string; props: Record<string, unknown> }): { grantee: string; tags: Record<string, unknown> } | undefined {
  if (r.type !== TYPES.accessGrant) return undefined;
  const grantee = record(r.props.grantee);
  if (grantee.granteeType !== "IAM") return undefined;
  return { grantee: str(grantee.granteeIdentifier) ?? "", tags: record(r.props.tags) };
}

// ---------------------------------------------------------------------------------------------

/**
 * `no-unacknowledged-shared-role-grant`: an S3 grant to a shared IAM role reaches everyone who can
 * assume the role, now and later, so it must be acknowledged; an IAM grant without accessplane's
 * tags has unknown provenance and nothing shows who is behind it.
 */
export function noUnacknowledgedSharedRoleGrant(args: ResourceArgs, reportViolation: ReportViolation): void {
  const g = iamGrant(args);
  if (!g) return;
  const mode = str(g.tags[S3_TAGS.mode]);
  if (mode === undefined) {
    reportViolation(
      `${named(args)} grants S3 access to IAM principal \`${g.grantee}\` without the \`${S3_TAGS.mode}\` tag, so its provenance is unknown and nobody reviewed who is behind the principal; ` +
        "grant S3 access through an accessplane policy (identity-center preferred) instead of declaring the grant by hand",
    );
    return;
  }
  if (mode === "shared-iam-role" && g.tags[S3_TAGS.acknowledged] !== "true") {
    const policy = str(g.tags[S3_TAGS.policy]) ?? "(unknown)";
    reportViolation(
      `${named(args)} of policy \`${policy}\` grants S3 access to shared IAM role \`${g.grantee}\` without acknowledgement: everyone who can assume the role gains it, and future members bypass approval; ` +
        "prefer identity-center, or set `acknowledgeSharedRole: true` on the policy or the data source after reviewing the plan's blast radius",
    );
  }
}

/** Snowflake object types that only take SELECT (SPEC.md: write yields SELECT on them). */
export const SNOWFLAKE_READ_ONLY = [
  "VIEW",
  "MATERIALIZED VIEW",
  "EXTERNAL TABLE",
  "EVENT TABLE",
  "ICEBERG TABLE",
  "DYNAMIC TABLE",
] as const;
const SNOWFLAKE_READ_ONLY_PLURAL = SNOWFLAKE_READ_ONLY.map((t) => `${t}S`);
/** Privileges that read without writing, per check. */
const READ_ONLY = {
  snowflake: ["SELECT"],
  unityCatalog: ["BROWSE", "SELECT"],
  spark: ["READ_METADATA", "SELECT", "USAGE"],
  bigquery: ["roles/bigquery.dataViewer"],
} as const;

/** UC names compare unquoted and case-insensitively (Unity Catalog folds identifiers to lower case). */
const ucName = (s: string) => s.replace(/`/g, "").toLowerCase();

/**
 * `no-write-on-read-only`: no privilege beyond reading on an object or platform that is read-only.
 * Redshift and Synapse need no check: their entitlements are rows read by managed views, and the
 * only grant (SELECT on the views to PUBLIC) is read-only by construction.
 */
export function noWriteOnReadOnly(args: ResourceArgs, reportViolation: ReportViolation): void {
  const cfg = configOf(args);
  const report = (what: string, extra: readonly string[], allowed: readonly string[], fix: string) =>
    reportViolation(
      `${named(args)} grants ${list(extra)} on ${what}, which is read-only (only ${list(allowed)} may be granted there); ${fix}`,
    );
  const props = args.props;
  switch (args.type) {
    case TYPES.sfGrantPrivileges: {
      const on = record(props.onSchemaObject);
      const single = str(on.objectType);
      const plural = str(record(on.all).objectTypePlural) ?? str(record(on.future).objectTypePlural);
      const readOnly =
        (single && (SNOWFLAKE_READ_ONLY as readonly string[]).includes(single.toUpperCase())) ||
        (plural && SNOWFLAKE_READ_ONLY_PLURAL.includes(plural.toUpperCase()));
      if (!readOnly) return;
      const extra =
        props.allPrivileges === true
          ? ["ALL PRIVILEGES"]
          : strings(props.privileges).filter((p) => !(READ_ONLY.snowflake as readonly string[]).includes(p.toUpperCase()));
      const what = single ? `Snowflake ${single.toLowerCase()} \`${str(on.objectName) ?? ""}\`` : `all Snowflake ${plural!.toLowerCase()}`;
      if (extra.length)
        report(
          what,
          extra,
          READ_ONLY.snowflake,
          "grant only SELECT (a write policy on a read-only object yields SELECT), or point the write policy at base tables",
        );
      return;
    }
    case TYPES.dbxGrant:
    case TYPES.dbxGrants: {
      const table = str(props.table);
      if (!table || !cfg.readOnlyTables.some((t) => ucName(t) === ucName(table))) return;
      const privs = args.type === TYPES.dbxGrant ? strings(props.privileges) : records(props.grants).flatMap((g) => strings(g.privileges));
      const extra = [...new Set(privs.filter((p) => !(READ_ONLY.unityCatalog as readonly string[]).includes(p)))].sort();
      if (extra.length)
        report(
          `Unity Catalog securable \`${table}\``,
          extra,
          READ_ONLY.unityCatalog,
          "grant only SELECT: a write policy issues nothing on views, materialized views, streaming and foreign tables",
        );
      return;
    }
    case TYPES.dbxSqlPermissions: {
      const extra = [
        ...new Set(
          records(props.privilegeAssignments)
            .flatMap((a) => strings(a.privileges))
            .filter((p) => !(READ_ONLY.spark as readonly string[]).includes(p)),
        ),
      ].sort();
      const object = [str(props.database), str(props.table) ?? str(props.view)].filter(Boolean).join(".");
      if (extra.length)
        report(
          `Databricks Spark object \`${object}\``,
          extra,
          READ_ONLY.spark,
          "Databricks Spark is read-only for subscription policies: control write through scratch paths and workspaces, and grant only SELECT, USAGE or READ_METADATA",
        );
      return;
    }
    case TYPES.dbxSparkGrants: {
      for (const g of records(props.grants)) {
        const extra = [...new Set(strings(g.privileges).filter((p) => !(READ_ONLY.spark as readonly string[]).includes(p)))].sort();
        const object = [str(g.catalog), str(g.schema), str(g.table)].filter(Boolean).join(".");
        if (extra.length)
          report(
            `Databricks Spark object \`${object}\``,
            extra,
            READ_ONLY.spark,
            "Databricks Spark is read-only for subscription policies: control write through scratch paths and workspaces, and grant only SELECT, USAGE or READ_METADATA",
          );
      }
      return;
    }
    case TYPES.bqIamBinding:
    case TYPES.bqIamMember: {
      const dataset = str(props.datasetId);
      const role = str(props.role);
      if (!dataset || !str(props.tableId) || !dataset.endsWith(cfg.bigqueryDatasetSuffix) || !role) return;
      if (!(READ_ONLY.bigquery as readonly string[]).includes(role))
        report(
          `BigQuery managed view \`${dataset}.${str(props.tableId)}\``,
          [role],
          READ_ONLY.bigquery,
          "managed views are read-only: bind `roles/bigquery.dataViewer` only",
        );
      return;
    }
    default:
      return;
  }
}

/** The principals a resource grants to (or creates), with the prefix each must carry. */
function principalsOf(
  args: ResourceArgs,
  cfg: GuardrailConfig,
): { principal: string; prefix: string; caseInsensitive: boolean; what: string }[] {
  const p = args.props;
  const sf = (v: unknown, what: string) =>
    str(v) === undefined ? [] : [{ principal: str(v)!, prefix: cfg.snowflakeRolePrefix, caseInsensitive: true, what }];
  const group = (v: unknown, what: string) =>
    str(v) === undefined ? [] : [{ principal: str(v)!, prefix: cfg.groupPrefix, caseInsensitive: false, what }];
  switch (args.type) {
    case TYPES.sfAccountRole:
      return sf(p.name, "Snowflake role");
    case TYPES.sfGrantPrivileges:
      return sf(p.accountRoleName, "Snowflake role");
    case TYPES.sfGrantRole: {
      // A policy role granted to a synced group's role: that role is the grantee by design.
      const parent = str(p.parentRoleName);
      const synced = parent !== undefined && cfg.syncedGroups.some((g) => g.toUpperCase() === parent.toUpperCase());
      return [...sf(p.roleName, "Snowflake role"), ...(synced ? [] : sf(p.parentRoleName, "Snowflake parent role"))];
    }
    case TYPES.dbxGroup:
      return group(p.displayName, "Databricks group");
    case TYPES.dbxGrant:
      return group(p.principal, "Databricks principal");
    case TYPES.dbxGrants:
      return records(p.grants).flatMap((g) => group(g.principal, "Databricks principal"));
    case TYPES.dbxSqlPermissions:
      return records(p.privilegeAssignments).flatMap((a) => group(a.principal, "Databricks principal"));
    case TYPES.dbxSparkGrants:
      return group(p.principal, "Databricks principal");
    case TYPES.identityStoreGroup:
      return group(p.displayName, "Identity Center group");
    default:
      return [];
  }
}

/**
 * `only-policy-principals`: every role and group that receives access is one accessplane generated
 * for a policy, recognised by the naming prefixes; anything else widens access outside review.
 */
export function onlyPolicyPrincipals(args: ResourceArgs, reportViolation: ReportViolation): void {
  const cfg = configOf(args);
  for (const x of principalsOf(args, cfg)) {
    const ok = x.caseInsensitive ? x.principal.toUpperCase().startsWith(x.prefix.toUpperCase()) : x.principal.startsWith(x.prefix);
    if (!ok) {
      reportViolation(
        `${named(args)} uses ${x.what} \`${x.principal}\`, which is not a policy principal (its name does not start with \`${x.prefix}\`); ` +
          "grant access through an accessplane policy, whose generated principals carry the prefix, and manage other principals outside this stack" +
          (x.what === "Snowflake parent role" ? " (a synced group's role belongs in the pack's `syncedGroups`)" : ""),
      );
    }
  }
}

/**
 * `s3-grant-scope-is-a-folder`: S3 Access Grants' `*` matches every key that starts with what
 * precedes it, so a sub-prefix such as `bucket/partner-feeds*` also reaches `partner-feeds-archive/`;
 * a wildcard belongs only after a `/` (a folder), or alone (the location's own scope), and nowhere
 * but at the end. Single-object grants (`s3PrefixType: Object`) are exact keys.
 */
export function s3GrantScopeIsAFolder(args: ResourceArgs, reportViolation: ReportViolation): void {
  if (args.type !== TYPES.accessGrant || args.props.s3PrefixType === "Object") return;
  const sub = str(record(args.props.accessGrantsLocationConfiguration).s3SubPrefix);
  if (sub === undefined) return;
  const star = sub.indexOf("*");
  const folder = star === sub.length - 1 && (sub.length === 1 || sub[sub.length - 2] === "/");
  if (star >= 0 && !folder) {
    const stem = sub.slice(0, star);
    reportViolation(
      `${named(args)} has sub-prefix \`${sub}\`, whose \`*\` also matches every key that merely starts with \`${stem}\` (such as \`${stem}-archive/\`); ` +
        `scope a folder (\`${stem.replace(/\/?$/, "/")}*\`) through an accessplane data source, or a single object with \`s3PrefixType: Object\``,
    );
  }
}

/** The AWS account of an IAM role ARN (`arn:aws:iam::123456789012:role/name`), if it is one. */
export function roleAccount(arn: string): string | undefined {
  return /^arn:aws[\w-]*:iam::(\d{12}):role\/.+$/.exec(arn)?.[1];
}

/**
 * `iam-role-quota` (stack): iam-role-per-user needs one IAM role per subscribed user, and an AWS
 * account holds at most `maxRolesPerAccount` roles, so distinct grantee roles per account must fit.
 */
export function iamRoleQuota(args: StackArgs, reportViolation: ReportViolation): void {
  const { maxRolesPerAccount } = configOf(args);
  const perAccount = new Map<string, Set<string>>();
  for (const r of args.resources) {
    const g = iamGrant(r);
    if (!g || g.tags[S3_TAGS.mode] !== "iam-role-per-user") continue;
    const account = roleAccount(g.grantee);
    if (account) perAccount.set(account, (perAccount.get(account) ?? new Set()).add(g.grantee));
  }
  for (const [account, roles] of [...perAccount].sort(([a], [b]) => a.localeCompare(b))) {
    if (roles.size > maxRolesPerAccount) {
      reportViolation(
        `S3 access grants use ${roles.size} distinct IAM roles in AWS account \`${account}\` for iam-role-per-user, over the limit of ${maxRolesPerAccount} roles per account; ` +
          "switch those data sources to identity-center, which needs no role per user",
      );
    }
  }
}
