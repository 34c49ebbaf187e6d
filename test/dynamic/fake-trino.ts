/**
 * An in-memory stand-in for a Trino coordinator: roles, role members and role table privileges,
 * driven by the statements the TrinoRoleGrants provider sends. `FakeTrino` is a `TrinoRunner`
 * (injected into the provider in-process); `serveTrino` puts it behind Trino's HTTP client protocol
 * on 127.0.0.1, for providers that talk to it through `trino-client` (a deserialised provider).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TrinoRunner } from "../../provider/pulumi/dynamic/trino-roles";

const ident = (s: string) => s.slice(1, -1).split('""').join('"');
const NAME = '"(?:[^"]|"")*"';

/** A minimal coordinator: roles, role members and role table privileges of one catalog. */
export class FakeTrino implements TrinoRunner {
  roles = new Set<string>();
  members = new Map<string, Set<string>>();
  privileges = new Map<string, Set<string>>(); // role|catalog|schema|table -> privileges
  log: string[] = [];
  failOn: RegExp | undefined;

  async query(sql: string): Promise<Record<string, unknown>[]> {
    this.log.push(sql);
    if (this.failOn?.test(sql)) throw Object.assign(new Error("Access Denied: Cannot grant"), { errorName: "PERMISSION_DENIED" });
    let m: RegExpMatchArray | null;
    if (/^SHOW ROLES/.test(sql)) return [...this.roles].map((Role) => ({ Role }));
    if ((m = sql.match(/role_authorization_descriptors"? WHERE role_name = '((?:[^']|'')*)'/))) {
      return [...(this.members.get(m[1]!.split("''").join("'")) ?? [])].map((grantee) => ({ grantee }));
    }
    if ((m = sql.match(new RegExp(`^SELECT table_schema.* FROM (${NAME})\\.[^ ]+ WHERE grantee = '((?:[^']|'')*)'`)))) {
      const [catalog, role] = [ident(m[1]!), m[2]!.split("''").join("'")];
      const out: Record<string, unknown>[] = [];
      for (const [k, privs] of this.privileges) {
        const [r, c, s, t] = JSON.parse(k) as string[];
        if (r === role && c === catalog) for (const p of privs) out.push({ table_schema: s, table_name: t, privilege_type: p });
      }
      return out;
    }
    if ((m = sql.match(new RegExp(`^CREATE ROLE (${NAME})`)))) {
      const r = ident(m[1]!);
      if (this.roles.has(r)) throw Object.assign(new Error(`Role '${r}' already exists`), { errorName: "ROLE_ALREADY_EXISTS" });
      this.roles.add(r);
      return [];
    }
    if ((m = sql.match(new RegExp(`^DROP ROLE (${NAME})`)))) {
      const r = ident(m[1]!);
      this.roles.delete(r);
      this.members.delete(r);
      for (const k of [...this.privileges.keys()]) if (JSON.parse(k)[0] === r) this.privileges.delete(k);
      return [];
    }
    if ((m = sql.match(new RegExp(`^(GRANT|REVOKE) ([A-Z, ]+) ON TABLE (${NAME})\\.(${NAME})\\.(${NAME}) (?:TO|FROM) ROLE (${NAME})$`)))) {
      const key = JSON.stringify([ident(m[6]!), ident(m[3]!), ident(m[4]!), ident(m[5]!)]);
      const set = this.privileges.get(key) ?? new Set<string>();
      for (const p of m[2]!.split(", ")) {
        if (m[1] === "GRANT") set.add(p);
        else set.delete(p);
      }
      this.privileges.set(key, set);
      return [];
    }
    if ((m = sql.match(new RegExp(`^(GRANT|REVOKE) (${NAME}) (?:TO|FROM) (.*?)( IN ${NAME})?$`)))) {
      const r = ident(m[2]!);
      const set = this.members.get(r) ?? new Set<string>();
      for (const u of m[3]!.matchAll(new RegExp(`USER (${NAME})`, "g"))) {
        if (m[1] === "GRANT") set.add(ident(u[1]!));
        else set.delete(ident(u[1]!));
      }
      this.members.set(r, set);
      return [];
    }
    throw new Error(`fake trino does not understand: ${sql}`);
  }
}

/** A running stub coordinator: its URL, the Basic-auth users it saw, and how to stop it. */
export interface TrinoServer {
  url: string;
  users: string[];
  close(): Promise<void>;
}

/**
 * Serves `fake` over the statement protocol `trino-client` speaks: `POST /v1/statement` answers
 * with a `nextUri` (as a queued query does), and `GET` of that URI answers with the columns and
 * rows, or with Trino's error object (`errorName`), and no further `nextUri`.
 */
export async function serveTrino(fake: FakeTrino): Promise<TrinoServer> {
  const results = new Map<string, unknown>();
  const users: string[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const reply = (body: unknown) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        const auth = req.headers.authorization ?? "";
        if (auth.startsWith("Basic ")) users.push(Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")[0]!);
        const base = `http://${req.headers.host}`;
        if (req.method === "POST" && req.url === "/v1/statement") {
          const id = `q${++next}`;
          const sql = Buffer.concat(chunks).toString("utf8");
          try {
            const rows = await fake.query(sql);
            const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
            results.set(id, {
              id,
              columns: columns.map((name) => ({ name, type: "varchar" })),
              data: rows.map((r) => columns.map((c) => r[c])),
              stats: { state: "FINISHED" },
            });
          } catch (e) {
            const err = e as { message?: string; errorName?: string };
            results.set(id, {
              id,
              error: { message: err.message, errorName: err.errorName ?? "GENERIC_USER_ERROR" },
              stats: { state: "FAILED" },
            });
          }
          return reply({ id, nextUri: `${base}/v1/statement/executing/${id}/1`, stats: { state: "QUEUED" } });
        }
        const m = /^\/v1\/statement\/executing\/(q\d+)\/1$/.exec(req.url ?? "");
        if (req.method === "GET" && m && results.has(m[1]!)) return reply(results.get(m[1]!));
        res.writeHead(404);
        res.end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
