/**
 * Amazon S3 through S3 Access Grants: read maps to access level READ and write to READWRITE, on a
 * bucket, a prefix or one object. The grantee depends on the principal mode (IAM Identity Center or
 * IAM roles).
 */
import type { Config, DataSourceOf, ObjectTypeOf, S3PrincipalMode } from "../model/schema";
import { type PlatformAdapter, type PrivilegeTable, groupName, union } from "./types";

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

/** The principal mode that applies to a data source: its own override, else the estate's. */
export const s3PrincipalMode = (config: Config, ds: DataSourceOf<"s3">): S3PrincipalMode =>
  ds.principalMode ?? config.s3.principalMode;

/** The key under `location` that names the grant's scope, per object type (none for a whole bucket). */
const SCOPE_KEY = { BUCKET: undefined, PREFIX: "prefix", OBJECT: "object" } as const satisfies Record<
  ObjectTypeOf<"s3">,
  "prefix" | "object" | undefined
>;

/** The prefix or object key a data source is scoped to; undefined when its location lacks it. */
function scopeOf(ds: DataSourceOf<"s3">): string | undefined {
  const key = SCOPE_KEY[ds.objectType];
  return key === undefined ? "" : ds.location[key] || undefined;
}

/** The strongest access level in a privilege list (READWRITE includes READ). */
const strongest = (privileges: readonly string[]): S3AccessLevel | undefined =>
  privileges.includes("READWRITE") ? "READWRITE" : privileges.includes("READ") ? "READ" : undefined;

/** The Amazon S3 adapter. */
export const s3: PlatformAdapter<"s3"> = {
  platform: "s3",
  title: "Amazon S3",
  supportsWrite: true,
  enforcement: "access-grants",
  identityKey: (config, ds) => (s3PrincipalMode(config, ds) === "identity-center" ? "identityCenter" : "iamRole"),
  // With Identity Center every user is in the directory, so a missing identity is an inventory error;
  // IAM role modes legitimately leave people without a role.
  missingIdentity: (config, ds) => (s3PrincipalMode(config, ds) === "identity-center" ? "error" : "warning"),
  tableKey: (ds) => `${ds.objectType}|${scopeOf(ds) !== undefined}`,
  privileges(ds, access) {
    if (scopeOf(ds) === undefined) {
      // Falling back to the bucket would silently widen the grant: grant nothing and say so.
      const key = SCOPE_KEY[ds.objectType];
      return {
        privileges: [],
        notes: [
          {
            code: "s3-scope-missing",
            message: `\`${ds.id}\` is an S3 ${ds.objectType.toLowerCase()} without \`location.${key}\`, so ${access} grants nothing on it`,
            help: `set \`location.${key}\` on the data source, or make it a \`BUCKET\` if the whole bucket is meant`,
          },
        ],
      };
    }
    return { privileges: S3_PRIVILEGES[ds.objectType][access], notes: [] };
  },
  target(ds) {
    const scope = scopeOf(ds);
    return {
      kind: ds.objectType,
      object: scope ? `s3://${ds.location.bucket}/${scope}` : `s3://${ds.location.bucket}`,
      // Access Grants need no parent grant: the location is registered once for the whole estate.
      parents: [],
    };
  },
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
  principalName: (key, config) => groupName(config.naming.groupPrefix, key),
};
