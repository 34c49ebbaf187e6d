/**
 * The HTTP client every connector uses: global `fetch` with a timeout, retries with exponential
 * backoff on throttling and transient gateway errors (429, 502, 503, 504), honouring `Retry-After`
 * (RFC 9110 section 10.2.3: delay-seconds or an HTTP date), and errors that name the host, the path
 * and the status only: never a header, a body, a query string or a credential.
 */
import { type HttpClient, type HttpRequest, type HttpResponse, SourceError } from "./types";

/** How the client retries and waits; every field has a default. */
export interface HttpOptions {
  /** Attempts in all (the first one included). Default 5. */
  attempts?: number;
  /** The first backoff, doubled at each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** The longest wait between two attempts, whatever Retry-After asks. Default 30 s. */
  maxDelayMs?: number;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** Waits between attempts; injectable so that tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock Retry-After dates are measured against. */
  now?: () => number;
  /** The fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
  /** Called before each retry (for progress lines and tests). */
  onRetry?: (r: { status: number | undefined; attempt: number; delayMs: number }) => void;
}

/** The statuses worth retrying: throttled, or a gateway that may recover. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The delay a `Retry-After` value asks for, in milliseconds, or undefined when it is absent or
 * unreadable: a non-negative integer of seconds, or an HTTP date (a date in the past means now).
 */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** `https://host/path` of a URL, without its query string, user info or fragment: safe to print. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(an invalid URL)";
  }
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
}

function response(status: number, headers: Record<string, string>, text: string, where: string): HttpResponse {
  return {
    status,
    headers,
    text,
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new SourceError(
          "source-bad-response",
          `${where} answered ${status} with a body that is not JSON`,
          "check the URL points at the API, not a login page or a proxy",
        );
      }
    },
  };
}

/** An HttpClient over `fetch`. */
export function httpClient(options: HttpOptions = {}): HttpClient {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  return {
    async request(url: string, init: HttpRequest): Promise<HttpResponse> {
      const where = safeUrl(url);
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
      }
      let last: { status: number | undefined; reason: string } = { status: undefined, reason: "" };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        let res: Response;
        const ctl = new AbortController();
        const timer = setTimeout(() => ctl.abort(), timeoutMs);
        try {
          res = await doFetch(url, { method: init.method ?? "GET", headers, ...(body !== undefined ? { body } : {}), signal: ctl.signal });
        } catch (e) {
          clearTimeout(timer);
          const timedOut = ctl.signal.aborted;
          // The cause's code only (ECONNREFUSED, ENOTFOUND...): its message may quote the request.
          const code = (e as { cause?: { code?: unknown } }).cause?.code;
          last = {
            status: undefined,
            reason: timedOut ? `no answer in ${timeoutMs / 1000} s` : typeof code === "string" ? code : "connection failed",
          };
          if (attempt < attempts) {
            const delay = Math.min(cap, base * 2 ** (attempt - 1));
            options.onRetry?.({ status: undefined, attempt, delayMs: delay });
            await sleep(delay);
            continue;
          }
          throw new SourceError(
            "source-unreachable",
            `cannot reach ${where}: ${last.reason} (after ${attempts} attempt${attempts === 1 ? "" : "s"})`,
            "check the host name, the network path and any proxy or firewall in between",
          );
        }
        let text: string;
        try {
          text = await res.text();
        } catch {
          clearTimeout(timer);
          last = { status: res.status, reason: "the answer was cut off" };
          if (attempt < attempts) {
            const delay = Math.min(cap, base * 2 ** (attempt - 1));
            options.onRetry?.({ status: res.status, attempt, delayMs: delay });
            await sleep(delay);
            continue;
          }
          throw new SourceError(
            "source-unreachable",
            `${where}: ${last.reason} (after ${attempts} attempts)`,
            "check the network path to the source",
          );
        }
        clearTimeout(timer);
        const h = headersOf(res.headers);
        if (RETRY_STATUSES.has(res.status)) {
          last = { status: res.status, reason: `HTTP ${res.status}` };
          if (attempt < attempts) {
            const asked = retryAfterMs(h["retry-after"], now());
            const delay = Math.min(cap, asked ?? base * 2 ** (attempt - 1));
            options.onRetry?.({ status: res.status, attempt, delayMs: delay });
            await sleep(delay);
            continue;
          }
          if (res.status === 429) {
            throw new SourceError(
              "source-throttled",
              `${where} kept throttling (HTTP 429) after ${attempts} attempts`,
              "run the pull later, or raise the source's rate limit for this client",
            );
          }
          throw new SourceError(
            "source-unreachable",
            `${where} answered HTTP ${res.status} after ${attempts} attempts`,
            "the service or a gateway in front of it is unavailable: try again later",
          );
        }
        if (res.status === 401 || res.status === 403) {
          throw new SourceError(
            "source-auth-refused",
            `${where} refused the credential (HTTP ${res.status})`,
            res.status === 401
              ? "check that the credential's variable holds a valid, unexpired token"
              : "grant the privileges docs/connectors.md lists for this source",
          );
        }
        if (res.status < 200 || res.status >= 300) {
          throw new SourceError("source-bad-response", `${where} answered HTTP ${res.status}`, "check the source's URL and configuration");
        }
        return response(res.status, h, text, where);
      }
      /* c8 ignore next */
      throw new SourceError("source-unreachable", `cannot reach ${where}: ${last.reason}`);
    },
  };
}
