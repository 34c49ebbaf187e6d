/**
 * Azure Synapse Analytics: read only, view-based. As Redshift, but each managed view checks access
 * itself: a user without access gets `Access denied: you are not subscribed to the data source`.
 */
import type { ObjectTypeOf } from "../model/schema";
import type { PrivilegeTable } from "./types";
import { SELECT_ONLY, managedSchemaViews, viewBasedAdapter } from "./view-based";

/** SPEC.md's Synapse rule: SELECT on the managed view for every object type, for read and write. */
export const SYNAPSE_PRIVILEGES = {
  "BASE TABLE": SELECT_ONLY,
  VIEW: SELECT_ONLY,
} as const satisfies PrivilegeTable<ObjectTypeOf<"synapse">, "SELECT">;

/** The Azure Synapse Analytics adapter. */
export const synapse = viewBasedAdapter({
  platform: "synapse",
  title: "Azure Synapse Analytics",
  table: SYNAPSE_PRIVILEGES,
  identityKey: "synapse",
  // Names are kept as created; whether they match case-insensitively depends on the database's
  // collation (case-insensitive by default): https://learn.microsoft.com/sql/relational-databases/databases/database-identifiers
  identifierCase: { objects: "exact", users: "exact" },
  ...managedSchemaViews("synapse"),
});
