/**
 * The keys of a Synapse source and the session the connector queries through, apart from both the
 * connector and its `mssql` implementation, which each import them.
 */
import { z } from "zod";
import { Credential } from "./credentials";
import type { PullContext } from "./types";

/** The keys of a `kind: synapse` source. */
export const SynapseConfig = z.strictObject({
  /** The SQL endpoint, `<workspace>.sql.azuresynapse.net` (or `<workspace>-ondemand.sql.azuresynapse.net`). */
  server: z.string().regex(/^[A-Za-z0-9.-]+$/, { message: "must be a host name such as `myworkspace.sql.azuresynapse.net`" }),
  port: z.number().int().positive().max(65535).default(1433),
  /** The databases (SQL pools) to read. */
  databases: z.array(z.string().min(1)).min(1),
  auth: z.discriminatedUnion("type", [
    /** A SQL login. */
    z.strictObject({ type: z.literal("sql"), user: z.string().min(1), password: Credential }),
    /** A Microsoft Entra ID access token for `https://database.windows.net/`. */
    z.strictObject({ type: z.literal("access-token"), token: Credential }),
  ]),
});
/** A Synapse source's configuration. */
export type SynapseConfig = z.infer<typeof SynapseConfig>;

/** Rows of a query by column name. */
export type SynapseRow = Record<string, unknown>;

/** How the connector reaches the pool: a query in one database, and closing everything. */
export interface SynapseSession {
  query(database: string, sql: string): Promise<SynapseRow[]>;
  close(): Promise<void>;
}

/** Opens a session for a source (the `mssql` one by default). */
export type SynapseOpener = (config: SynapseConfig, ctx: PullContext) => SynapseSession;
