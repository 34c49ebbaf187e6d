/**
 * The platform registry: every platform's adapter, keyed by platform id. Shared code looks adapters
 * up here and never branches on a platform name.
 */
import type { AccessType, Config, DataSource, Identities, Platform } from "../model/schema";
import type { IdentifierCase, PlatformAdapter, Privileges, SyncedGroups, Target } from "./types";
import { bigquery } from "./bigquery";
import { databricksSpark } from "./databricks-spark";
import { databricksUnityCatalog } from "./databricks-unity-catalog";
import { redshift } from "./redshift";
import { s3 } from "./s3";
import { snowflake } from "./snowflake";
import { synapse } from "./synapse";
import { trino } from "./trino";

/** Every adapter; the `satisfies` clause makes a missing platform a compile error. */
export const ADAPTERS = {
  snowflake,
  "databricks-unity-catalog": databricksUnityCatalog,
  "databricks-spark": databricksSpark,
  trino,
  redshift,
  synapse,
  bigquery,
  s3,
} as const satisfies { [P in Platform]: PlatformAdapter<P> };

/** The adapter of a data source's platform, typed for that data source. */
export function adapterFor<D extends DataSource>(ds: D): PlatformAdapter<D["platform"]> {
  // The registry is complete (checked above), so the lookup always succeeds; TypeScript cannot
  // correlate the key with the adapter's type parameter through the union, hence the cast.
  return ADAPTERS[ds.platform] as unknown as PlatformAdapter<D["platform"]>;
}

/**
 * An adapter bound to one data source and a configuration: what shared code asks of a platform about
 * that data source, without naming the platform's types.
 */
export interface BoundAdapter {
  readonly ds: DataSource;
  readonly platform: Platform;
  /** Human name of the platform, e.g. `Databricks Unity Catalog`. */
  readonly title: string;
  readonly identifierCase: IdentifierCase;
  /** The adapter itself, for what does not concern one data source (`merge`, `implied`, `principalName`). */
  readonly adapter: PlatformAdapter;
  /** Privileges `access` yields on the data source, from the platform's tables. */
  privileges(access: AccessType): Privileges;
  /** Equal for data sources that get equal `privileges` (for memoising). */
  tableKey(): string;
  /** Where the privileges land. */
  target(): Target;
  /** Platform-specific fields of an access entry with `privileges` on the data source. */
  extras(privileges: readonly string[]): Record<string, unknown>;
  /** Which identity of a user the platform knows them by on this data source. */
  identityKey(): keyof Identities;
  /** Which identity of a user the platform knows them by by default (no data source override). */
  defaultIdentityKey(): keyof Identities;
  /** The synced groups a principal on the data source can have as members, if any. */
  syncedGroups(): SyncedGroups | undefined;
}

/** Binds the adapter of `ds`'s platform to `ds` and `config`. */
export function bind(ds: DataSource, config: Config): BoundAdapter {
  // As in `adapterFor`: the adapter is the one of `ds`'s platform, which TypeScript cannot correlate
  // through the union; this is the one place the correlation is asserted.
  const a = ADAPTERS[ds.platform] as unknown as PlatformAdapter<Platform>;
  return {
    ds,
    platform: ds.platform,
    title: a.title,
    identifierCase: a.identifierCase,
    adapter: a,
    privileges: (access) => a.privileges(ds, access, config),
    tableKey: () => a.tableKey(ds),
    target: () => a.target(ds, config),
    extras: (privileges) => a.extras(ds, privileges, config),
    identityKey: () => a.identityKey(config, ds),
    defaultIdentityKey: () => a.identityKey(config),
    syncedGroups: () => a.syncedGroups(config, ds),
  };
}

export type { PlatformAdapter } from "./types";
