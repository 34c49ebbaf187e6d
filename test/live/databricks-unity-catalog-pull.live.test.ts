/**
 * Live Unity Catalog pull: lists the metastore's catalogs, schemas and tables through the REST API
 * and reads the tags through the warehouse; checks that the configured table is pulled.
 *
 * Opt in with ACCESSPLANE_LIVE_DATABRICKS_UNITY_CATALOG=1 and set (the variables of
 * databricks-unity-catalog.live.test.ts): ..._HOST, ..._DEPLOY_TOKEN, ..._WAREHOUSE_ID and
 * ..._TABLE (`catalog.schema.table`).
 */
import { databricksUnityCatalog } from "../../provider/connectors/databricks-unity-catalog";
import { describePull, expectPulled } from "./pull-support";
import { parts, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "databricks-unity-catalog",
  title: "Databricks Unity Catalog",
  key: "DATABRICKS_UNITY_CATALOG",
  required: ["HOST", "DEPLOY_TOKEN", "WAREHOUSE_ID", "TABLE"],
  secrets: ["DEPLOY_TOKEN"],
};

describePull(SPEC, (vars) => {
  test("the table is pulled with its type and tags read", async () => {
    await expectPulled(
      SPEC,
      vars,
      databricksUnityCatalog,
      { host: vars.HOST, token: { env: "DEPLOY_TOKEN" }, warehouseId: vars.WAREHOUSE_ID },
      parts(SPEC, vars, "TABLE", 3),
    );
  });
});
