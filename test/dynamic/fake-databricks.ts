/**
 * A local stand-in for a Databricks workspace's SQL Statement Execution API
 * (docs.databricks.com/api/workspace/statementexecution), served over HTTP on 127.0.0.1, that keeps
 * legacy table ACLs in memory. Wire format as documented: `POST /api/2.0/sql/statements`
 * `{ statement, warehouse_id, wait_timeout, on_wait_timeout, format, disposition }` answers a
 * StatementResponse `{ statement_id, status: { state, error?: { error_code, message }, sql_state? },
 * manifest: { format, schema: { column_count, columns } }, result: { data_array } }`; PENDING
 * statements are polled with `GET /api/2.0/sql/statements/{id}` and cancelled with `POST
 * .../{id}/cancel`; HTTP errors carry `{ error_code, message }`; 429 carries `Retry-After`.
 * It applies GRANT, REVOKE and SHOW GRANTS on TABLE, VIEW and DATABASE like legacy table ACLs.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

type Kind = "TABLE" | "VIEW" | "DATABASE";

interface Statement {
  id: string;
  sql: string;
  pollsLeft: number;
  response: Record<string, unknown>;
  cancelled: boolean;
}

/** Parses backtick-quoted, dot-separated identifiers (`a`.`b``c`) into their names. */
function idents(text: string): string[] | undefined {
  const parts: string[] = [];
  const re = /`((?:[^`]|``)*)`(\.|$)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    parts.push(m[1]!.replace(/``/g, "`"));
    end = re.lastIndex;
    if (m[2] === "") break;
  }
  return end === text.length && parts.length > 0 ? parts : undefined;
}

/** The fake workspace: objects, ACLs, and knobs to inject rate limits, slow statements and failures. */
export class FakeDatabricks {
  readonly token: string;
  readonly warehouseId = "wh-0123456789abcdef";
  /** Existing securables, as `KIND c.s[.t]` keys of plain names. */
  readonly objects = new Set<string>();
  /** `KIND key` -> principal -> privileges. */
  readonly acl = new Map<string, Map<string, Set<string>>>();
  /** Every statement received, in order. */
  log: string[] = [];
  /** Every HTTP request as `METHOD path`. */
  requests: string[] = [];
  /** The next n requests answer 429 with this Retry-After (seconds). */
  rateLimit = { count: 0, retryAfter: "1" };
  /** Statements stay PENDING for this many polls. */
  pendingPolls = 0;
  /** Returns a failure for a statement, or undefined to run it. */
  fail: (sql: string) => { error_code: string; message: string; sql_state?: string } | undefined = () => undefined;
  /** An HTTP error for the next request (status and `{ error_code, message }`). */
  httpError: { status: number; error_code: string; message: string } | undefined;
  private readonly statements = new Map<string, Statement>();
  private server: http.Server | undefined;
  private seq = 0;

  constructor(token = "dapi-secret-token-0123456789") {
    this.token = token;
  }

  /** Registers a table, view or database (and the database of a table). */
  addObject(kind: Kind, catalog: string, schema: string, table?: string): void {
    this.objects.add(`${kind} ${[catalog, schema, ...(table ? [table] : [])].join(".")}`);
    if (kind !== "DATABASE") this.objects.add(`DATABASE ${catalog}.${schema}`);
  }

  /** Grants directly, as someone outside accessplane would. */
  grant(kind: Kind, key: string, principal: string, ...privileges: string[]): void {
    const byPrincipal = this.acl.get(`${kind} ${key}`) ?? new Map<string, Set<string>>();
    const set = byPrincipal.get(principal) ?? new Set<string>();
    privileges.forEach((p) => set.add(p));
    byPrincipal.set(principal, set);
    this.acl.set(`${kind} ${key}`, byPrincipal);
  }

  /** What a principal holds on a securable, sorted. */
  held(kind: Kind, key: string, principal: string): string[] {
    return [...(this.acl.get(`${kind} ${key}`)?.get(principal) ?? [])].sort();
  }

  /** Starts listening on an ephemeral loopback port; returns the base URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = req.url ?? "";
    this.requests.push(`${req.method} ${path}`);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(json));
    };
    if (this.rateLimit.count > 0) {
      this.rateLimit.count--;
      return send(
        429,
        { error_code: "REQUEST_LIMIT_EXCEEDED", message: "Too many requests" },
        { "Retry-After": this.rateLimit.retryAfter },
      );
    }
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, { error_code: "UNAUTHENTICATED", message: "Invalid access token." });
    if (this.httpError) {
      const e = this.httpError;
      this.httpError = undefined;
      return send(e.status, { error_code: e.error_code, message: e.message });
    }
    if (req.method === "POST" && path === "/api/2.0/sql/statements") {
      const r = JSON.parse(body) as Record<string, unknown>;
      if (
        typeof r.statement !== "string" ||
        r.warehouse_id !== this.warehouseId ||
        r.format !== "JSON_ARRAY" ||
        r.disposition !== "INLINE" ||
        !/^(0|[5-9]|[1-4]\d|50)s$/.test(String(r.wait_timeout))
      ) {
        return send(400, { error_code: "INVALID_PARAMETER_VALUE", message: `bad request: ${body.slice(0, 200)}` });
      }
      const id = `01ef-${++this.seq}`;
      const st: Statement = { id, sql: r.statement, pollsLeft: this.pendingPolls, response: {}, cancelled: false };
      this.statements.set(id, st);
      return send(200, this.progress(st));
    }
    const get = /^\/api\/2\.0\/sql\/statements\/([^/]+)$/.exec(path);
    if (req.method === "GET" && get) {
      const st = this.statements.get(decodeURIComponent(get[1]!));
      if (!st) return send(404, { error_code: "NOT_FOUND", message: "statement not found" });
      return send(200, this.progress(st));
    }
    const cancel = /^\/api\/2\.0\/sql\/statements\/([^/]+)\/cancel$/.exec(path);
    if (req.method === "POST" && cancel) {
      const st = this.statements.get(decodeURIComponent(cancel[1]!));
      if (st) st.cancelled = true;
      return send(200, {});
    }
    send(404, { error_code: "ENDPOINT_NOT_FOUND", message: `no endpoint ${path}` });
  }

  private progress(st: Statement): Record<string, unknown> {
    if (st.cancelled) return { statement_id: st.id, status: { state: "CANCELED" } };
    if (st.pollsLeft > 0) {
      st.pollsLeft--;
      return { statement_id: st.id, status: { state: st.pollsLeft === this.pendingPolls - 1 ? "PENDING" : "RUNNING" } };
    }
    if (Object.keys(st.response).length === 0) st.response = this.execute(st);
    return st.response;
  }

  private execute(st: Statement): Record<string, unknown> {
    this.log.push(st.sql);
    const failed = (error_code: string, message: string, sql_state?: string) => ({
      statement_id: st.id,
      status: { state: "FAILED", error: { error_code, message }, ...(sql_state ? { sql_state } : {}) },
    });
    const injected = this.fail(st.sql);
    if (injected) return failed(injected.error_code, injected.message, injected.sql_state);
    const m =
      /^(GRANT|REVOKE|SHOW GRANTS) (?:(.+?) ON |(`(?:[^`]|``)*`) ON )(TABLE|VIEW|DATABASE) (.+?)(?: (TO|FROM) (`(?:[^`]|``)*`))?$/s.exec(
        st.sql,
      );
    if (!m) return failed("BAD_REQUEST", `[PARSE_SYNTAX_ERROR] Syntax error at or near: ${st.sql.slice(0, 40)}`, "42601");
    const [, verb, privs, showWho, kind, objectText, , whoText] = m;
    const names = idents(objectText!);
    const who = idents((verb === "SHOW GRANTS" ? (showWho ?? privs) : whoText) ?? "");
    if (!names || !who || who.length !== 1 || names.length !== (kind === "DATABASE" ? 2 : 3)) {
      return failed("BAD_REQUEST", `[PARSE_SYNTAX_ERROR] Syntax error in: ${st.sql.slice(0, 60)}`, "42601");
    }
    const key = names.join(".");
    if (!this.objects.has(`${kind} ${key}`)) {
      return kind === "DATABASE"
        ? failed("BAD_REQUEST", `[SCHEMA_NOT_FOUND] The schema \`${key}\` cannot be found.`, "42704")
        : failed("BAD_REQUEST", `[TABLE_OR_VIEW_NOT_FOUND] The table or view \`${key}\` cannot be found.`, "42P01");
    }
    const principal = who[0]!;
    const ok = (rows: string[][] = []) => ({
      statement_id: st.id,
      status: { state: "SUCCEEDED" },
      manifest: {
        format: "JSON_ARRAY",
        schema: {
          column_count: 4,
          columns: ["Principal", "ActionType", "ObjectType", "ObjectKey"].map((name, position) => ({
            name,
            position,
            type_name: "STRING",
            type_text: "string",
          })),
        },
        total_row_count: rows.length,
      },
      result: { chunk_index: 0, row_offset: 0, row_count: rows.length, data_array: rows },
    });
    if (verb === "SHOW GRANTS") {
      const rows = this.held(kind as Kind, key, principal).map((a) => [principal, a, kind!, key.split(".").slice(1).join(".")]);
      // Legacy SHOW GRANTS lists what the principal holds on enclosing objects too: the reader must skip them.
      if (kind !== "DATABASE") {
        const db = names.slice(0, 2).join(".");
        for (const a of this.held("DATABASE", db, principal)) rows.push([principal, a, "DATABASE", names[1]!]);
      }
      return ok(rows);
    }
    const list = privs!.split(", ");
    if (verb === "GRANT") this.grant(kind as Kind, key, principal, ...list);
    else for (const p of list) this.acl.get(`${kind} ${key}`)?.get(principal)?.delete(p);
    return ok();
  }
}
