/**
 * The registry of sources: every connector by its `kind`, the value of `kind:` in a source entry
 * of the project file (`inventory.sources`). One module per kind, each exporting a `Connector`.
 */
import type { Connector } from "./types";
import { identityCenter } from "./identity-center";
import { postgres, redshift } from "./redshift";
import { bigquery } from "./bigquery";
import { databricksSpark } from "./databricks-spark";
import { databricksUnityCatalog } from "./databricks-unity-catalog";
import { s3 } from "./s3";
import { snowflake } from "./snowflake";
import { synapse } from "./synapse";
import { trino } from "./trino";
import { scim } from "./scim";

/**
 * The catalog connectors of the other platforms, one module each (`snowflake.ts`,
 * `databricks-unity-catalog.ts`, `databricks-spark.ts`, `trino.ts`, `synapse.ts`, `bigquery.ts`,
 * `s3.ts`): import each and list it here, in this one place.
 */
const PLATFORM_CONNECTORS: readonly Connector<never>[] = [
  snowflake as Connector<never>,
  databricksUnityCatalog as Connector<never>,
  databricksSpark as Connector<never>,
  trino as Connector<never>,
  synapse as Connector<never>,
  bigquery as Connector<never>,
  s3 as Connector<never>,
];

/** Every connector, in the order `accessplane inventory pull --help` lists them. */
export const CONNECTORS: readonly Connector<never>[] = [
  ...PLATFORM_CONNECTORS,
  redshift as Connector<never>,
  postgres as Connector<never>,
  scim as Connector<never>,
  identityCenter as Connector<never>,
];

/** The connector of a kind, or undefined. */
export function connectorOf(kind: string): Connector<unknown> | undefined {
  return CONNECTORS.find((c) => c.kind === kind) as Connector<unknown> | undefined;
}

/** Every kind, sorted. */
export const CONNECTOR_KINDS: readonly string[] = CONNECTORS.map((c) => c.kind).sort();
