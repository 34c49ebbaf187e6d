/**
 * The `mssql` (tedious) session of the Synapse connector: one connection pool per database,
 * encrypted, and failures turned into SourceErrors that carry the driver's code, never the login.
 */
import type * as mssql from "mssql";
import type { SynapseConfig, SynapseRow, SynapseSession } from "./synapse-session";
import type { PullContext } from "./types";
import { SourceError } from "./types";

const UNREACHABLE = new Set(["ESOCKET", "ETIMEOUT", "ECONNCLOSED", "ENOTOPEN", "ECONNREFUSED", "ENOTFOUND"]);

/** A SourceError for an `mssql` failure: login refused, unreachable, or the server's own message. */
export function mssqlFailure(e: unknown, server: string): SourceError {
  const err = e as { code?: unknown; number?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  if (code === "ELOGIN")
    return new SourceError(
      "source-auth-refused",
      `${server} refused the login`,
      "check the user and the variable holding its password or access token",
    );
  if (UNREACHABLE.has(code))
    return new SourceError(
      "source-unreachable",
      `cannot reach ${server} (${code})`,
      "check the server name, the port and the workspace's firewall rules",
    );
  // Error 229/230: a permission denied on an object.
  if (err.number === 229 || err.number === 230) {
    return new SourceError(
      "source-permission-missing",
      `${server}: ${String(err.message)}`,
      "grant VIEW DEFINITION on the database to the pull's user",
    );
  }
  return new SourceError("source-statement-failed", `${server}: ${typeof err.message === "string" ? err.message : "the query failed"}`);
}

/** An `mssql` session over the source's databases. */
export function mssqlSession(config: SynapseConfig, ctx: PullContext): SynapseSession {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sql = require("mssql") as typeof mssql;
  const secret = config.auth.type === "sql" ? ctx.credential(config.auth.password) : ctx.credential(config.auth.token);
  const pools = new Map<string, Promise<mssql.ConnectionPool>>();
  const poolOf = (database: string) => {
    let p = pools.get(database);
    if (!p) {
      const base = {
        server: config.server,
        port: config.port,
        database,
        options: { encrypt: true, trustServerCertificate: false },
        requestTimeout: 120_000,
      };
      const pool = new sql.ConnectionPool(
        config.auth.type === "sql"
          ? { ...base, user: config.auth.user, password: secret }
          : { ...base, authentication: { type: "azure-active-directory-access-token", options: { token: secret } } },
      );
      pool.on("error", () => undefined);
      p = pool.connect();
      pools.set(database, p);
    }
    return p;
  };
  return {
    async query(database: string, text: string): Promise<SynapseRow[]> {
      try {
        const pool = await poolOf(database);
        return ((await pool.request().query(text)).recordset ?? []) as SynapseRow[];
      } catch (e) {
        throw mssqlFailure(e, config.server);
      }
    },
    async close() {
      for (const p of pools.values()) await p.then((pool) => pool.close()).catch(() => undefined);
    },
  };
}
