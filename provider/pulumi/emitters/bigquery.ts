/**
 * Google BigQuery, view-based: for the estate, a mirrored dataset per source dataset, a 1-to-1 view
 * per table, a DatasetAccess authorising the view on its source dataset, and one IamBinding per view
 * listing every subscribed member (authoritative per view, so aggregated over all policies).
 * Count: datasets + 3 per table (+0 per user: members are data of the binding, not resources).
 *
 * The mirrored dataset is created in the source dataset's location: an authorized view's dataset
 * must be in the source's location (https://cloud.google.com/bigquery/docs/authorized-views), and
 * `gcp.bigquery.Dataset.location` would otherwise default to `US`.
 */
import * as gcp from "@pulumi/gcp";
import type { DataSourceOf } from "../../model/schema";
import { needsStorageAccess } from "../../platforms/bigquery";
import { ADAPTERS } from "../../platforms";
import { storedSource } from "../../platforms/view-based";
import { childName, childOpts, owned, type PlatformEmitter, track } from "../context";
import { directMembers } from "../../plan/synced-groups";

/** The query of a managed view: the whole table; access is decided by IAM on the view. */
export const bigQueryViewQuery = (ds: DataSourceOf<"bigquery">) =>
  `SELECT * FROM \`${[ds.location.project, ds.location.dataset, ds.location.table].map((p) => p.replace(/[`\\]/g, "\\$&")).join(".")}\``;

/** The BigQuery emitter. */
export const bigQueryEmitter: PlatformEmitter = {
  countFormula: "per estate: 1 dataset per source dataset + 1 view, 1 dataset access and 1 IAM binding per table",
  estate(principals, scope) {
    const { inventory, config } = scope.ctx.estate;
    const members = new Map<string, Set<string>>();
    for (const p of principals)
      for (const g of p.grants) {
        const set = members.get(g.dataSource) ?? new Set<string>();
        directMembers(p).forEach((m) => set.add(m.identity));
        // A synced Google group is one member of the binding; Google manages who is in it.
        p.groups?.forEach((s) => set.add(s.identity));
        members.set(g.dataSource, set);
      }
    // A plain external table cannot be served by an authorized view (the plan grants nothing there).
    const tables = inventory.dataSources
      .filter((d): d is DataSourceOf<"bigquery"> => d.platform === "bigquery" && !needsStorageAccess(d))
      .map((d) => storedSource(d, ADAPTERS.bigquery.identifierCase));
    const datasets = new Map<string, gcp.bigquery.Dataset>();
    for (const ds of tables) {
      const { project, dataset } = ds.location;
      // The mirrored dataset and the view, as the plan's target names them.
      const [, mirroredId, table] = ADAPTERS.bigquery.path(ds, config).object as [string, string, string];
      const key = `${project}.${dataset}`;
      // A mirrored dataset and every view in it are one object: the dataset exists before its views.
      owned(scope, "bigquery", `dataset:${key}`, () => {
        let mirrored = datasets.get(key);
        if (!mirrored) {
          mirrored = track(
            scope,
            new gcp.bigquery.Dataset(
              childName(scope.ctx.name, "bigquery", "dataset", key),
              { project, datasetId: mirroredId, location: ds.location.location, description: `accessplane: managed views of ${key}` },
              childOpts(scope, "bigquery"),
            ),
          );
          datasets.set(key, mirrored);
        }
        const view = track(
          scope,
          new gcp.bigquery.Table(
            childName(scope.ctx.name, "bigquery", "view", ds.id),
            {
              project,
              datasetId: mirrored.datasetId,
              tableId: table,
              deletionProtection: false,
              view: { query: bigQueryViewQuery(ds), useLegacySql: false },
            },
            childOpts(scope, "bigquery"),
          ),
        );
        track(
          scope,
          new gcp.bigquery.DatasetAccess(
            childName(scope.ctx.name, "bigquery", "authorize", ds.id),
            { project, datasetId: dataset, view: { projectId: project, datasetId: mirrored.datasetId, tableId: view.tableId } },
            childOpts(scope, "bigquery"),
          ),
        );
        const who = [...(members.get(ds.id) ?? [])].sort();
        if (who.length === 0) return; // nobody subscribed: no binding, so nobody reads the view
        track(
          scope,
          new gcp.bigquery.IamBinding(
            childName(scope.ctx.name, "bigquery", "readers", ds.id),
            { project, datasetId: mirrored.datasetId, tableId: view.tableId, role: "roles/bigquery.dataViewer", members: who },
            childOpts(scope, "bigquery"),
          ),
        );
      });
    }
  },
};
