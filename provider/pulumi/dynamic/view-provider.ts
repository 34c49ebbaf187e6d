/**
 * The base of the view-based providers (Redshift, Azure Synapse; PostgreSQL for tests): sessions
 * on the connection of one database (connection.ts), checked to have opened that database, and
 * the way each dialect applies a batch of statements.
 */
import type { ViewDialect } from "../../platforms/sql/views";
import { SessionProvider } from "./base";
import { type Connection, type Row, type SqlSession, checkDatabase, openSqlSession, viewConnection } from "./connection";
import { viewDialectTraits } from "./view-dialects";

/** Runs statements one after the other on `query`. */
export async function runAll(query: (sql: string) => Promise<Row[]>, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await query(sql);
}

/**
 * Applies statements atomically where the dialect allows: DDL and DML in one transaction, unless
 * the dialect refuses DDL inside user transactions (then each statement runs on its own; each one
 * is idempotent, so a re-run converges).
 */
export async function apply(s: SqlSession, d: ViewDialect, statements: readonly string[], ddl: boolean): Promise<void> {
  if (ddl && !viewDialectTraits(d).transactionalDdl) return runAll(s.query, statements);
  await s.transaction((q) => runAll(q, statements));
}

/** A provider of one view-based object: every action runs in one session on its database's connection. */
export abstract class ViewProvider extends SessionProvider<Connection, SqlSession> {
  /** The connection to `database` of `dialect`; `subject` names what needs it in errors. */
  protected connection(dialect: ViewDialect, database: string, subject?: string): Connection {
    return viewConnection(dialect, this.config, database, subject);
  }

  /** Opens a `pg` or `mssql` session. */
  protected override open(c: Connection): Promise<SqlSession> {
    return openSqlSession(c);
  }

  /** Fails unless the session opened the database it was chosen for. */
  protected override async ready(c: Connection, s: SqlSession): Promise<void> {
    await checkDatabase(c, s);
  }

  /** Closes the session. */
  protected override async close(s: SqlSession): Promise<void> {
    await s.close();
  }
}
