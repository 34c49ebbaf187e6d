/**
 * Read-only platforms. Subscription policies there grant read access only, so a write policy yields
 * the read privileges plus a warning. The view-based ones (Redshift, Synapse, BigQuery) also share
 * one adapter factory: each data source is reached through a managed view whose SELECT goes to
 * PUBLIC once, and entitlements (not grants) decide who sees rows, so the platforms differ only in
 * names and identities.
 */
import { createHash } from "node:crypto";
import type { AccessType, Config, DataSourceOf, Identities, ObjectTypeOf } from "../model/schema";
import { defineAdapter } from "./define";
import { IDENTIFIER_LIMITS, delimitQualified } from "./sql/dialect";
import {
  type Note,
  type IdentifierCase,
  type PlatformAdapter,
  type PrivilegeTable,
  type Privileges,
  type SyncedGroups,
  foldLocation,
} from "./types";

/** The row of every object type on a read-only platform: SELECT, whatever the access type. */
export const SELECT_ONLY = { read: ["SELECT"], write: ["SELECT"] } as const;

/** How a read-only platform explains that write yields read. */
export interface ReadOnlyReason {
  /** The platform's human name. */
  title: string;
  /** Where SELECT lands, appended to the message (e.g. ` on the managed view`). */
  where: string;
  /** What to do instead, for the warning's help. */
  help: string;
}

/** Privileges of a read-only platform: the row's own list, with a warning when a write policy asks for more. */
export function readOnlyPrivileges(
  ds: { id: string },
  access: AccessType,
  row: { read: readonly string[]; write: readonly string[] },
  reason: ReadOnlyReason,
): Privileges {
  const privileges = row[access];
  if (access === "read") return { privileges, notes: [] };
  return {
    privileges,
    notes: [
      {
        code: "write-on-read-only-platform",
        message: `\`${ds.id}\` is on ${reason.title}, where subscription policies grant read access only: write yields ${privileges.join(", ")}${reason.where}`,
        help: reason.help,
      },
    ],
  };
}

/** The platforms enforced through managed views. */
export type ViewBasedPlatform = "redshift" | "synapse" | "bigquery";

/** What distinguishes one view-based platform from the others. */
export interface ViewBasedSpec<P extends ViewBasedPlatform> {
  platform: P;
  title: string;
  /** The platform's privilege table (SELECT on the managed view for every object type). */
  table: PrivilegeTable<ObjectTypeOf<P>, "SELECT">;
  identityKey: keyof Identities;
  /** The synced groups a managed view's readers can be granted through; absent: per user. */
  syncedGroups?: SyncedGroups;
  /** How the platform stores the source's names and its users' names. */
  identifierCase: IdentifierCase;
  /** The path of the managed view of `ds` (names as stored, unquoted). */
  managedView(ds: DataSourceOf<P>, config: Config): string[];
  /** Writes the managed view's path as the plan shows it (the platform's quoting). */
  quote(path: readonly string[]): string;
  /** Why no managed view can serve `ds`, if so: it then grants nothing, and the plan says why. */
  refusal?(ds: DataSourceOf<P>): Note | undefined;
  /** Platform rules over the whole estate (e.g. one location per mirrored dataset). */
  audit?: PlatformAdapter<P>["audit"];
}

/** The dialects a managed view name is made for (postgres: Redshift's test stand-in). */
export type ManagedViewDialect = "postgres" | "redshift" | "synapse";

/** A source table of a database.schema.table platform. */
export interface SourceTriple {
  database: string;
  schema: string;
  table: string;
}

/**
 * The managed view's name inside the managed schema of the source's own database: the escaped
 * schema, the separator `$_`, the escaped table. Escaping maps `$` to `$$`, so every `$` of a name
 * starts a two-character token (`$$` a literal dollar, `$_` the separator) and a name decodes in
 * one way only: distinct (schema, table) pairs never share a name, whatever `_` or `__` they hold.
 * A name over the dialect's identifier limit (Redshift 127 bytes, Synapse 128 characters,
 * PostgreSQL 63 bytes) keeps a readable prefix of whole tokens and ends in `$#` and 16 hex digits
 * of a SHA-256 of the whole triple: `$#` never occurs as a token of an untruncated name, so the two
 * kinds never meet, and a truncated name differs from another as their triples' digests do.
 */
export function managedViewName(dialect: ManagedViewDialect, source: SourceTriple): string {
  const esc = (s: string) => [...s].map((c) => (c === "$" ? "$$" : c));
  const tokens = [...esc(source.schema), "$_", ...esc(source.table)];
  const full = tokens.join("");
  const limit = IDENTIFIER_LIMITS[dialect]!;
  const size = (s: string) => (limit.unit === "bytes" ? Buffer.byteLength(s, "utf8") : [...s].length);
  if (size(full) <= limit.max) return full;
  const digest = createHash("sha256")
    .update(JSON.stringify([source.database, source.schema, source.table]))
    .digest("hex")
    .slice(0, 16);
  const suffix = `$#${digest}`;
  let prefix = "";
  for (const t of tokens) {
    if (size(prefix + t + suffix) > limit.max) break;
    prefix += t;
  }
  return prefix + suffix;
}

/**
 * The managed view of a database.schema.table source (Redshift, Synapse), as the adapter places it
 * and the emitter creates it: `managedViewName` in the managed schema of the source's own database.
 */
export function managedSchemaViewPath(dialect: "redshift" | "synapse"): (ds: { location: SourceTriple }, config: Config) => string[] {
  return ({ location }, config) => [location.database, config.viewBased.managedSchema, managedViewName(dialect, location)];
}

/** The managed views of a database.schema.table platform: where they are and how the plan writes them. */
export function managedSchemaViews<P extends "redshift" | "synapse">(dialect: P): Pick<ViewBasedSpec<P>, "managedView" | "quote"> {
  return { managedView: managedSchemaViewPath(dialect), quote: (path) => delimitQualified(path, dialect) };
}

/**
 * Builds the adapter of a database.schema.table view-based platform (Redshift, Synapse): its
 * managed views in the managed schema of each source's database, its identities under its own name.
 */
export function managedSchemaAdapter<P extends "redshift" | "synapse">(
  spec: Omit<ViewBasedSpec<P>, "identityKey" | "managedView" | "quote">,
): PlatformAdapter<P> {
  return viewBasedAdapter<P>({ ...spec, identityKey: spec.platform, ...managedSchemaViews(spec.platform) });
}

/** `managedSchemaViewPath`, each part written with `quote` and joined with dots. */
export function managedSchemaView(
  dialect: "redshift" | "synapse",
  quote: (identifier: string) => string,
): (ds: { location: SourceTriple }, config: Config) => string {
  const path = managedSchemaViewPath(dialect);
  return (ds, config) => path(ds, config).map(quote).join(".");
}

/** A view-based data source's object type, typed for its platform. */
function objectTypeOf<P extends ViewBasedPlatform>(ds: DataSourceOf<P>): ObjectTypeOf<P> {
  // TypeScript cannot see through `Extract` over a generic platform that every member has an object
  // type of that platform; the schema guarantees it.
  return (ds as DataSourceOf<ViewBasedPlatform>).objectType as ObjectTypeOf<P>;
}

/** A data source whose location carries the names as the platform stores them. */
export function storedSource<D extends { location: object }>(ds: D, rule: IdentifierCase): D {
  return { ...ds, location: foldLocation(ds.location, rule.objects) };
}

/** Builds the adapter of a view-based platform. */
export function viewBasedAdapter<P extends ViewBasedPlatform>(spec: ViewBasedSpec<P>): PlatformAdapter<P> {
  const reason: ReadOnlyReason = {
    title: spec.title,
    where: " on the managed view",
    help: `view-based integrations are read-only: use a read policy; write access to the source table on ${spec.title} is managed outside subscription policies`,
  };
  return defineAdapter<P>({
    platform: spec.platform,
    title: spec.title,
    supportsWrite: false,
    enforcement: "views",
    identifierCase: spec.identifierCase,
    identityKey: spec.identityKey,
    ...(spec.syncedGroups ? { syncedGroups: spec.syncedGroups } : {}),
    ...(spec.refusal ? { refusal: spec.refusal } : {}),
    privileges: (ds, access) => readOnlyPrivileges(ds, access, spec.table[objectTypeOf(ds)], reason),
    // No parents: SELECT on every managed view goes to PUBLIC once, when the integration is set up;
    // a subscription changes only the entitlements the view joins, never a grant.
    locate: (ds, config) => ({ kind: "VIEW", path: spec.managedView(storedSource(ds, spec.identifierCase), config), parents: [] }),
    quote: spec.quote,
    ...(spec.audit ? { audit: spec.audit } : {}),
  });
}
