/**
 * Live Snowflake: deploys one read policy with `pulumi up` (Automation API), queries the table as a
 * subscribed and an unsubscribed user through the SQL API v2 (`POST /api/v2/statements`,
 * https://docs.snowflake.com/developer-guide/sql-api/submitting-requests), then destroys the stack.
 *
 * Opt in with ACCESSPLANE_LIVE_SNOWFLAKE=1 and set:
 * - ACCESSPLANE_LIVE_SNOWFLAKE_ORGANIZATION, ACCESSPLANE_LIVE_SNOWFLAKE_ACCOUNT: the account
 *   (`<organization>-<account>.snowflakecomputing.com`)
 * - ACCESSPLANE_LIVE_SNOWFLAKE_DEPLOY_USER, ACCESSPLANE_LIVE_SNOWFLAKE_DEPLOY_PASSWORD: the deploying
 *   login (must create roles and grant on the table; a programmatic access token works as password)
 * - ACCESSPLANE_LIVE_SNOWFLAKE_WAREHOUSE: a warehouse the policy role gets USAGE on
 * - ACCESSPLANE_LIVE_SNOWFLAKE_SUBSCRIBER_USER, ACCESSPLANE_LIVE_SNOWFLAKE_SUBSCRIBER_TOKEN: the
 *   subscribed user's login name and programmatic access token
 * - ACCESSPLANE_LIVE_SNOWFLAKE_OUTSIDER_USER, ACCESSPLANE_LIVE_SNOWFLAKE_OUTSIDER_TOKEN: the same for a
 *   user no policy subscribes (it must have no other grant on the table)
 * - ACCESSPLANE_LIVE_SNOWFLAKE_TABLE: the existing table, `DATABASE.SCHEMA.TABLE`
 * Optional: ACCESSPLANE_LIVE_SNOWFLAKE_TOKEN_TYPE (default PROGRAMMATIC_ACCESS_TOKEN; OAUTH or KEYPAIR_JWT).
 */
// A type import: the SDK is loaded only when the suite runs, so a skipped suite stays instant.
import type * as snowflake from "@pulumi/snowflake";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadSnowflake = () => require("@pulumi/snowflake") as typeof snowflake;
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
  platform: "snowflake",
  title: "Snowflake",
  key: "SNOWFLAKE",
  required: [
    "ORGANIZATION",
    "ACCOUNT",
    "DEPLOY_USER",
    "DEPLOY_PASSWORD",
    "WAREHOUSE",
    "SUBSCRIBER_USER",
    "SUBSCRIBER_TOKEN",
    "OUTSIDER_USER",
    "OUTSIDER_TOKEN",
    "TABLE",
  ],
  secrets: ["DEPLOY_PASSWORD", "SUBSCRIBER_TOKEN", "OUTSIDER_TOKEN"],
};

// One statement through the SQL API; an error response (422 for SQL errors) becomes a thrown message.
async function statement(vars: LiveVars, token: string, sql: string, role?: string): Promise<unknown[]> {
  const url = `https://${vars.ORGANIZATION}-${vars.ACCOUNT}.snowflakecomputing.com/api/v2/statements`;
  const body = { statement: sql, timeout: 120, warehouse: vars.WAREHOUSE, ...(role ? { role } : {}) };
  const r = await postJson(url, token, body, { "X-Snowflake-Authorization-Token-Type": vars.TOKEN_TYPE ?? "PROGRAMMATIC_ACCESS_TOKEN" });
  const b = (r.body ?? {}) as { code?: string; message?: string; data?: unknown[] };
  if (r.status !== 200) throw new Error(`snowflake SQL API ${r.status} ${b.code ?? ""}: ${b.message ?? JSON.stringify(r.body)}`);
  return b.data ?? [];
}

describeLive(SPEC, (vars) => {
  const [database, schema, table] = parts(SPEC, vars, "TABLE", 3) as [string, string, string];
  const run = runId();
  let role = "";
  liveScenario(
    SPEC,
    vars,
    () => {
      const { estate } = liveEstate({
        platform: "snowflake",
        identityKey: "snowflake",
        subscriber: vars.SUBSCRIBER_USER!,
        outsider: vars.OUTSIDER_USER!,
        dataSource: { platform: "snowflake", objectType: "BASE TABLE", location: { database, schema, table } },
        config: { snowflake: { warehouse: vars.WAREHOUSE } },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        plugins: ["snowflake"],
        providers: () => ({
          snowflake: new (loadSnowflake().Provider)("live-snowflake", {
            organizationName: vars.ORGANIZATION,
            accountName: vars.ACCOUNT,
            user: vars.DEPLOY_USER,
            password: vars.DEPLOY_PASSWORD,
          }),
        }),
      };
    },
    {
      subscribed: async (entry, outputs) => {
        role = Object.values(outputs.principals as Record<string, string[]>).flat()[0] ?? "";
        expect(role).not.toBe("");
        await statement(vars, vars.SUBSCRIBER_TOKEN!, `SELECT COUNT(*) FROM ${entry.object}`, role);
      },
      // The outsider holds no role on the table: "does not exist or not authorized" (002003).
      unsubscribed: (entry) =>
        expectDenied(
          () => statement(vars, vars.OUTSIDER_TOKEN!, `SELECT COUNT(*) FROM ${entry.object}`),
          /does not exist or not authorized|insufficient privileges|not granted/i,
          "outsider query",
        ),
    },
  );
});
