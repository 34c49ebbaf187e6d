/**
 * Databricks: a Group per principal with a GroupMember per member (shared by Unity Catalog and Spark
 * principals of one policy on one provider); Unity Catalog gets a principal-scoped Grant per
 * securable and parent; Spark gets SqlPermissions per table and database, aggregated over the estate
 * because SqlPermissions is authoritative per object.
 */
import * as databricks from "@pulumi/databricks";
import type * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../../model/schema";
import type { Principal } from "../../plan/types";
import { childName, childOpts, plainName, memo, type PlatformEmitter, providerTag, type Scope, track } from "../context";

/** Unity Catalog privilege names as the Grant resource spells them (`USE CATALOG` -> `USE_CATALOG`). */
const ucPrivilege = (p: string) => p.replace(/ /g, "_");

/** The Databricks user id of a member, looked up once per provider and user name. */
function userId(scope: Scope, platform: Platform, userName: string): pulumi.Output<string> {
  const provider = scope.ctx.providers[platform];
  return memo(scope.ctx, `databricks-user:${platform}:${userName}`, () =>
    databricks.getUserOutput({ userName }, { parent: scope.ctx.registered[0] ?? scope.parent, ...(provider ? { provider } : {}) }).apply((u) => u.id),
  );
}

/**
 * The group of a principal. Unity Catalog and Spark principals of one cohort share it when they share
 * a provider; its names derive from the group name, so removing one platform never renames it.
 */
function group(p: Principal, scope: Scope): databricks.Group {
  const tag = providerTag(scope.ctx, p.platform);
  return memo(scope.ctx, `databricks-group:${tag}:${p.name}`, () => {
    const base = tag === "default" ? [scope.ctx.name, "databricks", p.name] : [scope.ctx.name, "databricks", tag, p.name];
    const g = track(scope, new databricks.Group(childName(...base, "group"), { displayName: p.name }, childOpts(scope, p.platform)));
    for (const m of p.members) {
      track(
        scope,
        new databricks.GroupMember(childName(...base, "member", m.user), { groupId: g.id, memberId: userId(scope, p.platform, m.identity) }, childOpts(scope, p.platform, { dependsOn: [g] })),
      );
    }
    return g;
  });
}

/** The Unity Catalog emitter. */
export const unityCatalogEmitter: PlatformEmitter = {
  countFormula: "1 group + 1 member per user + 1 grant per object + 1 grant per distinct catalog and schema",
  principal(p, scope) {
    const g = group(p, scope);
    const opts = childOpts(scope, "databricks-unity-catalog", { dependsOn: [g] });
    const parents = new Map<string, { kind: string; object: string; privileges: string[] }>();
    for (const grant of p.grants) {
      for (const parent of grant.parents) parents.set(`${parent.kind.toLowerCase()}/${plainName(parent.object)}`, parent);
      track(
        scope,
        new databricks.Grant(childName(scope.ctx.name, p.id, "grant", grant.dataSource), { table: plainName(grant.object), principal: p.name, privileges: grant.privileges.map(ucPrivilege).sort() }, opts),
      );
    }
    for (const [key, parent] of [...parents].sort(([a], [b]) => a.localeCompare(b))) {
      const securable = parent.kind === "CATALOG" ? { catalog: plainName(parent.object) } : { schema: plainName(parent.object) };
      track(scope, new databricks.Grant(childName(scope.ctx.name, p.id, "usage", key), { ...securable, principal: p.name, privileges: parent.privileges.map(ucPrivilege).sort() }, opts));
    }
  },
};

/** The Databricks Spark emitter: groups per policy, SqlPermissions per table and database for the estate. */
export const sparkEmitter: PlatformEmitter = {
  countFormula: "per policy: 1 group + 1 member per user; per estate: 1 SqlPermissions per table and per database",
  principal(p, scope) {
    group(p, scope);
  },
  estate(principals, scope) {
    const tables = new Map<string, Map<string, Set<string>>>();
    const databases = new Map<string, Map<string, Set<string>>>();
    const add = (m: Map<string, Map<string, Set<string>>>, object: string, principal: string, privs: readonly string[]) => {
      const byPrincipal = m.get(object) ?? new Map<string, Set<string>>();
      const set = byPrincipal.get(principal) ?? new Set<string>();
      privs.forEach((x) => set.add(x));
      byPrincipal.set(principal, set);
      m.set(object, byPrincipal);
    };
    for (const p of principals) {
      for (const g of p.grants) {
        add(tables, plainName(g.object), p.name, g.privileges);
        for (const parent of g.parents) add(databases, plainName(parent.object), p.name, parent.privileges);
      }
    }
    const assignments = (byPrincipal: Map<string, Set<string>>) =>
      [...byPrincipal].sort(([a], [b]) => a.localeCompare(b)).map(([principal, privs]) => ({ principal, privileges: [...privs].sort() }));
    for (const [table, byPrincipal] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
      const [, database, name] = splitTable(table);
      track(scope, new databricks.SqlPermissions(childName(scope.ctx.name, "spark", "table", table), { database, table: name, privilegeAssignments: assignments(byPrincipal) }, childOpts(scope, "databricks-spark")));
    }
    for (const [db, byPrincipal] of [...databases].sort(([a], [b]) => a.localeCompare(b))) {
      const database = db.split(".").slice(-1)[0]!;
      track(scope, new databricks.SqlPermissions(childName(scope.ctx.name, "spark", "database", db), { database, privilegeAssignments: assignments(byPrincipal) }, childOpts(scope, "databricks-spark")));
    }
  },
};

function splitTable(full: string): [string, string, string] {
  const parts = full.split(".");
  return [parts[0] ?? "", parts[1] ?? "", parts.slice(2).join(".")];
}
