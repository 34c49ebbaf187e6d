/**
 * Snowflake: role-based grants. Read and write per `information_schema.tables.table_type`, with
 * USAGE on the schema and database as parents. Objects from an incoming share take no object grants.
 */
import type { ObjectTypeOf } from "../model/schema";
import { type Placement, defineAdapter } from "./define";
import { delimitQualified } from "./sql/dialect";
import { type IdentifierCase, type PlatformAdapter, type PrivilegeTable, foldIdentifier, foldLocation, upperIdent } from "./types";

/** Snowflake object privileges a policy can issue. */
export type SnowflakePrivilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE";

/** SPEC.md's Snowflake table: write on read-only objects yields SELECT only. */
export const SNOWFLAKE_PRIVILEGES = {
  "BASE TABLE": { read: ["SELECT"], write: ["DELETE", "INSERT", "SELECT", "TRUNCATE", "UPDATE"] },
  VIEW: { read: ["SELECT"], write: ["SELECT"] },
  "MATERIALIZED VIEW": { read: ["SELECT"], write: ["SELECT"] },
  "EXTERNAL TABLE": { read: ["SELECT"], write: ["SELECT"] },
  "EVENT TABLE": { read: ["SELECT"], write: ["SELECT"] },
  "ICEBERG TABLE": { read: ["SELECT"], write: ["SELECT"] },
  "DYNAMIC TABLE": { read: ["SELECT"], write: ["SELECT"] },
} as const satisfies PrivilegeTable<ObjectTypeOf<"snowflake">, SnowflakePrivilege>;

/** The securable kind Snowflake's GRANT uses for each object type. */
export const SNOWFLAKE_OBJECT_KIND = {
  "BASE TABLE": "TABLE",
  VIEW: "VIEW",
  "MATERIALIZED VIEW": "MATERIALIZED VIEW",
  "EXTERNAL TABLE": "EXTERNAL TABLE",
  "EVENT TABLE": "EVENT TABLE",
  "ICEBERG TABLE": "ICEBERG TABLE",
  "DYNAMIC TABLE": "DYNAMIC TABLE",
} as const satisfies Record<ObjectTypeOf<"snowflake">, string>;

/**
 * Unquoted identifiers are stored and resolved in upper case; quoted ones keep their case
 * (https://docs.snowflake.com/en/sql-reference/identifiers-syntax). The Snowflake provider takes every
 * name as case-sensitive (Snowflake-Labs/terraform-provider-snowflake,
 * docs/technical-documentation/identifiers_rework_design_decisions.md), so grants must carry the
 * stored names: `sales` becomes `SALES`, user `alice` becomes `ALICE`.
 */
export const SNOWFLAKE_CASE: IdentifierCase = { objects: "upper", users: "upper" };

/** The Snowflake adapter. */
export const snowflake: PlatformAdapter<"snowflake"> = defineAdapter({
  platform: "snowflake",
  title: "Snowflake",
  supportsWrite: true,
  enforcement: "grants",
  identifierCase: SNOWFLAKE_CASE,
  identityKey: "snowflake",
  // Snowflake's SCIM integration imports identity-provider groups as roles, and a role granted to a
  // role passes its privileges on (https://docs.snowflake.com/user-guide/scim-group-api-reference):
  // a policy role is granted to a synced group's role.
  syncedGroups: { key: "snowflake", case: SNOWFLAKE_CASE.users },
  refusal: (ds) =>
    ds.incomingShare
      ? {
          code: "snowflake-incoming-share",
          message: `\`${ds.id}\` comes from an incoming data share and cannot carry object grants`,
          help: `a share is consumed with IMPORTED PRIVILEGES on the whole database \`${ds.location.database}\`: grant that outside accessplane, or remove the data source from the policy`,
        }
      : undefined,
  privileges(ds, access) {
    const row = SNOWFLAKE_PRIVILEGES[ds.objectType];
    const privileges = row[access];
    const notes =
      access === "write" && privileges.length === row.read.length
        ? [
            {
              code: "write-on-read-only-object" as const,
              message: `\`${ds.id}\` is a ${ds.objectType.toLowerCase()}, a read-only object: write yields SELECT only`,
              help: "use a read policy for read-only objects, or point the write policy at base tables",
            },
          ]
        : [];
    return { privileges, notes };
  },
  locate(ds, config) {
    const { database, schema, table } = foldLocation(ds.location, SNOWFLAKE_CASE.objects);
    const parents: Placement["parents"][number][] = [
      { kind: "DATABASE", path: [database], privileges: ["USAGE"] },
      { kind: "SCHEMA", path: [database, schema], privileges: ["USAGE"] },
    ];
    // Querying needs a running warehouse: with `snowflake.warehouse`, every role that reads gets USAGE on it.
    const wh = config.snowflake.warehouse;
    if (wh !== undefined) parents.push({ kind: "WAREHOUSE", path: [foldIdentifier(wh, SNOWFLAKE_CASE.objects)], privileges: ["USAGE"] });
    return { kind: SNOWFLAKE_OBJECT_KIND[ds.objectType], path: [database, schema, table], parents };
  },
  quote: (path) => delimitQualified(path, "snowflake"),
  principalName: (key, config) => upperIdent(config.naming.snowflakeRolePrefix, key),
});
