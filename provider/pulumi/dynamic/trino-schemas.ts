/**
 * Input shapes of the Trino dynamic resources (see schemas.ts for the conventions): the SQL-mode
 * role of a policy, and the file-mode rules document in the documented rule format (Trino docs,
 * "File-based access control"), whose zod schema describes the plain types of
 * platforms/sql/trino-rules.ts (checked at compile time: here, and where the emitter passes a
 * generated document in).
 */
import type { z } from "zod";
import { TRINO_PRIVILEGES, TRINO_SQL_PRIVILEGES, type TrinoSqlPrivilege } from "../../platforms/sql/trino";
import type { TrinoRulesDocument } from "../../platforms/sql/trino-rules";
import { nameSchema, sortedUnique } from "./schemas";
import { zod } from "./zod";

/** Table privileges of the file-based access-control format. */
export function trinoPrivilegeSchema() {
  return zod().enum(TRINO_PRIVILEGES);
}

/** Privileges that `GRANT ... ON TABLE` accepts (SQL mode). */
export function trinoSqlPrivilegeSchema() {
  return zod().enum(TRINO_SQL_PRIVILEGES);
}

/** A Java regular expression, as the rule fields take; checked to compile. */
function regexSchema() {
  return zod()
    .string()
    .refine(
      (r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      },
      { message: "not a valid regular expression" },
    );
}

function subjectShape() {
  return { user: regexSchema().optional(), role: regexSchema().optional(), group: regexSchema().optional() };
}

/** A catalog rule: coarse access to a catalog (`all`, `read-only`, `none`; booleans are legacy). */
export function trinoCatalogRuleSchema() {
  const z = zod();
  return z
    .object({
      ...subjectShape(),
      catalog: regexSchema().optional(),
      allow: z.union([z.enum(["all", "read-only", "none"]), z.boolean()]),
    })
    .strict();
}

/** A schema rule: whether matching users own matching schemas. */
export function trinoSchemaRuleSchema() {
  const z = zod();
  return z.object({ ...subjectShape(), catalog: regexSchema().optional(), schema: regexSchema().optional(), owner: z.boolean() }).strict();
}

/** A column constraint inside a table rule. */
export function trinoColumnConstraintSchema() {
  const z = zod();
  return z
    .object({
      name: z.string().min(1),
      allow: z.boolean().optional(),
      mask: z.string().optional(),
      mask_environment: z.object({ user: z.string().optional() }).strict().optional(),
    })
    .strict();
}

/** A table rule: the privileges matching users hold on matching tables. */
export function trinoTableRuleSchema() {
  const z = zod();
  return z
    .object({
      ...subjectShape(),
      catalog: regexSchema().optional(),
      schema: regexSchema().optional(),
      table: regexSchema().optional(),
      privileges: z.array(trinoPrivilegeSchema()),
      columns: z.array(trinoColumnConstraintSchema()).optional(),
      filter: z.string().optional(),
      filter_environment: z.object({ user: z.string().optional() }).strict().optional(),
    })
    .strict();
}

/**
 * The catalog, schema and table sections of a system-level `rules.json` (Trino docs,
 * "File-based access control"). Sections accessplane does not write (functions, procedures,
 * queries, impersonation, session properties...) are refused rather than passed through, so a
 * document that validates here is one accessplane fully understands.
 */
export function trinoRulesDocumentSchema() {
  const z = zod();
  return z
    .object({
      catalogs: z.array(trinoCatalogRuleSchema()).optional(),
      schemas: z.array(trinoSchemaRuleSchema()).optional(),
      tables: z.array(trinoTableRuleSchema()).optional(),
    })
    .strict() satisfies z.ZodType<TrinoRulesDocument>;
}

/** Inputs of `TrinoRoleGrants`: one policy role in SQL mode, its table grants and its members. */
export function trinoRoleGrantsInputsSchema() {
  const z = zod();
  const sqlPrivilege = trinoSqlPrivilegeSchema();
  return z
    .object({
      role: nameSchema(),
      /** Catalog whose connector manages roles (`IN catalog`, e.g. a Hive catalog); null = system role. */
      roleCatalog: nameSchema().nullable().default(null),
      members: sortedUnique(nameSchema()),
      grants: z
        .array(
          z
            .object({
              catalog: nameSchema(),
              schema: nameSchema(),
              table: nameSchema(),
              privileges: z
                .array(
                  z.string().refine((p) => sqlPrivilege.safeParse(p).success, {
                    message: "SQL mode grants SELECT, INSERT, UPDATE and DELETE only; OWNERSHIP needs file mode (rules.json)",
                  }),
                )
                .min(1)
                .transform((ps) => [...new Set(ps)].sort() as TrinoSqlPrivilege[]),
            })
            .strict(),
        )
        .transform((gs) =>
          [...gs].sort((a, b) =>
            JSON.stringify([a.catalog, a.schema, a.table]).localeCompare(JSON.stringify([b.catalog, b.schema, b.table])),
          ),
        )
        .refine((gs) => new Set(gs.map((g) => JSON.stringify([g.catalog, g.schema, g.table]))).size === gs.length, {
          message: "each table appears once; merge its privileges into one entry",
        }),
    })
    .strict();
}

/** Inputs of `TrinoRoleGrants`. */
export type TrinoRoleGrantsInputs = z.infer<ReturnType<typeof trinoRoleGrantsInputsSchema>>;

/** Inputs of `TrinoAccessRules`: the rules document and where the coordinator reads it. */
export function trinoAccessRulesInputsSchema() {
  const z = zod();
  return z
    .object({
      path: z
        .string()
        .min(1)
        .refine((p) => p.startsWith("/"), { message: "must be an absolute path on the coordinator" }),
      document: trinoRulesDocumentSchema(),
    })
    .strict();
}

/** Inputs of `TrinoAccessRules`. */
export type TrinoAccessRulesInputs = z.infer<ReturnType<typeof trinoAccessRulesInputsSchema>>;
