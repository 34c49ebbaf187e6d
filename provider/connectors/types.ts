/**
 * The contract between `accessplane inventory pull` and the sources it reads: catalogs (objects,
 * their types, locations and platform tags) and identity providers (users, groups, attributes,
 * identities). A connector only reads its source and reports what it found in platform terms; the
 * pull stage applies the project's scope, tag mapping and identity rules, and writes the files.
 */
import type { IssueCode } from "../model/issues";
import type { Platform } from "../model/schema";

/** One problem a source met: it names the source and the object, never a credential. */
export interface SourceIssue {
  severity: "error" | "warning";
  /** A code of the `pull` stage in ISSUE_CODES, e.g. `source-unreachable`, `unknown-table-type`. */
  code: IssueCode;
  message: string;
  /** How to fix it (a privilege to grant, a setting to change). */
  help?: string;
}

/** A table-like object as a catalog reports it. */
export interface CatalogObject {
  platform: Platform;
  /** The object type as SPEC.md names it for `platform` (one of OBJECT_TYPES[platform]). */
  objectType: string;
  /**
   * Where it lives, with the keys of the inventory's `location` for `platform`:
   * database/schema/table, catalog/schema/table, project/dataset/table/location, bucket/prefix/object.
   * Values are the platform's own (unquoted, case as stored).
   */
  location: Record<string, string>;
  /** The object comes from an incoming share (Snowflake share, Delta Sharing catalog). */
  incomingShare?: boolean;
  /** BigQuery: an EXTERNAL table with a connection (BigLake). */
  bigLake?: boolean;
  /**
   * Platform metadata the tag mapping rules read: Snowflake tags (`DB.SCHEMA.TAG` or `TAG` name →
   * value), Unity Catalog tag key → value, BigQuery labels, Synapse extended properties, S3 tags.
   */
  labels: Record<string, string>;
  /** Free text the platform holds (a comment), copied to the data source's description. */
  comment?: string;
}

/** A user as an identity provider reports it. */
export interface DirectoryUser {
  /** The provider's stable id (SCIM `id`, identity store `UserId`). */
  externalId: string;
  /** The login (SCIM `userName`, identity store `UserName`). */
  userName: string;
  email?: string;
  active: boolean;
  /**
   * Attributes by the source's own path (`department`,
   * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`, `title`...), each a
   * list of strings; the attribute mapping rules pick and rename them.
   */
  attributes: Record<string, string[]>;
  /** Ids (`externalId` of DirectoryGroup) of the groups the user is a direct member of. */
  groups: string[];
  /** Identities the source knows directly (e.g. `identityCenter` for the identity store). */
  identities?: Partial<Record<string, string>>;
}

/** A group as an identity provider reports it. */
export interface DirectoryGroup {
  externalId: string;
  displayName: string;
  description?: string;
  /** The group's identities in the directories it is provisioned to, where the source knows them. */
  identities?: Partial<Record<"snowflake" | "databricks" | "identityCenter" | "trino" | "bigquery", string>>;
}

/** What one source read. */
export interface PullResult {
  objects?: CatalogObject[];
  users?: DirectoryUser[];
  groups?: DirectoryGroup[];
  /** Problems met. Any error means the source failed: none of its files is rewritten. */
  issues: SourceIssue[];
  /** Notes the output prints with the summary (e.g. "tags from ACCOUNT_USAGE lag up to 2 hours"). */
  notes?: string[];
  /** Requests made and pages read, for the summary. */
  stats: { requests: number; pages: number };
}

/** The include/exclude scope of a source, already compiled. */
export interface Scope {
  /** True when a container (database, catalog, project, bucket) may hold included objects. */
  container(path: readonly string[]): boolean;
  /** True when an object at this path (e.g. [database, schema, table]) is included. */
  object(path: readonly string[]): boolean;
}

/** What a connector gets to do its work. */
export interface PullContext {
  /** The source's name in the project file; every issue and progress line names it. */
  source: string;
  /** Included objects only; the pull stage filters again, a connector may skip work with it. */
  scope: Scope;
  /**
   * A credential by reference (`{ env: NAME }` resolved from the environment). Throws a
   * SourceError (code `source-credential-missing`) naming the variable, never its value.
   */
  credential(ref: CredentialRef): string;
  /** HTTP with retry and backoff on 429/503 (honouring Retry-After), timeouts, no secret in errors. */
  http: HttpClient;
  /** Reports progress: objects or users read so far and pages. */
  progress(p: { objects?: number; users?: number; pages?: number }): void;
  /** The clock, injectable for tests. */
  now(): Date;
}

/** A secret given by reference: an environment variable's name (a literal secret is an error). */
export type CredentialRef = { env: string };

/** The HTTP client connectors use (fetch-like, JSON helpers). */
export interface HttpClient {
  /** Sends a request; retries 429/502/503/504 with backoff; throws SourceError on other failures. */
  request(url: string, init: HttpRequest): Promise<HttpResponse>;
}

export interface HttpRequest {
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  /** A JSON body (serialised by the client) or a raw string. */
  json?: unknown;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON; a SourceError (`source-bad-response`) when it is not JSON. */
  json<T = unknown>(): T;
}

/** A failure of one source: a code and a message that never includes a credential. */
export class SourceError extends Error {
  constructor(
    readonly code: IssueCode,
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/**
 * A connector: one module per kind of source. `config` is the source's entry of the project file
 * (validated by `configSchema`), minus the keys the pull stage owns (`name`, `kind`, `include`,
 * `exclude`, `tags`, `attributes`, `identities`, `newTag`).
 */
export interface Connector<C = unknown> {
  kind: string;
  /** What the source yields. */
  yields: "catalog" | "directory";
  /** Validates the connector-specific keys (a zod schema; errors are reported at their path). */
  configSchema: import("zod").ZodType<C>;
  pull(config: C, ctx: PullContext): Promise<PullResult>;
}
