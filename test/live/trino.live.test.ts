/**
 * Live Starburst / Trino (SQL mode): deploys one read policy with `pulumi up` (Automation API),
 * queries the table as a subscribed and an unsubscribed user through `trino-client`, then destroys
 * the stack.
 *
 * Opt in with ACCESSPLANE_LIVE_TRINO=1 and set:
 * - ACCESSPLANE_LIVE_TRINO_URL: the coordinator (`https://trino.example.com:8443`)
 * - ACCESSPLANE_LIVE_TRINO_DEPLOY_USER, ACCESSPLANE_LIVE_TRINO_DEPLOY_PASSWORD: the deploying login
 *   (creates roles and grants on the table)
 * - ACCESSPLANE_LIVE_TRINO_SUBSCRIBER_USER, ACCESSPLANE_LIVE_TRINO_SUBSCRIBER_PASSWORD: the subscribed
 *   user's login
 * - ACCESSPLANE_LIVE_TRINO_OUTSIDER_USER, ACCESSPLANE_LIVE_TRINO_OUTSIDER_PASSWORD: a user no policy
 *   subscribes (it must have no other grant on the table)
 * - ACCESSPLANE_LIVE_TRINO_TABLE: the existing table, `catalog.schema.table`
 */
import {
  describeLive,
  expectDenied,
  liveEstate,
  liveScenario,
  parts,
  runId,
  subscriberEntry,
  type LiveSpec,
  type LiveVars,
} from "./support";

const SPEC: LiveSpec = {
  platform: "trino",
  title: "Trino",
  key: "TRINO",
  required: [
    "URL",
    "DEPLOY_USER",
    "DEPLOY_PASSWORD",
    "SUBSCRIBER_USER",
    "SUBSCRIBER_PASSWORD",
    "OUTSIDER_USER",
    "OUTSIDER_PASSWORD",
    "TABLE",
  ],
  secrets: ["DEPLOY_PASSWORD", "SUBSCRIBER_PASSWORD", "OUTSIDER_PASSWORD"],
};

// Every page of one query as `user`; a query error (PERMISSION_DENIED, ...) becomes a thrown message.
async function query(vars: LiveVars, user: string, password: string, sql: string): Promise<unknown[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Trino, BasicAuth } = require("trino-client") as typeof import("trino-client");
  const client = Trino.create({ server: vars.URL, source: "accessplane-live", auth: new BasicAuth(user, password) });
  const rows: unknown[] = [];
  for await (const page of await client.query(sql)) {
    if (page.error) throw new Error(`trino ${page.error.errorName}: ${page.error.message}`);
    rows.push(...(page.data ?? []));
  }
  return rows;
}

describeLive(SPEC, (vars) => {
  const [catalog, schema, table] = parts(SPEC, vars, "TABLE", 3) as [string, string, string];
  const run = runId();
  liveScenario(
    SPEC,
    vars,
    () => {
      const { estate } = liveEstate({
        platform: "trino",
        identityKey: "trino",
        subscriber: vars.SUBSCRIBER_USER!,
        outsider: vars.OUTSIDER_USER!,
        dataSource: { platform: "trino", objectType: "BASE TABLE", location: { catalog, schema, table } },
        config: { trino: { mode: "sql" } },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        secretConfig: {
          "accessplane:trinoUrl": vars.URL!,
          "accessplane:trinoUser": vars.DEPLOY_USER!,
          "accessplane:trinoPassword": vars.DEPLOY_PASSWORD!,
        },
      };
    },
    {
      subscribed: async (entry) => {
        const rows = await query(vars, vars.SUBSCRIBER_USER!, vars.SUBSCRIBER_PASSWORD!, `SELECT COUNT(*) FROM ${entry.object}`);
        expect(rows).toHaveLength(1);
      },
      unsubscribed: (entry) =>
        expectDenied(
          () => query(vars, vars.OUTSIDER_USER!, vars.OUTSIDER_PASSWORD!, `SELECT COUNT(*) FROM ${entry.object}`),
          /PERMISSION_DENIED|Access Denied/i,
          "outsider query",
        ),
    },
  );
});
