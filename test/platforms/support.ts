/** Builders for platform tests: data sources and configurations through the real zod schemas. */
import { type AccessType, Config, DataSource, OBJECT_TYPES, type DataSourceOf, type Platform } from "../../provider/model/schema";
import { bind } from "../../provider/platforms";

/** A default location per platform, so tests name only what they vary. */
export const LOCATIONS = {
  snowflake: { database: "DB", schema: "SC", table: "T" },
  "databricks-unity-catalog": { catalog: "main", schema: "sales", table: "orders" },
  "databricks-spark": { catalog: "hive_metastore", schema: "web", table: "clicks" },
  trino: { catalog: "lake", schema: "sales", table: "orders" },
  redshift: { database: "dw", schema: "billing", table: "invoices" },
  synapse: { database: "hr", schema: "dbo", table: "salaries" },
  bigquery: { project: "acme", dataset: "web", table: "sessions", location: "EU" },
  s3: { bucket: "acme-landing", prefix: "sales/", object: "sales/2026/01.csv" },
} as const satisfies Record<Platform, Record<string, string>>;

/** A data source of `platform`, parsed by the real schema (defaults applied). */
export function source<P extends Platform>(platform: P, objectType: string, extra: Record<string, unknown> = {}): DataSourceOf<P> {
  return DataSource.parse({
    id: `${platform}.${objectType.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`,
    platform,
    objectType,
    location: LOCATIONS[platform],
    ...extra,
  }) as DataSourceOf<P>;
}

/** A configuration parsed by the real schema from a partial document. */
export const config = (doc: Record<string, unknown> = {}): Config => Config.parse(doc);

/** Every (platform, object type) pair the schema knows. */
export const ALL_OBJECTS: [Platform, string][] = (Object.keys(OBJECT_TYPES) as Platform[]).flatMap((p) =>
  OBJECT_TYPES[p].map((t): [Platform, string] => [p, t]),
);

/**
 * The product's `bind`, with the configuration given per call (the default configuration otherwise),
 * so a test can vary it on one data source.
 */
export function bound(ds: DataSource) {
  const at = (c: Config = config()) => bind(ds, c);
  return {
    adapter: at().adapter,
    privileges: (access: AccessType, c?: Config) => at(c).privileges(access),
    target: (c?: Config) => at(c).target(),
    extras: (privileges: readonly string[], c?: Config) => at(c).extras(privileges),
    identityKey: (c?: Config) => at(c).identityKey(),
    tableKey: () => at().tableKey(),
  };
}

/** SPEC.md's S3 actions of access level READ, transcribed (not taken from the adapter). */
export const SPEC_S3_READ_ACTIONS = [
  "GetObject",
  "GetObjectVersion",
  "GetObjectAcl",
  "GetObjectVersionAcl",
  "ListMultipartUploadParts",
  "ListObjects",
  "ListObjectsVersions",
  "ListBucketMultipartUploads",
  "KmsDecrypt",
];

/** SPEC.md's S3 actions of access level READWRITE: READ's nine plus seven, transcribed. */
export const SPEC_S3_READWRITE_ACTIONS = [
  ...SPEC_S3_READ_ACTIONS,
  "PutObject",
  "PutObjectAcl",
  "PutObjectVersionAcl",
  "DeleteObject",
  "DeleteObjectVersion",
  "AbortMultipartUpload",
  "KmsGenerateDataKey",
];
