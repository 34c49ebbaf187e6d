/**
 * Live Azure Synapse (dedicated SQL pool, view-based): deploys one read policy with `pulumi up`
 * (Automation API), queries the managed view as a subscribed user (the table's rows) and an
 * unsubscribed user (the view's error `Access denied: you are not subscribed to the data source`)
 * through `mssql`, then destroys the stack.
 *
 * Opt in with ACCESSPLANE_LIVE_SYNAPSE=1 and set:
 * - ACCESSPLANE_LIVE_SYNAPSE_DEPLOY_URL: the deploying login's ADO connection string to the table's
 *   pool (`Server=tcp:<workspace>.sql.azuresynapse.net,1433;Database=<pool>;User Id=...;Password=...;Encrypt=true`);
 *   it creates the managed schema and views
 * - ACCESSPLANE_LIVE_SYNAPSE_SUBSCRIBER_USER, ACCESSPLANE_LIVE_SYNAPSE_SUBSCRIBER_URL: the subscribed
 *   user's database user name and connection string to the same pool
 * - ACCESSPLANE_LIVE_SYNAPSE_OUTSIDER_USER, ACCESSPLANE_LIVE_SYNAPSE_OUTSIDER_URL: the same for a user
 *   no policy subscribes
 * - ACCESSPLANE_LIVE_SYNAPSE_TABLE: the existing table, `database.schema.table`, with at least one row
 */
import { describeLive, expectDenied, liveEstate, liveScenario, parts, runId, subscriberEntry, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "synapse",
  title: "Synapse",
  key: "SYNAPSE",
  required: ["DEPLOY_URL", "SUBSCRIBER_USER", "SUBSCRIBER_URL", "OUTSIDER_USER", "OUTSIDER_URL", "TABLE"],
  secrets: ["DEPLOY_URL", "SUBSCRIBER_URL", "OUTSIDER_URL"],
};

// The rows of one batch on one ADO connection string.
async function rows(url: string, sql: string): Promise<unknown[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mssql = require("mssql") as typeof import("mssql");
  const pool = new mssql.ConnectionPool({ ...mssql.ConnectionPool.parseConnectionString(url), requestTimeout: 120_000 });
  pool.on("error", () => undefined);
  await pool.connect();
  try {
    return (await new mssql.Request(pool).batch(sql)).recordset ?? [];
  } finally {
    await pool.close().catch(() => undefined);
  }
}

describeLive(SPEC, (vars) => {
  const [database, schema, table] = parts(SPEC, vars, "TABLE", 3) as [string, string, string];
  const run = runId();
  liveScenario(
    SPEC,
    vars,
    () => {
      const { estate } = liveEstate({
        platform: "synapse",
        identityKey: "synapse",
        subscriber: vars.SUBSCRIBER_USER!,
        outsider: vars.OUTSIDER_USER!,
        dataSource: { platform: "synapse", objectType: "BASE TABLE", location: { database, schema, table } },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        secretConfig: { "accessplane:synapseUrl": vars.DEPLOY_URL! },
      };
    },
    {
      subscribed: async (entry) => {
        expect((await rows(vars.SUBSCRIBER_URL!, `SELECT TOP 1 * FROM ${entry.object}`)).length).toBe(1);
      },
      unsubscribed: (entry) =>
        expectDenied(
          () => rows(vars.OUTSIDER_URL!, `SELECT TOP 1 * FROM ${entry.object}`),
          /Access denied: you are not subscribed to the data source/,
          "outsider query",
        ),
    },
  );
});
