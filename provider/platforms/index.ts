/**
 * The platform registry: every platform's adapter, keyed by platform id. Shared code looks adapters
 * up here and never branches on a platform name.
 */
import type { DataSource, Platform } from "../model/schema";
import type { PlatformAdapter } from "./types";
import { snowflake } from "./snowflake";

/** Every adapter; the `satisfies` clause makes a missing platform a compile error. */
export const ADAPTERS: Partial<{ [P in Platform]: PlatformAdapter<P> }> = {
  snowflake,
};

/** The adapter of a data source's platform, typed for that data source. */
export function adapterFor<D extends DataSource>(ds: D): PlatformAdapter<D["platform"]> | undefined {
  return ADAPTERS[ds.platform] as PlatformAdapter<D["platform"]> | undefined;
}

export type { PlatformAdapter } from "./types";
