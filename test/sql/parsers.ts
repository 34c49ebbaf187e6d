/**
 * Third-party SQL parsers used to check generated SQL, one per dialect:
 * - T-SQL (Synapse): the grammars-v4 TSqlParser from `antlr4ts-sql`. node-sql-parser's
 *   `transactsql` grammar rejects `CREATE VIEW ... AS SELECT *` and `]]` escapes inside brackets
 *   (both valid T-SQL), so it only checks the DML statements it supports (`nodeSqlParserAccepts`).
 * - Trino: `dt-sql-parser`'s TrinoSQL, generated from Trino's own grammar. node-sql-parser's
 *   `trino` mode has no GRANT, REVOKE or ROLE statements at all. dt-sql-parser ships as ES modules
 *   with extensionless imports that neither Node nor Jest's CommonJS runtime can load, so it is
 *   bundled once to CommonJS with esbuild (about half a second).
 */
import { buildSync } from "esbuild";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Parser } from "node-sql-parser";

interface SyntaxListener {
  syntaxError: (...args: unknown[]) => void;
}

/** Syntax errors the T-SQL grammar reports for `sql` (empty when it parses). */
export function tsqlSyntaxErrors(sql: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const antlr = require("antlr4ts");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CaseChangingStream } = require("antlr4ts-sql/dist/src/models/CaseChangingStream");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TSqlLexer } = require("antlr4ts-sql/dist/src/grammar-output/tsql/TSqlLexer");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TSqlParser } = require("antlr4ts-sql/dist/src/grammar-output/tsql/TSqlParser");
  const errors: string[] = [];
  const listener: SyntaxListener = {
    syntaxError: (...args: unknown[]) => errors.push(`${String(args[2])}:${String(args[3])} ${String(args[4])}`),
  };
  // The grammar's keywords are upper case; the stream upper-cases what the lexer sees only.
  const lexer = new TSqlLexer(new CaseChangingStream(antlr.CharStreams.fromString(sql), true));
  lexer.removeErrorListeners();
  lexer.addErrorListener(listener);
  const parser = new TSqlParser(new antlr.CommonTokenStream(lexer));
  parser.removeErrorListeners();
  parser.addErrorListener(listener);
  parser.tsql_file();
  return errors;
}

let trino: { validate(sql: string): { message: string }[] } | undefined;

/** Syntax errors Trino's grammar reports for `sql` (empty when it parses). */
export function trinoSyntaxErrors(sql: string): string[] {
  if (!trino) {
    const out = join(mkdtempSync(join(tmpdir(), "accessplane-trino-parser-")), "trino.cjs");
    buildSync({
      stdin: { contents: "export { TrinoSQL } from 'dt-sql-parser';", resolveDir: process.cwd() },
      bundle: true,
      format: "cjs",
      platform: "node",
      outfile: out,
      logLevel: "error",
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TrinoSQL } = require(out);
    trino = new TrinoSQL();
  }
  return trino!.validate(sql).map((e) => e.message);
}

const nodeSqlParser = new Parser();

/** True when node-sql-parser accepts `sql` in `database` mode. */
export function nodeSqlParserAccepts(sql: string, database: "transactsql" | "trino" | "postgresql" | "redshift"): boolean {
  try {
    nodeSqlParser.astify(sql, { database });
    return true;
  } catch {
    return false;
  }
}
