/**
 * The type tokens and child names of the components, without the Pulumi SDK: what the program
 * registers, for code that names the same resources offline (`adopt`'s import file).
 */

/** The type token of AccessEstate. */
export const ACCESS_ESTATE_TYPE = "accessplane:index:AccessEstate";

/** The type token of SubscriptionPolicy. */
export const SUBSCRIPTION_POLICY_TYPE = "accessplane:index:SubscriptionPolicy";

/** The name of a policy's SubscriptionPolicy inside the estate named `estate`. */
export const policyComponentName = (estate: string, policy: string) => `${estate}/${policy}`;
