/**
 * Read-only platforms. Subscription policies there grant read access only, so a write policy yields
 * the read privileges plus a warning. The view-based ones (Redshift, Synapse, BigQuery) also share
 * one adapter factory: each data source is reached through a managed view whose SELECT goes to
 * PUBLIC once, and entitlements (not grants) decide who sees rows, so the platforms differ only in
 * names and identities.
 */
import type { AccessType, Config, DataSourceOf, Identities, ObjectTypeOf } from "../model/schema";
import {
  type PlatformAdapter,
  type PrivilegeTable,
  type Privileges,
  groupName,
  selfImplied,
  union,
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
  /** The fully qualified, quoted name of the managed view of `ds`. */
  managedView(ds: DataSourceOf<P>, config: Config): string;
}

/**
 * The managed view of a database.schema.table source (Redshift, Synapse): `<schema>__<table>` in one
 * managed schema per database, so views of every schema sit beside the entitlements they join.
 */
export function managedSchemaView(
  quote: (identifier: string) => string,
): (ds: { location: { database: string; schema: string; table: string } }, config: Config) => string {
  return ({ location: { database, schema, table } }, config) =>
    [database, config.viewBased.managedSchema, `${schema}__${table}`].map(quote).join(".");
}

/** A view-based data source's object type, typed for its platform. */
function objectTypeOf<P extends ViewBasedPlatform>(ds: DataSourceOf<P>): ObjectTypeOf<P> {
  // TypeScript cannot see through `Extract` over a generic platform that every member has an object
  // type of that platform; the schema guarantees it.
  return (ds as DataSourceOf<ViewBasedPlatform>).objectType as ObjectTypeOf<P>;
}

/** Builds the adapter of a view-based platform. */
export function viewBasedAdapter<P extends ViewBasedPlatform>(spec: ViewBasedSpec<P>): PlatformAdapter<P> {
  const reason: ReadOnlyReason = {
    title: spec.title,
    where: " on the managed view",
    help: `view-based integrations are read-only: use a read policy; write access to the source table on ${spec.title} is managed outside subscription policies`,
  };
  return {
    platform: spec.platform,
    title: spec.title,
    supportsWrite: false,
    enforcement: "views",
    identityKey: () => spec.identityKey,
    tableKey: (ds) => objectTypeOf(ds),
    privileges: (ds, access) => readOnlyPrivileges(ds, access, spec.table[objectTypeOf(ds)], reason),
    // No parents: SELECT on every managed view goes to PUBLIC once, when the integration is set up;
    // a subscription changes only the entitlements the view joins, never a grant.
    target: (ds, config) => ({ kind: "VIEW", object: spec.managedView(ds, config), parents: [] }),
    merge: (a, b) => union(a, b),
    implied: selfImplied,
    extras: () => ({}),
    principalName: (key, config) => groupName(config.naming.groupPrefix, key),
  };
}
