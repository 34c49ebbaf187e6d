/**
 * The single definition of every input shape: policies and inventory here, the shared primitives
 * (schema-common.ts) and the platform configuration (schema-config.ts) re-exported from here.
 * Types elsewhere derive from these schemas with `z.infer`.
 */
import { z } from "zod";
import { Instant, Name, OBJECT_TYPES, Platform, AccessType } from "./schema-common";
import { S3PrincipalMode } from "./schema-config";
import { AccessRequest, Domain, GithubLogin, GithubTeam, MaxDuration } from "./schema-stewardship";

export * from "./schema-common";
export * from "./schema-config";
export * from "./schema-stewardship";

// ---------------------------------------------------------------------------------------------
// Conditions (ABAC)

/** A condition on a user's groups and attributes; any-of / all-of nest. */
export type Condition = { group: string } | { attribute: string; values: string[] } | { anyOf: Condition[] } | { allOf: Condition[] };

/** A condition on a user's groups and attributes; any-of / all-of nest. */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ group: Name }),
    z.strictObject({ attribute: Name, values: z.array(Name).min(1) }),
    z.strictObject({ anyOf: z.array(Condition).min(1, { message: "must list at least one condition" }) }),
    z.strictObject({ allOf: z.array(Condition).min(1, { message: "must list at least one condition" }) }),
  ]),
);

// ---------------------------------------------------------------------------------------------
// Subscription policies

/** A user named in a policy, optionally until a given instant. */
export const SelectedUser = z.union([
  Name.transform((user) => ({ user, expiresAt: undefined as string | undefined })),
  z.strictObject({ user: Name, expiresAt: Instant.optional() }),
]);

/** A recorded approval of a user's request for access. */
export const Approval = z.strictObject({
  user: Name,
  approvedBy: Name,
  approvedAt: Instant,
  expiresAt: Instant.optional(),
});
/** A recorded approval. */
export type Approval = z.infer<typeof Approval>;

/** Who may approve requests: named users, members of named groups, the selected data sources' owners, their domain's stewards. */
export const Approvers = z.strictObject({
  users: z.array(Name).default([]),
  groups: z.array(Name).default([]),
  /** An owner of every data source the policy selects may approve. */
  owners: z.boolean().optional(),
  /** A steward of the policy's domain (for a global policy: of every selected data source's domain) may approve. */
  stewards: z.boolean().optional(),
});

/** Who may approve, as normalised on a policy. */
export interface ApproverSet {
  users: string[];
  groups: string[];
  owners?: boolean | undefined;
  stewards?: boolean | undefined;
}

/** The restriction level: exactly one of `anyone`, `approval`, `when`, `users`. */
export const Subscribers = z.strictObject({
  anyone: z.literal(true).optional(),
  approval: z
    .strictObject({
      approvers: Approvers,
      approvals: z.array(Approval).default([]),
      /** Pending requests: they grant nothing. */
      requests: z.array(AccessRequest).default([]),
      /** An approver may approve their own request (off by default: `self-approval` is an error). */
      allowSelfApproval: z.boolean().default(false),
      /** The longest an approval may last, as an ISO 8601 duration (`P90D`). */
      maxDuration: MaxDuration.optional(),
    })
    .optional(),
  when: Condition.optional(),
  users: z.array(SelectedUser).optional(),
});

/** The normalised restriction level of a policy. */
export type Restriction =
  | { level: "anyone" }
  | {
      level: "approval";
      approvers: ApproverSet;
      approvals: Approval[];
      requests?: AccessRequest[];
      allowSelfApproval?: boolean;
      maxDuration?: string;
    }
  | { level: "conditions"; when: Condition }
  | { level: "users"; users: { user: string; expiresAt: string | undefined }[] };

/** A tag selection: any of these tags, and/or all of those. */
export const TagSelection = z.strictObject({
  anyOf: z.array(Name).optional(),
  allOf: z.array(Name).optional(),
});

/** Which data sources a policy reaches: by names and/or tags, optionally narrowed by platform. */
export const DataSourceSelection = z.strictObject({
  names: z.array(Name).optional(),
  tags: TagSelection.optional(),
  platforms: z.array(Platform).optional(),
});
/** A data-source selection. */
export type DataSourceSelection = z.infer<typeof DataSourceSelection>;

/** The kinds of policy: grants add access (OR), guardrails bound it (AND). */
export const PolicyKind = z.enum(["grant", "guardrail"]);

/** A subscription policy as written in a policy file. */
export const PolicyInput = z.strictObject({
  $schema: z.string().optional(),
  name: Name.regex(/^[a-z0-9][a-z0-9_.-]*$/, {
    message: "must be lowercase letters, digits, `-`, `_` or `.`, starting with a letter or digit",
  }),
  description: z.string().default(""),
  kind: PolicyKind.default("grant"),
  access: AccessType,
  state: z.enum(["active", "staged"]).default("active"),
  subscribers: Subscribers,
  dataSources: DataSourceSelection,
  /** The policy's domain: it may select only that domain's data sources. Without one, the policy is global. */
  domain: Name.optional(),
  /** S3 only: the policy knowingly grants to shared IAM roles (every user behind the role gains access). */
  acknowledgeSharedRole: z.boolean().default(false),
});
/** A policy file's content, before normalisation. */
export type PolicyInput = z.infer<typeof PolicyInput>;

/** A policy after loading: the restriction level is normalised and the source file recorded. */
export interface Policy extends Omit<PolicyInput, "subscribers" | "$schema"> {
  restriction: Restriction;
  file: string;
}

/** A policies file holds one policy or a list under `policies`. */
export const PolicyFile = z.union([
  z.strictObject({ $schema: z.string().optional(), policies: z.array(z.unknown()) }),
  z.record(z.string(), z.unknown()),
]);

// ---------------------------------------------------------------------------------------------
// Inventory

/**
 * A Redshift user: a database user (`alice`, or `"Alice"` quoted to keep its case), or a federated
 * user under the prefix Redshift gives it: `IAM:` / `IAMA:` (GetClusterCredentials, without and with
 * AutoCreate), `IAM:` / `IAMR:` (an IAM user or role through GetClusterCredentialsWithIAM or Redshift
 * Serverless), `<namespace>:` for IAM Identity Center (`AWSIDC:` unless the application sets another
 * namespace) or a native identity provider (`aad:`).
 */
const RedshiftUser = Name.superRefine((v, ctx) => {
  if (v.length === 0 || (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) || !v.includes(":")) return;
  const m = /^([A-Za-z_][A-Za-z0-9_]*):([^:\s][^:]*)$/.exec(v);
  const form =
    "must be a database user such as `alice`, or a federated user with its prefix such as `IAM:alice`, `IAMR:analyst` or `AWSIDC:alice@example.com`";
  const forms =
    "write a database user as it is named in Redshift, or a federated user as Redshift names it: `IAM:<user>` or `IAMA:<user>` (GetClusterCredentials), `IAMR:<role>` (an IAM role), `<namespace>:<user>` for IAM Identity Center (e.g. `AWSIDC:`) or a native identity provider; quote a name that really contains a colon (`'\"a:b\"'`)";
  if (/^arn:/i.test(v)) {
    ctx.addIssue({
      code: "custom",
      message: "must be the database user Redshift maps an IAM identity to, not its ARN",
      params: {
        help: "write `IAM:<user name>` for an IAM user or `IAMR:<role name>` for an IAM role, as `SELECT usename FROM pg_user` shows it",
      },
    });
  } else if (m && /^(iam|iama|iamr)$/i.test(m[1]!) && m[1] !== m[1]!.toUpperCase()) {
    ctx.addIssue({
      code: "custom",
      message: `has the prefix \`${m[1]}:\`, which Redshift writes in upper case`,
      params: { help: `write \`${m[1]!.toUpperCase()}:${m[2]}\`` },
    });
  } else if (!m) {
    ctx.addIssue({ code: "custom", message: form, params: { help: forms } });
  }
});

/** A user's identity on each platform, as the platform knows the user. */
export const Identities = z.strictObject({
  snowflake: Name.optional(),
  databricks: Name.optional(),
  identityCenter: Name.optional(),
  iamRole: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, {
      message: "must be an IAM role ARN such as `arn:aws:iam::123456789012:role/alice`",
    })
    .optional(),
  trino: Name.optional(),
  redshift: RedshiftUser.optional(),
  synapse: Name.optional(),
  bigquery: z
    .string()
    .regex(/^(user|group|serviceAccount):[^\s]+$/, {
      message: "must be an IAM member such as `user:alice@example.com`",
    })
    .optional(),
  /** The user's GitHub login: it maps pull request reviews to the user and names the user in CODEOWNERS. */
  github: GithubLogin.optional(),
});
/** A user's identities. */
export type Identities = z.infer<typeof Identities>;

/** A person who may be subscribed to data sources. */
export const User = z.strictObject({
  id: Name,
  email: z.string().email().optional(),
  groups: z.array(Name).default([]),
  attributes: z.record(Name, z.array(Name)).default({}),
  identities: Identities.default({}),
});
/** A user. */
export type User = z.infer<typeof User>;

/**
 * Where the identity provider provisions a group, by the name (or id) each directory knows it by.
 * A policy whose subscribers include every member of such a group grants its principal to the group
 * itself, so the identity provider, not a Pulumi resource per user, manages the membership
 * (`membership` in the configuration switches this off per directory).
 */
export const GroupIdentities = z.strictObject({
  /** The Snowflake role SCIM provisions for the group (Snowflake imports identity-provider groups as roles). */
  snowflake: Name.optional(),
  /** The Databricks account group (display name; case-sensitive), shared by Unity Catalog and Spark. */
  databricks: Name.optional(),
  /** The IAM Identity Center group id (a directory group can be an S3 Access Grants grantee). */
  identityCenter: Name.optional(),
  /** The Trino group, as the coordinator's group provider names it (file-based access control). */
  trino: Name.optional(),
  /** The Google group as an IAM member (`group:analysts@example.com`). */
  bigquery: z
    .string()
    .regex(/^group:[^\s@]+@[^\s@]+$/, { message: "must be a Google group as an IAM member, such as `group:analysts@example.com`" })
    .optional(),
});
/** A group's identities in the directories it is provisioned to. */
export type GroupIdentities = z.infer<typeof GroupIdentities>;

/** A group of users. */
export const Group = z.strictObject({
  id: Name,
  description: z.string().default(""),
  /** The GitHub team of the group's members (`@org/team`), for CODEOWNERS. */
  github: GithubTeam.optional(),
  /** The directories the identity provider provisions the group to (synced groups). */
  identities: GroupIdentities.optional(),
});
/** A group. */
export type Group = z.infer<typeof Group>;

const base = {
  id: Name,
  tags: z.array(Name).default([]),
  owners: z.array(Name).default([]),
  description: z.string().default(""),
  /** The data source's domain; overrides the project file's `stewardship.domainRules`. */
  domain: Name.optional(),
};

/** Where a table lives on platforms addressed as database.schema.table. */
const DbLocation = z.strictObject({ database: Name, schema: Name, table: Name });
/** Where a table lives on platforms addressed as catalog.schema.table. */
const CatalogLocation = z.strictObject({ catalog: Name, schema: Name, table: Name });

/**
 * The BigQuery location of a source dataset (`US`, `EU`, `europe-west1`...). Required: the mirrored
 * dataset must be created in the same location, and `gcp.bigquery.Dataset` would default to `US`.
 */
export const BigQueryLocation = z.string().regex(/^[A-Za-z]+(-[A-Za-z]+[0-9]+)?$/, {
  message: "must be a BigQuery location such as `US`, `EU` or `europe-west1`",
});
/** A data source: one object on one platform. */
export const DataSource = z.discriminatedUnion("platform", [
  z.strictObject({
    ...base,
    platform: z.literal("snowflake"),
    objectType: z.enum(OBJECT_TYPES.snowflake),
    location: DbLocation,
    /** The object comes from an incoming data share: it cannot carry object grants. */
    incomingShare: z.boolean().default(false),
  }),
  z.strictObject({
    ...base,
    platform: z.literal("databricks-unity-catalog"),
    objectType: z.enum(OBJECT_TYPES["databricks-unity-catalog"]),
    location: CatalogLocation,
    /** The object comes from an incoming Delta share: it cannot carry grants. */
    incomingShare: z.boolean().default(false),
  }),
  z.strictObject({
    ...base,
    platform: z.literal("databricks-spark"),
    objectType: z.enum(OBJECT_TYPES["databricks-spark"]),
    location: CatalogLocation,
  }),
  z.strictObject({
    ...base,
    platform: z.literal("trino"),
    objectType: z.enum(OBJECT_TYPES.trino),
    location: CatalogLocation,
  }),
  z.strictObject({
    ...base,
    platform: z.literal("redshift"),
    objectType: z.enum(OBJECT_TYPES.redshift),
    location: DbLocation,
  }),
  z.strictObject({
    ...base,
    platform: z.literal("synapse"),
    objectType: z.enum(OBJECT_TYPES.synapse),
    location: DbLocation,
  }),
  z.strictObject({
    ...base,
    platform: z.literal("bigquery"),
    objectType: z.enum(OBJECT_TYPES.bigquery),
    location: z.strictObject({ project: Name, dataset: Name, table: Name, location: BigQueryLocation }),
    /**
     * An `EXTERNAL` table is a BigLake table: its connection reads Cloud Storage, so readers need no
     * storage access (an authorized view does not delegate storage access of plain external tables).
     */
    bigLake: z.boolean().default(false),
  }),
  z.strictObject({
    ...base,
    platform: z.literal("s3"),
    objectType: z.enum(OBJECT_TYPES.s3),
    location: z.strictObject({
      bucket: Name,
      prefix: z.string().optional(),
      object: z.string().optional(),
    }),
    /** Overrides the estate's S3 principal mode for this data source. */
    principalMode: S3PrincipalMode.optional(),
    /** Knowingly allows grants to shared IAM roles on this data source. */
    acknowledgeSharedRole: z.boolean().default(false),
  }),
]);
/** A data source. */
export type DataSource = z.infer<typeof DataSource>;
/** A data source of one platform. */
export type DataSourceOf<P extends Platform> = Extract<DataSource, { platform: P }>;

/** An IAM role that several people can assume (shared-iam-role mode), with the users behind it. */
export const SharedRole = z.strictObject({ arn: Identities.shape.iamRole.unwrap(), members: z.array(Name) });

/** An inventory file holds any of users, groups and data sources; a directory of them merges. */
export const InventoryFile = z.strictObject({
  $schema: z.string().optional(),
  users: z.array(User).default([]),
  groups: z.array(Group).default([]),
  dataSources: z.array(DataSource).default([]),
  /** IAM roles that several people can assume (shared-iam-role mode): role ARN -> users behind it. */
  sharedRoles: z.array(SharedRole).default([]),
  /** Domains and their stewards. */
  domains: z.array(Domain).optional(),
});
/** The merged inventory. */
export type Inventory = z.infer<typeof InventoryFile>;
