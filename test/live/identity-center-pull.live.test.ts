/**
 * Live AWS IAM Identity Center pull: ListUsers, ListGroups and ListGroupMemberships of the identity
 * store, signed with SigV4; checks that users are read, the configured user among them, and that
 * every membership names a pulled group. Read only.
 *
 * Opt in with ACCESSPLANE_LIVE_IDENTITY_CENTER=1 and set:
 * - ACCESSPLANE_LIVE_IDENTITY_CENTER_STORE_ID: the identity store id (`d-9067a1b2c3`)
 * - ACCESSPLANE_LIVE_IDENTITY_CENTER_REGION: its region
 * - ACCESSPLANE_LIVE_IDENTITY_CENTER_ACCESS_KEY_ID, ..._SECRET_ACCESS_KEY and optionally
 *   ..._SESSION_TOKEN: credentials allowed identitystore:ListUsers, ListGroups, ListGroupMemberships
 * - ACCESSPLANE_LIVE_IDENTITY_CENTER_USER: the UserName of one user the pull must find
 */
import { identityCenter } from "../../provider/connectors/identity-center";
import { describePull, expectIdentities } from "./pull-support";
import type { GateSpec } from "./support";

const SPEC: GateSpec = {
  title: "IAM Identity Center",
  key: "IDENTITY_CENTER",
  file: "identity-center-pull.live.test.ts",
  required: ["STORE_ID", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "USER"],
  secrets: ["ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "SESSION_TOKEN"],
};

describePull(SPEC, (vars) => {
  test("users and groups are pulled, with consistent memberships", async () => {
    await expectIdentities(
      SPEC,
      vars,
      identityCenter,
      {
        identityStoreId: vars.STORE_ID,
        region: vars.REGION,
        accessKeyId: { env: "ACCESS_KEY_ID" },
        secretAccessKey: { env: "SECRET_ACCESS_KEY" },
        ...(vars.SESSION_TOKEN ? { sessionToken: { env: "SESSION_TOKEN" } } : {}),
      },
      vars.USER,
    );
  });
});
