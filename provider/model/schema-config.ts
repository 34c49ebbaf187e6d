/**
 * The platform configuration of an estate (`accessplane.yaml`, or a separate configuration file),
 * and the project file that adds the estate's paths to it. schema.ts re-exports them.
 */
import { z } from "zod";
import { Name, STACK_FAMILIES } from "./schema-common";
import { Stewardship } from "./schema-stewardship";

/** How a platform's policy principals get their members: through synced groups where exact, or one by one. */
export const MembershipMode = z.enum(["synced-groups", "per-user"]);
/** A membership mode. */
export type MembershipMode = z.infer<typeof MembershipMode>;

/** S3 principal modes, best first (see the S3 provisioning best practices). */
export const S3PrincipalMode = z.enum(["identity-center", "iam-role-per-user", "shared-iam-role"]);
/** An S3 principal mode. */
export type S3PrincipalMode = z.infer<typeof S3PrincipalMode>;

// ---------------------------------------------------------------------------------------------
// Platform configuration

/** Trino operations that a policy access type maps to. */
export const TrinoOperation = z.enum(["READ", "WRITE", "OWN", "CREATE"]);
/** A Trino operation. */
export type TrinoOperation = z.infer<typeof TrinoOperation>;

/** Maps policy access types to Trino operations (`accessGrantMapping`). */
export const TrinoAccessGrantMapping = z.strictObject({
  READ: z.array(TrinoOperation),
  WRITE: z.array(TrinoOperation),
});

/** An S3 Access Grants location: a registered scope and the IAM role S3 Access Grants assumes to vend credentials for it. */
export const S3Location = z.strictObject({
  /** The location's id in the Access Grants instance (`default` for `s3://`); with `manageInstance`, the key of the location accessplane registers. */
  id: Name,
  /** `s3://` (every bucket), `s3://bucket/` or `s3://bucket/prefix/`: a folder, since a grant's sub-prefix is appended to it as it stands. */
  scope: z.string(),
  /** The role S3 Access Grants assumes for this location; required with `manageInstance`. */
  iamRoleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, {
      message: "must be an IAM role ARN such as `arn:aws:iam::123456789012:role/access-grants-location`",
    })
    .optional(),
});
/** An S3 Access Grants location. */
export type S3Location = z.infer<typeof S3Location>;

/** A stack family's recorded shard counts: one count, or one per part of a family split in two. */
export const StackCounts = z.union([
  z.number().int().positive(),
  z.strictObject({ principals: z.number().int().positive(), members: z.number().int().positive() }),
]);
/** A stack family's recorded shard counts. */
export type StackCounts = z.infer<typeof StackCounts>;

/** The platform configuration of an estate. */
export const Config = z.strictObject({
  $schema: z.string().optional(),
  /** Stewardship: the governance team and how data sources are placed in domains. */
  stewardship: Stewardship.optional(),
  naming: z
    .strictObject({
      /** Prefix of generated Snowflake roles (upper case is conventional there). */
      snowflakeRolePrefix: z.string().default("AP_"),
      /** Prefix of generated Databricks groups, Trino roles and S3/IDC groups. */
      groupPrefix: z.string().default("ap-"),
    })
    .default({ snowflakeRolePrefix: "AP_", groupPrefix: "ap-" }),
  snowflake: z
    .strictObject({
      /** A warehouse every policy role gets USAGE on, so subscribed users can run queries (optional). */
      warehouse: Name.optional(),
    })
    .default({}),
  trino: z
    .strictObject({
      /** How grants reach the cluster: SQL GRANT statements or a file-based `rules.json`. */
      mode: z.enum(["sql", "file"]).default("sql"),
      /** File mode: where the coordinator's `security.config-file` rules document is written. */
      rulesPath: z.string().default("/etc/trino/rules.json"),
      /**
       * File mode: the Trino users, groups and roles the rules document lets do everything everywhere
       * (its first rules): the cluster's administrators and the identities that own shared views.
       */
      admins: z
        .strictObject({
          users: z.array(Name).default([]),
          groups: z.array(Name).default([]),
          roles: z.array(Name).default([]),
        })
        .default({ users: [], groups: [], roles: [] }),
      /** The estate-wide mapping of access types to operations. */
      accessGrantMapping: TrinoAccessGrantMapping.default({ READ: ["READ"], WRITE: ["READ", "WRITE"] }),
      /** What one cluster enforces; it takes precedence over the estate-wide mapping. */
      cluster: z
        .strictObject({
          accessGrantMapping: TrinoAccessGrantMapping.optional(),
          /** The operations any policy may grant on data sources (objects registered in the inventory). */
          allowedDataSourceOperations: z.array(TrinoOperation).default(["READ", "WRITE"]),
          /** The operations everyone may use on objects that are not data sources; the only place CREATE is valid. */
          allowedNonDataSourceOperations: z.array(TrinoOperation).default(["READ", "WRITE", "CREATE", "OWN"]),
        })
        .default({
          allowedDataSourceOperations: ["READ", "WRITE"],
          allowedNonDataSourceOperations: ["READ", "WRITE", "CREATE", "OWN"],
        }),
    })
    .default({
      mode: "sql",
      rulesPath: "/etc/trino/rules.json",
      admins: { users: [], groups: [], roles: [] },
      accessGrantMapping: { READ: ["READ"], WRITE: ["READ", "WRITE"] },
      cluster: {
        allowedDataSourceOperations: ["READ", "WRITE"],
        allowedNonDataSourceOperations: ["READ", "WRITE", "CREATE", "OWN"],
      },
    }),
  s3: z
    .strictObject({
      principalMode: S3PrincipalMode.default("identity-center"),
      /** With identity-center: grant to each directory user, or to one directory group per policy. */
      identityCenterGrantee: z.enum(["user", "group"]).default("group"),
      /** The Identity Center identity store (`d-` and ten hex digits); required when directory groups are created. */
      identityStoreId: z
        .string()
        .regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
          message: "must be an identity store id such as `d-9067a1b2c3`",
        })
        .optional(),
      /** The AWS account of the S3 Access Grants instance; required as soon as an S3 data source exists. */
      accountId: z
        .string()
        .regex(/^\d{12}$/, { message: "must be a 12-digit AWS account id" })
        .optional(),
      /** The Identity Center instance the Access Grants instance is associated with (`arn:aws:sso:::instance/ssoins-…`). */
      identityCenterArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sso:::instance\/.+$/, {
          message: "must be an Identity Center instance ARN such as `arn:aws:sso:::instance/ssoins-7223a5b1c9e4d6f8`",
        })
        .optional(),
      /** Shorthand for one location: the default location `s3://` registered under this id (usually `default`). */
      accessGrantsLocationId: z.string().min(1).optional(),
      /** The registered Access Grants locations; each grant goes to the longest scope that holds its data source. */
      locations: z.array(S3Location).default([]),
      /** Create the Access Grants instance (associated with `identityCenterArn`) and register `locations` in the estate. */
      manageInstance: z.boolean().default(false),
      /** The hard IAM quota: roles per AWS account. */
      maxRolesPerAccount: z.number().int().positive().default(5000),
    })
    .default({
      principalMode: "identity-center",
      identityCenterGrantee: "group",
      locations: [],
      manageInstance: false,
      maxRolesPerAccount: 5000,
    }),
  /**
   * How policy principals get their members, per directory of synced groups (`snowflake`,
   * `databricks` for both Databricks platforms, `identityCenter` for S3, `trino`, `bigquery`):
   * `synced-groups` (the default) grants a principal to the synced groups whose members it admits,
   * `per-user` makes every member a membership of its own.
   */
  membership: z.partialRecord(z.enum(["snowflake", "databricks", "identityCenter", "trino", "bigquery"]), MembershipMode).default({}),
  identities: z
    .strictObject({
      /**
       * A subscribed user without an identity on a platform cannot be granted access there:
       * `error` refuses the plan, `skip` leaves the user out with a warning.
       */
      onMissing: z.enum(["error", "skip"]).default("error"),
    })
    .default({ onMissing: "error" }),
  databricks: z
    .strictObject({
      /**
       * The numeric id of the workspace that Unity Catalog grants go through and that Spark policy
       * groups are assigned to, when these are made through an account-level provider.
       */
      workspaceId: z.string().regex(/^\d+$/, { message: "must be the numeric workspace id, e.g. `1234567890123456`" }).optional(),
    })
    .default({}),
  databricksSpark: z
    .strictObject({
      /**
       * Manage table ACLs with the authoritative `databricks.SqlPermissions` (revokes every grant
       * accessplane does not make on each table and database it touches) instead of per-principal
       * GRANT and REVOKE.
       */
      authoritative: z.boolean().default(false),
    })
    .default({ authoritative: false }),
  viewBased: z
    .strictObject({
      /** Schema (Redshift, Synapse) that holds managed views and the entitlements table. */
      managedSchema: z.string().default("accessplane"),
      /** Suffix of BigQuery's mirrored datasets. */
      bigqueryDatasetSuffix: z.string().default("_accessplane"),
      /**
       * Synapse: the owner of the managed schema (`CREATE SCHEMA ... AUTHORIZATION`). T-SQL views
       * reach their source through ownership chaining, so it must be the sources' owner.
       */
      synapseSchemaOwner: z.string().min(1).default("dbo"),
    })
    .default({ managedSchema: "accessplane", bigqueryDatasetSuffix: "_accessplane", synapseSchemaOwner: "dbo" }),
  /** Sharded stacks (`accessplane stacks`). */
  stacks: z
    .strictObject({
      /** The most resources one stack may hold (`accessplane stacks --max-resources` overrides it). */
      maxResources: z.number().int().positive().default(5000),
      /**
       * The shard counts of each stack family, as `accessplane stacks --write` records them, so stack
       * names stay put as the estate grows: a count (`<family>-<index>-of-<count>`, or `<family>`
       * for 1), or `{ principals, members }` for a family split in two.
       */
      layout: z.partialRecord(z.enum(STACK_FAMILIES), StackCounts).optional(),
    })
    .default({ maxResources: 5000 }),
});
/** The platform configuration. */
export type Config = z.infer<typeof Config>;

// ---------------------------------------------------------------------------------------------
// Project file

/** The location keys a path rule or a data-source id template may name, over every platform. */
export const LOCATION_KEYS = ["database", "catalog", "project", "bucket", "schema", "dataset", "table", "prefix", "object"] as const;

/**
 * A tag mapping rule of a catalog source: when it matches an object, the object gets `tag`.
 * A label rule matches platform metadata (a Snowflake tag, a Unity Catalog tag, a BigQuery label,
 * a Synapse extended property, an S3 tag) by its key and, optionally, its value (exact text); a path
 * rule matches location parts with glob patterns (`*`, `?`; see provider/connectors/scope.ts). A
 * rule with both needs both to match.
 */
export const TagRule = z.strictObject({
  /** The platform metadata key, as the platform names it (`PII`, `GOVERNANCE.PUBLIC.PII`, `pii`). */
  label: z.string().min(1).optional(),
  /** The value the label must have; absent: any value. */
  value: z.string().optional(),
  database: z.string().min(1).optional(),
  catalog: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  bucket: z.string().min(1).optional(),
  schema: z.string().min(1).optional(),
  dataset: z.string().min(1).optional(),
  table: z.string().min(1).optional(),
  prefix: z.string().min(1).optional(),
  /** The accessplane tag to add. */
  tag: Name,
});
/** A tag mapping rule. */
export type TagRule = z.infer<typeof TagRule>;

/** An attribute mapping rule of a directory source: the source's attribute path → an accessplane attribute. */
export const AttributeRule = z.strictObject({
  /** The source's attribute path: `department`, `title`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`. */
  from: z.string().min(1),
  /** The accessplane attribute name. */
  to: Name,
});
/** An attribute mapping rule. */
export type AttributeRule = z.infer<typeof AttributeRule>;

/**
 * A template over a directory user's fields, e.g. `{email}`, `{email.local|upper}`,
 * `user:{email}`. Fields: `userName`, `email`, `email.local`, `email.domain`, `externalId`,
 * `identities.<platform>` (what the source knows directly); filters: `upper`, `lower`. A field the
 * user lacks means the value cannot be derived: an issue, never a guess.
 */
export const UserTemplate = z
  .string()
  .min(1)
  .regex(/\{[^{}]+\}/, { message: "must name at least one field in braces, e.g. `{email}`" });

/** How `audit` and `adopt` read a source's live grants; `inventory pull` ignores these keys. */
export const SourceGrants = z.strictObject({
  /** Snowflake: `show` (SHOW GRANTS per role, user and share; current) or `account-usage` (two ACCOUNT_USAGE views; lag up to 2 hours). Default `show`. */
  mode: z.enum(["show", "account-usage"], { message: "must be `show` or `account-usage`" }).optional(),
  /** Snowflake, Unity Catalog and Databricks Spark: statements or requests run at once (default 8). */
  concurrency: z.number().int().min(1).optional(),
  /** Snowflake: the role accessplane deploys as; a grant by another grantor to a principal named like accessplane's is conflicting. */
  grantor: z.string().min(1).optional(),
  /** S3: the identity store endpoint groups are resolved through (default `https://identitystore.<region>.amazonaws.com`). */
  identityStoreEndpoint: z.string().url().optional(),
});
/** A source's `grants` options. */
export type SourceGrants = z.infer<typeof SourceGrants>;

/** A source of `inventory pull`: its name, kind, scope and mapping rules; the kind's own keys beside them. */
export const InventorySource = z.looseObject({
  /** The source's name: the file `inventory/pulled/<name>.yaml` and `--source <name>`. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "must be lowercase letters, digits, `-` or `_`, starting with a letter or digit" }),
  /** The connector: `snowflake`, `databricks-unity-catalog`, `databricks-spark`, `trino`, `redshift`, `postgres`, `synapse`, `bigquery`, `s3`, `scim`, `identity-center`. */
  kind: z.string().min(1),
  /** Glob patterns over dotted paths (`SALES.*`, `main.finance.*`, `!*.tmp_*`); absent: everything. */
  include: z.array(z.string().min(1)).optional(),
  /** Glob patterns of objects to leave out. */
  exclude: z.array(z.string().min(1)).optional(),
  /** Catalog sources: tag mapping rules. */
  tags: z.array(TagRule).optional(),
  /** Catalog sources: the tag objects new since the last pull get (default `accessplane:new`). */
  newTag: Name.optional(),
  /**
   * Catalog sources: the data-source id template over `{source}`, `{platform}`, `{path}` (the
   * location parts joined by `.`) and each location key (`{schema}`, `{table}`...), with filters
   * `lower` and `upper`. Default `{source}.{path}`.
   */
  dataSourceId: z.string().min(1).optional(),
  /** Directory sources: attribute mapping rules (only mapped attributes are pulled). */
  attributes: z.array(AttributeRule).optional(),
  /** Directory sources: a template per platform identity, e.g. `snowflake: "{email.local|upper}"`. */
  identities: z
    .partialRecord(
      z.enum(["snowflake", "databricks", "identityCenter", "iamRole", "trino", "redshift", "synapse", "bigquery"]),
      UserTemplate,
    )
    .optional(),
  /** Directory sources: the user id template (default `{userName}`). */
  userId: UserTemplate.optional(),
  /**
   * Directory sources: where the identity provider provisions each group, as a template over the
   * group's `displayName` and `externalId`, e.g. `snowflake: "{displayName|upper}"` for groups
   * pushed to Snowflake as roles (synced groups; `identity-center` knows `identityCenter` itself).
   */
  groupIdentities: z
    .partialRecord(
      z.enum(["snowflake", "databricks", "identityCenter", "trino", "bigquery"]),
      z
        .string()
        .min(1)
        .regex(/\{[^{}]+\}/, { message: "must name at least one field in braces, e.g. `{displayName}`" }),
    )
    .optional(),
  /** Platform sources: how `audit` and `adopt` read the live grants. */
  grants: SourceGrants.optional(),
});
/** A source entry of the project file. */
export type InventorySource = z.infer<typeof InventorySource>;

/** The inventory entry of a project file: a path, or a path with the sources `inventory pull` reads. */
export const InventoryEntry = z.union([
  z.string().min(1),
  z.strictObject({
    /** Inventory files: a directory (pulled files go to its `pulled/`), relative to the project file. */
    path: z.string().min(1),
    sources: z.array(InventorySource).default([]),
  }),
]);

/** What a project file (`accessplane.yaml`) adds to the platform configuration: where the estate is. */
export const ProjectKeys = {
  /** Policy files: a directory or one file, relative to the project file. */
  policies: z.string().min(1).optional(),
  /** Inventory files: a directory or one file, relative to the project file; or `{ path, sources }`. */
  inventory: InventoryEntry.optional(),
  /** A separate platform configuration file, relative to the project file (instead of inline keys). */
  config: z.string().min(1).optional(),
};

/** A project file: the platform configuration (inline) plus the paths of the estate's files. */
export const ProjectFile = Config.extend(ProjectKeys);
/** A project file's contents. */
export type ProjectFile = z.infer<typeof ProjectFile>;
