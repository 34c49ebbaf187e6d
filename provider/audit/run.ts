/**
 * The grant-reading stage: the project's sources (the same `inventory.sources` entries and
 * credentials as `inventory pull`), each read by its platform's reader. A source fails alone: its
 * error is reported with its name, never with a credential, and the others are still read.
 */
import { Client } from "pg";
import type { z } from "zod";
import { resolveCredential } from "../connectors/credentials";
import { httpClient } from "../connectors/http";
import { BigQueryConfig } from "../connectors/bigquery";
import { SparkConfig } from "../connectors/databricks-spark";
import { UnityCatalogConfig } from "../connectors/databricks-unity-catalog";
import { RedshiftConfig } from "../connectors/redshift";
import { S3Config } from "../connectors/s3";
import { compileScope } from "../connectors/scope";
import { SnowflakeConfig, sqlApi } from "../connectors/snowflake";
import { SynapseConfig } from "../connectors/synapse-session";
import { TrinoConfig } from "../connectors/trino";
import { type PullContext, SourceError } from "../connectors/types";
import type { Config, InventorySource } from "../model/schema";
import { connectorKeys } from "../connectors/pull-sources";
import { readBigQuerySource } from "./readers/bigquery";
import { readSparkGrants } from "./readers/databricks-spark";
import { readUnityCatalogGrants } from "./readers/databricks-unity-catalog";
import { readPostgresGrants } from "./readers/postgres";
import { readS3Source } from "./readers/s3";
import { readSnowflakeGrants } from "./readers/snowflake";
import { readSynapseSource } from "./readers/synapse";
import { readTrinoSource } from "./readers/trino";
import type { LiveState } from "./types";
import { append } from "../model/arrays";

/** One source entry of the project file, checked against the source schema. */
export type SourceEntry = InventorySource;

/** The kinds whose grants `audit` reads. */
export const AUDIT_KINDS = [
  "redshift",
  "postgres",
  "snowflake",
  "databricks-unity-catalog",
  "databricks-spark",
  "synapse",
  "trino",
  "s3",
  "bigquery",
] as const;

/** What reading the sources gave: live states, and one failure per source that could not be read. */
export interface ReadOutcome {
  states: LiveState[];
  failures: { source: string; code: string; message: string; help?: string }[];
  /** Per platform, the grantor accessplane grants as, from the source's `grants.grantor`. */
  grantors: Partial<Record<"snowflake", string>>;
}

/** A source entry's connector keys, parsed by `schema`; invalid keys are the source's error. */
function parsedKeys<T>(entry: SourceEntry, schema: z.ZodType<T>): T {
  const r = schema.safeParse(connectorKeys(entry));
  if (r.success) return r.data;
  throw new SourceError(
    "source-invalid",
    `source \`${entry.name}\`: ${r.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
  );
}

function contextOf(entry: SourceEntry, env: NodeJS.ProcessEnv): PullContext {
  return {
    source: entry.name,
    scope: compileScope(entry.include ?? [], entry.exclude ?? []),
    credential: (ref) => resolveCredential(ref, env, entry.name),
    http: httpClient(),
    progress: () => undefined,
    // Connectors sign requests and tokens with this clock: the time each is sent, not the instant
    // the report is evaluated at (an audit of many sources can outlast the five minutes within
    // which a signed request must reach AWS).
    now: () => new Date(),
  };
}

/** Reads one source's live grants. */
async function readSource(entry: SourceEntry, config: Config, env: NodeJS.ProcessEnv, now: Date, out: ReadOutcome): Promise<void> {
  const ctx = contextOf(entry, env);
  const grants = entry.grants ?? {};
  if (entry.kind === "redshift" || entry.kind === "postgres") {
    const c = parsedKeys(entry, RedshiftConfig);
    const password = ctx.credential(c.password);
    for (const database of c.databases ?? [c.database]) {
      const client = new Client({
        host: c.host,
        port: c.port,
        database,
        user: c.user,
        password,
        ssl: c.ssl ? { rejectUnauthorized: true } : false,
        connectionTimeoutMillis: c.connectTimeoutSeconds * 1000,
        application_name: "accessplane-audit",
      });
      client.on("error", () => undefined);
      try {
        await client.connect();
        out.states.push(
          await readPostgresGrants({
            dialect: entry.kind,
            source: entry.name,
            database,
            managedSchema: config.viewBased.managedSchema,
            query: async (sql, params) => (await client.query(sql, params)).rows,
            now,
          }),
        );
      } catch (e) {
        if (e instanceof SourceError) throw e;
        const code = (e as { code?: string }).code;
        throw new SourceError(
          "source-bad-response",
          `source \`${entry.name}\`: reading the grants of \`${database}\` failed${code ? ` (${code})` : ""}`,
          'the audit needs SELECT on the system catalog views; see README "Auditing access outside policy"',
        );
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return;
  }
  if (entry.kind === "snowflake") {
    const c = parsedKeys(entry, SnowflakeConfig);
    if (grants.grantor) out.grantors.snowflake = grants.grantor;
    out.states.push(
      await readSnowflakeGrants(sqlApi(c, ctx, { requests: 0, pages: 0 }), {
        source: entry.name,
        mode: grants.mode ?? "show",
        ...(grants.concurrency ? { concurrency: grants.concurrency } : {}),
        now,
      }),
    );
    return;
  }
  if (entry.kind === "databricks-unity-catalog" || entry.kind === "databricks-spark") {
    const o = { source: entry.name, ...(grants.concurrency ? { concurrency: grants.concurrency } : {}), now };
    out.states.push(
      entry.kind === "databricks-spark"
        ? await readSparkGrants(parsedKeys(entry, SparkConfig), ctx, o)
        : await readUnityCatalogGrants(parsedKeys(entry, UnityCatalogConfig), ctx, o),
    );
    return;
  }
  if (entry.kind === "synapse") {
    const states = await readSynapseSource(parsedKeys(entry, SynapseConfig), ctx, { managedSchema: config.viewBased.managedSchema, now });
    append(out.states, states);
    return;
  }
  if (entry.kind === "trino") {
    out.states.push(await readTrinoSource(parsedKeys(entry, TrinoConfig), ctx, config, { now }));
    return;
  }
  if (entry.kind === "s3") {
    const { identityStoreEndpoint } = grants;
    out.states.push(
      await readS3Source(parsedKeys(entry, S3Config), ctx, {
        ...(config.s3.identityStoreId !== undefined ? { identityStoreId: config.s3.identityStoreId } : {}),
        ...(identityStoreEndpoint ? { identityStoreEndpoint } : {}),
        now,
      }),
    );
    return;
  }
  if (entry.kind === "bigquery") {
    out.states.push(await readBigQuerySource(parsedKeys(entry, BigQueryConfig), ctx, config.viewBased.bigqueryDatasetSuffix, now));
    return;
  }
  throw new SourceError(
    "source-kind-not-audited",
    `source \`${entry.name}\`: \`audit\` does not read grants of kind \`${entry.kind}\` yet`,
    `kinds audited: ${AUDIT_KINDS.join(", ")}`,
  );
}

/** Reads the grants of every source (or of the named ones); directory sources are skipped. */
export async function readLiveGrants(
  entries: readonly SourceEntry[],
  config: Config,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<ReadOutcome> {
  const out: ReadOutcome = { states: [], failures: [], grantors: {} };
  for (const entry of entries) {
    if (entry.kind === "scim" || entry.kind === "identity-center") continue;
    try {
      await readSource(entry, config, env, now, out);
    } catch (e) {
      const err = e instanceof SourceError ? e : new SourceError("source-failed", `source \`${entry.name}\`: ${(e as Error).name}`);
      out.failures.push({ source: entry.name, code: err.code, message: err.message, ...(err.help ? { help: err.help } : {}) });
    }
  }
  return out;
}
