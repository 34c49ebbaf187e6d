/**
 * What emitters share: naming of children from stable keys, providers per platform, and caches of
 * lookups and resources that several policies use (Databricks user ids, groups per provider).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Estate } from "../model/estate";
import type { DataSource, Platform } from "../model/schema";
import type { Plan, Principal, PrincipalMember } from "../plan/types";
import { memberKey, objectKey, type SliceFilter } from "./slice";

/**
 * A provider per platform; children of that platform use it. `databricksAccount` is the Databricks
 * account-level provider (accounts host and account id) that policy groups are created with.
 */
export type Providers = Partial<Record<Platform, pulumi.ProviderResource>> & { databricksAccount?: pulumi.ProviderResource };

/** State shared by every emitter of one estate. */
export interface EstateContext {
  /** The estate component's name: prefixes estate-scoped children. */
  name: string;
  /** The estate component: parent of estate-scoped resources created on first use. */
  root: pulumi.Resource;
  estate: Estate;
  plan: Plan;
  /** Data sources by id. */
  sources: ReadonlyMap<string, DataSource>;
  providers: Providers;
  /** Every resource the estate registers (for outputs and for waiting on registration). */
  registered: pulumi.Resource[];
  /** Memoised values shared across policies (lookups, shared groups). */
  cache: Map<string, unknown>;
  /** What this stack's slice owns. */
  slice: SliceFilter;
  /** The platform and shard key of each registered resource, for `accessplane stacks`. */
  keys: Map<pulumi.Resource, ShardKey>;
  /** The platform and shard key resources registered now belong to. */
  key: ShardKey;
  /** Registrations waiting on a lookup (`afterGroupLookup`); AccessEstate's `registered` settles once they are done. */
  pending: Promise<void>[];
}

/** Where one emitter call registers resources. */
export interface Scope {
  ctx: EstateContext;
  parent: pulumi.Resource;
}

/** Resource options for a child of `scope` on `platform`. */
export function childOpts(scope: Scope, platform: Platform, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const provider = scope.ctx.providers[platform];
  return { parent: scope.parent, ...(provider ? { provider } : {}), ...extra };
}

/** Records a resource as registered by the estate and returns it. */
export function track<R extends pulumi.Resource>(scope: Scope, r: R): R {
  scope.ctx.registered.push(r);
  scope.ctx.keys.set(r, scope.ctx.key);
  return r;
}

/** Which stack a resource belongs to: its platform and the key its shard is hashed from. */
export interface ShardKey {
  platform?: Platform;
  key: string;
  /**
   * A per-user membership a `members` stack can own apart from its principal: its key there
   * (`memberKey(user)`). Elsewhere it goes with `key`.
   */
  member?: string;
}

/** Runs `fn` with `key` as the platform and shard key of what it registers. */
export function withKey<T>(ctx: EstateContext, key: ShardKey, fn: () => T): T {
  const prev = ctx.key;
  ctx.key = key;
  try {
    return fn();
  } finally {
    ctx.key = prev;
  }
}

/**
 * Registers an estate-scoped object's resources when the stack's slice owns the object (by a stable
 * hash of it); returns undefined, registering nothing, when another stack owns it.
 */
export function owned<T>(scope: Scope, platform: Platform, object: string, make: () => T): T | undefined {
  if (!scope.ctx.slice.object(platform, object)) return undefined;
  return withKey(scope.ctx, { platform, key: objectKey(platform, object) }, make);
}

/**
 * Registers a user's membership of a policy principal (what `make` returns), keyed so that a
 * `members` stack can own it apart from the principal (`memberKey`); elsewhere it goes with the
 * principal's key.
 */
export function trackMembership<R extends pulumi.Resource>(scope: Scope, user: string, make: () => R): R {
  return withKey(scope.ctx, { ...scope.ctx.key, member: memberKey(user) }, () => track(scope, make()));
}

/**
 * Registers what `make` registers once the id of a group another stack creates is known (a
 * `members` stack's memberships of a Databricks or Identity Center group, which name the group by
 * id). In a preview the group may not exist yet, since the principals stack creates it when the
 * change deploys: then nothing is registered and a warning says so (the plan and `accessplane diff`
 * show these memberships). In an update a failed lookup fails the stack: the principals stacks
 * apply first, and nothing is deleted for want of an id.
 */
export function afterGroupLookup(scope: Scope, group: string, id: Promise<string>, make: (id: string) => void): void {
  const key = scope.ctx.key;
  scope.ctx.pending.push(
    id.then(
      (value) => withKey(scope.ctx, key, () => make(value)),
      (e: unknown) => {
        const why = e instanceof Error ? e.message : String(e);
        const cause = why ? ` (${why})` : "";
        if (!pulumi.runtime.isDryRun())
          throw new Error(
            `the group \`${group}\` was not found${cause}; its principals stack creates it and must apply before this members stack; help: \`pulumi up\` the principals stacks first (the sharded workflow's grant job does)`,
          );
        void pulumi.log.warn(
          `the group \`${group}\` does not exist yet: its members show in this stack's preview once the principals stack that creates it has applied${cause}`,
        );
      },
    ),
  );
}

/** Memoises a value per key for the whole estate. */
export function memo<T>(ctx: EstateContext, key: string, make: () => T): T {
  if (ctx.cache.has(key)) return ctx.cache.get(key) as T;
  const v = make();
  ctx.cache.set(key, v);
  return v;
}

/** `default` when a platform uses the default provider, else the provider's resource name (stable across runs). */
export function providerTag(ctx: EstateContext, platform: Platform): string {
  const p = ctx.providers[platform];
  return p ? pulumi.resourceName(p) : "default";
}

/** Child names derive from stable keys: principal id, member user, object; never list positions. */
export function childName(...parts: string[]): string {
  return parts.join("/");
}

/** One platform's emitter: policy-scoped resources per principal, estate-scoped from all principals. */
export interface PlatformEmitter {
  /**
   * Resources for one principal, inside its SubscriptionPolicy component. With `members`, its
   * per-user memberships only when the slice has no `part` (a `principals` slice leaves them to the
   * `members` stacks).
   */
  principal?(p: Principal, scope: Scope): void;
  /**
   * The per-user memberships of `p` a `members` slice owns, registered apart from the principal and
   * naming it (so they need nothing of the principal's stack but that it applied first). Platforms
   * without it keep memberships with their principal in every slice.
   */
  members?(p: Principal, users: readonly PrincipalMember[], scope: Scope): void;
  /** Resources owned by the estate (authoritative per object, or shared per data source). */
  estate?(principals: Principal[], scope: Scope): void;
  /**
   * The count formula of this platform's resources, for docs and the linear-bound check:
   * `users` and `objects` are per principal.
   */
  readonly countFormula: string;
}
