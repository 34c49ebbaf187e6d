/**
 * SQL dialects that accessplane generates SQL for, and the quoting rules of each.
 *
 * Every identifier and string literal that reaches generated SQL goes through this file, so the
 * quoting rules live in exactly one place. Identifiers are always delimited (never bare), which
 * keeps hostile names (quotes, semicolons, backticks, unicode, reserved words) inert.
 *
 * Identifier limits, and why each is enforced rather than left to the database:
 * - postgres: 63 bytes (NAMEDATALEN - 1). PostgreSQL silently truncates longer names, so two long
 *   names could collide on one object; rejecting them is the only safe choice.
 * - redshift: 127 bytes (UTF-8), the documented maximum for names and identifiers.
 * - synapse: 128 characters (`sysname` is nvarchar(128)).
 * - trino: no limit in the engine; each connector enforces its own and reports it clearly, so
 *   accessplane enforces none (it still rejects empty names and NUL).
 */
import { initError } from "./closure";

/**
 * The SQL dialects: Redshift and Synapse are view-based, postgres is Redshift's test stand-in
 * (`DialectSchema` in schemas.ts is their zod schema, for program-side code).
 */
const DIALECTS = ["postgres", "redshift", "synapse", "trino"] as const;

/** One of the supported SQL dialects. */
export type Dialect = (typeof DIALECTS)[number];

/** How long an identifier may be, per dialect; `unit` says whether UTF-8 bytes or characters count. */
const IDENTIFIER_LIMITS: Readonly<
  Record<Dialect, { readonly max: number; readonly unit: "bytes" | "characters" } | null>
> = {
  postgres: { max: 63, unit: "bytes" },
  redshift: { max: 127, unit: "bytes" },
  synapse: { max: 128, unit: "characters" },
  trino: null,
};

/** An identifier that cannot be used safely in a dialect (empty, NUL byte, or too long). */
export class SqlIdentifierError extends Error {
  /** The offending identifier, verbatim. */
  readonly identifier: string;
  /** The dialect whose rule it breaks. */
  readonly dialect: Dialect;

  constructor(identifier: string, dialect: Dialect, reason: string) {
    const message = `identifier \`${printable(identifier)}\` cannot be used in ${dialect}: ${reason}`;
    super(message);
    this.name = "SqlIdentifierError";
    this.identifier = identifier;
    this.dialect = dialect;
    initError(this, message);
  }
}

/** A string literal that cannot be written safely (it holds a NUL character). */
export class SqlLiteralError extends Error {
  constructor(dialect: Dialect) {
    const message = `a string value holds a NUL character, which ${dialect} cannot store in text`;
    super(message);
    this.name = "SqlLiteralError";
    initError(this, message);
  }
}

// Error messages must stay on one line and never carry raw control characters.
function printable(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Throws `SqlIdentifierError` unless `name` is usable as an identifier in `dialect`. */
export function assertIdentifier(name: string, dialect: Dialect): void {
  if (name.length === 0) throw new SqlIdentifierError(name, dialect, "identifiers cannot be empty");
  if (name.includes("\u0000")) {
    throw new SqlIdentifierError(name, dialect, "identifiers cannot contain a NUL character");
  }
  const limit = IDENTIFIER_LIMITS[dialect];
  if (limit === null) return;
  const size = limit.unit === "bytes" ? Buffer.byteLength(name, "utf8") : [...name].length;
  if (size > limit.max) {
    throw new SqlIdentifierError(
      name,
      dialect,
      `it is ${size} ${limit.unit} long and the limit is ${limit.max} ${limit.unit}`,
    );
  }
}

/** Quotes one identifier for `dialect`: `"a""b"` for postgres/redshift/trino, `[a]]b]` for synapse. */
export function quoteIdent(name: string, dialect: Dialect): string {
  assertIdentifier(name, dialect);
  if (dialect === "synapse") return `[${name.replace(/]/g, "]]")}]`;
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a dotted name (schema.table, catalog.schema.table) part by part. */
export function quoteQualified(parts: readonly string[], dialect: Dialect): string {
  return parts.map((p) => quoteIdent(p, dialect)).join(".");
}

/**
 * Quotes a string literal for `dialect`.
 *
 * Redshift treats a backslash in a literal as an escape (its QUOTE_LITERAL doubles them), while
 * PostgreSQL with `standard_conforming_strings = on` (the default since 9.1) does not; Synapse uses
 * N'' literals so unicode user names survive any database collation.
 */
export function quoteLiteral(value: string, dialect: Dialect): string {
  if (value.includes("\u0000")) throw new SqlLiteralError(dialect);
  const doubled = value.replace(/'/g, "''");
  switch (dialect) {
    case "redshift":
      return `'${doubled.replace(/\\/g, "\\\\")}'`;
    case "synapse":
      return `N'${doubled}'`;
    case "postgres":
    case "trino":
      return `'${doubled}'`;
  }
}

export { DIALECTS, IDENTIFIER_LIMITS };
