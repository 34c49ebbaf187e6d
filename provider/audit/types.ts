/**
 * Live grants: what a platform grants today, read by one reader per platform, in one shape, so that
 * one comparison with the plan serves every platform. Readers only read; nothing here revokes.
 */
import type { Platform } from "../model/schema";

/** Who a grant is to, as the platform names them: a share reaches other accounts, not people. */
export interface Grantee {
  kind: "user" | "role" | "group" | "share";
  name: string;
  /** The platform's own id of a listed principal, when the reader knows it (an Identity Center group's `GroupId`, a Databricks group's SCIM `id`). */
  id?: string;
  /**
   * Where a listed Databricks group lives, from its SCIM `meta.resourceType`: `account` (`Group`, an
   * account group assigned to the workspace) or `workspace` (`WorkspaceGroup`, a workspace-local group).
   */
  level?: "account" | "workspace";
}

/**
 * How a grant reaches its grantee: `direct` (granted on the object), `inherited` (from a parent
 * securable), `future` (a grant on objects not yet created), `ownership` (the owner), `admin`
 * (an administrative role or privilege: ACCOUNTADMIN, metastore admin, superuser).
 */
export type GrantKind = "direct" | "inherited" | "future" | "ownership" | "admin";

/** One live grant. */
export interface LiveGrant {
  platform: Platform;
  grantee: Grantee;
  /** The object as the plan names it for this platform (e.g. `"DB"."S"."T"`), or a store key (see `storeObject`). */
  object: string;
  /** Upper case, sorted. */
  privileges: string[];
  /** Who granted it, where the platform records it. */
  grantor?: string;
  kind: GrantKind;
  /** The data source the object is, when the reader knows it. */
  dataSource?: string;
  /** The object's location parts, unquoted (database, schema, table...): matched with the inventory's locations. */
  path?: string[];
}

/** A member of a role or group: a user, or a nested role or group. */
export interface LiveMembership {
  platform: Platform;
  member: Grantee;
  parent: Grantee;
}

/** What one reader read from one source. */
export interface LiveState {
  platform: Platform;
  /** The source's name (`--source`). */
  source: string;
  grants: LiveGrant[];
  memberships: LiveMembership[];
  /**
   * The roles and groups that exist, when the reader lists them: a planned principal that exists
   * differs from the plan as *drift*; one that does not is *missing* (the next `pulumi up` adds it).
   */
  principals?: Grantee[];
  /**
   * Groups whose members the platform does not show (Synapse: Microsoft Entra ID groups, created
   * `FROM EXTERNAL PROVIDER`): the comparison resolves them through the inventory's group of that
   * name, else reports the access through them as through an unresolved group.
   */
  opaqueGroups?: string[];
  /** Where the grants were read from, e.g. `SHOW GRANTS` or `ACCOUNT_USAGE.GRANTS_TO_ROLES (up to 2 h late)`. */
  readFrom: string;
  /** When they were read (ISO 8601). */
  readAt: string;
  notes?: string[];
}

/** The privilege a row of a view-based entitlements store stands for: the plan's grants of that data source. */
export const ENTITLED = "ENTITLED";

/**
 * The object key of a data source in a view-based entitlements store (Redshift, Synapse,
 * PostgreSQL): its rows name data sources, never objects.
 */
export const storeObject = (dataSource: string) => `entitlements:${dataSource}`;
