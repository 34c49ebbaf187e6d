/**
 * Amazon S3 through S3 Access Grants: read maps to access level READ and write to READWRITE, on a
 * bucket, a prefix or one object. The grantee depends on the principal mode (IAM Identity Center or
 * IAM roles).
 */
import type { Config, DataSourceOf, ObjectTypeOf, S3PrincipalMode } from "../model/schema";
import type { Issue } from "../model/issues";
import { s3DataSourceUri } from "../model/s3-locations";
import { defineAdapter } from "./define";
import { type AuditInput, type AuditResult, type BlastRadius, type PlatformAdapter, type PrivilegeTable, union } from "./types";

/** S3 Access Grants access levels a policy can issue. */
export type S3AccessLevel = "READ" | "READWRITE";

/** SPEC.md's S3 table: the access level does not depend on the grant's scope. */
export const S3_PRIVILEGES = {
  BUCKET: { read: ["READ"], write: ["READWRITE"] },
  PREFIX: { read: ["READ"], write: ["READWRITE"] },
  OBJECT: { read: ["READ"], write: ["READWRITE"] },
} as const satisfies PrivilegeTable<ObjectTypeOf<"s3">, S3AccessLevel>;

/** The S3 actions of access level READ, in SPEC.md's order. */
export const S3_READ_ACTIONS = [
  "GetObject",
  "GetObjectVersion",
  "GetObjectAcl",
  "GetObjectVersionAcl",
  "ListMultipartUploadParts",
  "ListObjects",
  "ListObjectsVersions",
  "ListBucketMultipartUploads",
  "KmsDecrypt",
] as const;

/** The S3 actions each access level allows, in SPEC.md's order (READWRITE is READ's nine plus seven). */
export const S3_ACTIONS = {
  READ: S3_READ_ACTIONS,
  READWRITE: [
    ...S3_READ_ACTIONS,
    "PutObject",
    "PutObjectAcl",
    "PutObjectVersionAcl",
    "DeleteObject",
    "DeleteObjectVersion",
    "AbortMultipartUpload",
    "KmsGenerateDataKey",
  ],
} as const satisfies Record<S3AccessLevel, readonly string[]>;

/** The principal mode that applies to a data source: its own override, else the estate's (without `ds`: the estate's). */
export const s3PrincipalMode = (config: Config, ds?: DataSourceOf<"s3">): S3PrincipalMode => ds?.principalMode ?? config.s3.principalMode;

/** The key under `location` that names the grant's scope, per object type (none for a whole bucket). */
const SCOPE_KEY = { BUCKET: undefined, PREFIX: "prefix", OBJECT: "object" } as const satisfies Record<
  ObjectTypeOf<"s3">,
  "prefix" | "object" | undefined
>;

/**
 * The key below the bucket that a data source is scoped to (`""` for a whole bucket), from the one
 * computation of what a data source covers (`s3DataSourceUri`, which scopes a prefix as the folder
 * it names); undefined when its location lacks the key.
 */
function scopeOf(ds: DataSourceOf<"s3">): string | undefined {
  const covered = s3DataSourceUri(ds);
  return covered && covered.uri.slice(`s3://${ds.location.bucket}/`.length);
}

/** The strongest access level in a privilege list (READWRITE includes READ). */
const strongest = (privileges: readonly string[]): S3AccessLevel | undefined =>
  privileges.includes("READWRITE") ? "READWRITE" : privileges.includes("READ") ? "READ" : undefined;

/** The Amazon S3 adapter. */
export const s3: PlatformAdapter<"s3"> = defineAdapter({
  platform: "s3",
  title: "Amazon S3",
  supportsWrite: true,
  enforcement: "access-grants",
  // Buckets and keys are not identifiers (keys are case-sensitive); grantees are directory ids and ARNs.
  identifierCase: { objects: "verbatim", users: "verbatim" },
  identityKey: (config, ds) => (s3PrincipalMode(config, ds) === "identity-center" ? "identityCenter" : "iamRole"),
  // An Identity Center group can be a grantee (`DIRECTORY_GROUP`); IAM principals have no group.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-grant-create.html
  syncedGroups: (config, ds) =>
    s3PrincipalMode(config, ds) === "identity-center" ? { key: "identityCenter", case: "verbatim", granteePerGrant: true } : undefined,
  // With Identity Center every user is in the directory, so a missing identity is an inventory error;
  // IAM role modes legitimately leave people without a role.
  tableKey: (ds) => `${ds.objectType}|${scopeOf(ds) !== undefined}`,
  refusal(ds, access) {
    if (scopeOf(ds) !== undefined) return undefined;
    // Falling back to the bucket would silently widen the grant: grant nothing and say so.
    const key = SCOPE_KEY[ds.objectType];
    return {
      code: "s3-scope-missing",
      message: `\`${ds.id}\` is an S3 ${ds.objectType.toLowerCase()} without \`location.${key}\`, so ${access} grants nothing on it`,
      help: `set \`location.${key}\` on the data source, or make it a \`BUCKET\` if the whole bucket is meant`,
    };
  },
  privileges: (ds, access) => ({ privileges: S3_PRIVILEGES[ds.objectType][access], notes: [] }),
  locate(ds) {
    // A prefix is granted as the folder it names (see model/s3-locations.ts), and the plan says so.
    const key = scopeOf(ds);
    return {
      kind: ds.objectType,
      path: key ? [ds.location.bucket, key] : [ds.location.bucket],
      // Access Grants need no parent grant: the location is registered once for the whole estate.
      parents: [],
    };
  },
  // Bucket names and keys are not identifiers: the path is written as the S3 URI.
  quote: (path) => `s3://${path.join("/")}`,
  // One grant carries one access level: the stronger one covers the weaker.
  merge: (a, b) => {
    const all = union(a, b);
    const level = strongest(all);
    return level === "READWRITE" ? ["READWRITE"] : all;
  },
  implied: (privilege) => S3_ACTIONS[privilege as S3AccessLevel] ?? [privilege],
  extras(_ds, privileges) {
    const accessLevel = strongest(privileges);
    return accessLevel === undefined ? {} : { accessLevel, actions: [...S3_ACTIONS[accessLevel]] };
  },
  audit: (input) => auditS3(input),
});

/**
 * The S3 provisioning rules (best practices, best first): IAM Identity Center treats users as users;
 * one IAM role per user must really be one user's and stays under the account's role quota; a
 * request on behalf of a shared role reaches everyone behind it, so it is refused unless
 * acknowledged and always shows its blast radius.
 */
export function auditS3(input: AuditInput): AuditResult {
  const issues: Issue[] = [];
  const blastRadius: BlastRadius[] = [];
  const { inventory, config, policies, sources, holders } = input;
  // Everyone who can use a role: users whose identity is the role, and the role's known members.
  const behind = new Map<string, Set<string>>();
  for (const u of inventory.users) {
    const arn = u.identities.iamRole;
    if (arn) behind.set(arn, (behind.get(arn) ?? new Set()).add(u.id));
  }
  for (const r of inventory.sharedRoles) {
    const set = behind.get(r.arn) ?? new Set<string>();
    r.members.forEach((m) => set.add(m));
    behind.set(r.arn, set);
  }
  const reported = new Set<string>();
  let rolePerUserUsed = false;
  for (const p of input.principals) {
    const policy = policies.get(p.policy);
    for (const g of p.grants) {
      const ds = sources.get(g.dataSource) as DataSourceOf<"s3"> | undefined;
      if (!ds) continue;
      const mode = s3PrincipalMode(config, ds);
      if (mode === "identity-center") continue;
      if (mode === "iam-role-per-user") rolePerUserUsed = true;
      const shared = mode === "shared-iam-role";
      for (const role of [...new Set(p.members.map((m) => m.identity))].sort()) {
        const users = [...(behind.get(role) ?? new Set<string>())].sort();
        const justified = holders.get(ds.id) ?? new Set<string>();
        blastRadius.push({
          platform: "s3",
          principal: role,
          dataSource: ds.id,
          policy: p.policy,
          users,
          overProvisioned: users.filter((u) => !justified.has(u)),
          futureMembersBypassApproval: shared,
        });
        if (!shared && users.length > 1 && !reported.has(`shared:${role}`)) {
          reported.add(`shared:${role}`);
          issues.push({
            severity: "error",
            code: "s3-role-shared",
            message: `IAM role \`${role}\` is used by ${users.length} users (${users.map((u) => `\`${u}\``).join(", ")}), but iam-role-per-user needs a role per user`,
            help: "give each user a role of their own, or switch the data source to identity-center (recommended)",
          });
        }
        if (shared && !(policy?.acknowledgeSharedRole || ds.acknowledgeSharedRole) && !reported.has(`ack:${p.policy}:${ds.id}`)) {
          reported.add(`ack:${p.policy}:${ds.id}`);
          issues.push({
            severity: "error",
            code: "s3-shared-role-unacknowledged",
            message: `policy \`${p.policy}\` grants \`${ds.id}\` to shared IAM role \`${role}\`, reaching ${users.length} user${users.length === 1 ? "" : "s"} (${users.map((u) => `\`${u}\``).join(", ") || "none known"}) and anyone who joins the role later without approval`,
            ...(policy ? { file: policy.file, path: "acknowledgeSharedRole" } : {}),
            help: "prefer identity-center; if the blast radius is intended, set `acknowledgeSharedRole: true` on the policy or the data source",
          });
        }
      }
    }
  }
  if (rolePerUserUsed) {
    const perAccount = new Map<string, Set<string>>();
    for (const u of inventory.users) {
      const arn = u.identities.iamRole;
      const account = arn?.split(":")[4];
      if (arn && account) perAccount.set(account, (perAccount.get(account) ?? new Set()).add(arn));
    }
    for (const [account, roles] of [...perAccount].sort()) {
      if (roles.size > config.s3.maxRolesPerAccount) {
        issues.push({
          severity: "error",
          code: "s3-role-limit",
          message: `account \`${account}\` needs ${roles.size} IAM roles for iam-role-per-user, over the limit of ${config.s3.maxRolesPerAccount} roles per account`,
          help: "IAM caps roles per account: use identity-center, which needs no role per user",
        });
      }
    }
  }
  blastRadius.sort(
    (a, b) => a.principal.localeCompare(b.principal) || a.dataSource.localeCompare(b.dataSource) || a.policy.localeCompare(b.policy),
  );
  return { issues, blastRadius };
}
