/**
 * The connector framework: the HTTP client (retries, Retry-After, timeouts, error codes, no secret
 * in errors) against a local node:http server, scope patterns, and credential references.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { httpClient, retryAfterMs, safeUrl } from "../../provider/connectors/http";
import { compileScope, ScopePatternError, scopeProblems, splitPattern } from "../../provider/connectors/scope";
import { configProblems, Credential, resolveCredential } from "../../provider/connectors/credentials";
import { SourceError } from "../../provider/connectors/types";
import { z } from "zod";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void>; hits: () => number }> {
  let n = 0;
  const server = http.createServer((req, res) => handler(req, res, n++));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => n,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const SECRET = "tok-PLANTED-5ecr3t-value";

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error("expected a SourceError");
}

describe("http client", () => {
  it("retries 429 honouring Retry-After in seconds, then succeeds", async () => {
    const s = await serve((_req, res, n) => {
      if (n === 0) {
        res.writeHead(429, { "retry-after": "7" });
        res.end("slow down");
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
      }
    });
    const waits: number[] = [];
    const c = httpClient({ sleep: async (ms) => void waits.push(ms) });
    const r = await c.request(`${s.url}/x`, {});
    expect(r.json()).toEqual({ ok: true });
    expect(waits).toEqual([7000]);
    await s.close();
  });

  it("honours Retry-After as an HTTP date, capped by maxDelayMs", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    const s = await serve((_req, res, n) => {
      res.writeHead(n < 2 ? 503 : 200, n < 2 ? { "retry-after": "Thu, 01 Jan 2026 01:00:00 GMT" } : {});
      res.end("{}");
    });
    const waits: number[] = [];
    const c = httpClient({ sleep: async (ms) => void waits.push(ms), now: () => now, maxDelayMs: 2000 });
    await c.request(`${s.url}/`, {});
    expect(waits).toEqual([2000, 2000]);
    await s.close();
  });

  it("backs off exponentially without Retry-After and ends with source-throttled", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(429);
      res.end();
    });
    const waits: number[] = [];
    const c = httpClient({ sleep: async (ms) => void waits.push(ms), attempts: 4, baseDelayMs: 100 });
    const e = await failure(c.request(`${s.url}/Users?access_token=${SECRET}`, { headers: { authorization: `Bearer ${SECRET}` } }));
    expect(e.code).toBe("source-throttled");
    expect(waits).toEqual([100, 200, 400]);
    expect(s.hits()).toBe(4);
    expect(e.message).not.toContain(SECRET);
    expect(e.message).toContain("/Users");
    await s.close();
  });

  it("maps 401 and 403 to source-auth-refused, other statuses to source-bad-response, without echoing the body", async () => {
    const s = await serve((req, res) => {
      const status = req.url === "/401" ? 401 : req.url === "/403" ? 403 : 404;
      res.writeHead(status);
      res.end(`echo ${req.headers.authorization}`);
    });
    const c = httpClient({ sleep: async () => undefined });
    const h = { headers: { authorization: `Bearer ${SECRET}` } };
    const e401 = await failure(c.request(`${s.url}/401`, h));
    const e403 = await failure(c.request(`${s.url}/403`, h));
    const e404 = await failure(c.request(`${s.url}/404`, h));
    expect([e401.code, e403.code, e404.code]).toEqual(["source-auth-refused", "source-auth-refused", "source-bad-response"]);
    for (const e of [e401, e403, e404]) expect(`${e.message} ${e.help}`).not.toContain(SECRET);
    await s.close();
  });

  it("reports an unreachable host and a timeout as source-unreachable", async () => {
    const s = await serve(() => undefined); // never answers
    const c = httpClient({ sleep: async () => undefined, attempts: 2, timeoutMs: 100 });
    const slow = await failure(c.request(`${s.url}/slow`, { method: "POST", body: SECRET }));
    expect(slow.code).toBe("source-unreachable");
    expect(slow.message).toMatch(/no answer in 0.1 s/);
    await s.close();
    const gone = await failure(httpClient({ sleep: async () => undefined, attempts: 2 }).request(s.url, {}));
    expect(gone.code).toBe("source-unreachable");
    expect(gone.message).toMatch(/ECONNREFUSED/);
  });

  it("reports a body that is not JSON as source-bad-response", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      res.end("<html>login</html>");
    });
    const r = await httpClient().request(`${s.url}/`, {});
    expect(() => r.json()).toThrow(expect.objectContaining({ code: "source-bad-response" }));
    await s.close();
  });

  it("sends JSON bodies with a content type", async () => {
    let got = "";
    let type = "";
    const s = await serve((req, res) => {
      type = String(req.headers["content-type"]);
      req.on("data", (c: Buffer) => (got += c.toString()));
      req.on("end", () => {
        res.writeHead(200);
        res.end("{}");
      });
    });
    await httpClient().request(`${s.url}/`, { method: "POST", json: { a: 1 } });
    expect(JSON.parse(got)).toEqual({ a: 1 });
    expect(type).toBe("application/json");
    await s.close();
  });

  it("safeUrl drops query strings and user info", () => {
    expect(safeUrl(`https://u:${SECRET}@h.example.com/a/b?token=${SECRET}#x`)).toBe("https://h.example.com/a/b");
  });
});

describe("scope patterns", () => {
  it("matches prefixes: a shorter pattern includes everything under it", () => {
    const s = compileScope(["SALES.*", "main.finance.*"]);
    expect(s.object(["SALES", "PUBLIC", "ORDERS"])).toBe(true);
    expect(s.object(["SALESX", "PUBLIC", "ORDERS"])).toBe(false);
    expect(s.object(["main", "finance", "ledger"])).toBe(true);
    expect(s.object(["main", "hr", "people"])).toBe(false);
    expect(s.container(["main"])).toBe(true);
    expect(s.container(["main", "hr"])).toBe(false);
    expect(s.container(["other"])).toBe(false);
  });

  it("excludes with `exclude` and with `!` inside include", () => {
    const s = compileScope(["*", "!*.tmp_*"], ["*.*.scratch_*"]);
    expect(s.object(["DB", "tmp_x", "t"])).toBe(false);
    expect(s.container(["DB", "tmp_x"])).toBe(false);
    expect(s.object(["DB", "core", "scratch_1"])).toBe(false);
    expect(s.object(["DB", "core", "t"])).toBe(true);
    expect(compileScope().object(["a", "b", "c"])).toBe(true);
  });

  it("is case-sensitive, supports ? and quoted segments", () => {
    const s = compileScope(['"my.db".s?.*']);
    expect(s.object(["my.db", "s1", "t"])).toBe(true);
    expect(s.object(["my.db", "s12", "t"])).toBe(false);
    expect(compileScope(["SALES"]).object(["sales", "x", "y"])).toBe(false);
    expect(compileScope(['"a*"']).object(["ab"])).toBe(false);
    expect(compileScope(['"a*"']).object(["a*"])).toBe(true);
    expect(splitPattern('"a""b".c')).toEqual([
      { text: 'a"b', quoted: true },
      { text: "c", quoted: false },
    ]);
  });

  it("names the pattern that cannot be read", () => {
    expect(() => compileScope(["a..b"])).toThrow(ScopePatternError);
    expect(scopeProblems(["ok.*", '"open', "x."])).toEqual([
      { index: 1, message: expect.stringContaining("never closed") },
      { index: 2, message: expect.stringContaining("ends with a dot") },
    ]);
  });
});

describe("credentials", () => {
  const Schema = z.strictObject({ auth: z.strictObject({ token: Credential }) });

  it("accepts { env } and resolves it from the environment", () => {
    const cfg = Schema.parse({ auth: { token: { env: "SCIM_TOKEN" } } });
    expect(resolveCredential(cfg.auth.token, { SCIM_TOKEN: SECRET }, "okta")).toBe(SECRET);
  });

  it("refuses a literal with the key path and without quoting it", () => {
    const r = Schema.safeParse({ auth: { token: SECRET } });
    expect(r.success).toBe(false);
    const problems = configProblems(r.error!);
    expect(problems).toEqual([
      {
        path: ["auth", "token"],
        message: expect.stringContaining("literal value where a credential reference is expected"),
        help: expect.stringContaining("{ env: VARIABLE_NAME }"),
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain(SECRET);
  });

  it("names the variable, never a value, when it is unset or empty", () => {
    let unset: SourceError | undefined;
    try {
      resolveCredential({ env: "NOPE_TOKEN" }, {}, "okta");
    } catch (e) {
      unset = e as SourceError;
    }
    if (!unset) throw new Error("expected an error");
    expect(unset.code).toBe("source-credential-missing");
    expect(unset.message).toContain("`NOPE_TOKEN`");
    expect(unset.message).toContain("not set");
    expect(() => resolveCredential({ env: "E" }, { E: "" }, "okta")).toThrow(/empty/);
    expect(Schema.safeParse({ auth: { token: { env: "not a name" } } }).success).toBe(false);
  });
});
