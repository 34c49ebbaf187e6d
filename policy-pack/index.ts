/**
 * The accessplane guardrails as a CrossGuard policy pack: `pulumi preview --policy-pack policy-pack`.
 * Only the Pulumi CLI can use this file: the PolicyPack constructor starts the analyzer server the
 * engine connects to (run alone, it prints a port and waits), so tests import ./validations instead.
 */
import { PolicyPack } from "@pulumi/policy";
import {
  DEFAULT_CONFIG,
  iamRoleQuota,
  noUnacknowledgedSharedRoleGrant,
  noWriteOnReadOnly,
  onlyPolicyPrincipals,
  s3GrantScopeIsAFolder,
} from "./validations";

new PolicyPack("accessplane-guardrails", {
  description:
    "Guardrails on the grants accessplane registers: acknowledged shared IAM roles, read-only objects stay read-only, only policy principals, S3 grants scoped to folders, the IAM role quota",
  enforcementLevel: "mandatory",
  policies: [
    {
      name: "no-unacknowledged-shared-role-grant",
      description: "An S3 access grant to a shared IAM role must be acknowledged, and every IAM grant must come from an accessplane policy",
      enforcementLevel: "mandatory",
      remediationSteps:
        "Prefer identity-center. If the blast radius shown by the plan is intended, set `acknowledgeSharedRole: true` on the policy or the data source.",
      validateResource: noUnacknowledgedSharedRoleGrant,
    },
    {
      name: "no-write-on-read-only",
      description:
        "No write privilege on a read-only object (Snowflake views and the like, Unity Catalog read-only tables, BigQuery managed views) or platform (Databricks Spark)",
      enforcementLevel: "mandatory",
      remediationSteps: "Grant only read privileges there: use a read policy, or point the write policy at base tables.",
      configSchema: {
        properties: {
          readOnlyTables: { type: "array", items: { type: "string" }, default: DEFAULT_CONFIG.readOnlyTables },
          bigqueryDatasetSuffix: { type: "string", default: DEFAULT_CONFIG.bigqueryDatasetSuffix },
        },
      },
      validateResource: noWriteOnReadOnly,
    },
    {
      name: "only-policy-principals",
      description:
        "Every Snowflake role, Databricks group and Identity Center group that receives access is a policy principal (carries the naming prefix)",
      enforcementLevel: "mandatory",
      remediationSteps: "Grant access through an accessplane policy; manage other principals outside this stack.",
      configSchema: {
        properties: {
          snowflakeRolePrefix: { type: "string", default: DEFAULT_CONFIG.snowflakeRolePrefix },
          groupPrefix: { type: "string", default: DEFAULT_CONFIG.groupPrefix },
          syncedGroups: { type: "array", items: { type: "string" }, default: DEFAULT_CONFIG.syncedGroups },
        },
      },
      validateResource: onlyPolicyPrincipals,
    },
    {
      name: "s3-grant-scope-is-a-folder",
      description: "An S3 access grant's wildcard follows a `/`: a sub-prefix like `partner-feeds*` also reaches sibling prefixes",
      enforcementLevel: "mandatory",
      remediationSteps:
        "Scope the grant to a folder (`partner-feeds/*`) or to one object (`s3PrefixType: Object`); accessplane data sources always are.",
      validateResource: s3GrantScopeIsAFolder,
    },
    {
      name: "iam-role-quota",
      description: "iam-role-per-user grants use at most maxRolesPerAccount distinct IAM roles per AWS account",
      enforcementLevel: "mandatory",
      remediationSteps: "Switch the data sources to identity-center, which needs no role per user.",
      configSchema: {
        properties: {
          maxRolesPerAccount: { type: "integer", minimum: 1, default: DEFAULT_CONFIG.maxRolesPerAccount },
        },
      },
      validateStack: iamRoleQuota,
    },
  ],
});
