/**
 * The emitter registry: how each platform's principals become Pulumi resources. Platforms whose
 * emitter is absent are not materialised (the estate reports them; nothing is faked).
 */
import type { Platform } from "../../model/schema";
import type { PlatformEmitter } from "../context";
import { bigQueryEmitter } from "./bigquery";
import { sparkEmitter, unityCatalogEmitter } from "./databricks";
import { s3Emitter } from "./s3";
import { snowflakeEmitter } from "./snowflake";

/** Every platform's emitter. */
export const EMITTERS: Partial<Record<Platform, PlatformEmitter>> = {
  snowflake: snowflakeEmitter,
  "databricks-unity-catalog": unityCatalogEmitter,
  "databricks-spark": sparkEmitter,
  bigquery: bigQueryEmitter,
  s3: s3Emitter,
};
