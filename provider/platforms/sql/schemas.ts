/**
 * The SQL generators' zod schemas, built once, for program-side code (types, validation in tests and
 * tools). Provider code never imports this module (a lint rule in eslint.config.mjs enforces it):
 * it calls the builder functions these constants come from, so both sides share one definition.
 */
import { z } from "zod";
import { DIALECTS } from "./dialect";
import { policyRowsSchema, sourceTableSchema, viewDialectSchema } from "./views";
import {
  trinoCatalogRuleSchema,
  trinoColumnConstraintSchema,
  trinoPrincipalsSchema,
  trinoPrivilegeSchema,
  trinoRoleStateSchema,
  trinoRulesDocumentSchema,
  trinoRulesInputSchema,
  trinoSchemaRuleSchema,
  trinoSqlPrivilegeSchema,
  trinoTableGrantSchema,
  trinoTableRuleSchema,
} from "./trino";

/** The SQL dialects: Redshift and Synapse are view-based, postgres is Redshift's test stand-in. */
export const DialectSchema = z.enum(DIALECTS);

/** The view-based dialects (Trino is grant-based and lives in `trino.ts`). */
export const ViewDialectSchema = viewDialectSchema();

/** The table (or view) a managed view reads from. */
export const SourceTableSchema = sourceTableSchema();

/** The entitlement rows of one policy principal: its members and the data sources it reaches. */
export const PolicyRowsSchema = policyRowsSchema();

/** Table privileges of the file-based access-control format. */
export const TrinoPrivilegeSchema = trinoPrivilegeSchema();

/** Privileges that `GRANT ... ON TABLE` accepts (SQL mode). */
export const TrinoSqlPrivilegeSchema = trinoSqlPrivilegeSchema();

/** Privileges a role holds on one table (SQL mode). */
export const TrinoTableGrantSchema = trinoTableGrantSchema();

/** The full state of one policy role: its grants and its members. */
export const TrinoRoleStateSchema = trinoRoleStateSchema();

/** A catalog rule: coarse access to a catalog (`all`, `read-only`, `none`; booleans are legacy). */
export const TrinoCatalogRuleSchema = trinoCatalogRuleSchema();

/** A schema rule: whether matching users own matching schemas. */
export const TrinoSchemaRuleSchema = trinoSchemaRuleSchema();

/** A column constraint inside a table rule. */
export const TrinoColumnConstraintSchema = trinoColumnConstraintSchema();

/** A table rule: the privileges matching users hold on matching tables. */
export const TrinoTableRuleSchema = trinoTableRuleSchema();

/**
 * The catalog, schema and table sections of a system-level `rules.json` (Trino docs,
 * "File-based access control"). Sections accessplane does not write (functions, procedures,
 * queries, impersonation, session properties...) are refused rather than passed through, so a
 * document that validates here is one accessplane fully understands.
 */
export const TrinoRulesDocumentSchema = trinoRulesDocumentSchema();

/** Users, groups and roles, by name. */
export const TrinoPrincipalsSchema = trinoPrincipalsSchema();

/** What the rules file is generated from: each policy's subjects and its table privileges. */
export const TrinoRulesInputSchema = trinoRulesInputSchema();
