/**
 * Live SCIM 2.0 pull (Okta, Entra ID, OneLogin...): /Users and /Groups with pagination; checks that
 * users are read, the configured user among them, and that every membership names a pulled group.
 * Read only: nothing is written to the identity provider.
 *
 * Opt in with ACCESSPLANE_LIVE_SCIM=1 and set:
 * - ACCESSPLANE_LIVE_SCIM_URL: the SCIM base URL (`https://example.okta.com/scim/v2`, without /Users)
 * - ACCESSPLANE_LIVE_SCIM_TOKEN: a bearer token allowed to read users and groups
 * - ACCESSPLANE_LIVE_SCIM_USER: the userName of one user the pull must find
 */
import { scim } from "../../provider/connectors/scim";
import { describePull, expectIdentities } from "./pull-support";
import type { GateSpec } from "./support";

const SPEC: GateSpec = {
  title: "SCIM",
  key: "SCIM",
  file: "scim-pull.live.test.ts",
  required: ["URL", "TOKEN", "USER"],
  secrets: ["TOKEN"],
};

describePull(SPEC, (vars) => {
  test("users and groups are pulled, with consistent memberships", async () => {
    await expectIdentities(SPEC, vars, scim, { url: vars.URL, token: { env: "TOKEN" } }, vars.USER);
  });
});
