/**
 * Credentials and sessions for the dynamic providers.
 *
 * Credentials are never resource inputs or outputs (they would land in the state file). They come
 * from the stack's Pulumi config, handed to each provider's `configure`, or from the environment:
 *
 * | platform | pulumi config key              | environment variable            |
 * |----------|--------------------------------|---------------------------------|
 * | postgres | `accessplane:postgresUrl`      | `ACCESSPLANE_POSTGRES_URL`      |
 * | redshift | `accessplane:redshiftUrl`      | `ACCESSPLANE_REDSHIFT_URL`      |
 * | synapse  | `accessplane:synapseUrl`       | `ACCESSPLANE_SYNAPSE_URL`       |
 * | per database | `accessplane:<platform>Urls` (JSON: database -> URL) | `ACCESSPLANE_<PLATFORM>_URLS` (same JSON), or `ACCESSPLANE_<PLATFORM>_URL_<DATABASE>` |
 * | trino    | `accessplane:trinoUrl`         | `ACCESSPLANE_TRINO_URL`         |
 * | trino    | `accessplane:trinoUser`        | `ACCESSPLANE_TRINO_USER`        |
 * | trino    | `accessplane:trinoPassword`    | `ACCESSPLANE_TRINO_PASSWORD`    |
 * | databricks | `accessplane:databricksHost` (workspace URL) | `ACCESSPLANE_DATABRICKS_HOST` |
 * | databricks | `accessplane:databricksToken`  | `ACCESSPLANE_DATABRICKS_TOKEN`  |
 * | databricks | `accessplane:databricksWarehouseId` | `ACCESSPLANE_DATABRICKS_WAREHOUSE_ID` |
 * | all      | `accessplane:statementTimeoutMs` | `ACCESSPLANE_STATEMENT_TIMEOUT_MS` (default 60000) |
 *
 * Each managed object lives in its source's database (Redshift creates objects only in the database
 * a session is connected to, and Synapse dedicated SQL pools have no cross-database queries), so
 * view-based platforms connect once per database: the per-database setting of that database wins
 * (`<platform>Urls[database]`, then `ACCESSPLANE_<PLATFORM>_URL_<DATABASE>` with the name upper-cased
 * and every other character than A-Z and 0-9 turned into `_`), else the platform's default URL. Every
 * session checks that it opened the database it was chosen for. Config wins over the environment.
 */
import type { ViewDialect } from "../../platforms/sql/views";
import { ProviderError, redact } from "./errors";
import { viewDialectTraits } from "./view-dialects";

/** Platforms a dynamic provider connects to. */
export type Platform = ViewDialect | "trino" | "databricks";

/** The subset of `pulumi.dynamic.Config` the providers read. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Setting names: pulumi config key (in the `accessplane` namespace) and environment variable. */
const SETTINGS = {
  postgresUrl: { config: "accessplane:postgresUrl", env: "ACCESSPLANE_POSTGRES_URL" },
  redshiftUrl: { config: "accessplane:redshiftUrl", env: "ACCESSPLANE_REDSHIFT_URL" },
  synapseUrl: { config: "accessplane:synapseUrl", env: "ACCESSPLANE_SYNAPSE_URL" },
  postgresUrls: { config: "accessplane:postgresUrls", env: "ACCESSPLANE_POSTGRES_URLS" },
  redshiftUrls: { config: "accessplane:redshiftUrls", env: "ACCESSPLANE_REDSHIFT_URLS" },
  synapseUrls: { config: "accessplane:synapseUrls", env: "ACCESSPLANE_SYNAPSE_URLS" },
  trinoUrl: { config: "accessplane:trinoUrl", env: "ACCESSPLANE_TRINO_URL" },
  trinoUser: { config: "accessplane:trinoUser", env: "ACCESSPLANE_TRINO_USER" },
  trinoPassword: { config: "accessplane:trinoPassword", env: "ACCESSPLANE_TRINO_PASSWORD" },
  databricksHost: { config: "accessplane:databricksHost", env: "ACCESSPLANE_DATABRICKS_HOST" },
  databricksToken: { config: "accessplane:databricksToken", env: "ACCESSPLANE_DATABRICKS_TOKEN" },
  databricksWarehouseId: { config: "accessplane:databricksWarehouseId", env: "ACCESSPLANE_DATABRICKS_WAREHOUSE_ID" },
  statementTimeoutMs: { config: "accessplane:statementTimeoutMs", env: "ACCESSPLANE_STATEMENT_TIMEOUT_MS" },
} as const;

/** A setting name. */
export type SettingName = keyof typeof SETTINGS;

/** Setting values captured by `configure` (absent keys fall back to the environment). */
export type ConfigSnapshot = Partial<Record<SettingName, string>>;

/** Reads every known setting from a Pulumi config once, in `configure`. */
export function snapshotConfig(config: ConfigSource): ConfigSnapshot {
  const out: ConfigSnapshot = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const v = config.get(SETTINGS[name].config);
    if (v !== undefined && v !== "") out[name] = v;
  }
  return out;
}

/** One setting: config first, then environment. */
export function setting(name: SettingName, snapshot: ConfigSnapshot | undefined): string | undefined {
  const fromConfig = snapshot?.[name];
  if (fromConfig !== undefined) return fromConfig;
  const fromEnv = process.env[SETTINGS[name].env];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

const URL_SETTING: Record<ViewDialect, { one: SettingName; map: SettingName }> = {
  postgres: { one: "postgresUrl", map: "postgresUrls" },
  redshift: { one: "redshiftUrl", map: "redshiftUrls" },
  synapse: { one: "synapseUrl", map: "synapseUrls" },
};

/** Resolved connection settings; `secrets` lists every value that must never be shown. */
export interface Connection {
  platform: Platform;
  url: string;
  statementTimeoutMs: number;
  secrets: string[];
  /** The database the session must have opened (view-based platforms); checked on every session. */
  database?: string;
  /** What needs that database (e.g. a view's source), for the error when the session opened another. */
  subject?: string;
}

/** The environment variable of one database's connection: `ACCESSPLANE_REDSHIFT_URL_DW` for `dw`. */
export function databaseEnvName(dialect: ViewDialect, database: string): string {
  return `${SETTINGS[URL_SETTING[dialect].one].env}_${database.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

// The JSON map of one platform's per-database URLs. Its text is secret: never quoted in errors.
function urlMap(dialect: ViewDialect, snapshot: ConfigSnapshot | undefined): Record<string, string> {
  const name = URL_SETTING[dialect].map;
  const raw = setting(name, snapshot);
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    typeof parsed !== "object" ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === "string" && v !== "")
  ) {
    throw new ProviderError(
      `${dialect}: the setting \`${SETTINGS[name].config}\` (or ${SETTINGS[name].env}) is not a JSON object of database names to connection URLs; ` +
        `help: set it as a secret, e.g. \`pulumi config set --secret ${SETTINGS[name].config} '{"dw":"postgres://..."}'\``,
      "other",
    );
  }
  return parsed as Record<string, string>;
}

function secretsOf(url: string): string[] {
  const out = [url];
  try {
    const u = new URL(url);
    if (u.password) out.push(decodeURIComponent(u.password), u.password);
  } catch {
    // Not a URL: an ADO-style connection string (Synapse).
  }
  const ado = /(?:^|;)\s*(?:password|pwd)\s*=\s*(\{[^}]*\}|[^;]*)/i.exec(url);
  if (ado?.[1]) out.push(ado[1].replace(/^\{|\}$/g, ""));
  return out.filter((s) => s.length > 0);
}

function timeout(snapshot: ConfigSnapshot | undefined): number {
  const raw = setting("statementTimeoutMs", snapshot);
  const n = raw === undefined ? 60_000 : Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ProviderError(
      `accessplane: statement timeout \`${raw}\` is not a positive whole number of milliseconds; ` +
        `help: set \`accessplane:statementTimeoutMs\` or ACCESSPLANE_STATEMENT_TIMEOUT_MS to e.g. 60000`,
      "other",
    );
  }
  return n;
}

/**
 * The connection to `database` of a view-based platform, or a clear error naming the settings to
 * set: that database's own URL if configured, else the platform's default URL (which must then open
 * `database`: `checkDatabase` checks it).
 */
export function viewConnection(dialect: ViewDialect, snapshot: ConfigSnapshot | undefined, database: string, subject?: string): Connection {
  const { one, map } = URL_SETTING[dialect];
  const perDb = urlMap(dialect, snapshot)[database];
  const envName = databaseEnvName(dialect, database);
  const fromEnv = process.env[envName];
  const url = perDb ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv) ?? setting(one, snapshot);
  if (!url) {
    throw new ProviderError(
      `${dialect}: no connection configured for database \`${database}\`; help: set pulumi config \`${SETTINGS[map].config}\` ` +
        `(a JSON object of database names to URLs) or \`${SETTINGS[one].config}\` (as secrets: \`pulumi config set --secret ...\`), ` +
        `or the environment variable ${envName} or ${SETTINGS[one].env}`,
      "other",
    );
  }
  return {
    platform: dialect,
    url,
    statementTimeoutMs: timeout(snapshot),
    secrets: secretsOf(url),
    database,
    ...(subject ? { subject } : {}),
  };
}

/** Trino connection settings. */
export interface TrinoConnection extends Connection {
  user: string;
  password: string | undefined;
}

/** The Trino connection, or a clear error naming the settings to set. */
export function trinoConnection(snapshot: ConfigSnapshot | undefined): TrinoConnection {
  const url = setting("trinoUrl", snapshot);
  const user = setting("trinoUser", snapshot);
  if (!url || !user) {
    throw new ProviderError(
      `trino: no connection configured; help: set pulumi config \`accessplane:trinoUrl\` and \`accessplane:trinoUser\` ` +
        `(and \`accessplane:trinoPassword\` as a secret) or ACCESSPLANE_TRINO_URL, ACCESSPLANE_TRINO_USER, ACCESSPLANE_TRINO_PASSWORD`,
      "other",
    );
  }
  const password = setting("trinoPassword", snapshot);
  const secrets = [...secretsOf(url), ...(password ? [password] : [])];
  return { platform: "trino", url, user, password, statementTimeoutMs: timeout(snapshot), secrets };
}

/** Databricks SQL Statement Execution settings: the workspace, a SQL warehouse and a token. */
export interface DatabricksConnection extends Connection {
  token: string;
  warehouseId: string;
}

/** The Databricks connection of the Spark grants, or a clear error naming the settings to set. */
export function databricksConnection(snapshot: ConfigSnapshot | undefined): DatabricksConnection {
  const url = setting("databricksHost", snapshot);
  const token = setting("databricksToken", snapshot);
  const warehouseId = setting("databricksWarehouseId", snapshot);
  if (!url || !token || !warehouseId) {
    throw new ProviderError(
      "databricks: no connection configured; help: set pulumi config `accessplane:databricksHost` (the workspace URL), " +
        "`accessplane:databricksWarehouseId` (a SQL warehouse) and `accessplane:databricksToken` (as a secret), " +
        "or ACCESSPLANE_DATABRICKS_HOST, ACCESSPLANE_DATABRICKS_WAREHOUSE_ID, ACCESSPLANE_DATABRICKS_TOKEN",
      "other",
    );
  }
  return { platform: "databricks", url, token, warehouseId, statementTimeoutMs: timeout(snapshot), secrets: [...secretsOf(url), token] };
}

/** A row as drivers return it. */
export type Row = Record<string, unknown>;

/** Runs SQL on one connection. */
export interface SqlSession {
  /** Runs one statement (one batch on Synapse) and returns its rows. */
  query(sql: string): Promise<Row[]>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (query: (sql: string) => Promise<Row[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function openPg(c: Connection): Promise<SqlSession> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require("pg") as typeof import("pg");
  const client = new pg.Client({
    connectionString: c.url,
    application_name: "accessplane",
    statement_timeout: c.statementTimeoutMs,
    query_timeout: c.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: Math.min(c.statementTimeoutMs, 30_000),
  });
  // A backend killed while idle emits 'error' on the client; the next query reports it instead.
  client.on("error", () => undefined);
  await client.connect();
  const query = async (sql: string) => (await client.query(sql)).rows as Row[];
  return {
    query,
    async transaction(work) {
      await client.query("BEGIN");
      try {
        const result = await work(query);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw e;
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

async function openMssql(c: Connection): Promise<SqlSession> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mssql = require("mssql") as typeof import("mssql");
  const config =
    /^mssql:\/\//i.test(c.url) || c.url.includes("=")
      ? mssql.ConnectionPool.parseConnectionString(c.url)
      : (() => {
          throw new ProviderError(
            "synapse: the connection setting is neither an mssql:// URL nor an ADO connection string; " +
              "help: use e.g. `Server=tcp:<workspace>.sql.azuresynapse.net,1433;Database=<pool>;User Id=...;Password=...;Encrypt=true`",
            "other",
          );
        })();
  const pool = new mssql.ConnectionPool({ ...config, requestTimeout: c.statementTimeoutMs });
  pool.on("error", () => undefined);
  await pool.connect();
  const run = (req: import("mssql").Request) => async (sql: string) => (await req.batch(sql)).recordset ?? [];
  return {
    query: (sql) => run(new mssql.Request(pool))(sql) as Promise<Row[]>,
    async transaction(work) {
      const tx = new mssql.Transaction(pool);
      await tx.begin();
      try {
        const result = await work((sql) => run(new mssql.Request(tx))(sql) as Promise<Row[]>);
        await tx.commit();
        return result;
      } catch (e) {
        await tx.rollback().catch(() => undefined);
        throw e;
      }
    },
    async close() {
      await pool.close().catch(() => undefined);
    },
  };
}

/** Opens a session for a view-based dialect, with the dialect's driver (`pg` or `mssql`). */
export async function openSqlSession(c: Connection): Promise<SqlSession> {
  return viewDialectTraits(c.platform as ViewDialect).driver === "mssql" ? openMssql(c) : openPg(c);
}

/**
 * Fails unless the session opened `c.database`: a default URL pointing elsewhere would create the
 * managed objects in the wrong database (Synapse dedicated pools cannot even read across databases).
 */
export async function checkDatabase(c: Connection, s: SqlSession): Promise<void> {
  if (c.database === undefined) return;
  const dialect = c.platform as ViewDialect;
  const traits = viewDialectTraits(dialect);
  const rows = await s.query(traits.currentDatabaseQuery);
  const actual = String(rows[0]?.db ?? "");
  if (traits.caseInsensitiveDatabaseNames ? actual.toLowerCase() === c.database.toLowerCase() : actual === c.database) return;
  const what = c.subject
    ? `${c.subject} is in database \`${c.database}\`, but the connection chosen for it`
    : `the connection chosen for database \`${c.database}\``;
  throw new ProviderError(
    `${c.platform}: ${what} opened database \`${actual}\`: ${traits.sameDatabaseReason}; ` +
      `help: give database \`${c.database}\` its own connection in \`${SETTINGS[URL_SETTING[dialect].map].config}\` or ${databaseEnvName(dialect, c.database)}`,
    "other",
  );
}

/** Redacts a connection's secrets from any text (used for log lines). */
export function redactFor(c: Connection, text: string): string {
  return redact(text, c.secrets);
}

export { SETTINGS };
