/**
 * Redshift: read only, view-based. Each data source gets a managed view joined to a secure
 * entitlements view; a user without access who queries it gets zero rows.
 */
import type { ObjectTypeOf } from "../model/schema";
import type { PrivilegeTable } from "./types";
import { SELECT_ONLY, managedSchemaViews, viewBasedAdapter } from "./view-based";

/** SPEC.md's Redshift rule: SELECT on the managed view for every object type, for read and write. */
export const REDSHIFT_PRIVILEGES = {
  "BASE TABLE": SELECT_ONLY,
  VIEW: SELECT_ONLY,
  "EXTERNAL TABLE": SELECT_ONLY,
} as const satisfies PrivilegeTable<ObjectTypeOf<"redshift">, "SELECT">;

/** The Redshift adapter. */
export const redshift = viewBasedAdapter({
  platform: "redshift",
  title: "Redshift",
  table: REDSHIFT_PRIVILEGES,
  identityKey: "redshift",
  // ASCII letters of names are folded to lower case; quoted names keep their case only with
  // enable_case_sensitive_identifier, quoted user names always
  // (https://docs.aws.amazon.com/redshift/latest/dg/r_names.html,
  // https://docs.aws.amazon.com/redshift/latest/dg/r_enable_case_sensitive_identifier.html).
  // Federated users (`IAM:alice`, `AWSIDC:alice@example.com`) are not standard identifiers: as written.
  identifierCase: { objects: "lower", users: "lower" },
  ...managedSchemaViews("redshift"),
});
