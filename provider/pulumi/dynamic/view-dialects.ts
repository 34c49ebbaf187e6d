/**
 * What the dynamic providers need to know of each view-based dialect, as data: every difference
 * between PostgreSQL/Redshift and Synapse that a provider branches on is one trait, read through
 * `viewDialectTraits`, so no provider compares a dialect name.
 */
import type { ViewDialect } from "../../platforms/sql/views";
import { VIEW_DIALECTS, type ViewDialectTraits } from "../../platforms/sql/dialect";

/**
 * What the dynamic providers need to know of a view-based dialect beyond the shared traits of
 * `VIEW_DIALECTS` (which the SQL generators read too): how a session connects and checks where it is.
 */
interface SessionTraits {
  /** The Node driver of the dialect's sessions. */
  driver: "pg" | "mssql";
  /** A query returning the session's database as column `db`. */
  currentDatabaseQuery: string;
  /** Database names compare case-insensitively (T-SQL's default collation). */
  caseInsensitiveDatabaseNames: boolean;
  /** Why a managed object must live in its source's database (for the wrong-database error). */
  sameDatabaseReason: string;
}

/** How one view-based dialect behaves, as far as the dynamic providers are concerned. */
export type ProviderViewDialectTraits = ViewDialectTraits & SessionTraits;

const PG_SESSION: SessionTraits = {
  driver: "pg",
  currentDatabaseQuery: "SELECT current_database() AS db",
  caseInsensitiveDatabaseNames: false,
  sameDatabaseReason: "managed views and their entitlements live in their source's database",
};

const SESSION_TRAITS: Record<ViewDialect, SessionTraits> = {
  postgres: PG_SESSION,
  redshift: PG_SESSION,
  synapse: {
    driver: "mssql",
    currentDatabaseQuery: "SELECT DB_NAME() AS db",
    caseInsensitiveDatabaseNames: true,
    sameDatabaseReason: "dedicated SQL pools have no cross-database queries, so each managed view must live in its source's database",
  },
};

/** The traits of one view-based dialect: the shared ones and the session ones. */
export function viewDialectTraits(d: ViewDialect): ProviderViewDialectTraits {
  return { ...VIEW_DIALECTS[d], ...SESSION_TRAITS[d] };
}
