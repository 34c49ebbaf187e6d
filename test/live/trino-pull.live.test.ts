/**
 * Live Trino pull: information_schema.tables of the table's catalog through trino-client; checks
 * that the configured table is pulled.
 *
 * Opt in with ACCESSPLANE_LIVE_TRINO=1 and set (the variables of trino.live.test.ts):
 * ..._URL, ..._DEPLOY_USER, ..._DEPLOY_PASSWORD and ..._TABLE (`catalog.schema.table`).
 */
import { trino } from "../../provider/connectors/trino";
import { describePull, expectPulled } from "./pull-support";
import { parts, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "trino",
  title: "Trino",
  key: "TRINO",
  required: ["URL", "DEPLOY_USER", "DEPLOY_PASSWORD", "TABLE"],
  secrets: ["DEPLOY_PASSWORD"],
};

describePull(SPEC, (vars) => {
  test("the table is pulled with its type", async () => {
    const path = parts(SPEC, vars, "TABLE", 3);
    await expectPulled(
      SPEC,
      vars,
      trino,
      { server: vars.URL, user: vars.DEPLOY_USER, password: { env: "DEPLOY_PASSWORD" }, catalogs: [path[0]] },
      path,
    );
  });
});
