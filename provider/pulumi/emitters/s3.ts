/**
 * Amazon S3 Access Grants, shaped by the principal mode of each data source:
 * - identity-center / group: an identitystore Group per principal, a GroupMembership per member and
 *   one DIRECTORY_GROUP AccessGrant per object (1 + users + objects);
 * - identity-center / user: one DIRECTORY_USER AccessGrant per (member, object) (users x objects);
 * - iam-role-per-user: one IAM AccessGrant per (member's own role, object) (users x objects);
 * - shared-iam-role: one IAM AccessGrant per (distinct shared role, object) (roles x objects).
 * The per-user modes are products because S3 Access Grants has no grantee group for IAM roles.
 */
import * as aws from "@pulumi/aws";
import type { DataSourceOf } from "../../model/schema";
import { s3PrincipalMode } from "../../platforms/s3";
import type { Principal, PrincipalGrant } from "../../plan/types";
import { childName, childOpts, type PlatformEmitter, type Scope, track } from "../context";

/** The Access Grants sub-prefix of a data source under the default `s3://` location. */
export function s3SubPrefix(ds: DataSourceOf<"s3">): { s3SubPrefix: string; object: boolean } {
  const { bucket, prefix, object } = ds.location;
  if (ds.objectType === "OBJECT") return { s3SubPrefix: `${bucket}/${object ?? ""}`, object: true };
  if (ds.objectType === "PREFIX") return { s3SubPrefix: `${bucket}/${prefix ?? ""}*`, object: false };
  return { s3SubPrefix: `${bucket}/*`, object: false };
}

/** Tags every accessplane grant carries, so guardrails (the CrossGuard pack) can check provenance. */
export const S3_TAGS = { policy: "accessplane:policy", mode: "accessplane:principal-mode", acknowledged: "accessplane:shared-role-acknowledged" } as const;

function accessGrant(scope: Scope, name: string, p: Principal, ds: DataSourceOf<"s3">, g: PrincipalGrant, granteeType: string, granteeIdentifier: import("@pulumi/pulumi").Input<string>, deps: import("@pulumi/pulumi").Resource[] = []) {
  const { config, policies } = scope.ctx.estate;
  const sub = s3SubPrefix(ds);
  const mode = s3PrincipalMode(config, ds);
  const acknowledged = !!policies.find((x) => x.name === p.policy)?.acknowledgeSharedRole || ds.acknowledgeSharedRole;
  return track(
    scope,
    new aws.s3control.AccessGrant(
      name,
      {
        accountId: config.s3.accountId,
        accessGrantsLocationId: config.s3.accessGrantsLocationId,
        accessGrantsLocationConfiguration: { s3SubPrefix: sub.s3SubPrefix },
        ...(sub.object ? { s3PrefixType: "Object" } : {}),
        grantee: { granteeType, granteeIdentifier },
        permission: g.privileges.includes("READWRITE") ? "READWRITE" : "READ",
        tags: { [S3_TAGS.policy]: p.policy, [S3_TAGS.mode]: mode, [S3_TAGS.acknowledged]: String(acknowledged) },
      },
      childOpts(scope, "s3", deps.length ? { dependsOn: deps } : {}),
    ),
  );
}

/** The S3 Access Grants emitter. */
export const s3Emitter: PlatformEmitter = {
  countFormula:
    "identity-center group: 1 group + 1 membership per user + 1 grant per object; identity-center user and iam-role-per-user: users x objects grants; shared-iam-role: roles x objects grants",
  principal(p: Principal, scope: Scope) {
    const { config } = scope.ctx.estate;
    const sources = scope.ctx.sources;
    let group: aws.identitystore.Group | undefined;
    for (const g of p.grants) {
      const ds = sources.get(g.dataSource) as DataSourceOf<"s3">;
      const mode = s3PrincipalMode(config, ds);
      if (mode === "identity-center" && config.s3.identityCenterGrantee === "group") {
        if (!group) {
          group = track(scope, new aws.identitystore.Group(childName(scope.ctx.name, p.id, "group"), { identityStoreId: config.s3.identityStoreId, displayName: p.name, description: `accessplane: policy ${p.policy}` }, childOpts(scope, "s3")));
          for (const m of p.members) {
            track(scope, new aws.identitystore.GroupMembership(childName(scope.ctx.name, p.id, "member", m.user), { identityStoreId: config.s3.identityStoreId, groupId: group.groupId, memberId: m.identity }, childOpts(scope, "s3")));
          }
        }
        accessGrant(scope, childName(scope.ctx.name, p.id, "grant", g.dataSource), p, ds, g, "DIRECTORY_GROUP", group.groupId, [group]);
      } else if (mode === "shared-iam-role") {
        for (const role of [...new Set(p.members.map((m) => m.identity))].sort()) {
          accessGrant(scope, childName(scope.ctx.name, p.id, "grant", g.dataSource, role), p, ds, g, "IAM", role);
        }
      } else {
        const type = mode === "identity-center" ? "DIRECTORY_USER" : "IAM";
        for (const m of p.members) accessGrant(scope, childName(scope.ctx.name, p.id, "grant", g.dataSource, m.user), p, ds, g, type, m.identity);
      }
    }
  },
};
