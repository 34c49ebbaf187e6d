/**
 * Google BigQuery: read only, view-based. Each table gets a 1-to-1 view in a mirrored dataset that
 * holds the policy logic; grants on that view let only subscribed users see data.
 *
 * Vendor rules behind the shape (https://cloud.google.com/bigquery/docs/authorized-views): the
 * dataset of an authorized view must be in the same location as the source dataset, so the
 * mirrored dataset takes the source's `location.location` (a dataset's location defaults to `US`
 * otherwise). A plain Cloud Storage external table needs permissions on the table *and* on the
 * Cloud Storage files for whoever queries it; only BigLake tables delegate storage access through
 * their connection (https://cloud.google.com/bigquery/docs/external-data-cloud-storage).
 */
import type { Issue } from "../model/issues";
import type { DataSourceOf, ObjectTypeOf } from "../model/schema";
import type { AuditInput, AuditResult, Note, PrivilegeTable } from "./types";
import { SELECT_ONLY, viewBasedAdapter } from "./view-based";

/** SPEC.md's BigQuery rule: SELECT on the mirrored view for every object type, for read and write. */
export const BIGQUERY_PRIVILEGES = {
  "BASE TABLE": SELECT_ONLY,
  VIEW: SELECT_ONLY,
  "MATERIALIZED VIEW": SELECT_ONLY,
  EXTERNAL: SELECT_ONLY,
} as const satisfies PrivilegeTable<ObjectTypeOf<"bigquery">, "SELECT">;

/** True when an authorized view cannot serve the table: a Cloud Storage external table that is not BigLake. */
export const needsStorageAccess = (ds: DataSourceOf<"bigquery">): boolean => ds.objectType === "EXTERNAL" && !ds.bigLake;

function refusal(ds: DataSourceOf<"bigquery">): Note | undefined {
  if (!needsStorageAccess(ds)) return undefined;
  return {
    code: "bigquery-external-table-not-biglake",
    message: `\`${ds.id}\` is an external table over Cloud Storage that is not a BigLake table: an authorized view does not delegate storage access, so nothing is granted on it`,
    help:
      "upgrade the table to a BigLake table (a Cloud resource connection reads the files) and set `bigLake: true` on the data source; " +
      "granting readers `roles/storage.objectViewer` (storage.objects.get) on the bucket instead would open every object of it to them, outside any policy",
  };
}

/** One location per mirrored dataset: every table of a source dataset must name the same one. */
function auditLocations(input: Pick<AuditInput, "inventory">): AuditResult {
  const byDataset = new Map<string, Map<string, string[]>>();
  for (const d of input.inventory.dataSources) {
    if (d.platform !== "bigquery") continue;
    const key = `${d.location.project}.${d.location.dataset}`;
    const locations = byDataset.get(key) ?? new Map<string, string[]>();
    const loc = d.location.location.toUpperCase();
    locations.set(loc, [...(locations.get(loc) ?? []), d.id]);
    byDataset.set(key, locations);
  }
  const issues: Issue[] = [];
  for (const [dataset, locations] of [...byDataset].sort(([a], [b]) => a.localeCompare(b))) {
    if (locations.size < 2) continue;
    const list = [...locations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([loc, ids]) =>
          `\`${loc}\` (${ids
            .sort()
            .map((i) => `\`${i}\``)
            .join(", ")})`,
      );
    issues.push({
      severity: "error",
      code: "bigquery-location-conflict",
      message: `data sources of dataset \`${dataset}\` name ${locations.size} locations: ${list.join(", ")}`,
      help: "a dataset has one location, and its mirrored dataset must be created there: set `location.location` of each of its tables to the dataset's location",
    });
  }
  return { issues, blastRadius: [] };
}

/** The BigQuery adapter. */
export const bigquery = viewBasedAdapter({
  platform: "bigquery",
  title: "Google BigQuery",
  table: BIGQUERY_PRIVILEGES,
  identityKey: "bigquery",
  // A Google group is an IAM member of its own (`group:…`): the view's binding lists it once.
  syncedGroups: { key: "bigquery", case: "verbatim" },
  // Dataset and table names are case-sensitive (https://cloud.google.com/bigquery/docs/datasets#dataset-naming);
  // identities are IAM members such as `user:alice@example.com`, not identifiers.
  identifierCase: { objects: "exact", users: "verbatim" },
  managedView: (ds, config) => [ds.location.project, `${ds.location.dataset}${config.viewBased.bigqueryDatasetSuffix}`, ds.location.table],
  // Standard SQL quotes the whole path once; a backtick cannot occur in project, dataset or table names.
  quote: (path) => `\`${path.join(".")}\``,
  // The default table key adds whether `refusal` refuses: a plain external table gets nothing.
  refusal,
  audit: auditLocations,
});
