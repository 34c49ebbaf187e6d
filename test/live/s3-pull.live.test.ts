/**
 * Live S3 pull: the Access Grants instance's locations and the prefix's bucket with its tags,
 * signed with SigV4; checks that the bucket is pulled.
 *
 * Opt in with ACCESSPLANE_LIVE_S3=1 and set (the variables of s3.live.test.ts):
 * ..._REGION, ..._ACCOUNT_ID, ..._DEPLOY_ACCESS_KEY_ID, ..._DEPLOY_SECRET_ACCESS_KEY (optional
 * ..._DEPLOY_SESSION_TOKEN) and ..._PREFIX (`s3://bucket/prefix/`).
 */
import { s3 } from "../../provider/connectors/s3";
import { describePull, expectPulled } from "./pull-support";
import type { LiveSpec } from "./support";

const SPEC: LiveSpec = {
  platform: "s3",
  title: "S3",
  key: "S3",
  required: ["REGION", "ACCOUNT_ID", "DEPLOY_ACCESS_KEY_ID", "DEPLOY_SECRET_ACCESS_KEY", "PREFIX"],
  secrets: ["DEPLOY_SECRET_ACCESS_KEY", "DEPLOY_SESSION_TOKEN"],
};

describePull(SPEC, (vars) => {
  test("the prefix's bucket and prefix are pulled", async () => {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(vars.PREFIX!);
    if (!m) throw new Error("ACCESSPLANE_LIVE_S3_PREFIX must be `s3://bucket/prefix/`");
    const credentials = {
      accessKeyId: { env: "DEPLOY_ACCESS_KEY_ID" },
      secretAccessKey: { env: "DEPLOY_SECRET_ACCESS_KEY" },
      ...(vars.DEPLOY_SESSION_TOKEN ? { sessionToken: { env: "DEPLOY_SESSION_TOKEN" } } : {}),
    };
    const config = {
      region: vars.REGION,
      accountId: vars.ACCOUNT_ID,
      credentials,
      buckets: [{ name: m[1], prefixes: m[2] ? [m[2]] : [] }],
    };
    await expectPulled(SPEC, vars, s3, config, [m[1]!], [m[1]!]);
  });
});
