/**
 * Starburst (Trino), through accessplane's dynamic resources. SQL mode: a TrinoRoleGrants per
 * principal (role, membership, GRANTs of the mapped operations). File mode: one TrinoAccessRules
 * document for the estate (file-based access control is one file per cluster).
 * Count: SQL mode 1 per principal; file mode 1 per estate.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DataSourceOf } from "../../model/schema";
import type { Principal } from "../../plan/types";
import { type TrinoObjectKind, type TrinoOperation, trinoPrivileges, trinoRulesDocument } from "../../platforms/sql/trino";
import { TRINO_CASE } from "../../platforms/trino";
import { foldLocation } from "../../platforms/types";
import { childName, type PlatformEmitter, type Scope, track } from "../context";
import { TrinoAccessRules, TrinoRoleGrants } from "../dynamic";

/** Trino's object kinds per inventory object type. */
const KIND = { "BASE TABLE": "table", VIEW: "view", "MATERIALIZED VIEW": "materialized_view" } as const satisfies Record<DataSourceOf<"trino">["objectType"], TrinoObjectKind>;

/** Native privileges of one grant: the mapped operations the plan computed, in Trino's terms. */
function nativeGrants(p: Principal, scope: Scope) {
  return p.grants.map((g) => {
    const ds = scope.ctx.sources.get(g.dataSource) as DataSourceOf<"trino">;
    const ops = (g.extras.operations ?? []) as TrinoOperation[];
    const { catalog, schema, table } = foldLocation(ds.location, TRINO_CASE.objects);
    return { catalog, schema, table, privileges: [...trinoPrivileges(ops, KIND[ds.objectType])].sort() };
  });
}

/** The Trino emitter. */
export const trinoEmitter: PlatformEmitter = {
  countFormula: "sql mode: 1 role-grants resource per principal (members and grants are its rows); file mode: 1 rules document per estate",
  principal(p, scope) {
    if (scope.ctx.estate.config.trino.mode !== "sql") return;
    const grants = nativeGrants(p, scope).map((g) => {
      // SQL GRANT cannot confer ownership: OWN needs file mode, and the plan keeps saying so.
      const sql = g.privileges.filter((x): x is "SELECT" | "INSERT" | "UPDATE" | "DELETE" => x !== "OWNERSHIP" && x !== "GRANT_SELECT");
      if (sql.length < g.privileges.length) void pulumi.log.warn(`trino: OWN on ${g.catalog}.${g.schema}.${g.table} for ${p.name} needs file-based access control (trino.mode: file); it is not granted in SQL mode`);
      return { ...g, privileges: sql };
    });
    track(scope, new TrinoRoleGrants(childName(scope.ctx.name, p.id, "role"), { role: p.name, members: p.members.map((m) => m.identity).sort(), grants }, { parent: scope.parent }));
  },
  estate(principals, scope) {
    const { config } = scope.ctx.estate;
    if (config.trino.mode !== "file") return;
    const { document, warnings } = trinoRulesDocument({
      policies: principals.map((p) => ({ policyKey: p.name, users: p.members.map((m) => m.identity).sort(), groups: [], grants: nativeGrants(p, scope) })),
    });
    for (const w of warnings) void pulumi.log.warn(`trino: ${w}`);
    track(scope, new TrinoAccessRules(childName(scope.ctx.name, "trino", "rules"), { path: config.trino.rulesPath, document }, { parent: scope.parent }));
  },
};
