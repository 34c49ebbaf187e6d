/**
 * Live Databricks Unity Catalog: deploys one read policy with `pulumi up` (Automation API), queries
 * the table as a subscribed and an unsubscribed user through the SQL Statement Execution API, then
 * destroys the stack.
 *
 * Opt in with ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG=1 and set:
 * - ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG_HOST: the workspace URL (`https://<workspace>.cloud.databricks.com`)
 * - ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG_DEPLOY_TOKEN: a token of the deploying principal (creates
 *   groups and grants on the table)
 * - ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG_WAREHOUSE_ID: a SQL warehouse both users may use
 * - ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG_SUBSCRIBER_USER, ..._SUBSCRIBER_TOKEN: the subscribed
 *   user's user name (e-mail) and personal access token
 * - ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG_OUTSIDER_USER, ..._OUTSIDER_TOKEN: the same for a user no
 *   policy subscribes (it must have no other grant on the table)
 * - ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG_TABLE: the existing table, `catalog.schema.table`
 * Optional: ..._OBJECT_TYPE (default MANAGED), and ..._ACCOUNT_HOST, ..._ACCOUNT_ID, ..._ACCOUNT_TOKEN
 * for account-level groups (`https://accounts.cloud.databricks.com`).
 */
import { databricksProviders, databricksStatement, DATABRICKS_DENIAL } from "./databricks";
import { describeLive, expectDenied, liveEstate, liveScenario, parts, runId, subscriberEntry, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "databricks-unity-catalog",
  title: "Databricks Unity Catalog",
  key: "DATABRICKS_UNITY_CATALOG",
  required: ["HOST", "DEPLOY_TOKEN", "WAREHOUSE_ID", "SUBSCRIBER_USER", "SUBSCRIBER_TOKEN", "OUTSIDER_USER", "OUTSIDER_TOKEN", "TABLE"],
  secrets: ["DEPLOY_TOKEN", "SUBSCRIBER_TOKEN", "OUTSIDER_TOKEN", "ACCOUNT_TOKEN"],
};

describeLive(SPEC, (vars) => {
  const [catalog, schema, table] = parts(SPEC, vars, "TABLE", 3) as [string, string, string];
  const run = runId();
  liveScenario(
    SPEC,
    vars,
    () => {
      const { estate } = liveEstate({
        platform: SPEC.platform,
        identityKey: "databricks",
        subscriber: vars.SUBSCRIBER_USER!,
        outsider: vars.OUTSIDER_USER!,
        dataSource: { platform: SPEC.platform, objectType: vars.OBJECT_TYPE ?? "MANAGED", location: { catalog, schema, table } },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        plugins: ["databricks"],
        providers: () => databricksProviders("databricks-unity-catalog", vars),
      };
    },
    {
      subscribed: async (entry) => {
        await databricksStatement(vars, vars.SUBSCRIBER_TOKEN!, `SELECT COUNT(*) FROM ${entry.object}`);
      },
      unsubscribed: (entry) =>
        expectDenied(
          () => databricksStatement(vars, vars.OUTSIDER_TOKEN!, `SELECT COUNT(*) FROM ${entry.object}`),
          DATABRICKS_DENIAL,
          "outsider query",
        ),
    },
  );
});
