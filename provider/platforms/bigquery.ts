/**
 * Google BigQuery: read only, view-based. Each table gets a 1-to-1 view in a mirrored dataset that
 * holds the policy logic; grants on that view let only subscribed users see data.
 */
import type { ObjectTypeOf } from "../model/schema";
import type { PrivilegeTable } from "./types";
import { SELECT_ONLY, viewBasedAdapter } from "./view-based";

/** SPEC.md's BigQuery rule: SELECT on the mirrored view for every object type, for read and write. */
export const BIGQUERY_PRIVILEGES = {
  "BASE TABLE": SELECT_ONLY,
  VIEW: SELECT_ONLY,
  "MATERIALIZED VIEW": SELECT_ONLY,
  EXTERNAL: SELECT_ONLY,
} as const satisfies PrivilegeTable<ObjectTypeOf<"bigquery">, "SELECT">;

/** The BigQuery adapter. */
export const bigquery = viewBasedAdapter({
  platform: "bigquery",
  title: "Google BigQuery",
  table: BIGQUERY_PRIVILEGES,
  identityKey: "bigquery",
  // Dataset and table names are case-sensitive (https://cloud.google.com/bigquery/docs/datasets#dataset-naming);
  // identities are IAM members such as `user:alice@example.com`, not identifiers.
  identifierCase: { objects: "exact", users: "verbatim" },
  // Standard SQL quotes the whole path once; a backtick cannot occur in project, dataset or table names.
  managedView: (ds, config) =>
    `\`${ds.location.project}.${ds.location.dataset}${config.viewBased.bigqueryDatasetSuffix}.${ds.location.table}\``,
});
