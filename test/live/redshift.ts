/** What the live Redshift suites share: the opt-in variables (see the header of redshift.live.test.ts). */
import type { LiveSpec } from "./support";

/** The Redshift live spec, for the deploy test and the pull test alike (one setting runs both). */
export const REDSHIFT: LiveSpec = {
  platform: "redshift",
  title: "Redshift",
  key: "REDSHIFT",
  required: ["DEPLOY_URL", "SUBSCRIBER_USER", "SUBSCRIBER_URL", "OUTSIDER_USER", "OUTSIDER_URL", "TABLE"],
  secrets: ["DEPLOY_URL", "SUBSCRIBER_URL", "OUTSIDER_URL"],
};
