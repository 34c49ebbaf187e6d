/**
 * What the SQL readers share: a set of live grants merged by grantee, object, kind and grantor
 * (privileges collected, then sorted), and the rows of the entitlements store accessplane writes
 * for view-based platforms (`memberships(policy_key, user_name)` and
 * `policy_objects(policy_key, data_source)`, see provider/platforms/sql/views.ts), each row one
 * ENTITLED grant or one membership of the policy principal its `policy_key` names.
 */
import { SourceError } from "../../connectors/types";
import type { Platform } from "../../model/schema";
import { ENTITLED, type Grantee, type LiveGrant, type LiveMembership, type LiveState, storeObject } from "../types";

/** Grants merged by grantee, object, kind and grantor. */
export interface GrantSet {
  /** Names an object (quoted as the plan names it) and remembers its unquoted path. */
  object(parts: string[], quote: (parts: readonly string[]) => string): string;
  add(grantee: Grantee, object: string, privilege: string, kind: LiveGrant["kind"], grantor?: string, dataSource?: string): void;
  /** The grants, privileges sorted. */
  list(): LiveGrant[];
}

/** An empty grant set of one platform. */
export function grantSet(platform: Platform): GrantSet {
  const grants = new Map<string, LiveGrant>();
  const paths = new Map<string, string[]>();
  return {
    object(parts, quote) {
      const o = quote(parts);
      paths.set(o, parts);
      return o;
    },
    add(grantee, obj, privilege, kind, grantor, dataSource) {
      const k = `${grantee.kind}\0${grantee.name}\0${obj}\0${kind}\0${grantor ?? ""}`;
      let g = grants.get(k);
      const path = paths.get(obj);
      if (!g)
        grants.set(
          k,
          (g = {
            platform,
            grantee,
            object: obj,
            privileges: [],
            kind,
            ...(grantor !== undefined ? { grantor } : {}),
            ...(dataSource !== undefined ? { dataSource } : {}),
            ...(path ? { path } : {}),
          }),
        );
      if (!g.privileges.includes(privilege)) g.privileges.push(privilege);
    },
    list() {
      for (const g of grants.values()) g.privileges.sort();
      return [...grants.values()];
    },
  };
}

/**
 * Adds the entitlements store's rows: each membership row makes a user a member of the policy
 * principal (a group named by its key), each policy-objects row grants that group ENTITLED on the
 * data source's store key. Returns the policy principals the rows name, which therefore exist.
 */
export function addStoreRows(
  platform: Platform,
  rows: { memberships: Record<string, unknown>[]; policyObjects: Record<string, unknown>[] },
  grants: GrantSet,
  memberships: LiveMembership[],
): Grantee[] {
  const keys = new Set<string>();
  for (const r of rows.memberships) {
    keys.add(String(r.policy_key));
    memberships.push({
      platform,
      parent: { kind: "group", name: String(r.policy_key) },
      member: { kind: "user", name: String(r.user_name) },
    });
  }
  for (const r of rows.policyObjects) {
    const ds = String(r.data_source);
    keys.add(String(r.policy_key));
    grants.add({ kind: "group", name: String(r.policy_key) }, storeObject(ds), ENTITLED, "direct", undefined, ds);
  }
  return [...keys].map((name) => ({ kind: "group" as const, name }));
}

/**
 * The SourceError of a failed read, naming the source and what was read: the connector's own
 * SourceError keeps its code and help (it names a host or a driver code, never a credential);
 * anything else is reported by its error name only.
 */
export function readFailure(source: string, what: string, e: unknown, help: string): SourceError {
  if (e instanceof SourceError)
    return new SourceError(e.code, `source \`${source}\`: reading ${what} failed: ${e.message}`, e.help ?? help);
  return new SourceError("source-bad-response", `source \`${source}\`: reading ${what} failed (${(e as Error)?.name ?? "error"})`, help);
}

/** A reader's live state: the grants of `grants` (a set, or grants already listed), notes only when there are some. */
export function liveState(
  platform: Platform,
  source: string,
  grants: GrantSet | LiveGrant[],
  rest: {
    memberships: LiveMembership[];
    principals: Grantee[];
    readFrom: string;
    now: Date | undefined;
    notes?: string[];
    opaqueGroups?: string[];
  },
): LiveState {
  return {
    platform,
    source,
    grants: Array.isArray(grants) ? grants : grants.list(),
    memberships: rest.memberships,
    principals: rest.principals,
    readFrom: rest.readFrom,
    readAt: (rest.now ?? new Date()).toISOString(),
    ...(rest.notes && rest.notes.length > 0 ? { notes: rest.notes } : {}),
    ...(rest.opaqueGroups && rest.opaqueGroups.length > 0 ? { opaqueGroups: rest.opaqueGroups } : {}),
  };
}
