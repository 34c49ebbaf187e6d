/**
 * How the audit matches a name read from a platform with a name of the plan or the inventory, per
 * platform and kind of name. Two steps: the name the inventory writes is first put in the form the
 * platform stores it (`stored`: the adapter's `identifierCase`, as the plan does), then both sides
 * are compared under the platform's rule for that kind of name (`nameKey`). Pure.
 */
import type { Platform } from "../model/schema";
import { ADAPTERS } from "../platforms";
import { foldIdentifier } from "../platforms/types";

/** A role or group name, a user name (a platform identity), or one part of an object's path. */
export type NameKind = "principal" | "user" | "object";

const exact = (s: string) => s;
const upper = (s: string) => s.toUpperCase();
const lower = (s: string) => s.toLowerCase();

/**
 * GCP IAM members (`user:`, `group:`, `serviceAccount:`, `domain:` and an e-mail or domain): IAM
 * matches the e-mail without regard to case and returns it in the case of the account
 * (`Jane.Doe@example.com` for a binding written `jane.doe@example.com`), so the Google provider
 * compares members case-insensitively (GoogleCloudPlatform/magic-modules#1957, fixing
 * hashicorp/terraform-provider-google#3880). Other members (`principal://...`, special groups) are
 * compared as written.
 */
const gcpMember = (s: string) => {
  const m = /^(user|group|serviceaccount|domain):(.*)$/i.exec(s);
  return m ? `${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}` : s;
};

/**
 * S3 grantees: IAM role ARNs, Identity Center user ids and group names. IAM role names are unique
 * per account without regard to case ("Names are not distinguished by case. For example, you cannot
 * create resources named both "MyResource" and "myresource"", IAM API reference, CreateRole
 * `RoleName`), so two ARNs whose role names differ only in case name the same role: the name is
 * compared in lower case, the rest of the ARN (partition, account, path) as written.
 */
const iamArn = (s: string) => {
  const m = /^(arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?)([^/]+)$/.exec(s);
  return m ? `${m[1]}${m[2]!.toLowerCase()}` : s;
};

/**
 * The comparison per platform and kind, on stored names:
 * - Snowflake: stored names are exact (an unquoted name is stored in upper case, which `stored`
 *   applies to the inventory's names; a quoted one keeps its case and is another name;
 *   https://docs.snowflake.com/en/sql-reference/identifiers-syntax);
 * - Databricks: securable names are case-insensitive (stored in lower case;
 *   https://docs.databricks.com/sql/language-manual/sql-ref-names.html); user names (e-mails) are
 *   case-insensitive, group names are not (databricks/terraform-provider-databricks suppresses a
 *   diff in case for `databricks_user.user_name`, scim/resource_user.go, and for no group name);
 * - BigQuery: members as above (`gcpMember`); dataset and table names are case-sensitive;
 * - S3: IAM role ARNs as above (`iamArn`); keys are case-sensitive;
 * - Redshift and Trino: case-insensitive; Synapse: as stored.
 */
const MATCH: Record<Platform, Record<NameKind, (s: string) => string>> = {
  snowflake: { principal: exact, user: exact, object: exact },
  "databricks-unity-catalog": { principal: exact, user: lower, object: lower },
  "databricks-spark": { principal: exact, user: lower, object: lower },
  bigquery: { principal: gcpMember, user: gcpMember, object: exact },
  s3: { principal: iamArn, user: iamArn, object: exact },
  redshift: { principal: upper, user: upper, object: upper },
  trino: { principal: upper, user: upper, object: upper },
  synapse: { principal: exact, user: exact, object: exact },
};

/** The key a name of `kind` is compared by on `platform`: equal keys name the same principal, user or object. */
export const nameKey = (platform: Platform, kind: NameKind, name: string): string => MATCH[platform][kind](name);

/**
 * The name a platform stores for a name as the inventory or configuration writes it (the adapter's
 * `identifierCase`); role and group names are identifiers that fold as user names do.
 */
export function stored(platform: Platform, kind: NameKind, name: string): string {
  const c = ADAPTERS[platform].identifierCase;
  return foldIdentifier(name, kind === "object" ? c.objects : c.users);
}

/** The kind of name a grantee's name is. */
export const granteeKind = (g: { kind: string }): NameKind => (g.kind === "user" ? "user" : "principal");
