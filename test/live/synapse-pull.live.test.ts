/**
 * Live Synapse pull: INFORMATION_SCHEMA.TABLES and sys.extended_properties of the table's pool
 * through mssql; checks that the configured table is pulled.
 *
 * Opt in with ACCESSPLANE_LIVE_SYNAPSE=1 and set (the variables of synapse.live.test.ts):
 * ..._DEPLOY_URL (an ADO connection string with a SQL login) and ..._TABLE (`database.schema.table`).
 */
import { synapse } from "../../provider/connectors/synapse";
import { describePull, expectPulled } from "./pull-support";
import { parts, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "synapse",
  title: "Synapse",
  key: "SYNAPSE",
  required: ["DEPLOY_URL", "TABLE"],
  secrets: ["DEPLOY_URL"],
};

describePull(SPEC, (vars) => {
  test("the table is pulled with its type", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mssql = require("mssql") as typeof import("mssql");
    const c = mssql.ConnectionPool.parseConnectionString(vars.DEPLOY_URL!);
    const path = parts(SPEC, vars, "TABLE", 3);
    const env = { ...vars, SYNAPSE_PULL_PASSWORD: String(c.password ?? "") };
    await expectPulled(
      { ...SPEC, secrets: [...SPEC.secrets, "SYNAPSE_PULL_PASSWORD"] },
      env,
      synapse,
      {
        server: c.server,
        ...(c.port ? { port: c.port } : {}),
        databases: [path[0]],
        auth: { type: "sql", user: c.user, password: { env: "SYNAPSE_PULL_PASSWORD" } },
      },
      path,
    );
  });
});
