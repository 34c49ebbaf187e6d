/**
 * Snowflake: an AccountRole per principal, GrantPrivilegesToAccountRole per object and per parent
 * (database, schema, and the configured warehouse), and GrantAccountRole per member: to the user, or
 * to the role of the synced group the user is a member through (once per group). Names arrive
 * as Snowflake stores them (the adapter folds unquoted names to upper case), fully qualified and
 * quoted as the provider expects (`"DB"."SCHEMA"."TABLE"`). Count: 1 + users + objects + parents.
 */
import * as snowflake from "@pulumi/snowflake";
import type { Principal } from "../../plan/types";
import { childName, childOpts, type PlatformEmitter, type Scope, track } from "../context";
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
    // group's); every other member holds it directly.
    const memberships: [string, snowflake.GrantAccountRoleArgs][] = [
      ...(p.groups ?? []).map((g): [string, snowflake.GrantAccountRoleArgs] => [
        childName(scope.ctx.name, p.id, "synced-group", g.group),
        { roleName: p.name, parentRoleName: g.identity },
      ]),
      ...directMembers(p).map((m): [string, snowflake.GrantAccountRoleArgs] => [
        childName(scope.ctx.name, p.id, "member", m.user),
        { roleName: p.name, userName: m.identity },
      ]),
    ];
    for (const [name, args] of memberships) track(scope, new snowflake.GrantAccountRole(name, args, roleOpts));
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
};
