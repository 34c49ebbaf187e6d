/**
 * Databricks: an account-level Group per principal with a GroupMember per member (shared by the
 * Unity Catalog and Spark principals of one cohort, since account group names are unique in the
 * account); Unity Catalog gets a principal-scoped Grant per securable and parent; Spark assigns the
 * group to the workspace and grants per principal through `SparkTableGrants`, or, with
 * `databricksSpark.authoritative`, through SqlPermissions per table and database.
 *
 * Vendor rules behind the shape:
 * - Unity Catalog grants accept only account-level principals: a group created through a workspace
 *   provider is workspace-local and the grant fails with "Could not find principal with name ..."
 *   (databricks/terraform-provider-databricks#4680, #2237). Groups are therefore created through
 *   `providers.databricksAccount` (accounts host and account id), and with `api: "account"` so a
 *   workspace-level provider fails loudly instead of creating a local group.
 * - Permissions in `hive_metastore` refer to the principals of the workspace ("Work with Unity
 *   Catalog and the legacy Hive metastore"), so a Spark group is assigned to the workspace
 *   (MwsPermissionAssignment through the account provider with `databricks.workspaceId`, or
 *   PermissionAssignment through the Spark workspace provider), with permissions `["USER"]`.
 * - A Grant made through the account provider names its workspace in `providerConfig.workspaceId`.
 */
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import type { DataSourceOf } from "../../model/schema";
import type { Principal, PrincipalMember } from "../../plan/types";
import type { SparkGrant } from "../../platforms/sql/spark";
import { SparkTableGrants } from "../dynamic/spark";
import { directMembers } from "../../plan/synced-groups";
import { grantPath } from "./paths";
import {
  afterGroupLookup,
  childName,
  childOpts,
  memo,
  owned,
  type PlatformEmitter,
  providerTag,
  type Scope,
  track,
  type EstateContext,
  trackMembership,
} from "../context";

/** Unity Catalog privilege names as the Grant resource spells them (`USE CATALOG` -> `USE_CATALOG`). */
const ucPrivilege = (p: string) => p.replace(/ /g, "_");

/** `default` or the account provider's resource name: part of group and member names. */
function accountTag(ctx: EstateContext): string {
  const p = ctx.providers.databricksAccount;
  return p ? pulumi.resourceName(p) : "default";
}

/** Options of an account-level child: the account provider when one is given. */
function accountOpts(scope: Scope, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const provider = scope.ctx.providers.databricksAccount;
  return { parent: scope.parent, ...(provider ? { provider } : {}), ...extra };
}

/** The account-level Databricks user id of a member, looked up once per account provider and user name. */
function userId(scope: Scope, userName: string): pulumi.Output<string> {
  const provider = scope.ctx.providers.databricksAccount;
  return memo(scope.ctx, `databricks-user:${accountTag(scope.ctx)}:${userName}`, () =>
    databricks
      .getUserOutput({ userName, api: "account" }, { parent: scope.ctx.registered[0] ?? scope.parent, ...(provider ? { provider } : {}) })
      .apply((u) => u.id),
  );
}

/**
 * The id of an account group, looked up by name once per account provider and group: a synced
 * group's, or, in a `members` stack, a policy group that a principals stack creates.
 */
function accountGroupId(scope: Scope, displayName: string): Promise<string> {
  const provider = scope.ctx.providers.databricksAccount;
  return memo(scope.ctx, `databricks-group-id:${accountTag(scope.ctx)}:${displayName}`, () =>
    databricks
      .getGroup({ displayName, api: "account" }, { parent: scope.ctx.registered[0] ?? scope.parent, ...(provider ? { provider } : {}) })
      .then((g) => g.id),
  );
}

/** The id of a synced account group. */
const groupId = (scope: Scope, displayName: string): pulumi.Output<string> => pulumi.output(accountGroupId(scope, displayName));

/**
 * Name parts of a principal's account-level resources. Account group names are unique in the
 * account, so no provider tag: the names stay put when providers change or platforms come and go.
 */
function groupBase(ctx: EstateContext, name: string): string[] {
  return [ctx.name, "databricks", name];
}

/**
 * The names earlier versions gave a principal's workspace-local group resources (tagged with the
 * platform's provider). As aliases they make the move to account level a replacement of the same
 * resource, so `deleteBeforeReplace` removes the workspace-local group before the account group of
 * the same name exists (UCX renames workspace-local groups to avoid the same clash).
 */
function legacyAliases(ctx: EstateContext, p: Principal, ...rest: string[]): { aliases?: pulumi.Alias[] } {
  const tag = providerTag(ctx, p.platform);
  return tag === "default" ? {} : { aliases: [{ name: childName(ctx.name, "databricks", tag, p.name, ...rest) }] };
}

/** The account-level group of a principal, with its members; shared by the cohort's UC and Spark principals. */
function group(p: Principal, scope: Scope): databricks.Group {
  return memo(scope.ctx, `databricks-group:${p.name}`, () => {
    const base = groupBase(scope.ctx, p.name);
    const g = track(
      scope,
      new databricks.Group(
        childName(...base, "group"),
        { displayName: p.name, api: "account" },
        accountOpts(scope, { deleteBeforeReplace: true, ...legacyAliases(scope.ctx, p, "group") }),
      ),
    );
    // A synced account group joins as one member (`member_id` may be a group's id); the identity
    // provider manages who is in it.
    for (const s of p.groups ?? []) {
      track(
        scope,
        new databricks.GroupMember(
          childName(...base, "synced-group", s.group),
          { groupId: g.id, memberId: groupId(scope, s.identity), api: "account" },
          accountOpts(scope, { dependsOn: [g] }),
        ),
      );
    }
    // Users join here unless the slice is split: then `members` stacks add them (`groupMembers`).
    if (scope.ctx.slice.part === undefined) for (const m of directMembers(p)) member(p, m, g.id, scope, [g]);
    return g;
  });
}

/** A user's membership of a principal's account group, keyed so that a `members` stack can own it apart from the group. */
function member(p: Principal, m: PrincipalMember, groupId: pulumi.Input<string>, scope: Scope, dependsOn: pulumi.Resource[]): void {
  trackMembership(
    scope,
    m.user,
    () =>
      new databricks.GroupMember(
        childName(...groupBase(scope.ctx, p.name), "member", m.user),
        { groupId, memberId: userId(scope, m.identity), api: "account" },
        accountOpts(scope, { ...(dependsOn.length ? { dependsOn } : {}), ...legacyAliases(scope.ctx, p, "member", m.user) }),
      ),
  );
}

/**
 * A `members` stack's memberships of a principal's account group, which a principals stack
 * creates: the group's id is looked up by name (once per group; the Unity Catalog and Spark
 * principals of a cohort share it, so each membership is registered once).
 */
function groupMembers(p: Principal, users: readonly PrincipalMember[], scope: Scope): void {
  const fresh = users.filter((m) => {
    const k = `databricks-member:${p.name}:${m.user}`;
    if (scope.ctx.cache.has(k)) return false;
    scope.ctx.cache.set(k, true);
    return true;
  });
  if (fresh.length === 0) return;
  afterGroupLookup(scope, p.name, accountGroupId(scope, p.name), (groupId) => {
    for (const m of fresh) member(p, m, groupId, scope, []);
  });
}

/**
 * Assigns a Spark principal's group to the workspace (`USER`: the workspace's users group), where
 * `hive_metastore` table ACLs can name it. Through the account provider when `databricks.workspaceId`
 * is set, else through the Spark workspace provider.
 */
function workspaceAssignment(p: Principal, g: databricks.Group, scope: Scope): pulumi.CustomResource {
  const { ctx } = scope;
  const workspaceId = ctx.estate.config.databricks.workspaceId;
  const base = groupBase(ctx, p.name);
  if (workspaceId !== undefined) {
    return memo(ctx, `databricks-assignment:${accountTag(ctx)}:${workspaceId}:${p.name}`, () =>
      track(
        scope,
        new databricks.MwsPermissionAssignment(
          childName(...base, "workspace", workspaceId),
          { workspaceId, principalId: g.id, permissions: ["USER"] },
          accountOpts(scope, { dependsOn: [g] }),
        ),
      ),
    );
  }
  const tag = providerTag(ctx, "databricks-spark");
  return memo(ctx, `databricks-assignment:${tag}:${p.name}`, () =>
    track(
      scope,
      new databricks.PermissionAssignment(
        childName(...base, "workspace", ...(tag === "default" ? [] : [tag])),
        { principalId: g.id, permissions: ["USER"] },
        childOpts(scope, "databricks-spark", { dependsOn: [g] }),
      ),
    ),
  );
}

/**
 * How Unity Catalog grants reach the workspace: through the Unity Catalog (workspace) provider when
 * one is given, else through the account provider (or the default one) naming the workspace in
 * `providerConfig.workspaceId` from `databricks.workspaceId`.
 */
export function grantRoute(scope: Scope): { providerConfig?: { workspaceId: string } } {
  const { ctx } = scope;
  if (ctx.providers["databricks-unity-catalog"]) return {};
  const workspaceId = ctx.estate.config.databricks.workspaceId;
  if (workspaceId !== undefined) return { providerConfig: { workspaceId } };
  if (ctx.providers.databricksAccount) {
    throw new Error(
      "databricks: Unity Catalog grants go through the account provider, which needs the workspace they apply to; " +
        'help: set `databricks.workspaceId` in accessplane.yaml, or pass a workspace provider as `providers["databricks-unity-catalog"]`',
    );
  }
  return {};
}

function grantOpts(scope: Scope, extra: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return scope.ctx.providers["databricks-unity-catalog"] ? childOpts(scope, "databricks-unity-catalog", extra) : accountOpts(scope, extra);
}

/** The Unity Catalog emitter. */
export const unityCatalogEmitter: PlatformEmitter = {
  countFormula: "1 group + 1 member per synced group and per other user + 1 grant per object + 1 grant per distinct catalog and schema",
  members: groupMembers,
  principal(p, scope) {
    const g = group(p, scope);
    const route = grantRoute(scope);
    const opts = grantOpts(scope, { dependsOn: [g] });
    const parents = new Map<string, { kind: string; name: string; privileges: string[] }>();
    for (const grant of p.grants) {
      const path = grantPath(scope.ctx, grant);
      grant.parents.forEach((parent, i) => {
        const name = path.parents[i]!.join(".");
        parents.set(`${parent.kind.toLowerCase()}/${name}`, { kind: parent.kind, name, privileges: parent.privileges });
      });
      track(
        scope,
        new databricks.Grant(
          childName(scope.ctx.name, p.id, "grant", grant.dataSource),
          { table: path.object.join("."), principal: p.name, privileges: grant.privileges.map(ucPrivilege).sort(), ...route },
          opts,
        ),
      );
    }
    for (const [key, parent] of [...parents].sort(([a], [b]) => a.localeCompare(b))) {
      const securable = parent.kind === "CATALOG" ? { catalog: parent.name } : { schema: parent.name };
      track(
        scope,
        new databricks.Grant(
          childName(scope.ctx.name, p.id, "usage", key),
          { ...securable, principal: p.name, privileges: parent.privileges.map(ucPrivilege).sort(), ...route },
          opts,
        ),
      );
    }
  },
};

/** The Spark securables and privileges of one principal: each object, and USAGE on its database. */
export function sparkGrants(p: Principal, ctx: EstateContext): SparkGrant[] {
  const out = new Map<string, SparkGrant>();
  const add = (g: SparkGrant) => {
    const k = JSON.stringify([g.kind, g.catalog, g.schema, g.table]);
    const prev = out.get(k);
    out.set(k, prev ? { ...prev, privileges: [...new Set([...prev.privileges, ...g.privileges])].sort() } : g);
  };
  for (const grant of p.grants) {
    // The names as the metastore stores them (lower case), as the plan's targets show them.
    const [catalog, schema, table] = grantPath(ctx, grant).object as [string, string, string];
    add({
      kind: grant.objectType as DataSourceOf<"databricks-spark">["objectType"],
      catalog,
      schema,
      table,
      privileges: [...grant.privileges].sort(),
    });
    for (const parent of grant.parents) add({ kind: "DATABASE", catalog, schema, table: null, privileges: [...parent.privileges].sort() });
  }
  return [...out.values()].sort((a, b) =>
    JSON.stringify([a.kind, a.catalog, a.schema, a.table]).localeCompare(JSON.stringify([b.kind, b.catalog, b.schema, b.table])),
  );
}

/**
 * The Databricks Spark emitter. By default each principal's grants are one `SparkTableGrants`
 * (GRANT and REVOKE naming only its group: nothing outside accessplane is revoked). With
 * `databricksSpark.authoritative`, SqlPermissions per table, view and database for the estate,
 * which revokes every grant accessplane does not make there (the plan warns and lists them).
 */
export const sparkEmitter: PlatformEmitter = {
  countFormula:
    "per policy: 1 group + 1 member per synced group and per other user + 1 workspace assignment + 1 grants resource; authoritative: 1 SqlPermissions per table and per database instead of the grants resource",
  members: groupMembers,
  principal(p, scope) {
    const g = group(p, scope);
    const assignment = workspaceAssignment(p, g, scope);
    if (scope.ctx.estate.config.databricksSpark.authoritative) return;
    track(
      scope,
      new SparkTableGrants(
        childName(scope.ctx.name, p.id, "grants"),
        { principal: p.name, grants: sparkGrants(p, scope.ctx) },
        { parent: scope.parent, dependsOn: [g, assignment] },
      ),
    );
  },
  estate(principals, scope) {
    if (!scope.ctx.estate.config.databricksSpark.authoritative) return;
    // SqlPermissions is authoritative per securable, so every principal's privileges on one object
    // are aggregated into one resource.
    const objects = new Map<string, { g: Omit<SparkGrant, "privileges">; byPrincipal: Map<string, Set<string>> }>();
    const dependsOn: pulumi.Resource[] = [];
    for (const p of principals) {
      // The groups of this stack's principals; other stacks own the rest (SqlPermissions names groups, it needs no id).
      if (scope.ctx.slice.principal(p)) {
        const g = group(p, scope);
        dependsOn.push(g, workspaceAssignment(p, g, scope));
      }
      for (const s of sparkGrants(p, scope.ctx)) {
        if (s.catalog !== "hive_metastore") {
          // The plan reports this as an error (`databricks-spark-authoritative-catalog`); never emit a grant on the wrong catalog.
          throw new Error(
            `databricks: SqlPermissions cannot address catalog \`${s.catalog}\`; help: set \`databricksSpark.authoritative: false\``,
          );
        }
        const key = JSON.stringify([s.kind, s.schema, s.table]);
        const entry = objects.get(key) ?? {
          g: { kind: s.kind, catalog: s.catalog, schema: s.schema, table: s.table },
          byPrincipal: new Map<string, Set<string>>(),
        };
        const set = entry.byPrincipal.get(p.name) ?? new Set<string>();
        s.privileges.forEach((x) => set.add(x));
        entry.byPrincipal.set(p.name, set);
        objects.set(key, entry);
      }
    }
    const assignments = (byPrincipal: Map<string, Set<string>>) =>
      [...byPrincipal].sort(([a], [b]) => a.localeCompare(b)).map(([principal, privs]) => ({ principal, privileges: [...privs].sort() }));
    const named = [...objects.values()].map((o) => ({
      ...o,
      name: childName(o.g.kind.toLowerCase(), [o.g.catalog, o.g.schema, ...(o.g.table === null ? [] : [o.g.table])].join(".")),
    }));
    for (const o of named.sort((a, b) => a.name.localeCompare(b.name))) {
      const securable = o.g.kind === "DATABASE" ? {} : o.g.kind === "VIEW" ? { view: o.g.table! } : { table: o.g.table! };
      owned(scope, "databricks-spark", o.name, () =>
        track(
          scope,
          new databricks.SqlPermissions(
            childName(scope.ctx.name, "spark", o.name),
            { database: o.g.schema, ...securable, privilegeAssignments: assignments(o.byPrincipal) },
            childOpts(scope, "databricks-spark", { dependsOn }),
          ),
        ),
      );
    }
  },
};
