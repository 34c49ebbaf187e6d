/**
 * Amazon S3 Access Grants, shaped by the principal mode of each data source:
 * - identity-center / group: an identitystore Group per principal, a GroupMembership per member and
 *   one DIRECTORY_GROUP AccessGrant per object (1 + users + objects); a synced Identity Center group
 *   is a DIRECTORY_GROUP grantee of its own per object instead of its members' memberships;
 * - identity-center / user: one DIRECTORY_USER AccessGrant per (member, object) (users x objects);
 * - iam-role-per-user: one IAM AccessGrant per (member's own role, object) (users x objects);
 * - shared-iam-role: one IAM AccessGrant per (distinct shared role, object) (roles x objects).
 * The per-user modes are products because S3 Access Grants has no grantee group for IAM roles.
 * Each grant names the location whose scope holds its data source and a sub-prefix relative to it;
 * with `s3.manageInstance` the estate also owns the instance and the registered locations.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Config, DataSourceOf } from "../../model/schema";
import { type S3GrantScope, s3Grant, s3Locations } from "../../model/s3-locations";
import { s3PrincipalMode } from "../../platforms/s3";
import type { Principal, PrincipalGrant, PrincipalMember } from "../../plan/types";
import {
  afterGroupLookup,
  childName,
  childOpts,
  memo,
  type PlatformEmitter,
  type Scope,
  track,
  trackMembership,
  withKey,
} from "../context";
import { objectKey } from "../slice";
import { directMembers } from "../../plan/synced-groups";

/** Where a data source's grant lands: its location and the sub-prefix relative to that location's scope. */
export function s3GrantOf(ds: DataSourceOf<"s3">, config: Config): S3GrantScope | undefined {
  return s3Grant(ds, s3Locations(config));
}

/** Tags every accessplane grant carries, so guardrails (the CrossGuard pack) can check provenance. */
export const S3_TAGS = {
  policy: "accessplane:policy",
  mode: "accessplane:principal-mode",
  acknowledged: "accessplane:shared-role-acknowledged",
} as const;

const accountOf = (config: Config) => (config.s3.accountId !== undefined ? { accountId: config.s3.accountId } : {});

/**
 * With `s3.manageInstance`: the Access Grants instance (associated with Identity Center, without
 * which directory users and groups cannot be grantees) and one registered location per configured
 * scope, owned by the estate so that removing a policy never removes them.
 */
function managedLocations(scope: Scope): Map<string, aws.s3control.AccessGrantsLocation> | undefined {
  const { ctx } = scope;
  const { config } = ctx.estate;
  if (!config.s3.manageInstance) return undefined;
  // Every S3 grant names these, so they are one object; the estate refuses to shard S3 with them.
  return memo(ctx, "s3:locations", () =>
    withKey(ctx, { platform: "s3", key: objectKey("s3", "instance") }, () => {
      const root: Scope = { ctx, parent: ctx.root };
      const instance = track(
        root,
        new aws.s3control.AccessGrantsInstance(
          childName(ctx.name, "s3", "instance"),
          {
            ...accountOf(config),
            ...(config.s3.identityCenterArn !== undefined ? { identityCenterArn: config.s3.identityCenterArn } : {}),
          },
          childOpts(root, "s3"),
        ),
      );
      const out = new Map<string, aws.s3control.AccessGrantsLocation>();
      for (const l of s3Locations(config)) {
        if (l.iamRoleArn === undefined)
          throw new Error(`S3 location \`${l.id}\` has no \`iamRoleArn\` (validation reports this as s3-location-role-missing)`);
        out.set(
          l.id,
          track(
            root,
            new aws.s3control.AccessGrantsLocation(
              childName(ctx.name, "s3", "location", l.id),
              { ...accountOf(config), locationScope: l.scope, iamRoleArn: l.iamRoleArn },
              childOpts(root, "s3", { dependsOn: [instance] }),
            ),
          ),
        );
      }
      return out;
    }),
  );
}

function accessGrant(
  scope: Scope,
  name: string,
  p: Principal,
  ds: DataSourceOf<"s3">,
  g: PrincipalGrant,
  granteeType: string,
  granteeIdentifier: pulumi.Input<string>,
  deps: pulumi.Resource[] = [],
) {
  const { config, policies } = scope.ctx.estate;
  const grant = s3GrantOf(ds, config);
  // Validation refuses data sources outside every location; a grant on a guessed scope would miss or widen.
  if (!grant) throw new Error(`S3 data source \`${ds.id}\` lies outside every S3 Access Grants location`);
  const managed = managedLocations(scope)?.get(grant.location.id);
  const mode = s3PrincipalMode(config, ds);
  const acknowledged = !!policies.find((x) => x.name === p.policy)?.acknowledgeSharedRole || ds.acknowledgeSharedRole;
  return track(
    scope,
    new aws.s3control.AccessGrant(
      name,
      {
        ...accountOf(config),
        accessGrantsLocationId: managed ? managed.accessGrantsLocationId : grant.location.id,
        accessGrantsLocationConfiguration: { s3SubPrefix: grant.s3SubPrefix },
        ...(grant.object ? { s3PrefixType: "Object" } : {}),
        grantee: { granteeType, granteeIdentifier },
        permission: g.privileges.includes("READWRITE") ? "READWRITE" : "READ",
        tags: { [S3_TAGS.policy]: p.policy, [S3_TAGS.mode]: mode, [S3_TAGS.acknowledged]: String(acknowledged) },
      },
      childOpts(scope, "s3", deps.length ? { dependsOn: deps } : {}),
    ),
  );
}

/** A user's membership of a principal's directory group, keyed so that a `members` stack can own it apart from the group. */
function membership(p: Principal, m: PrincipalMember, identityStoreId: string, groupId: pulumi.Input<string>, scope: Scope): void {
  trackMembership(
    scope,
    m.user,
    () =>
      new aws.identitystore.GroupMembership(
        childName(scope.ctx.name, p.id, "member", m.user),
        { identityStoreId, groupId, memberId: m.identity },
        childOpts(scope, "s3"),
      ),
  );
}

/** Whether a principal has a directory group of its own: a grant in identity-center group mode, and members no synced group reaches. */
function hasDirectoryGroup(p: Principal, scope: Scope): boolean {
  const { config } = scope.ctx.estate;
  if (config.s3.identityCenterGrantee !== "group" || directMembers(p).length === 0) return false;
  return p.grants.some((g) => s3PrincipalMode(config, scope.ctx.sources.get(g.dataSource) as DataSourceOf<"s3">) === "identity-center");
}

/** The S3 Access Grants emitter. */
export const s3Emitter: PlatformEmitter = {
  countFormula:
    "identity-center group: 1 group + 1 membership per user + 1 grant per object, and 1 grant per object per synced group instead of its members (no group when every member is synced); identity-center user and iam-role-per-user: users x objects grants; shared-iam-role: roles x objects grants",
  estate(_principals, scope) {
    managedLocations(scope);
  },
  principal(p: Principal, scope: Scope) {
    const { config } = scope.ctx.estate;
    const sources = scope.ctx.sources;
    const direct = directMembers(p);
    let group: aws.identitystore.Group | undefined;
    for (const g of p.grants) {
      const ds = sources.get(g.dataSource) as DataSourceOf<"s3">;
      const mode = s3PrincipalMode(config, ds);
      // Identity Center groups do not nest: a synced group is a grantee of its own on each object.
      for (const s of p.groups ?? []) {
        accessGrant(
          scope,
          childName(scope.ctx.name, p.id, "grant", g.dataSource, "synced-group", s.group),
          p,
          ds,
          g,
          "DIRECTORY_GROUP",
          s.identity,
        );
      }
      if (mode === "identity-center" && config.s3.identityCenterGrantee === "group") {
        // Everyone reached through synced groups: no policy group to fill.
        if (direct.length === 0 && p.groups?.length) continue;
        if (!group) {
          const identityStoreId = config.s3.identityStoreId;
          if (identityStoreId === undefined)
            throw new Error("`s3.identityStoreId` is required for directory groups (validation reports this as s3-identity-store-missing)");
          group = track(
            scope,
            new aws.identitystore.Group(
              childName(scope.ctx.name, p.id, "group"),
              { identityStoreId, displayName: p.name, description: `accessplane: policy ${p.policy}` },
              childOpts(scope, "s3"),
            ),
          );
          // Users join here unless the slice is split: then `members` stacks add them.
          if (scope.ctx.slice.part === undefined) for (const m of direct) membership(p, m, identityStoreId, group.groupId, scope);
        }
        accessGrant(scope, childName(scope.ctx.name, p.id, "grant", g.dataSource), p, ds, g, "DIRECTORY_GROUP", group.groupId, [group]);
      } else if (mode === "shared-iam-role") {
        for (const role of [...new Set(p.members.map((m) => m.identity))].sort()) {
          accessGrant(scope, childName(scope.ctx.name, p.id, "grant", g.dataSource, role), p, ds, g, "IAM", role);
        }
      } else {
        const type = mode === "identity-center" ? "DIRECTORY_USER" : "IAM";
        for (const m of direct)
          accessGrant(scope, childName(scope.ctx.name, p.id, "grant", g.dataSource, m.user), p, ds, g, type, m.identity);
      }
    }
  },
  // A directory group's membership names the group by id: a `members` stack looks it up by name
  // (GetGroup with the DisplayName alternate identifier) once the principals stack created it.
  members(p, users, scope) {
    const identityStoreId = scope.ctx.estate.config.s3.identityStoreId;
    if (identityStoreId === undefined || !hasDirectoryGroup(p, scope)) return;
    const provider = scope.ctx.providers.s3;
    const id = aws.identitystore
      .getGroup(
        { identityStoreId, alternateIdentifier: { uniqueAttribute: { attributePath: "DisplayName", attributeValue: p.name } } },
        { parent: scope.ctx.root, ...(provider ? { provider } : {}) },
      )
      .then((g) => g.groupId);
    afterGroupLookup(scope, p.name, id, (groupId) => {
      for (const m of users) membership(p, m, identityStoreId, groupId, scope);
    });
  },
};
