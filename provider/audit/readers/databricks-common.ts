/**
 * What the Databricks readers (Unity Catalog and Spark) share: the workspace's groups and their
 * members through the workspace SCIM API (`/api/2.0/preview/scim/v2`, paged as RFC 7644 section
 * 3.4.2.4 says, by provider/connectors/scim.ts), principals told apart as users or groups, grants
 * merged per grantee, object and kind, and failures reported with the source's name, never a token.
 *
 * A group's `members` name each member by its SCIM `value` (id) and `$ref` (`Users/<id>`,
 * `Groups/<id>`, `ServicePrincipals/<id>`); Unity Catalog and table ACLs name principals by user
 * name (an e-mail), group display name, or service principal application id, so ids are resolved
 * through `/Users` (`userName`) and `/ServicePrincipals` (`applicationId`).
 */
import { failureIssue } from "../../connectors/catalog-common";
import type { Workspace } from "../../connectors/databricks-api";
import { listScim } from "../../connectors/scim";
import { type PullResult, SourceError } from "../../connectors/types";
import type { Platform } from "../../model/schema";
import type { Grantee, LiveGrant, LiveMembership, LiveState } from "../types";

/** The workspace SCIM API's base path. */
export const SCIM_PATH = "/api/2.0/preview/scim/v2";

/** The platforms the Databricks readers read. */
export type DatabricksPlatform = Extract<Platform, "databricks-unity-catalog" | "databricks-spark">;

/** The workspace's principals: users and service principals by name, groups, and group memberships. */
export interface WorkspaceDirectory {
  /** User names and service principal application ids. */
  users: Set<string>;
  groups: Grantee[];
  memberships: LiveMembership[];
  notes: string[];
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** Reads the workspace's users, service principals and groups (with their members). */
export async function readWorkspaceDirectory(
  ws: Workspace,
  token: string,
  platform: DatabricksPlatform,
  source: string,
): Promise<WorkspaceDirectory> {
  const l = {
    base: `${ws.host}${SCIM_PATH}`,
    token,
    pageSize: 100,
    source,
    http: ws.http,
    stats: { requests: 0, pages: 0 },
  };
  const byId = { Users: new Map<string, string>(), ServicePrincipals: new Map<string, string>(), Groups: new Map<string, string>() };
  for (const u of await listScim(l, "Users", {})) {
    const id = str(u.id);
    const name = str(u.userName);
    if (id && name) byId.Users.set(id, name);
  }
  for (const sp of await listScim(l, "ServicePrincipals", {})) {
    const id = str(sp.id);
    const name = str(sp.applicationId);
    if (id && name) byId.ServicePrincipals.set(id, name);
  }
  const groups = await listScim(l, "Groups", {});
  const listed: Grantee[] = [];
  for (const g of groups) {
    const id = str(g.id);
    const name = str(g.displayName);
    if (!id || !name) continue;
    byId.Groups.set(id, name);
    // The workspace SCIM API lists account groups assigned to the workspace as `Group` and
    // workspace-local ones as `WorkspaceGroup` (the split databrickslabs/ucx's group migration
    // reads); only an account group is what the components create (`databricks.Group`, `api: account`).
    const type = str((g.meta as Record<string, unknown> | undefined)?.resourceType);
    const level = type === "Group" ? "account" : type === "WorkspaceGroup" ? "workspace" : undefined;
    listed.push({ kind: "group", name, id, ...(level ? { level } : {}) });
  }
  let byDisplay = 0;
  /** A member by its `$ref` type, else by whichever list knows its id; its `display` as the last resort. */
  const memberOf = (m: Record<string, unknown>): Grantee | undefined => {
    const id = str(m.value) ?? "";
    const type = (str(m.$ref) ?? "").split("/")[0] ?? "";
    const order = type in byId ? [type as keyof typeof byId] : (["Users", "ServicePrincipals", "Groups"] as const);
    for (const t of order) {
      const name = byId[t].get(id);
      if (name !== undefined) return { kind: t === "Groups" ? "group" : "user", name };
    }
    const display = str(m.display);
    if (display === undefined) return undefined;
    byDisplay++;
    return { kind: type === "Groups" ? "group" : "user", name: display };
  };
  const memberships: LiveMembership[] = [];
  for (const g of groups) {
    const name = str(g.displayName);
    if (!name || !Array.isArray(g.members)) continue;
    for (const m of g.members as Record<string, unknown>[]) {
      const member = memberOf(m);
      if (member) memberships.push({ platform, parent: { kind: "group", name }, member });
    }
  }
  return {
    users: new Set([...byId.Users.values(), ...byId.ServicePrincipals.values()]),
    groups: listed,
    memberships,
    // A token that is not a workspace admin's lists users with their display name and id only.
    notes:
      byDisplay > 0
        ? [
            `${byDisplay} group member${byDisplay === 1 ? " is" : "s are"} named by display name only (not listed by /Users or /ServicePrincipals): read with a workspace admin's token to resolve them to people`,
          ]
        : [],
  };
}

/**
 * A principal as a grantee: a known user or service principal is a user, a known group a group; an
 * unknown name is a user when it looks like an e-mail address, else a group.
 */
export function granteeOf(dir: WorkspaceDirectory, principal: string): Grantee {
  if (dir.users.has(principal)) return { kind: "user", name: principal };
  if (dir.groups.some((g) => g.name === principal)) return { kind: "group", name: principal };
  return { kind: principal.includes("@") ? "user" : "group", name: principal };
}

/** Collects grants, merging the privileges of the same grantee, object and kind. */
export class GrantCollector {
  private readonly grants = new Map<string, LiveGrant>();
  constructor(private readonly platform: DatabricksPlatform) {}
  add(grantee: Grantee, object: string, privileges: readonly string[], kind: LiveGrant["kind"], path?: readonly string[]): void {
    if (privileges.length === 0) return;
    const k = `${grantee.kind}\0${grantee.name}\0${object}\0${kind}`;
    let g = this.grants.get(k);
    if (!g)
      this.grants.set(k, (g = { platform: this.platform, grantee, object, privileges: [], kind, ...(path ? { path: [...path] } : {}) }));
    for (const p of privileges) if (!g.privileges.includes(p)) g.privileges.push(p);
  }
  state(source: string, readFrom: string, now: Date, dir: WorkspaceDirectory, notes: string[]): LiveState {
    const grants = [...this.grants.values()];
    for (const g of grants) g.privileges.sort();
    return {
      platform: this.platform,
      source,
      grants,
      memberships: dir.memberships,
      principals: dir.groups,
      readFrom,
      readAt: now.toISOString(),
      notes: [...dir.notes, ...notes],
    };
  }
}

/** Runs one step of a reader; its failure is the source's SourceError (code and help kept, the source and the step named, no credential). */
export async function step<T>(source: string, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const i = failureIssue({ source }, e, `${what} failed`);
    throw new SourceError(i.code, i.message, i.help);
  }
}

/**
 * The objects an inventory pull of the source found (the scope applied): the tables whose grants
 * are read. A failed listing fails the source; an object of an unknown type is left out with a note.
 */
export function pulledObjects(pulled: PullResult, notes: string[]): NonNullable<PullResult["objects"]> {
  for (const i of pulled.issues) {
    if (i.code === "unknown-table-type") notes.push(`${i.message}: its grants were not read`);
    else if (i.severity === "error") throw new SourceError(i.code, i.message, i.help);
  }
  return pulled.objects ?? [];
}
