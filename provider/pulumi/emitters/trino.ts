/**
 * Starburst (Trino), through accessplane's dynamic resources. SQL mode: a TrinoRoleGrants per
 * principal (role, membership, GRANTs of the mapped operations). File mode: one TrinoAccessRules
 * document for the estate (file-based access control is one file per cluster).
 * Count: SQL mode 1 per principal; file mode 1 per estate.
 * Both read the native privileges the plan computed (`nativePrivileges` of each grant), so the
 * resources grant exactly what the plan shows; OWN in SQL mode is a plan warning, never granted.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Principal } from "../../plan/types";
import { type TrinoPrivilege, type TrinoSqlPrivilege, trinoUnregisteredRules } from "../../platforms/sql/trino";
import { trinoRulesDocument } from "../../platforms/sql/trino-rules";
import { childName, owned, type PlatformEmitter, type Scope, track } from "../context";
import { TrinoAccessRules, TrinoRoleGrants } from "../dynamic";
import { grantPath } from "./paths";
import type { DataSourceOf, Inventory } from "../../model/schema";
import { ADAPTERS } from "../../platforms";
import { TRINO_CASE } from "../../platforms/trino";
import { foldIdentifier } from "../../platforms/types";
import { directMembers } from "../../plan/synced-groups";

/** The native privileges of each grant of a principal, as the plan's extras list them. */
function nativeGrants<P extends TrinoPrivilege | TrinoSqlPrivilege>(p: Principal, scope: Scope) {
  return p.grants.map((g) => {
    const privileges = [...((g.extras.nativePrivileges ?? []) as P[])].sort();
    const [catalog, schema, table] = grantPath(scope.ctx, g).object as [string, string, string];
    return { catalog, schema, table, privileges };
  });
}

/** The Trino users of each synced group the principals name, as of the inventory. */
function syncedMembers(principals: readonly Principal[], inventory: Inventory): Map<string, string[]> {
  const named = new Map<string, string>();
  for (const p of principals) for (const s of p.groups ?? []) named.set(s.group, s.identity);
  const out = new Map<string, string[]>();
  for (const u of [...inventory.users].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const user = u.identities.trino;
    if (user === undefined) continue;
    for (const g of u.groups) {
      const identity = named.get(g);
      if (identity !== undefined) out.set(identity, [...(out.get(identity) ?? []), foldIdentifier(user, TRINO_CASE.users)]);
    }
  }
  return out;
}

/** Every Trino data source of the estate, by its names as Trino stores them. */
function registeredTables(scope: Scope): { catalog: string; schema: string; table: string }[] {
  const { inventory, config } = scope.ctx.estate;
  return inventory.dataSources
    .filter((d): d is DataSourceOf<"trino"> => d.platform === "trino")
    .map((d) => {
      const [catalog, schema, table] = ADAPTERS.trino.path(d, config).object as [string, string, string];
      return { catalog, schema, table };
    });
}

/** The Trino emitter. */
export const trinoEmitter: PlatformEmitter = {
  countFormula: "sql mode: 1 role-grants resource per principal (members and grants are its rows); file mode: 1 rules document per estate",
  principal(p, scope) {
    if (scope.ctx.estate.config.trino.mode !== "sql") return;
    const grants = nativeGrants<TrinoSqlPrivilege>(p, scope);
    track(
      scope,
      new TrinoRoleGrants(
        childName(scope.ctx.name, p.id, "role"),
        { role: p.name, members: p.members.map((m) => m.identity).sort(), grants },
        { parent: scope.parent },
      ),
    );
  },
  estate(principals, scope) {
    const { config } = scope.ctx.estate;
    if (config.trino.mode !== "file") return;
    // File-based access control is one document per cluster: one object, in one stack.
    owned(scope, "trino", "rules", () => {
      const { document, warnings } = trinoRulesDocument({
        admins: config.trino.admins,
        policies: principals.map((p) => ({
          policyKey: p.name,
          users: directMembers(p)
            .map((m) => m.identity)
            .sort(),
          // File mode matches the groups of the coordinator's group provider: a synced group is one rule.
          groups: (p.groups ?? []).map((s) => s.identity).sort(),
          grants: nativeGrants<TrinoPrivilege>(p, scope),
        })),
        unregistered: trinoUnregisteredRules(config.trino.cluster.allowedNonDataSourceOperations),
        groupMembers: syncedMembers(principals, scope.ctx.estate.inventory),
        dataSources: registeredTables(scope),
      });
      for (const w of warnings) void pulumi.log.warn(`trino: ${w}`);
      track(
        scope,
        new TrinoAccessRules(
          childName(scope.ctx.name, "trino", "rules"),
          { path: config.trino.rulesPath, document },
          { parent: scope.parent },
        ),
      );
    });
  },
};
