/**
 * AccessEstate: the top component. It plans the estate with the pure core, creates one
 * SubscriptionPolicy per policy, and owns the estate-scoped resources of platforms that are
 * authoritative per object (Spark SqlPermissions, BigQuery view IAM) or shared per data source.
 */
import * as pulumi from "@pulumi/pulumi";
import { hasErrors, InputError } from "../model/issues";
import type { Estate } from "../model/estate";
import { loadEstate } from "../project";
import type { Config, Inventory, Platform, Policy } from "../model/schema";
import { buildPlan } from "../plan/build";
import type { Plan, Principal } from "../plan/types";
import type { EstateContext, Providers, ShardKey } from "./context";
import { EMITTERS } from "./emitters";
import { ownedMembers, SubscriptionPolicy } from "./policy";
import { type Slice, type SliceFilter, sliceFilter } from "./slice";
import { ACCESS_ESTATE_TYPE, policyComponentName } from "./tokens";

/** The type token of AccessEstate. */
export { ACCESS_ESTATE_TYPE };

/** Options of an AccessEstate beside the estate itself. */
export interface AccessEstateOptions {
  /** A provider per platform; every child of that platform uses it. */
  providers?: Providers;
  /** The instant expiry is evaluated at (default: now). A scheduled `pulumi up` revokes on time. */
  now?: Date | string;
  /**
   * Deploy only a slice of the estate in this stack: platforms, policies (names or globs) and a
   * shard (a stable hash of each principal, or of each estate-scoped object). Disjoint slices
   * deploy disjoint resources; the union of all shards of all platforms is the whole estate.
   */
  slice?: Slice;
}

/** An estate already loaded, e.g. spread from `loadEstate()`. */
export interface EstateInputs {
  policies: Policy[];
  inventory: Inventory;
  config: Config;
}

/** An estate to load: a project file (default: the nearest accessplane.yaml from the working directory). */
export interface ProjectInput {
  project?: string;
  policies?: undefined;
  inventory?: undefined;
  config?: undefined;
}

/** Inputs of an AccessEstate: the estate, or the project file it is loaded from (errors throw an InputError). */
export type AccessEstateArgs = AccessEstateOptions & (EstateInputs | ProjectInput);

/** Every policy of an estate, expanded into native grants on every platform. */
export class AccessEstate extends pulumi.ComponentResource {
  /** The plan the resources were derived from (same code as `accessplane plan`). */
  readonly plan: Plan;
  /** One component per policy, by policy name. */
  readonly policies: Record<string, SubscriptionPolicy>;
  /** Every resource the estate registered, in registration order. */
  readonly resources: pulumi.Resource[];
  /**
   * Settles once every registration is made: a `members` stack registers memberships of groups
   * another stack creates after looking up their ids (`resources` grows until then).
   */
  readonly registered: Promise<void>;
  /** Counts: policies, principals, and resources per platform. */
  readonly counts: pulumi.Output<{ policies: number; principals: number; resources: Record<string, number> }>;
  /** Principal (role, group) names of each policy. */
  readonly principalNames: pulumi.Output<Record<string, string[]>>;
  /** The platform and shard key of every registered resource (what `accessplane stacks` counts). */
  readonly shardKeys: ReadonlyMap<pulumi.Resource, ShardKey>;

  constructor(name: string, args: AccessEstateArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ACCESS_ESTATE_TYPE, name, {}, opts);
    const inputs: EstateInputs = args.policies === undefined ? loadEstate((args as ProjectInput).project) : args;
    const estate: Estate = { policies: inputs.policies, inventory: inputs.inventory, config: inputs.config };
    const plan = buildPlan(estate, args.now ?? new Date());
    if (hasErrors(plan.issues)) throw new InputError(plan.issues);
    this.plan = plan;

    const slice = sliceFilter(args.slice);
    if ((!slice.whole || args.slice?.policies) && slice.platform("s3") && estate.config.s3.manageInstance) {
      throw new Error(
        "s3: `s3.manageInstance` registers the Access Grants instance and locations that every S3 grant names, which one shard cannot share with another; " +
          'help: deploy S3 unsharded (`slice: { platforms: ["s3"] }`), or register the locations outside accessplane and unset `s3.manageInstance`',
      );
    }
    checkDatabricksPair(plan, slice);
    const context: EstateContext = {
      name,
      root: this,
      estate,
      plan,
      sources: new Map(estate.inventory.dataSources.map((d) => [d.id, d])),
      providers: args.providers ?? {},
      registered: [],
      cache: new Map(),
      slice,
      keys: new Map(),
      pending: [],
      key: { key: "estate" },
    };
    // A `members` slice visits the principals some of whose memberships it owns, registering only those.
    const principals = plan.principals.filter(
      (p) => slice.principal(p) || (EMITTERS[p.platform]?.members !== undefined && ownedMembers(p, context).length > 0),
    );

    const byPolicy = new Map<string, Principal[]>();
    for (const p of principals) {
      const list = byPolicy.get(p.policy);
      if (list) list.push(p);
      else byPolicy.set(p.policy, [p]);
    }
    this.policies = {};
    for (const policy of [...estate.policies].filter((p) => p.kind === "grant").sort((a, b) => a.name.localeCompare(b.name))) {
      if (!slice.policy(policy.name)) continue;
      const mine = byPolicy.get(policy.name) ?? [];
      // A sharded stack holds the components of its principals only; an unsharded one every policy's.
      if (mine.length === 0 && !slice.whole) continue;
      const before = context.registered.length;
      const component = new SubscriptionPolicy(
        policyComponentName(name, policy.name),
        { policy, principals: mine, context },
        { parent: this },
      );
      context.registered.splice(before, 0, component);
      this.policies[policy.name] = component;
    }

    // Estate-scoped resources aggregate every principal of their platform (a view's IAM binding
    // lists every policy's members); the emitters register only the objects this slice owns.
    const byPlatform = new Map<Platform, Principal[]>();
    for (const p of plan.principals) {
      const list = byPlatform.get(p.platform);
      if (list) list.push(p);
      else byPlatform.set(p.platform, [p]);
    }
    for (const [platform, emitter] of Object.entries(EMITTERS) as [Platform, (typeof EMITTERS)[Platform]][]) {
      if (!slice.platform(platform) || !emitter?.estate) continue;
      emitter.estate(byPlatform.get(platform) ?? [], { ctx: context, parent: this });
    }

    this.resources = context.registered;
    this.registered = Promise.all(context.pending).then(() => undefined);
    this.shardKeys = context.keys;
    const perPlatform: Record<string, number> = {};
    for (const r of context.registered) {
      const t = pulumi.resourceType(r);
      if (t.startsWith("accessplane:")) continue;
      const pkg = t.split(":")[0]!;
      perPlatform[pkg] = (perPlatform[pkg] ?? 0) + 1;
    }
    const names: Record<string, string[]> = {};
    for (const [policy, list] of byPolicy) names[policy] = [...new Set(list.map((p) => p.name))].sort();
    this.counts = pulumi.output({ policies: Object.keys(this.policies).length, principals: principals.length, resources: perPlatform });
    this.principalNames = pulumi.output(names);
    this.registerOutputs({ counts: this.counts, principalNames: this.principalNames });
  }
}

/**
 * A cohort's Databricks account group serves both its Unity Catalog and its Spark principal, so a
 * slice that takes one Databricks platform without the other would create a group another stack
 * creates too (and deleting either would remove it for both): refused, naming the groups.
 */
function checkDatabricksPair(plan: Plan, slice: SliceFilter): void {
  if (slice.platform("databricks-unity-catalog") === slice.platform("databricks-spark")) return;
  const uc = new Set(plan.principals.filter((p) => p.platform === "databricks-unity-catalog").map((p) => p.name));
  const shared = [...new Set(plan.principals.filter((p) => p.platform === "databricks-spark" && uc.has(p.name)).map((p) => p.name))];
  if (shared.length === 0) return;
  throw new Error(
    `databricks: the account group${shared.length === 1 ? "" : "s"} ${shared
      .slice(0, 5)
      .map((n) => `\`${n}\``)
      .join(
        ", ",
      )}${shared.length > 5 ? ` and ${shared.length - 5} more` : ""} serve${shared.length === 1 ? "s" : ""} both Unity Catalog and Spark, ` +
      "so one stack must deploy both Databricks platforms; " +
      'help: slice `platforms: ["databricks-unity-catalog", "databricks-spark"]` (the `databricks` stacks of `accessplane stacks`)',
  );
}
