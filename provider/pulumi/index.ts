/** The Pulumi edge: components, emitters and the mock capture. The only code that imports @pulumi/*. */
export { AccessEstate, ACCESS_ESTATE_TYPE, type AccessEstateArgs } from "./estate";
export { SubscriptionPolicy, SUBSCRIPTION_POLICY_TYPE, type SubscriptionPolicyArgs } from "./policy";
export { captureResources, type CapturedResource, type CaptureOptions } from "./capture";
export type { Providers } from "./context";
export { type Slice, type Shard, shardOf, sliceFilter } from "./slice";
export { sliceOfStack, stackName, layout, changedStacks, matrix, type StackLayout, type StackSpec } from "./stacks";
