/**
 * The platform registry: every platform's adapter, keyed by platform id. Shared code looks adapters
 * up here and never branches on a platform name.
 */
import type { DataSource, Platform } from "../model/schema";
import type { PlatformAdapter } from "./types";
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

export type { PlatformAdapter } from "./types";
