/**
 * `SparkTableGrants`: one policy group's legacy table ACLs on Databricks Spark, granted and revoked
 * per principal, so grants that ETL jobs and people hold on the same tables are never touched.
 *
 * Statements run on a SQL warehouse through the Databricks SQL Statement Execution API
 * (docs.databricks.com/api/workspace/statementexecution): `POST /api/2.0/sql/statements` with
 * `{ statement, warehouse_id, wait_timeout, on_wait_timeout: CONTINUE, format: JSON_ARRAY,
 * disposition: INLINE }`, then `GET /api/2.0/sql/statements/{id}` until `status.state` is terminal
 * (SUCCEEDED, FAILED with `status.error`, CANCELED, CLOSED), `POST .../{id}/cancel` past the
 * statement timeout. Rows come from `result.data_array` and further chunks from
 * `result.next_chunk_internal_link`. HTTP 429 and 503 are retried after `Retry-After`.
 * Plain `fetch`, no SDK: nothing is added to the install.
 *
 * Each run reads what the group holds on every securable of the old and new inputs (`SHOW GRANTS`)
 * and applies only the delta: grants first, then revokes. Delete revokes what the group holds on
 * its securables; a securable dropped outside Pulumi took its grants with it.
 */
import * as pulumi from "@pulumi/pulumi";
import { initError } from "../../platforms/sql/closure";
import { type SparkGrant, sparkGrantDelta, sparkGrantKey, sparkPrivilegesFromRows, sparkShowGrants } from "../../platforms/sql/spark";
import { dynamicResource } from "./resource";
import { type Props, SessionProvider } from "./base";
import { type DatabricksConnection, databricksConnection } from "./connection";
import { type FailureKind, ProviderError, providerError, redact } from "./errors";
import { type SparkTableGrantsInputs, sparkTableGrantsInputsSchema, checkInputs, diffInputs, parseInputs, parseState } from "./schemas";
import { append } from "../../model/arrays";

/** Runs one statement and returns its rows (positional values, as JSON_ARRAY returns them). */
export interface SparkRunner {
  query(sql: string): Promise<unknown[][]>;
}

/** A failed statement or API call, with the failure class already known. */
class DatabricksApiError extends Error {
  readonly kind: FailureKind;
  readonly code: string;
  constructor(message: string, kind: FailureKind, code: string) {
    super(message);
    this.name = "DatabricksApiError";
    this.kind = kind;
    this.code = code;
    initError(this, message);
  }
}

interface StatementResponse {
  statement_id?: string;
  status?: { state?: string; error?: { error_code?: string; message?: string }; sql_state?: string };
  result?: { data_array?: unknown[][]; next_chunk_internal_link?: string };
  error_code?: string;
  message?: string;
}

/** The failure class of a statement error, from its SQLSTATE, error class or code. */
function statementKind(code: string, sqlState: string, message: string): FailureKind {
  if (
    sqlState === "42501" ||
    /INSUFFICIENT_PERMISSIONS|PERMISSION_DENIED|UNAUTHENTICATED|does not have privilege/i.test(`${code} ${message}`)
  ) {
    return "permission-denied";
  }
  if (/^42P0[12]$|^42704$/.test(sqlState) || /NOT_FOUND|does not exist/i.test(`${code} ${message}`)) return "missing-object";
  if (/DEADLINE_EXCEEDED/.test(code)) return "timeout";
  return "other";
}

function httpKind(status: number, code: string, message: string): FailureKind {
  if (status === 401 || status === 403) return "permission-denied";
  if (status === 404) return "missing-object";
  if (status === 408 || status === 504) return "timeout";
  return statementKind(code, "", message);
}

/**
 * The Statement Execution runner. `fetchImpl` and `sleep` are injectable for tests; production code
 * uses the global `fetch` (Node 18+) and real timers.
 */
export function statementRunner(
  c: DatabricksConnection,
  fetchImpl: typeof fetch = fetch,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): SparkRunner {
  const base = c.url.replace(/\/+$/, "");
  const headers = { Authorization: `Bearer ${c.token}`, "Content-Type": "application/json", "User-Agent": "accessplane" };
  const MAX_ATTEMPTS = 6;

  async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<StatementResponse> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetchImpl(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      let json: StatementResponse = {};
      try {
        json = text ? (JSON.parse(text) as StatementResponse) : {};
      } catch {
        json = { message: text.slice(0, 200) };
      }
      if (res.ok) return json;
      // Rate limits and brief unavailability: wait as the server asks (capped), then try again.
      if ((res.status === 429 || res.status === 503) && attempt < MAX_ATTEMPTS) {
        const after = Number(res.headers.get("retry-after"));
        await sleep(Number.isFinite(after) && after >= 0 ? Math.min(after, 60) * 1000 : Math.min(2 ** attempt, 30) * 1000);
        continue;
      }
      const code = json.error_code ?? `HTTP ${res.status}`;
      const message = json.message ?? res.statusText;
      throw new DatabricksApiError(`${code}: ${message}`, httpKind(res.status, code, message), code);
    }
  }

  return {
    async query(sql: string): Promise<unknown[][]> {
      const started = Date.now();
      let r = await call("POST", "/api/2.0/sql/statements", {
        statement: sql,
        warehouse_id: c.warehouseId,
        wait_timeout: `${Math.max(5, Math.min(50, Math.floor(c.statementTimeoutMs / 1000)))}s`,
        on_wait_timeout: "CONTINUE",
        format: "JSON_ARRAY",
        disposition: "INLINE",
      });
      let delay = 250;
      while (r.status?.state === "PENDING" || r.status?.state === "RUNNING") {
        if (Date.now() - started > c.statementTimeoutMs) {
          if (r.statement_id)
            await call("POST", `/api/2.0/sql/statements/${encodeURIComponent(r.statement_id)}/cancel`, {}).catch(() => undefined);
          throw new DatabricksApiError(`statement ran longer than ${c.statementTimeoutMs} ms`, "timeout", "DEADLINE_EXCEEDED");
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
        r = await call("GET", `/api/2.0/sql/statements/${encodeURIComponent(r.statement_id ?? "")}`);
      }
      const state = r.status?.state;
      if (state !== "SUCCEEDED") {
        const code = r.status?.error?.error_code ?? state ?? "UNKNOWN";
        const message = r.status?.error?.message ?? `statement ended in state ${String(state)}`;
        const sqlState = r.status?.sql_state ?? "";
        throw new DatabricksApiError(`${code}${sqlState ? ` ${sqlState}` : ""}: ${message}`, statementKind(code, sqlState, message), code);
      }
      const rows: unknown[][] = [...(r.result?.data_array ?? [])];
      let next = r.result?.next_chunk_internal_link;
      while (next) {
        const chunk = (await call("GET", next)) as { data_array?: unknown[][]; next_chunk_internal_link?: string };
        append(rows, chunk.data_array ?? []);
        next = chunk.next_chunk_internal_link;
      }
      return rows;
    },
  };
}

const HELP: Record<FailureKind, string> = {
  "connection-lost":
    "the workspace could not be reached; check `accessplane:databricksHost`, then run `pulumi up` again: every statement is idempotent",
  "permission-denied":
    "the identity behind `accessplane:databricksToken` must be a workspace admin or own the tables and databases (legacy table ACLs), and may use the SQL warehouse `accessplane:databricksWarehouseId`",
  timeout:
    "the statement ran past the statement timeout (`accessplane:statementTimeoutMs`); check that the SQL warehouse is running, then run `pulumi up` again",
  "missing-object":
    "the table, database or warehouse does not exist; run `pulumi refresh` then `pulumi up`, or fix the data source's location",
  other: "fix the cause Databricks reports, then run `pulumi up` again: every statement is idempotent, so a re-run converges",
};

/** A `ProviderError` for a Spark grants action, with secrets redacted. */
function sparkError(action: string, principal: string, e: unknown, secrets: readonly string[]): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof DatabricksApiError) {
    return new ProviderError(
      `databricks: could not ${action} \`${principal}\`: ${redact(e.message, secrets)}; help: ${HELP[e.kind]}`,
      e.kind,
    );
  }
  // Node's fetch reports network failures as `TypeError: fetch failed` with the socket error as `cause`.
  const cause = (e as { cause?: unknown } | null)?.cause;
  return providerError("databricks", action, principal, (e as Error | null)?.name === "TypeError" && cause ? cause : e, secrets);
}

/** Outputs of `SparkTableGrants`: the group's live grants on its securables (equal to the inputs after apply). */
export type SparkTableGrantsOutputs = SparkTableGrantsInputs;

const KEYS = ["principal", "grants"] as const;

/** CRUD for one policy group's legacy table ACLs; the constructor's `connect` replaces the Statement Execution runner (tests). */
export class SparkTableGrantsProvider
  extends SessionProvider<DatabricksConnection, SparkRunner>
  implements pulumi.dynamic.ResourceProvider
{
  /** Validates inputs with `sparkTableGrantsInputsSchema()` (read-only privileges, sorted grants). */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(sparkTableGrantsInputsSchema(), news);
  }

  /** Replaces on a new principal; grants update in place. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news, { keys: KEYS, identity: ["principal"] });
  }

  /** Grants the inputs' privileges (or converges a partial earlier run). */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(sparkTableGrantsInputsSchema(), inputs);
    await this.converge(i.principal, i.grants, i.grants, "grant to");
    return { id: i.principal, outs: i };
  }

  /** Reads what the group holds on its securables, so `pulumi refresh` shows hand-made changes. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(sparkTableGrantsInputsSchema(true), props, KEYS);
    const live = await this.session(databricksConnection(this.config), "read grants of", i.principal, (r) =>
      readLive(r, i.principal, i.grants),
    );
    const outs: SparkTableGrantsOutputs = { principal: i.principal, grants: live };
    return { id, props: outs };
  }

  /** Applies the delta from what the group holds now to the new inputs, on old and new securables. */
  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const before = parseState(sparkTableGrantsInputsSchema(true), olds, KEYS);
    const i = parseInputs(sparkTableGrantsInputsSchema(), news);
    await this.converge(i.principal, [...before.grants, ...i.grants], i.grants, "update grants of");
    return { outs: i };
  }

  /** Revokes what the group holds on its securables; nobody else's grants are touched. */
  async delete(_id: string, props: Props): Promise<void> {
    const i = parseState(sparkTableGrantsInputsSchema(true), props, KEYS);
    await this.converge(i.principal, i.grants, null, "revoke from");
  }

  /** Runs statements through the Statement Execution API. */
  protected override open(c: DatabricksConnection): SparkRunner {
    return statementRunner(c);
  }

  /** Databricks errors carry their own help. */
  protected override fail(c: DatabricksConnection, action: string, object: string, e: unknown): Error {
    return sparkError(action, object, e, c.secrets);
  }

  private async converge(principal: string, scope: readonly SparkGrant[], target: SparkGrant[] | null, action: string): Promise<void> {
    await this.session(databricksConnection(this.config), action, principal, async (r) => {
      const live = await readLive(r, principal, scope);
      for (const sql of sparkGrantDelta(principal, live, target)) await r.query(sql);
    });
  }
}

/**
 * What `principal` holds on each securable of `scope` (de-duplicated), from `SHOW GRANTS`. A
 * securable that no longer exists holds nothing (its grants went with it); granting on it later
 * reports the missing object.
 */
async function readLive(r: SparkRunner, principal: string, scope: readonly SparkGrant[]): Promise<SparkGrant[]> {
  const seen: string[] = [];
  const out: SparkGrant[] = [];
  for (const g of scope) {
    const key = sparkGrantKey(g);
    if (seen.includes(key)) continue;
    seen.push(key);
    let rows: unknown[][];
    try {
      rows = await r.query(sparkShowGrants(principal, g));
    } catch (e) {
      if (e instanceof DatabricksApiError && e.kind === "missing-object") continue;
      throw e;
    }
    const privileges = sparkPrivilegesFromRows(principal, g, rows);
    if (privileges.length > 0) out.push({ ...g, privileges });
  }
  // Not parsed with the input schema: a privilege granted to the group by hand (MODIFY, say) must
  // show in `pulumi refresh` and be revoked by the next update, not fail the read.
  return out.sort((a, b) => sparkGrantKey(a).localeCompare(sparkGrantKey(b)));
}

const grantsProvider = new SparkTableGrantsProvider();

/** One policy group's table ACLs on Databricks Spark: GRANT and REVOKE naming only that group. */
export class SparkTableGrants extends dynamicResource<SparkTableGrantsInputs, SparkTableGrantsOutputs>(
  grantsProvider,
  "SparkTableGrants",
) {}

export { DatabricksApiError };
