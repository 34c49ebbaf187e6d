/**
 * SubscriptionPolicy: one policy as a Pulumi component. It owns the policy-scoped resources of its
 * principals on every platform, so deleting the policy removes exactly its grants.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Policy } from "../model/schema";
import type { Principal, PrincipalMember } from "../plan/types";
import { directMembers } from "../plan/synced-groups";
import { type EstateContext, memo, withKey } from "./context";
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
    const { slice } = args.context;
    for (const p of args.principals) {
      const emitter = EMITTERS[p.platform];
      withKey(args.context, { platform: p.platform, key: principalKey(p) }, () => {
        if (slice.principal(p)) emitter?.principal?.(p, scope);
        else if (emitter?.members) emitter.members(p, ownedMembers(p, args.context), scope);
      });
    }
    const names = [...new Set(args.principals.map((p) => p.name))].sort();
    this.principalNames = pulumi.output(names);
    this.access = pulumi.output(args.policy.access);
    this.state = pulumi.output(args.policy.state);
    this.registerOutputs({ principalNames: this.principalNames, access: this.access, state: this.state });
  }
}

/** The per-user memberships of `p` the estate's `members` slice owns (none in other slices), worked out once per principal. */
export function ownedMembers(p: Principal, ctx: EstateContext): PrincipalMember[] {
  const { slice } = ctx;
  if (slice.part !== "members") return [];
  return memo(ctx, `owned-members:${p.id}`, () => directMembers(p).filter((m) => slice.member(p, m.user)));
}
