/**
 * Snowflake catalog: databases, tables, views and their tags through the SQL API v2
 * (https://docs.snowflake.com/developer-guide/sql-api/submitting-requests), with plain `fetch`.
 *
 * - Databases: `SHOW DATABASES`; `kind = IMPORTED DATABASE` is a database from an incoming share,
 *   whose objects are pulled with `incomingShare: true`.
 * - Objects: `<db>.INFORMATION_SCHEMA.TABLES` per database. Not `SHOW TABLES IN ACCOUNT`: a SHOW
 *   command fails past 10,000 rows (error 090153, "Use LIMIT option"), and the view gives
 *   TABLE_TYPE with IS_ICEBERG and IS_DYNAMIC, the very columns SPEC.md names object types by
 *   (https://docs.snowflake.com/en/sql-reference/info-schema/tables).
 * - Tags: by default `SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES` in one statement: direct tags only,
 *   with up to 2 hours of latency (https://docs.snowflake.com/en/sql-reference/account-usage/tag_references).
 *   `tagMode: exact` asks `<db>.INFORMATION_SCHEMA.TAG_REFERENCES('<object>', 'table')` per object,
 *   current and with the tags inherited from the schema and the database
 *   (https://docs.snowflake.com/en/sql-reference/functions/tag_references). Its sibling
 *   TAG_REFERENCES_ALL_COLUMNS lists column tags, which no data source carries.
 *
 * Results arrive in partitions: the first inline, the others by
 * `GET /api/v2/statements/{handle}?partition=N`; a statement still running answers 202 and is
 * polled at its `statementStatusUrl` (https://docs.snowflake.com/en/developer-guide/sql-api/handling-responses).
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from "node:crypto";
import { z } from "zod";
import { Credential } from "./credentials";
import {
  type Counter,
  catalogResult,
  countingHttp,
  dotted,
  failureIssue,
  sqlIdent,
  sqlString,
  trimSlash,
  unknownTypeIssue,
  wait,
} from "./catalog-common";
import type { CatalogObject, Connector, HttpClient, PullContext, PullResult, SourceIssue } from "./types";
import { SourceError } from "./types";

const Auth = z.discriminatedUnion("type", [
  /** An OAuth access token (`X-Snowflake-Authorization-Token-Type: OAUTH`). */
  z.strictObject({ type: z.literal("oauth"), token: Credential }),
  /** A programmatic access token. */
  z.strictObject({ type: z.literal("programmatic-access-token"), token: Credential }),
  /**
   * Key-pair authentication: the connector signs a JWT with the user's private key (PEM, PKCS#8;
   * https://docs.snowflake.com/en/developer-guide/sql-api/authenticating).
   */
  z.strictObject({ type: z.literal("key-pair"), user: z.string().min(1), privateKey: Credential, passphrase: Credential.optional() }),
]);

/** The keys of a `kind: snowflake` source. */
export const SnowflakeConfig = z.strictObject({
  /** The account identifier, `<organization>-<account>` (or an account locator). */
  account: z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: "must be an account identifier such as `myorg-myaccount`" }),
  /** The API's base URL; default `https://<account>.snowflakecomputing.com` (set it for private connectivity). */
  url: z.url().optional(),
  auth: Auth,
  /** The warehouse that runs the catalog statements. */
  warehouse: z.string().min(1),
  /** The role the statements run as (default: the user's default role). */
  role: z.string().min(1).optional(),
  /** `direct` (default): ACCOUNT_USAGE, direct tags, up to 2 h late; `exact`: per object, inherited tags, current. */
  tagMode: z.enum(["direct", "exact"]).default("direct"),
  /** Seconds a statement may run. */
  statementTimeoutSeconds: z.number().int().positive().max(604800).default(600),
});
/** A Snowflake source's configuration. */
export type SnowflakeConfig = z.infer<typeof SnowflakeConfig>;

/** Rows of a statement, by column name (upper case, as Snowflake names them). */
export type Row = Record<string, string | null>;

interface ResultSetMetaData {
  rowType?: { name: string }[];
  partitionInfo?: { rowCount: number }[];
}
interface StatementAnswer {
  statementHandle?: string;
  statementStatusUrl?: string;
  message?: string;
  resultSetMetaData?: ResultSetMetaData;
  data?: (string | null)[][];
}

/** The system database every account has: its ACCOUNT_USAGE views are no data sources. */
const SYSTEM_DATABASES = new Set(["SNOWFLAKE"]);

/** A Snowflake SQL API session: the base URL and the authorization headers. */
export interface SqlApi {
  base: string;
  headers: Record<string, string>;
  http: HttpClient;
  counter: Counter;
  config: SnowflakeConfig;
}

/** The account part of an identifier in a JWT's claims: upper case, no region (docs: "Using key-pair authentication"). */
function jwtAccount(account: string): string {
  return account.split(".")[0]!.toUpperCase();
}

/** A key-pair JWT, valid one hour (https://docs.snowflake.com/en/developer-guide/sql-api/authenticating). */
export function keyPairJwt(account: string, user: string, pem: string, now: Date, passphrase?: string): string {
  let key;
  try {
    key = createPrivateKey(passphrase ? { key: pem, format: "pem", passphrase } : { key: pem, format: "pem" });
  } catch {
    throw new SourceError(
      "source-credential-invalid",
      "the private key is not a readable PEM key (or its passphrase is wrong)",
      "store the PKCS#8 PEM private key whose public key is set on the user (ALTER USER ... SET RSA_PUBLIC_KEY)",
    );
  }
  const der = createPublicKey(key).export({ type: "spki", format: "der" });
  const fingerprint = `SHA256:${createHash("sha256").update(der).digest("base64")}`;
  const qualified = `${jwtAccount(account)}.${user.toUpperCase()}`;
  const iat = Math.floor(now.getTime() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iss: `${qualified}.${fingerprint}`, sub: qualified, iat, exp: iat + 3600 })}`;
  return `${unsigned}.${sign("RSA-SHA256", Buffer.from(unsigned), key).toString("base64url")}`;
}

/** The SQL API session of a source. */
export function sqlApi(config: SnowflakeConfig, ctx: PullContext, counter: Counter): SqlApi {
  const base = trimSlash(config.url ?? `https://${config.account}.snowflakecomputing.com`);
  let token: string;
  let type: string;
  if (config.auth.type === "key-pair") {
    const pass = config.auth.passphrase ? ctx.credential(config.auth.passphrase) : undefined;
    token = keyPairJwt(config.account, config.auth.user, ctx.credential(config.auth.privateKey), ctx.now(), pass);
    type = "KEYPAIR_JWT";
  } else {
    token = ctx.credential(config.auth.token);
    type = config.auth.type === "oauth" ? "OAUTH" : "PROGRAMMATIC_ACCESS_TOKEN";
  }
  return {
    base,
    headers: {
      authorization: `Bearer ${token}`,
      "x-snowflake-authorization-token-type": type,
      accept: "application/json",
      "user-agent": "accessplane-inventory-pull",
    },
    http: countingHttp(ctx.http, counter),
    counter,
    config,
  };
}

/** Runs one statement and returns every row of every partition. */
export async function runStatement(api: SqlApi, statement: string): Promise<Row[]> {
  const body = {
    statement,
    timeout: api.config.statementTimeoutSeconds,
    warehouse: api.config.warehouse,
    ...(api.config.role ? { role: api.config.role } : {}),
  };
  let res = await api.http.request(`${api.base}/api/v2/statements?requestId=${randomUUID()}`, {
    method: "POST",
    headers: api.headers,
    json: body,
  });
  let answer = res.json<StatementAnswer>();
  for (let poll = 0; res.status === 202; poll++) {
    if (!answer.statementStatusUrl) throw new SourceError("source-bad-response", "the SQL API answered 202 without a statementStatusUrl");
    await wait(Math.min(250 * poll, 5000));
    res = await api.http.request(`${api.base}${answer.statementStatusUrl}`, { method: "GET", headers: api.headers });
    answer = res.json<StatementAnswer>();
  }
  const meta = answer.resultSetMetaData;
  if (!meta?.rowType || !Array.isArray(answer.data) || !answer.statementHandle) {
    throw new SourceError("source-bad-response", "the SQL API answer has no resultSetMetaData.rowType, data or statementHandle");
  }
  const names = meta.rowType.map((c) => c.name.toUpperCase());
  const rows: Row[] = [];
  const add = (data: (string | null)[][]) => {
    for (const cells of data) {
      const r: Row = {};
      names.forEach((n, i) => (r[n] = cells[i] ?? null));
      rows.push(r);
    }
  };
  add(answer.data);
  api.counter.pages++;
  const partitions = meta.partitionInfo?.length ?? 1;
  for (let p = 1; p < partitions; p++) {
    const part = await api.http.request(`${api.base}/api/v2/statements/${encodeURIComponent(answer.statementHandle)}?partition=${p}`, {
      method: "GET",
      headers: api.headers,
    });
    const data = part.json<StatementAnswer>().data;
    if (!Array.isArray(data)) throw new SourceError("source-bad-response", `partition ${p} of a result has no data`);
    add(data);
    api.counter.pages++;
  }
  return rows;
}

/** The SPEC.md object type of one INFORMATION_SCHEMA.TABLES row, `skip` for a session object, or undefined. */
export function snowflakeObjectType(row: Row): string | "skip" | undefined {
  const type = row.TABLE_TYPE ?? "";
  const yes = (v: string | null | undefined) => (v ?? "").toUpperCase() === "YES";
  if (type === "BASE TABLE") {
    // A dynamic table may store its data as Iceberg: it is still refreshed by its query, and both
    // types grant SELECT only, so DYNAMIC TABLE is the exact name of what it is.
    if (yes(row.IS_DYNAMIC)) return "DYNAMIC TABLE";
    if (yes(row.IS_ICEBERG)) return "ICEBERG TABLE";
    return "BASE TABLE";
  }
  if (type === "VIEW" || type === "MATERIALIZED VIEW" || type === "EXTERNAL TABLE" || type === "EVENT TABLE") return type;
  // Temporary tables live in one session: nobody else can be granted them.
  if (type === "TEMPORARY TABLE" || type === "LOCAL TEMPORARY") return "skip";
  return undefined;
}

/** `SHOW DATABASES` kinds whose tables are data sources. */
const DATABASE_KINDS: Record<string, { incomingShare: boolean } | "skip"> = {
  STANDARD: { incomingShare: false },
  "IMPORTED DATABASE": { incomingShare: true },
  // Native application databases are owned by their application, not granted by accessplane.
  APPLICATION: "skip",
  "APPLICATION PACKAGE": "skip",
};

const TABLES_SQL = (db: string) =>
  `SELECT TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, IS_ICEBERG, IS_DYNAMIC, COMMENT FROM ${sqlIdent(db)}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'`;
const TAGS_SQL =
  "SELECT OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE FROM SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES WHERE DOMAIN = 'TABLE' AND OBJECT_DELETED IS NULL";
const exactTagsSql = (db: string, schema: string, table: string) =>
  `SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE FROM TABLE(${sqlIdent(db)}.INFORMATION_SCHEMA.TAG_REFERENCES(${sqlString(`${sqlIdent(db)}.${sqlIdent(schema)}.${sqlIdent(table)}`)}, 'table'))`;

/** The note the output prints with a direct-mode pull. */
export const DIRECT_TAGS_NOTE =
  "Snowflake tags come from SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES: direct tags only, up to 2 hours late (set `tagMode: exact` for current and inherited tags, one statement per object)";

/** Adds one tag to an object's labels under `DB.SCHEMA.TAG` and, when unambiguous, `TAG`. */
function addTag(labels: Record<string, string>, bare: Map<string, string | null>, row: Row): void {
  if (!row.TAG_NAME) return;
  const value = row.TAG_VALUE ?? "";
  labels[dotted([row.TAG_DATABASE ?? "", row.TAG_SCHEMA ?? "", row.TAG_NAME])] = value;
  const seen = bare.get(row.TAG_NAME);
  // Two tags of one name in different schemas with different values: the bare name would be a guess.
  bare.set(row.TAG_NAME, seen === undefined || seen === value ? value : null);
}

function applyBare(labels: Record<string, string>, bare: Map<string, string | null>): void {
  for (const [k, v] of bare) if (v !== null && !(k in labels)) labels[k] = v;
}

/** Pulls a Snowflake account's catalog. */
export async function pullSnowflake(config: SnowflakeConfig, ctx: PullContext): Promise<PullResult> {
  const counter: Counter = { requests: 0, pages: 0 };
  const issues: SourceIssue[] = [];
  const objects: CatalogObject[] = [];
  const notes: string[] = [];
  let api: SqlApi;
  try {
    api = sqlApi(config, ctx, counter);
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "cannot authenticate")], counter);
  }
  let databases: Row[];
  try {
    databases = await runStatement(api, "SHOW DATABASES");
  } catch (e) {
    return catalogResult([], [failureIssue(ctx, e, "SHOW DATABASES failed")], counter);
  }
  const byKey = new Map<string, CatalogObject>();
  for (const db of databases) {
    const name = db.NAME;
    if (!name || SYSTEM_DATABASES.has(name) || !ctx.scope.container([name])) continue;
    // Without a `kind` column, a database with an `origin` (the share it was created from) is imported.
    const kind = (db.KIND ?? (db.ORIGIN ? "IMPORTED DATABASE" : "STANDARD")).toUpperCase();
    const k = DATABASE_KINDS[kind];
    if (k === "skip") continue;
    if (!k) {
      issues.push({
        severity: "warning",
        code: "unknown-database-kind",
        message: `source \`${ctx.source}\`: database \`${name}\` is of kind \`${kind}\`, which accessplane does not pull`,
        help: "exclude it from the source's scope to silence this warning",
      });
      continue;
    }
    let rows: Row[];
    try {
      rows = await runStatement(api, TABLES_SQL(name));
    } catch (e) {
      issues.push(failureIssue(ctx, e, `reading ${name}.INFORMATION_SCHEMA.TABLES failed`));
      continue;
    }
    for (const r of rows) {
      const path = [r.TABLE_CATALOG ?? name, r.TABLE_SCHEMA ?? "", r.TABLE_NAME ?? ""];
      if (!ctx.scope.object(path)) continue;
      const type = snowflakeObjectType(r);
      if (type === "skip") continue;
      if (type === undefined) {
        issues.push(unknownTypeIssue(ctx, "snowflake", path, r.TABLE_TYPE ?? "(none)"));
        continue;
      }
      const o: CatalogObject = {
        platform: "snowflake",
        objectType: type,
        location: { database: path[0]!, schema: path[1]!, table: path[2]! },
        labels: {},
        ...(k.incomingShare ? { incomingShare: true } : {}),
        ...(r.COMMENT ? { comment: r.COMMENT } : {}),
      };
      objects.push(o);
      byKey.set(dotted(path), o);
    }
    ctx.progress({ objects: objects.length, pages: counter.pages });
  }
  if (config.tagMode === "direct") {
    notes.push(DIRECT_TAGS_NOTE);
    try {
      const rows = await runStatement(api, TAGS_SQL);
      const bare = new Map<CatalogObject, Map<string, string | null>>();
      for (const r of rows) {
        const o = byKey.get(dotted([r.OBJECT_DATABASE ?? "", r.OBJECT_SCHEMA ?? "", r.OBJECT_NAME ?? ""]));
        if (!o) continue;
        if (!bare.has(o)) bare.set(o, new Map());
        addTag(o.labels, bare.get(o)!, r);
      }
      for (const [o, b] of bare) applyBare(o.labels, b);
    } catch (e) {
      const i = failureIssue(ctx, e, "reading SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES failed");
      issues.push({
        ...i,
        help: i.help ?? "grant the role the database role SNOWFLAKE.GOVERNANCE_VIEWER (or IMPORTED PRIVILEGES on database SNOWFLAKE)",
      });
    }
  } else {
    for (const o of objects) {
      const { database, schema, table } = o.location as { database: string; schema: string; table: string };
      try {
        const rows = await runStatement(api, exactTagsSql(database, schema, table));
        const bare = new Map<string, string | null>();
        for (const r of rows) addTag(o.labels, bare, r);
        applyBare(o.labels, bare);
      } catch (e) {
        issues.push(failureIssue(ctx, e, `reading the tags of ${dotted([database, schema, table])} failed`));
      }
    }
  }
  ctx.progress({ objects: objects.length, pages: counter.pages });
  return catalogResult(objects, issues, counter, notes);
}

/** The Snowflake connector (`kind: snowflake`). */
export const snowflake: Connector<SnowflakeConfig> = {
  kind: "snowflake",
  yields: "catalog",
  configSchema: SnowflakeConfig as unknown as z.ZodType<SnowflakeConfig>,
  pull: pullSnowflake,
};
