/**
 * Live Google BigQuery (authorized views): deploys one read policy with `pulumi up` (Automation
 * API), queries the managed view as a subscribed user (success) and an unsubscribed user (HTTP 403)
 * through the `jobs.query` REST method
 * (`POST https://bigquery.googleapis.com/bigquery/v2/projects/{projectId}/queries`,
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query), then destroys the stack.
 *
 * Opt in with ACCESSPLANE_LIVE_BIGQUERY=1 and set:
 * - ACCESSPLANE_LIVE_BIGQUERY_PROJECT: the project the queries run (and are billed) in
 * - ACCESSPLANE_LIVE_BIGQUERY_DEPLOY_TOKEN: an OAuth access token of the deploying principal
 *   (`gcloud auth print-access-token`; creates the mirrored dataset, the view and its IAM)
 * - ACCESSPLANE_LIVE_BIGQUERY_SUBSCRIBER_MEMBER, ACCESSPLANE_LIVE_BIGQUERY_SUBSCRIBER_TOKEN: the subscribed
 *   principal's IAM member (`user:ann@example.com`) and access token; it must be able to run jobs in the project
 * - ACCESSPLANE_LIVE_BIGQUERY_OUTSIDER_MEMBER, ACCESSPLANE_LIVE_BIGQUERY_OUTSIDER_TOKEN: the same for a
 *   principal no policy subscribes (no other access to the table or view)
 * - ACCESSPLANE_LIVE_BIGQUERY_TABLE: the existing table, `project.dataset.table`
 * - ACCESSPLANE_LIVE_BIGQUERY_LOCATION: the source dataset's location (`EU`, `US`, `europe-west1`)
 */
// A type import: the SDK is loaded only when the suite runs, so a skipped suite stays instant.
import type * as gcp from "@pulumi/gcp";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadGcp = () => require("@pulumi/gcp") as typeof gcp;
import {
  describeLive,
  expectDenied,
  liveEstate,
  liveScenario,
  parts,
  postJson,
  runId,
  subscriberEntry,
  type LiveSpec,
  type LiveVars,
} from "./support";

const SPEC: LiveSpec = {
  platform: "bigquery",
  title: "BigQuery",
  key: "BIGQUERY",
  required: ["PROJECT", "DEPLOY_TOKEN", "SUBSCRIBER_MEMBER", "SUBSCRIBER_TOKEN", "OUTSIDER_MEMBER", "OUTSIDER_TOKEN", "TABLE", "LOCATION"],
  secrets: ["DEPLOY_TOKEN", "SUBSCRIBER_TOKEN", "OUTSIDER_TOKEN"],
};

// One synchronous query; a non-200 answer becomes a thrown message with its HTTP status.
async function query(vars: LiveVars, token: string, sql: string): Promise<unknown> {
  const url = `https://bigquery.googleapis.com/bigquery/v2/projects/${encodeURIComponent(vars.PROJECT!)}/queries`;
  const r = await postJson(url, token, { query: sql, useLegacySql: false, location: vars.LOCATION, timeoutMs: 60_000 });
  const b = (r.body ?? {}) as { error?: { code?: number; status?: string; message?: string }; rows?: unknown[] };
  if (r.status !== 200)
    throw new Error(`bigquery jobs.query HTTP ${r.status} ${b.error?.status ?? ""}: ${b.error?.message ?? JSON.stringify(r.body)}`);
  return b.rows ?? [];
}

describeLive(SPEC, (vars) => {
  const [project, dataset, table] = parts(SPEC, vars, "TABLE", 3) as [string, string, string];
  const run = runId();
  liveScenario(
    SPEC,
    vars,
    () => {
      const { estate } = liveEstate({
        platform: "bigquery",
        identityKey: "bigquery",
        subscriber: vars.SUBSCRIBER_MEMBER!,
        outsider: vars.OUTSIDER_MEMBER!,
        dataSource: { platform: "bigquery", objectType: "BASE TABLE", location: { project, dataset, table, location: vars.LOCATION } },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        plugins: ["gcp"],
        providers: () => ({ bigquery: new (loadGcp().Provider)("live-gcp", { project: vars.PROJECT, accessToken: vars.DEPLOY_TOKEN }) }),
      };
    },
    {
      subscribed: async (entry) => {
        await query(vars, vars.SUBSCRIBER_TOKEN!, `SELECT COUNT(*) FROM ${entry.object}`);
      },
      unsubscribed: (entry) =>
        expectDenied(() => query(vars, vars.OUTSIDER_TOKEN!, `SELECT COUNT(*) FROM ${entry.object}`), /HTTP 403/, "outsider query"),
    },
  );
});
