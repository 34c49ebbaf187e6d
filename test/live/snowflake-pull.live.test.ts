/**
 * Live Snowflake pull: reads the account's catalog through the SQL API with a programmatic access
 * token and checks that the configured table is pulled with its object type, in both tag modes.
 *
 * Opt in with ACCESSPLANE_LIVE_SNOWFLAKE=1 and set (the variables of snowflake.live.test.ts):
 * - ACCESSPLANE_LIVE_SNOWFLAKE_ORGANIZATION, ACCESSPLANE_LIVE_SNOWFLAKE_ACCOUNT: the account
 * - ACCESSPLANE_LIVE_SNOWFLAKE_DEPLOY_PASSWORD: a programmatic access token of a user whose role can
 *   read the catalog (docs/connectors/snowflake.md)
 * - ACCESSPLANE_LIVE_SNOWFLAKE_WAREHOUSE: the warehouse that runs the statements
 * - ACCESSPLANE_LIVE_SNOWFLAKE_TABLE: an existing table, `DATABASE.SCHEMA.TABLE`
 */
import { snowflake } from "../../provider/connectors/snowflake";
import { describePull, expectPulled } from "./pull-support";
import { parts, type LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "snowflake",
  title: "Snowflake",
  key: "SNOWFLAKE",
  required: ["ORGANIZATION", "ACCOUNT", "DEPLOY_PASSWORD", "WAREHOUSE", "TABLE"],
  secrets: ["DEPLOY_PASSWORD"],
};

describePull(SPEC, (vars) => {
  const path = parts(SPEC, vars, "TABLE", 3);
  const config = (tagMode: string) => ({
    account: `${vars.ORGANIZATION}-${vars.ACCOUNT}`,
    auth: { type: "programmatic-access-token", token: { env: "DEPLOY_PASSWORD" } },
    warehouse: vars.WAREHOUSE,
    tagMode,
  });
  test("direct tags (ACCOUNT_USAGE)", async () => {
    const r = await expectPulled(SPEC, vars, snowflake, config("direct"), path);
    expect(r.notes?.length).toBe(1);
  });
  test("exact tags (TAG_REFERENCES per object)", async () => {
    await expectPulled(SPEC, vars, snowflake, config("exact"), path);
  });
});
