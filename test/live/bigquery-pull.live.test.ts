/**
 * Live BigQuery pull: datasets and tables of the table's project through REST v2; checks that the
 * configured table is pulled with its dataset's location.
 *
 * Opt in with ACCESSPLANE_LIVE_BIGQUERY=1 and set (the variables of bigquery.live.test.ts):
 * ..._PROJECT, ..._DEPLOY_TOKEN (an OAuth access token), ..._TABLE (`project.dataset.table`) and
 * ..._LOCATION (the dataset's location).
 */
import { bigquery } from "../../provider/connectors/bigquery";
import { describePull, expectPulled } from "./pull-support";
import { parts, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "bigquery",
  title: "BigQuery",
  key: "BIGQUERY",
  required: ["PROJECT", "DEPLOY_TOKEN", "TABLE", "LOCATION"],
  secrets: ["DEPLOY_TOKEN"],
};

describePull(SPEC, (vars) => {
  test("the table is pulled with its location", async () => {
    const path = parts(SPEC, vars, "TABLE", 3);
    const r = await expectPulled(SPEC, vars, bigquery, { projects: [path[0]], accessToken: { env: "DEPLOY_TOKEN" } }, path);
    expect(r.objects!.find((o) => o.location.table === path[2])!.location.location).toBe(vars.LOCATION);
  });
});
