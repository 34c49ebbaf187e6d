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

/** The SQL dialects: Redshift and Synapse are view-based, postgres is Redshift's test stand-in. */
const DIALECTS = ["postgres", "redshift", "synapse", "trino"] as const;

/** One of the supported SQL dialects. */
export type Dialect = (typeof DIALECTS)[number];

/** How long an identifier may be, per dialect; `unit` says whether UTF-8 bytes or characters count. */
const IDENTIFIER_LIMITS: Readonly<Record<Dialect, { readonly max: number; readonly unit: "bytes" | "characters" } | null>> = {
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
    throw new SqlIdentifierError(name, dialect, `it is ${size} ${limit.unit} long and the limit is ${limit.max} ${limit.unit}`);
  }
}

/**
 * The platforms whose names accessplane writes as delimited identifiers: the SQL dialects above,
 * plus Snowflake and Databricks, whose names the plan shows and the Pulumi providers take quoted.
 */
export type QuotedTarget = Dialect | "snowflake" | "databricks";

/**
 * How each target delimits an identifier: ANSI double quotes (a quote inside doubled), T-SQL
 * brackets (a closing bracket inside doubled), or Databricks backticks (a backtick inside doubled).
 */
const IDENTIFIER_QUOTES: Readonly<Record<QuotedTarget, { readonly open: string; readonly close: string }>> = {
  postgres: { open: '"', close: '"' },
  redshift: { open: '"', close: '"' },
  trino: { open: '"', close: '"' },
  snowflake: { open: '"', close: '"' },
  synapse: { open: "[", close: "]" },
  databricks: { open: "`", close: "`" },
};

/**
 * Delimits one identifier for `target`, without checking it: the one quoter behind every quoted
 * name accessplane writes (plans, grants, generated SQL). Generated SQL goes through `quoteIdent`,
 * which checks the name first.
 */
export function delimitIdent(name: string, target: QuotedTarget): string {
  const { open, close } = IDENTIFIER_QUOTES[target];
  return `${open}${name.split(close).join(close + close)}${close}`;
}

/** Delimits a dotted name (database.schema.table...) part by part, without checking the parts. */
export function delimitQualified(parts: readonly string[], target: QuotedTarget): string {
  return parts.map((p) => delimitIdent(p, target)).join(".");
}

/** Quotes one identifier for `dialect`: `"a""b"` for postgres/redshift/trino, `[a]]b]` for synapse. */
export function quoteIdent(name: string, dialect: Dialect): string {
  assertIdentifier(name, dialect);
  return delimitIdent(name, dialect);
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

/** The view-based dialects: every dialect but Trino, which is grant-based. */
export type ViewBasedDialect = Exclude<Dialect, "trino">;

/**
 * What sets one view-based dialect apart, as named traits: the view generator (views.ts) and the
 * view providers (pulumi/dynamic) read these instead of testing for a dialect by name.
 */
export interface ViewDialectTraits {
  /** Column type of the store's text columns, before `(width)`: Synapse stores unicode names in NVARCHAR. */
  readonly textType: "VARCHAR" | "NVARCHAR";
  /** The expression naming the database user a query runs as (what CREATE USER names). */
  readonly currentUser: "CURRENT_USER" | "USER_NAME()";
  /**
   * How DDL is made idempotent: `if-not-exists` clauses (CREATE ... IF NOT EXISTS, CREATE OR
   * REPLACE VIEW, DROP ... IF EXISTS), or `object-id` guards (`IF OBJECT_ID(...) IS NULL ...`,
   * `sys.schemas` lookups), since T-SQL on dedicated SQL pools has no such clauses.
   */
  readonly ddlGuards: "if-not-exists" | "object-id";
  /** The store's tables carry an enforced PRIMARY KEY (dedicated SQL pools only accept NOT ENFORCED keys). */
  readonly enforcedKeys: boolean;
  /** CREATE SCHEMA and CREATE VIEW must each start a batch, so they run inside `EXEC(N'...')`. */
  readonly ddlStartsBatch: boolean;
  /**
   * A managed view reads its source through ownership chaining (T-SQL), not with its owner's
   * rights: the managed schema is created and kept `AUTHORIZATION` the sources' owner, and the
   * providers check that the view and its source share an owner.
   */
  readonly ownershipChaining: boolean;
  /** Users need `GRANT USAGE ON SCHEMA ... TO PUBLIC` to reach views in the managed schema. */
  readonly schemaUsageGrant: boolean;
  /** How the grantee of the managed views' SELECT (everyone) is written. */
  readonly publicGrantee: "PUBLIC" | "[public]";
  /**
   * What a user without an entitlement gets from a managed view: `no-rows` (the view filters), or
   * `error` (the view fails with `ACCESS_DENIED_MESSAGE`).
   */
  readonly deniedAccess: "no-rows" | "error";
  /** `CREATE OR REPLACE VIEW` exists; without it a view is dropped and created again. */
  readonly createOrReplaceView: boolean;
  /** Views are created late-binding (`WITH NO SCHEMA BINDING`, Redshift): they survive drops of the source. */
  readonly lateBindingViews: boolean;
  /**
   * How drift of a view's definition is detected: `marker` (the database re-renders views, so a
   * digest is kept in the view's comment, see `viewMarker`), or `definition` (the CREATE VIEW text
   * is kept verbatim and compared).
   */
  readonly viewDrift: "marker" | "definition";
  /** Where live state is read from: `information_schema` and `pg_catalog`, or the `sys` catalog views. */
  readonly catalog: "information_schema" | "sys";
  /** DDL runs inside a user transaction (dedicated SQL pools refuse most DDL there: statement by statement). */
  readonly transactionalDdl: boolean;
  /**
   * `DROP SCHEMA` fails while objects remain (SQLSTATE 2BP01, RESTRICT), so the provider runs it on
   * its own and keeps the schema on that error; false: the statement checks the schema is empty.
   */
  readonly schemaDropRestricts: boolean;
}

const POSTGRES_TRAITS: ViewDialectTraits = {
  textType: "VARCHAR",
  currentUser: "CURRENT_USER",
  ddlGuards: "if-not-exists",
  enforcedKeys: true,
  ddlStartsBatch: false,
  ownershipChaining: false,
  schemaUsageGrant: true,
  publicGrantee: "PUBLIC",
  deniedAccess: "no-rows",
  createOrReplaceView: true,
  lateBindingViews: false,
  viewDrift: "marker",
  catalog: "information_schema",
  transactionalDdl: true,
  schemaDropRestricts: true,
};

/**
 * The traits of each view-based dialect. Synapse: https://learn.microsoft.com/azure/synapse-analytics/sql-data-warehouse/sql-data-warehouse-table-constraints
 * (NOT ENFORCED keys), https://learn.microsoft.com/sql/t-sql/statements/create-schema-transact-sql
 * (CREATE SCHEMA starts a batch). Redshift: https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_VIEW.html
 * (late-binding views).
 */
const VIEW_DIALECTS: Readonly<Record<ViewBasedDialect, ViewDialectTraits>> = {
  postgres: POSTGRES_TRAITS,
  redshift: { ...POSTGRES_TRAITS, lateBindingViews: true },
  synapse: {
    textType: "NVARCHAR",
    currentUser: "USER_NAME()",
    ddlGuards: "object-id",
    enforcedKeys: false,
    ddlStartsBatch: true,
    ownershipChaining: true,
    schemaUsageGrant: false,
    publicGrantee: "[public]",
    deniedAccess: "error",
    createOrReplaceView: false,
    lateBindingViews: false,
    viewDrift: "definition",
    catalog: "sys",
    transactionalDdl: false,
    schemaDropRestricts: false,
  },
};

export { DIALECTS, IDENTIFIER_LIMITS, IDENTIFIER_QUOTES, VIEW_DIALECTS };
