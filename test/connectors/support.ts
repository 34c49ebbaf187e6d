/**
 * Test machinery of the catalog connectors: a local HTTP server that plays a vendor's recorded
 * answers (node:http on 127.0.0.1, a random port), and a PullContext with a compiled scope,
 * credentials from a fixed environment, the pull's HTTP client without real waits, and a record
 * of progress.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { resolveCredential } from "../../provider/connectors/credentials";
import { httpClient } from "../../provider/connectors/http";
import { compileScope } from "../../provider/connectors/scope";
import type { PullContext, PullResult } from "../../provider/connectors/types";

/** One request the server received. */
export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a handler answers: a status, headers and a body (an object is sent as JSON). */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A running fixture server. */
export interface FixtureServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** Starts a server that answers each request with `handler` (a thrown error is a 500). */
export async function serve(handler: (req: Seen) => Answer | Promise<Answer>): Promise<FixtureServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(s);
      Promise.resolve()
        .then(() => handler(s))
        .then(
          (a) => {
            const text = a.body === undefined ? "" : typeof a.body === "string" ? a.body : JSON.stringify(a.body);
            const type = typeof a.body === "string" ? "application/xml" : "application/json";
            res.writeHead(a.status ?? 200, { "content-type": type, ...(a.headers ?? {}) });
            res.end(text);
          },
          (e: unknown) => {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(String(e));
          },
        );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Options of a test context. */
export interface ContextOptions {
  source?: string;
  include?: string[];
  exclude?: string[];
  env?: Record<string, string>;
  now?: Date;
}

/** A PullContext for tests, with the progress reports it received. */
export function context(o: ContextOptions = {}): PullContext & { reports: { objects?: number; pages?: number }[]; retries: number[] } {
  const source = o.source ?? "test-source";
  const reports: { objects?: number; pages?: number }[] = [];
  const retries: number[] = [];
  const env = o.env ?? {};
  return {
    source,
    scope: compileScope(o.include ?? [], o.exclude ?? []),
    credential: (ref) => resolveCredential(ref, env, source),
    http: httpClient({ attempts: 4, sleep: async () => undefined, timeoutMs: 10_000, onRetry: (r) => retries.push(r.status ?? 0) }),
    progress: (p) => reports.push(p),
    now: () => o.now ?? new Date("2026-03-01T12:00:00Z"),
    reports,
    retries,
  };
}

/** Asserts that no text of a result (objects, issues, notes) contains `secret`. */
export function expectNoSecret(result: PullResult, secret: string): void {
  expect(JSON.stringify(result)).not.toContain(secret);
}

/** The location paths of a result's objects, dotted, with their types: a compact, sorted view. */
export function summary(result: PullResult): string[] {
  return (result.objects ?? []).map(
    (o) => `${Object.values(o.location).join(".")} ${o.objectType}${o.incomingShare ? " (share)" : ""}${o.bigLake ? " (biglake)" : ""}`,
  );
}

/** A handler that answers the first request with `first` (throttling, say), and every later one with `then`. */
export function firstThen(first: Answer, then: (req: Seen) => Answer | Promise<Answer>): (req: Seen) => Answer | Promise<Answer> {
  let n = 0;
  return (req) => (n++ === 0 ? first : then(req));
}
