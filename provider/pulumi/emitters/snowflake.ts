/**
 * Snowflake: an AccountRole per principal, GrantPrivilegesToAccountRole per object and per parent
 * (database, schema, and the configured warehouse), and GrantAccountRole per member: to the user, or
 * to the role of the synced group the user is a member through (once per group). Names arrive
 * as Snowflake stores them (the adapter folds unquoted names to upper case), fully qualified and
 * quoted as the provider expects (`"DB"."SCHEMA"."TABLE"`). Count: 1 + users + objects + parents.
 */
import * as snowflake from "@pulumi/snowflake";
import type * as pulumi from "@pulumi/pulumi";
import type { Principal, PrincipalMember } from "../../plan/types";
import { childName, childOpts, type PlatformEmitter, type Scope, track, trackMembership } from "../context";
import { directMembers } from "../../plan/synced-groups";
import { grantPath } from "./paths";

/** The Snowflake emitter. */
export const snowflakeEmitter: PlatformEmitter = {
  countFormula:
    "1 role + 1 grant per synced group and per other member + 1 grant per object + 1 grant per distinct parent (database, schema, warehouse)",
  principal(p: Principal, scope: Scope) {
    const opts = childOpts(scope, "snowflake");
    const role = track(
      scope,
      new snowflake.AccountRole(
        childName(scope.ctx.name, p.id, "role"),
        { name: p.name, comment: `accessplane: policy ${p.policy}` },
        opts,
      ),
    );
    const roleOpts = { ...opts, dependsOn: [role] };
    // A synced group's role holds the policy role (the identity provider manages who holds the
    // group's); every other member holds it directly (in a `principals` stack, through a `members` stack).
    for (const g of p.groups ?? [])
      track(
        scope,
        new snowflake.GrantAccountRole(
          childName(scope.ctx.name, p.id, "synced-group", g.group),
          { roleName: p.name, parentRoleName: g.identity },
          roleOpts,
        ),
      );
    if (scope.ctx.slice.part === undefined) for (const m of directMembers(p)) membership(p, m, scope, roleOpts);
    const parents = new Map<string, { kind: string; object: string }>();
    for (const g of p.grants) {
      const path = grantPath(scope.ctx, g);
      g.parents.forEach((parent, i) => parents.set(`${parent.kind.toLowerCase()}/${path.parents[i]!.join(".")}`, parent));
      track(
        scope,
        new snowflake.GrantPrivilegesToAccountRole(
          childName(scope.ctx.name, p.id, "grant", g.dataSource),
          { accountRoleName: p.name, privileges: [...g.privileges].sort(), onSchemaObject: { objectType: g.kind, objectName: g.object } },
          roleOpts,
        ),
      );
    }
    for (const [key, parent] of [...parents].sort(([a], [b]) => a.localeCompare(b))) {
      // Databases and warehouses are account objects; schemas have their own block.
      const args: snowflake.GrantPrivilegesToAccountRoleArgs =
        parent.kind === "SCHEMA"
          ? { accountRoleName: p.name, privileges: ["USAGE"], onSchema: { schemaName: parent.object } }
          : { accountRoleName: p.name, privileges: ["USAGE"], onAccountObject: { objectType: parent.kind, objectName: parent.object } };
      track(scope, new snowflake.GrantPrivilegesToAccountRole(childName(scope.ctx.name, p.id, "usage", key), args, roleOpts));
    }
  },
  // `GrantAccountRole` names the role, so a `members` stack needs no resource of the role's stack;
  // it applies after the principals stacks, which create the roles.
  members(p, users, scope) {
    for (const m of users) membership(p, m, scope, childOpts(scope, "snowflake"));
  },
};

/** A user's grant of a principal's role, keyed so that a `members` stack can own it apart from the role. */
function membership(p: Principal, m: PrincipalMember, scope: Scope, opts: pulumi.CustomResourceOptions): void {
  trackMembership(
    scope,
    m.user,
    () =>
      new snowflake.GrantAccountRole(childName(scope.ctx.name, p.id, "member", m.user), { roleName: p.name, userName: m.identity }, opts),
  );
}
