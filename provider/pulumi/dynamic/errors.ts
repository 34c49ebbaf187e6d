/**
 * Turns driver errors into messages an operator can act on: what failed, on which object, why, and
 * how to fix it. Connection strings and passwords never reach a message: every text taken from a
 * driver is passed through `redact` with the secrets of the connection in use.
 */
import { initError } from "../../platforms/sql/closure";

/** The failure classes the providers distinguish, each with its own help text. */
export type FailureKind = "connection-lost" | "permission-denied" | "timeout" | "missing-object" | "other";

/** An error raised by a dynamic provider; `kind` lets tests and callers branch without parsing text. */
export class ProviderError extends Error {
  readonly kind: FailureKind;
  constructor(message: string, kind: FailureKind) {
    super(message);
    this.name = "ProviderError";
    this.kind = kind;
    initError(this, message);
  }
}

/** Replaces every occurrence of each secret (and its URL-encoded form) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 3) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("***");
  }
  // Belt and braces: credentials embedded in any URL-shaped text.
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1***@");
}

interface DriverError {
  code?: unknown;
  number?: unknown;
  errorName?: unknown;
  message?: unknown;
  originalError?: unknown;
}

const PG_CLASSES: Record<string, FailureKind> = {
  "42501": "permission-denied",
  "57014": "timeout",
  "55P03": "timeout",
  "42P01": "missing-object",
  "3F000": "missing-object",
  "57P01": "connection-lost",
  "57P02": "connection-lost",
  "57P03": "connection-lost",
  "28P01": "permission-denied",
  "28000": "permission-denied",
};

const NODE_NET: readonly string[] = [
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "ESOCKET",
  "ECONNCLOSED",
  "ENOTOPEN",
];

// SQL Server error numbers: 229/230/262/300/15151 permission, 208/3701/15151 missing, -2 timeout.
const MSSQL_NUMBERS: Record<number, FailureKind> = {
  229: "permission-denied",
  230: "permission-denied",
  262: "permission-denied",
  300: "permission-denied",
  208: "missing-object",
  3701: "missing-object",
  2760: "missing-object",
  18456: "permission-denied",
};

const TRINO_NAMES: Record<string, FailureKind> = {
  PERMISSION_DENIED: "permission-denied",
  EXCEEDED_TIME_LIMIT: "timeout",
  TABLE_NOT_FOUND: "missing-object",
  SCHEMA_NOT_FOUND: "missing-object",
  CATALOG_NOT_FOUND: "missing-object",
  ROLE_NOT_FOUND: "missing-object",
};

/** Classifies a pg, mssql, trino or Node error. */
export function classify(err: unknown): { kind: FailureKind; code: string; detail: string } {
  const e = (err ?? {}) as DriverError;
  const message = typeof e.message === "string" ? e.message : String(err);
  const code = typeof e.code === "string" ? e.code : "";
  if (code && PG_CLASSES[code]) return { kind: PG_CLASSES[code]!, code, detail: message };
  if (code.startsWith("08")) return { kind: "connection-lost", code, detail: message };
  if (code === "ETIMEOUT") return { kind: "timeout", code, detail: message };
  if (NODE_NET.includes(code)) return { kind: "connection-lost", code, detail: message };
  if (typeof e.number === "number" && MSSQL_NUMBERS[e.number]) {
    return { kind: MSSQL_NUMBERS[e.number]!, code: `mssql ${e.number}`, detail: message };
  }
  if (typeof e.errorName === "string" && TRINO_NAMES[e.errorName]) {
    return { kind: TRINO_NAMES[e.errorName]!, code: e.errorName, detail: message };
  }
  if (/Connection terminated|terminating connection|Client has encountered a connection error|socket hang up/i.test(message)) {
    return { kind: "connection-lost", code: code || "connection", detail: message };
  }
  if (/Query read timeout|timed out|timeout/i.test(message)) return { kind: "timeout", code: code || "timeout", detail: message };
  if (e.originalError && e.originalError !== err) {
    const inner = classify(e.originalError);
    if (inner.kind !== "other") return inner;
  }
  return { kind: "other", code, detail: message };
}

const HELP: Record<FailureKind, (platform: string) => string> = {
  "connection-lost": (p) =>
    `the connection to ${p} was refused or lost; check that it is reachable and that the connection setting is right, ` +
    `then run \`pulumi up\` again: every statement is idempotent, so a re-run converges`,
  "permission-denied": (p) =>
    `the login accessplane uses on ${p} lacks a privilege; it must own the managed schema (or be able to create it) ` +
    `and be able to read the source tables and grant on the managed objects`,
  timeout: () =>
    `the statement ran past the statement timeout (pulumi config \`accessplane:statementTimeoutMs\` or ` +
    `ACCESSPLANE_STATEMENT_TIMEOUT_MS); look for a lock held on the object, then run \`pulumi up\` again`,
  "missing-object": () => `the object was dropped outside Pulumi; run \`pulumi refresh\` then \`pulumi up\` to recreate it`,
  other: () => `fix the cause the database reports, then run \`pulumi up\` again: every statement is idempotent, so a re-run converges`,
};

const WHAT: Record<FailureKind, string> = {
  "connection-lost": "connection lost",
  "permission-denied": "permission denied",
  timeout: "timed out",
  "missing-object": "object missing",
  other: "failed",
};

/**
 * A `ProviderError` for `action` on `object`: `redshift: could not update entitlements of policy
 * \`p\`: permission denied (42501): <redacted driver message>; help: ...`.
 */
export function providerError(platform: string, action: string, object: string, err: unknown, secrets: readonly string[]): ProviderError {
  if (err instanceof ProviderError) return err;
  const c = classify(err);
  const code = c.code ? ` (${c.code})` : "";
  const message =
    `${platform}: could not ${action} \`${object}\`: ${WHAT[c.kind]}${code}: ${redact(c.detail, secrets)}; ` +
    `help: ${HELP[c.kind](platform)}`;
  return new ProviderError(message, c.kind);
}
