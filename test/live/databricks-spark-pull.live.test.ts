/**
 * Live Databricks Spark pull: SHOW TABLES and SHOW VIEWS of the table's hive_metastore database
 * through the warehouse; checks that the configured table is pulled.
 *
 * Opt in with ACCESSPLANE_LIVE_DATABRICKS_SPARK=1 and set (the variables of
 * databricks-spark.live.test.ts): ..._HOST, ..._DEPLOY_TOKEN, ..._WAREHOUSE_ID and ..._TABLE
 * (`hive_metastore.database.table`).
 */
import { databricksSpark } from "../../provider/connectors/databricks-spark";
import { describePull, expectPulled } from "./pull-support";
import { parts, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "databricks-spark",
  title: "Databricks Spark",
  key: "DATABRICKS_SPARK",
  required: ["HOST", "DEPLOY_TOKEN", "WAREHOUSE_ID", "TABLE"],
  secrets: ["DEPLOY_TOKEN"],
};

describePull(SPEC, (vars) => {
  test("the table is pulled as TABLE or VIEW", async () => {
    const path = parts(SPEC, vars, "TABLE", 3);
    await expectPulled(
      SPEC,
      vars,
      databricksSpark,
      { host: vars.HOST, token: { env: "DEPLOY_TOKEN" }, warehouseId: vars.WAREHOUSE_ID, databases: [path[1]] },
      path,
    );
  });
});
