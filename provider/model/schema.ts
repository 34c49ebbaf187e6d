/**
 * The single definition of every input shape: policies, inventory and platform configuration.
 * Types elsewhere derive from these schemas with `z.infer`.
 */
import { z } from "zod";

/** Every platform accessplane expands policies into. */
export const PLATFORMS = [
  "snowflake",
  "databricks-unity-catalog",
  "databricks-spark",
  "trino",
  "redshift",
  "synapse",
  "bigquery",
  "s3",
] as const;
/** A platform id, as used in inventory files and plans. */
export const Platform = z.enum(PLATFORMS);
/** A platform id. */
export type Platform = z.infer<typeof Platform>;

/** `read` reads data; `write` modifies existing data and includes read where the platform grants write. */
export const AccessType = z.enum(["read", "write"]);
/** An access type. */
export type AccessType = z.infer<typeof AccessType>;

/** Object types per platform, named as the platform's `information_schema.tables.table_type`. */
export const OBJECT_TYPES = {
  snowflake: [
    "BASE TABLE",
    "VIEW",
    "MATERIALIZED VIEW",
    "EXTERNAL TABLE",
    "EVENT TABLE",
    "ICEBERG TABLE",
    "DYNAMIC TABLE",
  ],
  "databricks-unity-catalog": [
    "MANAGED",
    "VIEW",
    "MATERIALIZED_VIEW",
    "STREAMING_TABLE",
    "EXTERNAL",
    "FOREIGN",
  ],
  "databricks-spark": ["TABLE", "VIEW"],
  trino: ["BASE TABLE", "VIEW", "MATERIALIZED VIEW"],
  redshift: ["BASE TABLE", "VIEW", "EXTERNAL TABLE"],
  synapse: ["BASE TABLE", "VIEW"],
  bigquery: ["BASE TABLE", "VIEW", "MATERIALIZED VIEW", "EXTERNAL"],
  s3: ["BUCKET", "PREFIX", "OBJECT"],
} as const satisfies Record<Platform, readonly string[]>;

/** The object types of one platform. */
export type ObjectTypeOf<P extends Platform> = (typeof OBJECT_TYPES)[P][number];

/** A name that identifies something in the estate (user, group, policy, data source, tag). */
export const Name = z
  .string()
  .min(1, { message: "must not be empty" })
  .max(256, { message: "must be at most 256 characters" });

/** An ISO 8601 instant with a time zone: `2026-01-31T12:00:00Z` or `2026-01-31T12:00:00+01:00`. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant: date, time and time zone. A date alone is refused rather than read as a day's start
 * (UTC): `expiresAt: 2027-03-31` meant as "until the end of March" would end access a day early.
 */
export const Instant = z.string().check((ctx) => {
  const problem = instantProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem.message, params: { help: problem.help } });
});

/** What is wrong with an instant's text, with how to write it, or undefined when it is valid. */
export function instantProblem(s: string): { message: string; help: string } | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (date && !isCalendarDate(s)) {
    const days = new Date(Date.UTC(Number(date[1]), Number(date[2]), 0)).getUTCDate();
    const help = Number(date[2]) >= 1 && Number(date[2]) <= 12 ? `\`${s.slice(0, 7)}\` has ${days} days` : "months run from `01` to `12`";
    return { message: "is not a real calendar date", help };
  }
  if (INSTANT_PATTERN.test(s))
    return Number.isNaN(Date.parse(s)) ? { message: "is not a real time of day", help: "write hours 00-23 and minutes 00-59, e.g. `2026-01-31T23:59:00Z`" } : undefined;
  if (date && s.length === 10) {
    const next = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]) + 1)).toISOString().slice(0, 10);
    return {
      message: "is a date without a time and time zone",
      help: `write the instant you mean: \`${s}T00:00:00Z\` is the start of that day (UTC), \`${next}T00:00:00Z\` its end; as an expiry, the first ends access as the day begins, the second keeps it through \`${s}\``,
    };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(s))
    return { message: "has no time zone", help: `add \`Z\` for UTC or an offset such as \`+02:00\`: \`${s}Z\`` };
  return {
    message: "must be an ISO 8601 instant with a time zone, such as `2026-01-31T12:00:00Z`",
    help: "write the date, the time and `Z` (UTC) or an offset such as `+02:00`",
  };
}

/** True when the date part names a day that exists (Date.parse silently rolls 2026-02-30 over). */
function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// ---------------------------------------------------------------------------------------------
// Conditions (ABAC)

/** A condition on a user's groups and attributes; any-of / all-of nest. */
export type Condition =
  | { group: string }
  | { attribute: string; values: string[] }
  | { anyOf: Condition[] }
  | { allOf: Condition[] };

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

/** Who may approve requests: named users, members of named groups, the owners of the selected data sources, the stewards of their domain. */
export const Approvers = z.strictObject({
  users: z.array(Name).default([]),
  groups: z.array(Name).default([]),
  /** The `owners` of every data source the policy selects may approve. */
  owners: z.boolean().optional(),
  /** The stewards of the policy's domain (or, for a global policy, of the selected data sources' domains) may approve. */
  stewards: z.boolean().optional(),
});

/** An ISO 8601 duration of days and time (`P90D`, `P2W`, `PT12H`, `P1DT12H`); years and months are refused (their length varies). */
export const DURATION_PATTERN = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** A pending request for access: it grants nothing until an approver turns it into an approval. */
export const AccessRequest = z.strictObject({
  user: Name,
  requestedAt: Instant,
  /** The instant the requester wants access to end. */
  until: Instant.optional(),
  reason: z.string().optional(),
});
/** A pending request. */
export type AccessRequest = z.infer<typeof AccessRequest>;

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
      /** The longest an approval may last, from `approvedAt` to `expiresAt`, as an ISO 8601 duration (`P90D`). */
      maxDuration: z
        .string()
        .regex(DURATION_PATTERN, { message: "must be an ISO 8601 duration in weeks, days and time, such as `P90D`, `P2W` or `PT12H`" })
        .optional(),
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
  /** The domain the policy belongs to: it may select only that domain's data sources. Without one, the policy is global. */
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
  const form = "must be a database user such as `alice`, or a federated user with its prefix such as `IAM:alice`, `IAMR:analyst` or `AWSIDC:alice@example.com`";
  const forms =
    "write a database user as it is named in Redshift, or a federated user as Redshift names it: `IAM:<user>` or `IAMA:<user>` (GetClusterCredentials), `IAMR:<role>` (an IAM role), `<namespace>:<user>` for IAM Identity Center (e.g. `AWSIDC:`) or a native identity provider; quote a name that really contains a colon (`'\"a:b\"'`)";
  if (/^arn:/i.test(v)) {
    ctx.addIssue({ code: "custom", message: "must be the database user Redshift maps an IAM identity to, not its ARN", params: { help: "write `IAM:<user name>` for an IAM user or `IAMR:<role name>` for an IAM role, as `SELECT usename FROM pg_user` shows it" } });
  } else if (m && /^(iam|iama|iamr)$/i.test(m[1]!) && m[1] !== m[1]!.toUpperCase()) {
    ctx.addIssue({ code: "custom", message: `has the prefix \`${m[1]}:\`, which Redshift writes in upper case`, params: { help: `write \`${m[1]!.toUpperCase()}:${m[2]}\`` } });
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
  github: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, { message: "must be a GitHub login such as `fay-lee` (letters, digits and single hyphens)" })
    .optional(),
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

/** A group of users; `identityCenterGroupId` links it to an IAM Identity Center group. */
export const Group = z.strictObject({
  id: Name,
  description: z.string().default(""),
  /** The GitHub team that holds the group's members (`@org/team`), for CODEOWNERS. */
  github: z
    .string()
    .regex(/^@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: "must be a GitHub team such as `@example-org/finance-stewards`" })
    .optional(),
});
/** A group. */
export type Group = z.infer<typeof Group>;

const base = {
  id: Name,
  tags: z.array(Name).default([]),
  owners: z.array(Name).default([]),
  description: z.string().default(""),
  /** The domain the data source belongs to; overrides the project file's `stewardship.domainRules`. */
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
export const BigQueryLocation = z
  .string()
  .regex(/^[A-Za-z]+(-[A-Za-z]+[0-9]+)?$/, {
    message: "must be a BigQuery location such as `US`, `EU` or `europe-west1`",
  });

/** S3 principal modes, best first (see the S3 provisioning best practices). */
export const S3PrincipalMode = z.enum(["identity-center", "iam-role-per-user", "shared-iam-role"]);
/** An S3 principal mode. */
export type S3PrincipalMode = z.infer<typeof S3PrincipalMode>;

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

/** Users and groups, by id. */
export const Principals = z.strictObject({
  users: z.array(Name).default([]),
  groups: z.array(Name).default([]),
});

/** A domain: a part of the estate whose stewards approve access to its data sources. */
export const Domain = z.strictObject({
  id: Name,
  description: z.string().default(""),
  stewards: Principals,
});
/** A domain. */
export type Domain = z.infer<typeof Domain>;

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
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, { message: "must be an IAM role ARN such as `arn:aws:iam::123456789012:role/access-grants-location`" })
    .optional(),
});
/** An S3 Access Grants location. */
export type S3Location = z.infer<typeof S3Location>;

/**
 * A rule that places data sources in a domain by where they live: every location key given must
 * equal the data source's (a Snowflake `database`, a Unity Catalog `catalog`, a BigQuery `project`,
 * an S3 `bucket`...). The first matching rule wins; a data source's own `domain` wins over rules.
 */
export const DomainRule = z.strictObject({
  domain: Name,
  platform: Platform.optional(),
  database: Name.optional(),
  catalog: Name.optional(),
  schema: Name.optional(),
  project: Name.optional(),
  dataset: Name.optional(),
  bucket: Name.optional(),
});
/** A domain rule. */
export type DomainRule = z.infer<typeof DomainRule>;

/** Who owns what: the governance team (global policies and the project file) and the domain rules. */
export const Stewardship = z.strictObject({
  governance: Principals.optional(),
  domainRules: z.array(DomainRule).default([]),
});

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
          allowedNonDataSourceOperations: z
            .array(TrinoOperation)
            .default(["READ", "WRITE", "CREATE", "OWN"]),
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
      identityStoreId: z.string().regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, { message: "must be an identity store id such as `d-9067a1b2c3`" }).optional(),
      /** The AWS account of the S3 Access Grants instance; required as soon as an S3 data source exists. */
      accountId: z.string().regex(/^\d{12}$/, { message: "must be a 12-digit AWS account id" }).optional(),
      /** The Identity Center instance the Access Grants instance is associated with (`arn:aws:sso:::instance/ssoins-…`). */
      identityCenterArn: z.string().regex(/^arn:aws[a-z-]*:sso:::instance\/.+$/, { message: "must be an Identity Center instance ARN such as `arn:aws:sso:::instance/ssoins-7223a5b1c9e4d6f8`" }).optional(),
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
      workspaceId: z
        .string()
        .regex(/^\d+$/, { message: "must be the numeric workspace id, e.g. `1234567890123456`" })
        .optional(),
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
});
/** The platform configuration. */
export type Config = z.infer<typeof Config>;

// ---------------------------------------------------------------------------------------------
// Project file

/** What a project file (`accessplane.yaml`) adds to the platform configuration: where the estate is. */
export const ProjectKeys = {
  /** Policy files: a directory or one file, relative to the project file. */
  policies: z.string().min(1).optional(),
  /** Inventory files: a directory or one file, relative to the project file. */
  inventory: z.string().min(1).optional(),
  /** A separate platform configuration file, relative to the project file (instead of inline keys). */
  config: z.string().min(1).optional(),
};

/** A project file: the platform configuration (inline) plus the paths of the estate's files. */
export const ProjectFile = Config.extend(ProjectKeys);
/** A project file's contents. */
export type ProjectFile = z.infer<typeof ProjectFile>;
