/**
 * What the dynamic providers need to know of each view-based dialect, as data: every difference
 * between PostgreSQL/Redshift and Synapse that a provider branches on is one trait here, read
 * through `viewDialectTraits`, so no provider compares a dialect name.
 */
import type { ViewDialect } from "../../platforms/sql/views";

/** How one view-based dialect behaves, as far as the dynamic providers are concerned. */
export interface ProviderViewDialectTraits {
  /** The Node driver of the dialect's sessions. */
  driver: "pg" | "mssql";
  /** A query returning the session's database as column `db`. */
  currentDatabaseQuery: string;
  /** Database names compare case-insensitively (T-SQL's default collation). */
  caseInsensitiveDatabaseNames: boolean;
  /** Why a managed object must live in its source's database (for the wrong-database error). */
  sameDatabaseReason: string;
  /**
   * DDL may run inside a user transaction. Synapse dedicated pools refuse most DDL there, so its
   * DDL runs statement by statement (each one idempotent, so a re-run converges).
   */
  transactionalDdl: boolean;
  /**
   * Views reach their sources through ownership chaining: the managed schema may be created
   * AUTHORIZATION a given owner, which `read` checks, and a view whose chain breaks is refused.
   */
  ownershipChaining: boolean;
  /** PUBLIC needs a USAGE grant on the managed schema (checked by `read`). */
  publicSchemaUsage: boolean;
  /**
   * The generated schema drop checks itself that the schema is empty. Otherwise DROP SCHEMA
   * (RESTRICT) fails with 2BP01 when other objects remain, so it runs on its own and that failure
   * keeps the schema.
   */
  schemaDropChecksEmpty: boolean;
  /**
   * How `read` recognises the generated view definition: `verbatim`, the stored CREATE VIEW text
   * (whitespace aside); `marker`, the marker comment written beside the view.
   */
  definitionCheck: "verbatim" | "marker";
}

const PROVIDER_VIEW_DIALECTS: Record<ViewDialect, ProviderViewDialectTraits> = {
  postgres: {
    driver: "pg",
    currentDatabaseQuery: "SELECT current_database() AS db",
    caseInsensitiveDatabaseNames: false,
    sameDatabaseReason: "managed views and their entitlements live in their source's database",
    transactionalDdl: true,
    ownershipChaining: false,
    publicSchemaUsage: true,
    schemaDropChecksEmpty: false,
    definitionCheck: "marker",
  },
  redshift: {
    driver: "pg",
    currentDatabaseQuery: "SELECT current_database() AS db",
    caseInsensitiveDatabaseNames: false,
    sameDatabaseReason: "managed views and their entitlements live in their source's database",
    transactionalDdl: true,
    ownershipChaining: false,
    publicSchemaUsage: true,
    schemaDropChecksEmpty: false,
    definitionCheck: "marker",
  },
  synapse: {
    driver: "mssql",
    currentDatabaseQuery: "SELECT DB_NAME() AS db",
    caseInsensitiveDatabaseNames: true,
    sameDatabaseReason: "dedicated SQL pools have no cross-database queries, so each managed view must live in its source's database",
    transactionalDdl: false,
    ownershipChaining: true,
    publicSchemaUsage: false,
    schemaDropChecksEmpty: true,
    definitionCheck: "verbatim",
  },
};

/** The traits of one view-based dialect. */
export function viewDialectTraits(d: ViewDialect): ProviderViewDialectTraits {
  return PROVIDER_VIEW_DIALECTS[d];
}
