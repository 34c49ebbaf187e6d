/**
 * Databricks Unity Catalog: group-based grants. Read and write per `information_schema.tables.table_type`,
 * with USE CATALOG and USE SCHEMA as parents. Read-only objects take nothing from a write policy, and
 * objects from an incoming Delta share take no grants at all.
 */
import type { ObjectTypeOf } from "../model/schema";
import { defineAdapter } from "./define";
import { delimitQualified } from "./sql/dialect";
import { type IdentifierCase, type PlatformAdapter, type PrivilegeTable, type SyncedGroups, foldLocation } from "./types";

/** Unity Catalog object privileges a policy can issue. */
export type UnityCatalogPrivilege = "SELECT" | "MODIFY";

/**
 * SPEC.md's Unity Catalog table. Unlike Snowflake, write on a read-only object issues nothing at all
 * (not even SELECT): the reference says a write policy issues neither SELECT nor MODIFY there.
 */
export const UNITY_CATALOG_PRIVILEGES = {
  MANAGED: { read: ["SELECT"], write: ["MODIFY", "SELECT"] },
  VIEW: { read: ["SELECT"], write: [] },
  MATERIALIZED_VIEW: { read: ["SELECT"], write: [] },
  STREAMING_TABLE: { read: ["SELECT"], write: [] },
  EXTERNAL: { read: ["SELECT"], write: ["MODIFY", "SELECT"] },
  FOREIGN: { read: ["SELECT"], write: [] },
} as const satisfies PrivilegeTable<ObjectTypeOf<"databricks-unity-catalog">, UnityCatalogPrivilege>;

/** The securable kind Databricks' GRANT uses for each table type (streaming and foreign tables are tables). */
export const UNITY_CATALOG_OBJECT_KIND = {
  MANAGED: "TABLE",
  VIEW: "VIEW",
  MATERIALIZED_VIEW: "MATERIALIZED VIEW",
  STREAMING_TABLE: "TABLE",
  EXTERNAL: "TABLE",
  FOREIGN: "TABLE",
} as const satisfies Record<ObjectTypeOf<"databricks-unity-catalog">, string>;

/** Writes a Databricks path with backticks, part by part (a backtick is doubled inside). */
export const dbxQuote = (path: readonly string[]): string => delimitQualified(path, "databricks");

/**
 * Unity Catalog stores all object names in lower case and resolves them case-insensitively, quoted
 * (backticks) or not (https://docs.databricks.com/sql/language-manual/sql-ref-names.html). User names
 * (e.g. e-mail addresses) are looked up as written.
 */
export const DATABRICKS_CASE: IdentifierCase = { objects: "lower-always", users: "exact" };

/** Databricks account groups provisioned by the identity provider: names are case-sensitive, as written. */
export const DATABRICKS_GROUPS: SyncedGroups = { key: "databricks", case: "exact" };

/** The Databricks Unity Catalog adapter. */
export const databricksUnityCatalog: PlatformAdapter<"databricks-unity-catalog"> = defineAdapter({
  platform: "databricks-unity-catalog",
  title: "Databricks Unity Catalog",
  supportsWrite: true,
  enforcement: "grants",
  identifierCase: DATABRICKS_CASE,
  identityKey: "databricks",
  // Account groups nest: a synced account group joins the policy's account group as a member.
  syncedGroups: DATABRICKS_GROUPS,
  refusal: (ds, access) =>
    ds.incomingShare
      ? {
          code: "databricks-incoming-share",
          message: `\`${ds.id}\` comes from an incoming Delta share and cannot carry grants, so ${access} grants nothing on it`,
          help: `shared data is consumed through the catalog created from the share (\`${ds.location.catalog}\`): grant on that catalog outside accessplane, or remove the data source from the policy`,
        }
      : undefined,
  privileges(ds, access) {
    const privileges = UNITY_CATALOG_PRIVILEGES[ds.objectType][access];
    if (access === "read" || privileges.length > 0) return { privileges, notes: [] };
    return {
      privileges,
      notes: [
        {
          code: "write-not-issued",
          message: `\`${ds.id}\` is a \`${ds.objectType}\` object, on which a write policy issues nothing (a read policy still grants SELECT)`,
          help: "add the data source to a read policy for SELECT; only MANAGED and EXTERNAL tables take MODIFY",
        },
      ],
    };
  },
  locate(ds) {
    const { catalog, schema, table } = foldLocation(ds.location, DATABRICKS_CASE.objects);
    return {
      kind: UNITY_CATALOG_OBJECT_KIND[ds.objectType],
      path: [catalog, schema, table],
      parents: [
        { kind: "CATALOG", path: [catalog], privileges: ["USE CATALOG"] },
        { kind: "SCHEMA", path: [catalog, schema], privileges: ["USE SCHEMA"] },
      ],
    };
  },
  quote: dbxQuote,
});
