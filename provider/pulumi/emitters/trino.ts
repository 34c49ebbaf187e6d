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
import { type TrinoPrivilege, type TrinoSqlPrivilege, trinoRulesDocument, trinoUnregisteredRules } from "../../platforms/sql/trino";
import { childName, type PlatformEmitter, type Scope, track } from "../context";
import { TrinoAccessRules, TrinoRoleGrants } from "../dynamic";
import { grantPath } from "./paths";

/** The native privileges of each grant of a principal, as the plan's extras list them. */
function nativeGrants<P extends TrinoPrivilege | TrinoSqlPrivilege>(p: Principal, scope: Scope) {
  return p.grants.map((g) => {
    const privileges = [...((g.extras.nativePrivileges ?? []) as P[])].sort();
    const [catalog, schema, table] = grantPath(scope.ctx, g).object as [string, string, string];
    return { catalog, schema, table, privileges };
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
    const { document, warnings } = trinoRulesDocument({
      admins: config.trino.admins,
      policies: principals.map((p) => ({
        policyKey: p.name,
        users: p.members.map((m) => m.identity).sort(),
        groups: [],
        grants: nativeGrants<TrinoPrivilege>(p, scope),
      })),
      unregistered: trinoUnregisteredRules(config.trino.cluster.allowedNonDataSourceOperations),
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
  },
};
