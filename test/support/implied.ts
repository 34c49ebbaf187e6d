/**
 * Decodes captured Pulumi resources back into effective access: who holds which privileges on which
 * data source, as the platforms would enforce them. Written from the resources alone (names of
 * objects and identities), independently of the plan.
 */
import type { CapturedResource } from "../../provider/pulumi/capture";
import type { Estate } from "../../provider/model/estate";
import type { DataSourceOf } from "../../provider/model/schema";
import { ADAPTERS } from "../../provider/platforms";
import { type CaseRule, type PlatformAdapter, foldIdentifier, foldLocation } from "../../provider/platforms/types";
import { s3GrantOf } from "../../provider/pulumi/emitters/s3";
import type { TrinoRulesDocument } from "../../provider/platforms/sql/trino-rules";
import { allowed } from "../sql/trino-rules-oracle";

const plain = (o: string) =>
  (o.match(/"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[(?:[^\]]|\]\])*\]|[^."`[\]]+/g) ?? [o])
    .map((p) => (/^["`[]/.test(p) ? p.slice(1, -1) : p))
    .join(".");

/** `user\u0000dataSource` -> sorted privileges. */
export type Implied = Map<string, string[]>;

/** The effective access the resources implement, per (user, data source). */
export function impliedAccess(resources: CapturedResource[], estate: Estate): Implied {
  const out: Implied = new Map();
  const add = (user: string, ds: string, privs: string[], merge: (a: readonly string[], b: readonly string[]) => readonly string[]) => {
    const k = `${user}\u0000${ds}`;
    out.set(k, [...merge(out.get(k) ?? [], privs)].sort());
  };
  const { users } = estate.inventory;
  // Resources carry names as the platforms store them: compare with the inventory's names folded alike.
  const dataSources = estate.inventory.dataSources.map((d) => ({
    ...d,
    location: foldLocation(d.location, (ADAPTERS[d.platform] as PlatformAdapter).identifierCase.objects),
  })) as typeof estate.inventory.dataSources;
  type Key = Exclude<keyof (typeof users)[number]["identities"], "github">;
  const userRule: Record<Key, CaseRule> = {
    snowflake: ADAPTERS.snowflake.identifierCase.users,
    databricks: ADAPTERS["databricks-unity-catalog"].identifierCase.users,
    trino: ADAPTERS.trino.identifierCase.users,
    redshift: ADAPTERS.redshift.identifierCase.users,
    synapse: ADAPTERS.synapse.identifierCase.users,
    bigquery: ADAPTERS.bigquery.identifierCase.users,
    identityCenter: ADAPTERS.s3.identifierCase.users,
    iamRole: ADAPTERS.s3.identifierCase.users,
  };
  const byIdentity = (key: Key, value: string) =>
    users.filter((u) => u.identities[key] !== undefined && foldIdentifier(u.identities[key], userRule[key]) === value).map((u) => u.id);
  // A synced group reaches the inventory's members of every group provisioned under that name who
  // have an account on the platform: the identity provider keeps the platform's membership equal to
  // the inventory's (as of the inventory), and a user the platform has no account for is in no group.
  type GroupKey = keyof NonNullable<(typeof estate.inventory.groups)[number]["identities"]>;
  const groupRule: Record<GroupKey, CaseRule> = {
    snowflake: "upper",
    databricks: "exact",
    identityCenter: "verbatim",
    trino: "exact",
    bigquery: "verbatim",
  };
  const syncedGroupIds = (key: GroupKey, value: string) =>
    estate.inventory.groups
      .filter((g) => g.identities?.[key] !== undefined && foldIdentifier(g.identities[key], groupRule[key]) === value)
      .map((g) => g.id);
  const bySyncedGroup = (key: GroupKey, value: string) => {
    const ids = new Set(syncedGroupIds(key, value));
    return users.filter((u) => u.identities[key] !== undefined && u.groups.some((g) => ids.has(g))).map((u) => u.id);
  };
  const byType = (t: string) => resources.filter((r) => r.type === t);
  const objectOf = new Map<string, string>();
  for (const d of estate.inventory.dataSources)
    objectOf.set(`${d.platform}:${plain((ADAPTERS[d.platform] as PlatformAdapter).target(d as never, estate.config).object)}`, d.id);
  const merge = (p: string) => (ADAPTERS as Record<string, PlatformAdapter>)[p]!.merge;

  // Snowflake: role grants x role members.
  const sfMembers = new Map<string, string[]>();
  for (const r of byType("snowflake:index/grantAccountRole:GrantAccountRole")) {
    const list = sfMembers.get(r.inputs.roleName as string) ?? [];
    // To a user, or to a synced group's role (whose holders are the group's members).
    if (r.inputs.userName !== undefined) list.push(...byIdentity("snowflake", r.inputs.userName as string));
    else list.push(...bySyncedGroup("snowflake", r.inputs.parentRoleName as string));
    sfMembers.set(r.inputs.roleName as string, list);
  }
  for (const r of byType("snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole")) {
    const on = r.inputs.onSchemaObject as { objectName: string } | undefined;
    if (!on) continue;
    const ds = objectOf.get(`snowflake:${plain(on.objectName)}`)!;
    for (const u of sfMembers.get(r.inputs.accountRoleName as string) ?? [])
      add(u, ds, r.inputs.privileges as string[], merge("snowflake"));
  }

  // Databricks: account-level group members (by group resource id) x Unity Catalog grants / Spark
  // table ACLs. Groups must be account groups (UC refuses workspace-local ones); Spark grants only
  // reach groups assigned to the workspace, and a table privilege only counts with USAGE on its database.
  const groupName = new Map<string, string>();
  for (const r of byType("databricks:index/group:Group")) {
    if (r.inputs.api !== "account") continue;
    // The capture gives a group the id a lookup by its name returns: `group:<displayName>`.
    groupName.set(`group:${r.inputs.displayName as string}`, r.inputs.displayName as string);
  }
  const dbMembers = new Map<string, string[]>();
  for (const r of byType("databricks:index/groupMember:GroupMember")) {
    const g = groupName.get(r.inputs.groupId as string);
    if (!g || r.inputs.api !== "account") continue;
    const list = dbMembers.get(g) ?? [];
    const member = String(r.inputs.memberId);
    // The capture's lookups name users `user:<name>` and synced account groups `group:<name>`.
    list.push(
      ...(member.startsWith("group:")
        ? bySyncedGroup("databricks", member.slice("group:".length))
        : byIdentity("databricks", member.replace(/^user:/, ""))),
    );
    dbMembers.set(g, list);
  }
  const inWorkspace = new Set<string>();
  for (const r of [
    ...byType("databricks:index/mwsPermissionAssignment:MwsPermissionAssignment"),
    ...byType("databricks:index/permissionAssignment:PermissionAssignment"),
  ]) {
    const g = groupName.get(r.inputs.principalId as string);
    if (g && JSON.stringify(r.inputs.permissions) === JSON.stringify(["USER"])) inWorkspace.add(g);
  }
  for (const r of byType("databricks:index/grant:Grant")) {
    if (!r.inputs.table) continue;
    const ds = objectOf.get(`databricks-unity-catalog:${r.inputs.table as string}`)!;
    for (const u of dbMembers.get(r.inputs.principal as string) ?? [])
      add(
        u,
        ds,
        (r.inputs.privileges as string[]).map((p) => p.replace(/_/g, " ")),
        merge("databricks-unity-catalog"),
      );
  }
  const sparkSource = (catalog: string, schema: string, table: string) =>
    dataSources.find(
      (d) =>
        d.platform === "databricks-spark" && d.location.catalog === catalog && d.location.schema === schema && d.location.table === table,
    )!;
  type SparkGrantIn = { kind: string; catalog: string; schema: string; table: string | null; privileges: string[] };
  const sparkApply = (principal: string, grants: SparkGrantIn[]) => {
    if (!inWorkspace.has(principal)) return;
    const usage = new Set(
      grants.filter((g) => g.kind === "DATABASE" && g.privileges.includes("USAGE")).map((g) => `${g.catalog}.${g.schema}`),
    );
    for (const g of grants) {
      if (g.kind === "DATABASE" || !usage.has(`${g.catalog}.${g.schema}`)) continue;
      const ds = sparkSource(g.catalog, g.schema, g.table!);
      for (const u of dbMembers.get(principal) ?? []) add(u, ds.id, g.privileges, merge("databricks-spark"));
    }
  };
  for (const r of byType("pulumi-nodejs:dynamic/accessplane:SparkTableGrants"))
    sparkApply(r.inputs.principal as string, r.inputs.grants as SparkGrantIn[]);
  // SqlPermissions (authoritative mode) addresses the default catalog, which must be hive_metastore.
  const sqlPerms = new Map<string, SparkGrantIn[]>();
  for (const r of byType("databricks:index/sqlPermissions:SqlPermissions")) {
    const kind = r.inputs.table ? "TABLE" : r.inputs.view ? "VIEW" : "DATABASE";
    const table = (r.inputs.table ?? r.inputs.view ?? null) as string | null;
    for (const a of r.inputs.privilegeAssignments as { principal: string; privileges: string[] }[]) {
      const list = sqlPerms.get(a.principal) ?? [];
      list.push({ kind, catalog: "hive_metastore", schema: r.inputs.database as string, table, privileges: a.privileges });
      sqlPerms.set(a.principal, list);
    }
  }
  for (const [principal, grants] of sqlPerms) sparkApply(principal, grants);

  // BigQuery: IAM on the managed view.
  for (const r of byType("gcp:bigquery/iamBinding:IamBinding")) {
    const ds = dataSources.find(
      (d) =>
        d.platform === "bigquery" &&
        `${d.location.dataset}${estate.config.viewBased.bigqueryDatasetSuffix}` === r.inputs.datasetId &&
        d.location.table === r.inputs.tableId,
    )!;
    for (const m of r.inputs.members as string[])
      for (const u of new Set([...byIdentity("bigquery", m), ...bySyncedGroup("bigquery", m)]))
        add(u, ds.id, ["SELECT"], merge("bigquery"));
  }

  // S3 Access Grants: by grantee type.
  const idcGroupMembers = new Map<string, string[]>();
  for (const r of byType("aws:identitystore/groupMembership:GroupMembership")) {
    const list = idcGroupMembers.get(r.inputs.groupId as string) ?? [];
    list.push(...byIdentity("identityCenter", r.inputs.memberId as string));
    idcGroupMembers.set(r.inputs.groupId as string, list);
  }
  const s3Sources = dataSources.filter((d): d is DataSourceOf<"s3"> => d.platform === "s3");
  const sharedMembers = new Map(estate.inventory.sharedRoles.map((r) => [r.arn, r.members]));
  for (const r of byType("aws:s3control/accessGrant:AccessGrant")) {
    const sub = (r.inputs.accessGrantsLocationConfiguration as { s3SubPrefix: string }).s3SubPrefix;
    const ds = s3Sources.find((d) => {
      const grant = s3GrantOf(d, estate.config);
      return grant?.s3SubPrefix === sub && grant.location.id === r.inputs.accessGrantsLocationId;
    })!;
    const g = r.inputs.grantee as { granteeType: string; granteeIdentifier: string };
    const who =
      g.granteeType === "DIRECTORY_GROUP"
        ? (idcGroupMembers.get(g.granteeIdentifier) ?? bySyncedGroup("identityCenter", g.granteeIdentifier))
        : g.granteeType === "DIRECTORY_USER"
          ? byIdentity("identityCenter", g.granteeIdentifier)
          : // An IAM role grant reaches everyone who can assume the role.
            [...new Set([...byIdentity("iamRole", g.granteeIdentifier), ...(sharedMembers.get(g.granteeIdentifier) ?? [])])];
    for (const u of who) add(u, ds.id, [r.inputs.permission as string], merge("s3"));
  }
  // Redshift and Synapse: entitlement rows (members x data sources) read through the managed views.
  for (const r of byType("pulumi-nodejs:dynamic/accessplane:PolicyEntitlements")) {
    const platform = r.inputs.dialect as "redshift" | "synapse";
    for (const m of r.inputs.members as string[])
      for (const ds of r.inputs.dataSources as string[]) for (const u of byIdentity(platform, m)) add(u, ds, ["SELECT"], merge(platform));
  }

  // Trino (SQL mode): role members x native table privileges, reported in Trino's own terms.
  for (const r of byType("pulumi-nodejs:dynamic/accessplane:TrinoRoleGrants")) {
    for (const g of r.inputs.grants as { catalog: string; schema: string; table: string; privileges: string[] }[]) {
      const ds = dataSources.find(
        (d) => d.platform === "trino" && d.location.catalog === g.catalog && d.location.schema === g.schema && d.location.table === g.table,
      )!;
      for (const m of r.inputs.members as string[])
        for (const u of byIdentity("trino", m)) add(u, ds.id, g.privileges, (a, b) => [...new Set([...a, ...b])]);
    }
  }

  // Trino (file mode): each user's table privileges under the rules document, first match as Trino
  // reads it, with the synced groups the user is in.
  for (const r of byType("pulumi-nodejs:dynamic/accessplane:TrinoAccessRules")) {
    const doc = r.inputs.document as TrinoRulesDocument;
    for (const u of users) {
      if (u.identities.trino === undefined) continue;
      const groups = estate.inventory.groups
        .filter((g) => u.groups.includes(g.id) && g.identities?.trino !== undefined)
        .map((g) => foldIdentifier(g.identities!.trino!, groupRule.trino));
      const who = { user: foldIdentifier(u.identities.trino, userRule.trino), groups };
      for (const d of dataSources) {
        if (d.platform !== "trino") continue;
        const privs = TRINO_ACTIONS.filter((a) => allowed(doc, who, d.location, a));
        if (privs.length > 0) add(u.id, d.id, privs, (a, b) => [...new Set([...a, ...b])]);
      }
    }
  }
  return out;
}

/** The table privileges of Trino's file-based access control. */
const TRINO_ACTIONS = ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] as const;
