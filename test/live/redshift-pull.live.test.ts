/**
 * Live Amazon Redshift pull: svv_tables of the table's database through `pg`; checks that the
 * configured table is pulled with a Redshift object type.
 *
 * Opt in with ACCESSPLANE_LIVE_REDSHIFT=1 and set (the variables of redshift.live.test.ts):
 * ..._DEPLOY_URL (`postgres://user:password@<cluster>.redshift.amazonaws.com:5439/dev`) and
 * ..._TABLE (`database.schema.table`). The other variables of that suite are required too, so one
 * setting runs both.
 */
import { redshift } from "../../provider/connectors/redshift";
import { describePull, expectPulled } from "./pull-support";
import { parts } from "./support";
import { REDSHIFT } from "./redshift";

const SPEC = REDSHIFT;

describePull(SPEC, (vars) => {
  test("the table is pulled with its type", async () => {
    const path = parts(SPEC, vars, "TABLE", 3);
    const url = new URL(vars.DEPLOY_URL!);
    // The password stays in the live variables: the connector reads it through a reference.
    const env = { ...vars, REDSHIFT_PASSWORD: decodeURIComponent(url.password) };
    await expectPulled(
      { ...SPEC, secrets: [...SPEC.secrets, "REDSHIFT_PASSWORD"] },
      env,
      redshift,
      {
        host: url.hostname,
        port: url.port ? Number(url.port) : 5439,
        database: path[0],
        user: decodeURIComponent(url.username),
        password: { env: "REDSHIFT_PASSWORD" },
      },
      path,
    );
  });
});
