/**
 * SubscriptionPolicy: one policy as a Pulumi component. It owns the policy-scoped resources of its
 * principals on every platform, so deleting the policy removes exactly its grants.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Policy } from "../model/schema";
import type { Principal } from "../plan/types";
import { type EstateContext, withKey } from "./context";
import { EMITTERS } from "./emitters";
import { principalKey } from "./slice";
import { SUBSCRIPTION_POLICY_TYPE } from "./tokens";

/** The type token of SubscriptionPolicy. */
export { SUBSCRIPTION_POLICY_TYPE };

/** Inputs of a SubscriptionPolicy: the policy and the principals the plan derived from it. */
export interface SubscriptionPolicyArgs {
  policy: Policy;
  principals: Principal[];
  /** The estate's shared context (providers, caches); supplied by AccessEstate. */
  context: EstateContext;
}

/** A subscription policy expanded into the native grants of every platform it reaches. */
export class SubscriptionPolicy extends pulumi.ComponentResource {
  /** The principal (role or group) names this policy materialises, sorted. */
  readonly principalNames: pulumi.Output<string[]>;
  /** `read` or `write`. */
  readonly access: pulumi.Output<string>;
  /** `active` or `staged`; a staged policy registers no grants. */
  readonly state: pulumi.Output<string>;

  constructor(name: string, args: SubscriptionPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SUBSCRIPTION_POLICY_TYPE, name, {}, opts);
    const scope = { ctx: args.context, parent: this };
    for (const p of args.principals)
      withKey(args.context, { platform: p.platform, key: principalKey(p) }, () => EMITTERS[p.platform]?.principal?.(p, scope));
    const names = [...new Set(args.principals.map((p) => p.name))].sort();
    this.principalNames = pulumi.output(names);
    this.access = pulumi.output(args.policy.access);
    this.state = pulumi.output(args.policy.state);
    this.registerOutputs({ principalNames: this.principalNames, access: this.access, state: this.state });
  }
}
