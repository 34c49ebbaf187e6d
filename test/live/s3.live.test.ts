/**
 * Live Amazon S3 Access Grants (iam-role-per-user): deploys one read policy with `pulumi up`
 * (Automation API), asks `GetDataAccess` for the prefix as a subscribed role (temporary credentials
 * returned) and an unsubscribed role (AccessDenied), then destroys the stack. GetDataAccess needs
 * SigV4 signing: the test uses `@aws-sdk/client-s3-control` (GetDataAccessCommand,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetDataAccess.html), a dev dependency;
 * it skips, saying so, where that package is not installed.
 *
 * Opt in with ACCESSPLANE_LIVE_S3=1 and set:
 * - ACCESSPLANE_LIVE_S3_REGION, ACCESSPLANE_LIVE_S3_ACCOUNT_ID: the Access Grants instance's region and account
 * - ACCESSPLANE_LIVE_S3_LOCATION_ID: the registered location holding the prefix (`default` for `s3://`);
 *   optional ACCESSPLANE_LIVE_S3_LOCATION_SCOPE (default `s3://`)
 * - ACCESSPLANE_LIVE_S3_DEPLOY_ACCESS_KEY_ID, ACCESSPLANE_LIVE_S3_DEPLOY_SECRET_ACCESS_KEY (optional
 *   ACCESSPLANE_LIVE_S3_DEPLOY_SESSION_TOKEN): the deploying credentials (create access grants)
 * - ACCESSPLANE_LIVE_S3_SUBSCRIBER_ROLE_ARN, ACCESSPLANE_LIVE_S3_SUBSCRIBER_ACCESS_KEY_ID,
 *   ACCESSPLANE_LIVE_S3_SUBSCRIBER_SECRET_ACCESS_KEY, ACCESSPLANE_LIVE_S3_SUBSCRIBER_SESSION_TOKEN: the
 *   subscribed user's IAM role and a session of it
 * - ACCESSPLANE_LIVE_S3_OUTSIDER_ROLE_ARN, ..._OUTSIDER_ACCESS_KEY_ID, ..._OUTSIDER_SECRET_ACCESS_KEY,
 *   ..._OUTSIDER_SESSION_TOKEN: the same for a role no policy subscribes
 * - ACCESSPLANE_LIVE_S3_PREFIX: the existing prefix, `s3://bucket/prefix/`
 */
// A type import: the SDK is loaded only when the suite runs, so a skipped suite stays instant.
import type * as aws from "@pulumi/aws";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadAws = () => require("@pulumi/aws") as typeof aws;
import {
  describeLive,
  expectDenied,
  hasModule,
  liveEstate,
  liveScenario,
  runId,
  subscriberEntry,
  type LiveSpec,
  type LiveVars,
} from "./support";

const SDK = "@aws-sdk/client-s3-control";

const SPEC: LiveSpec = {
  platform: "s3",
  title: "S3 Access Grants",
  key: "S3",
  required: [
    "REGION",
    "ACCOUNT_ID",
    "LOCATION_ID",
    "DEPLOY_ACCESS_KEY_ID",
    "DEPLOY_SECRET_ACCESS_KEY",
    "SUBSCRIBER_ROLE_ARN",
    "SUBSCRIBER_ACCESS_KEY_ID",
    "SUBSCRIBER_SECRET_ACCESS_KEY",
    "SUBSCRIBER_SESSION_TOKEN",
    "OUTSIDER_ROLE_ARN",
    "OUTSIDER_ACCESS_KEY_ID",
    "OUTSIDER_SECRET_ACCESS_KEY",
    "OUTSIDER_SESSION_TOKEN",
    "PREFIX",
  ],
  secrets: [
    "DEPLOY_SECRET_ACCESS_KEY",
    "DEPLOY_SESSION_TOKEN",
    "SUBSCRIBER_SECRET_ACCESS_KEY",
    "SUBSCRIBER_SESSION_TOKEN",
    "OUTSIDER_SECRET_ACCESS_KEY",
    "OUTSIDER_SESSION_TOKEN",
  ],
  missing: () =>
    hasModule(SDK)
      ? undefined
      : `GetDataAccess needs SigV4 signing from ${SDK}, which is not installed (add it as a dev dependency to run this test)`,
};

/** The slice of the S3 Control client this test uses (the package is optional, so typed here). */
interface S3ControlSdk {
  S3ControlClient: new (c: { region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } }) => {
    send(cmd: unknown): Promise<{ Credentials?: unknown }>;
    destroy(): void;
  };
  GetDataAccessCommand: new (i: { AccountId: string; Target: string; Permission: "READ" | "WRITE" | "READWRITE" }) => unknown;
}

// GetDataAccess as one role session; an SDK error becomes a thrown message with its name.
async function getDataAccess(vars: LiveVars, who: "SUBSCRIBER" | "OUTSIDER", target: string): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require(SDK) as S3ControlSdk;
  const client = new sdk.S3ControlClient({
    region: vars.REGION!,
    credentials: {
      accessKeyId: vars[`${who}_ACCESS_KEY_ID`]!,
      secretAccessKey: vars[`${who}_SECRET_ACCESS_KEY`]!,
      sessionToken: vars[`${who}_SESSION_TOKEN`]!,
    },
  });
  try {
    const out = await client.send(new sdk.GetDataAccessCommand({ AccountId: vars.ACCOUNT_ID!, Target: target, Permission: "READ" }));
    return out.Credentials !== undefined;
  } catch (e) {
    const err = e as { name?: string; message?: string };
    throw new Error(`s3 GetDataAccess ${err.name ?? "error"}: ${err.message ?? String(e)}`);
  } finally {
    client.destroy();
  }
}

describeLive(SPEC, (vars) => {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(vars.PREFIX ?? "");
  if (!m) throw new Error("ACCESSPLANE_LIVE_S3_PREFIX must look like s3://bucket/prefix/");
  const [, bucket, prefix] = m as unknown as [string, string, string];
  const target = `s3://${bucket}/${prefix.replace(/\/?$/, "/")}*`;
  const run = runId();
  liveScenario(
    SPEC,
    vars,
    () => {
      const { estate } = liveEstate({
        platform: "s3",
        identityKey: "iamRole",
        subscriber: vars.SUBSCRIBER_ROLE_ARN!,
        outsider: vars.OUTSIDER_ROLE_ARN!,
        dataSource: { platform: "s3", objectType: "PREFIX", location: { bucket, prefix } },
        config: {
          s3: {
            principalMode: "iam-role-per-user",
            accountId: vars.ACCOUNT_ID,
            locations: [{ id: vars.LOCATION_ID, scope: vars.LOCATION_SCOPE ?? "s3://" }],
          },
        },
        run,
      });
      return {
        spec: SPEC,
        vars,
        estate,
        run,
        entry: subscriberEntry(estate),
        plugins: ["aws"],
        providers: () => ({
          s3: new (loadAws().Provider)("live-aws", {
            region: vars.REGION as aws.Region,
            accessKey: vars.DEPLOY_ACCESS_KEY_ID,
            secretKey: vars.DEPLOY_SECRET_ACCESS_KEY,
            ...(vars.DEPLOY_SESSION_TOKEN ? { token: vars.DEPLOY_SESSION_TOKEN } : {}),
          }),
        }),
      };
    },
    {
      subscribed: async () => {
        expect(await getDataAccess(vars, "SUBSCRIBER", target)).toBe(true);
      },
      unsubscribed: () =>
        expectDenied(() => getDataAccess(vars, "OUTSIDER", target), /AccessDenied|not authorized|no grant/i, "outsider GetDataAccess"),
    },
  );
});
