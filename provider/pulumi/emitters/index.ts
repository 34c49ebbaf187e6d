/**
 * The emitter registry: how each platform's principals become Pulumi resources. The `satisfies`
 * clause makes a platform without an emitter a compile error.
 */
import type { Platform } from "../../model/schema";
import type { PlatformEmitter } from "../context";
import { bigQueryEmitter } from "./bigquery";
import { sparkEmitter, unityCatalogEmitter } from "./databricks";
import { s3Emitter } from "./s3";
import { snowflakeEmitter } from "./snowflake";
import { trinoEmitter } from "./trino";
import { redshiftEmitter, synapseEmitter } from "./view-based";

/** Every platform's emitter. */
export const EMITTERS = {
  snowflake: snowflakeEmitter,
  "databricks-unity-catalog": unityCatalogEmitter,
  "databricks-spark": sparkEmitter,
  bigquery: bigQueryEmitter,
  s3: s3Emitter,
  trino: trinoEmitter,
  redshift: redshiftEmitter,
  synapse: synapseEmitter,
} satisfies Record<Platform, PlatformEmitter>;
