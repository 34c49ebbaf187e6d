/**
 * Live Amazon Redshift (view-based): deploys one read policy with `pulumi up` (Automation API),
 * queries the managed view as a subscribed user (the table's rows) and an unsubscribed user (zero
 * rows: the view filters on the entitlement rows, it does not refuse) through `pg`, then destroys
 * the stack.
 *
 * Opt in with ACCESSPLANE_LIVE_REDSHIFT=1 and set:
 * - ACCESSPLANE_LIVE_REDSHIFT_DEPLOY_URL: the deploying login's connection URL to the table's
 *   database (`postgres://admin:...@<cluster>.redshift.amazonaws.com:5439/dev`); it creates the
 *   managed schema and views
 * - ACCESSPLANE_LIVE_REDSHIFT_SUBSCRIBER_USER, ACCESSPLANE_LIVE_REDSHIFT_SUBSCRIBER_URL: the subscribed
 *   user's name and connection URL to the same database
 * - ACCESSPLANE_LIVE_REDSHIFT_OUTSIDER_USER, ACCESSPLANE_LIVE_REDSHIFT_OUTSIDER_URL: the same for a user
 *   no policy subscribes
 * - ACCESSPLANE_LIVE_REDSHIFT_TABLE: the existing table, `database.schema.table`, with at least one row
 */
import { describeLive, liveEstate, liveScenario, parts, runId, subscriberEntry } from "./support";
import { REDSHIFT } from "./redshift";

const SPEC = REDSHIFT;

// The rows of one query on one connection URL.
async function rows(url: string, sql: string): Promise<unknown[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require("pg") as typeof import("pg");
  const client = new pg.Client({ connectionString: url, application_name: "accessplane-live", statement_timeout: 120_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows as unknown[];
  } finally {
    await client.end().catch(() => undefined);
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
        platform: "redshift",
        identityKey: "redshift",
        subscriber: vars.SUBSCRIBER_USER!,
        outsider: vars.OUTSIDER_USER!,
        dataSource: { platform: "redshift", objectType: "BASE TABLE", location: { database, schema, table } },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        secretConfig: { "accessplane:redshiftUrl": vars.DEPLOY_URL! },
      };
    },
    {
      subscribed: async (entry) => {
        expect((await rows(vars.SUBSCRIBER_URL!, `SELECT * FROM ${entry.object} LIMIT 1`)).length).toBe(1);
      },
      unsubscribed: async (entry) => {
        expect(await rows(vars.OUTSIDER_URL!, `SELECT * FROM ${entry.object} LIMIT 1`)).toEqual([]);
      },
    },
  );
});
