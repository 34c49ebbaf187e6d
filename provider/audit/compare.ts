/**
 * The comparison of live grants with the plan: every live grant and membership is either what the
 * plan materialises, or reported in exactly one section:
 * - `unmanaged`: access no policy justifies, through a principal accessplane does not manage (a
 *   hand-made role, a direct grant to a user), resolved to the people it reaches;
 * - `missing`: a planned principal that does not exist yet (what the next `pulumi up` adds);
 * - `drifted`: a planned principal that exists but whose grants or members differ from the plan, or
 *   a principal named like accessplane's (its naming prefix) that the plan no longer has;
 * - `conflicting`: a grant to a managed-looking principal from a grantor that is not accessplane's;
 * - `administrative`: ownership and administrative roles, never mixed with subscriptions.
 * Pure: the same plan and live states give the same report.
 */
import { s3DataSourceUri } from "../model/s3-locations";
import type { Config, DataSourceOf, Inventory, Platform } from "../model/schema";
import { s3PrincipalMode } from "../platforms/s3";
import { directMembers } from "../plan/synced-groups";
import type { Plan, Principal, PrincipalGrant } from "../plan/types";
import { granteeKind, nameKey, stored } from "./names";
import { ENTITLED, type Grantee, type GrantKind, type LiveState, storeObject } from "./types";

/** The report's sections, in the order they are rendered. */
export const SECTIONS = ["unmanaged", "missing", "drifted", "conflicting", "administrative"] as const;
/** A section of the report. */
export type Section = (typeof SECTIONS)[number];

/** One finding. */
export interface AuditEntry {
  section: Section;
  platform: Platform;
  /** The role, group or user the access goes through. */
  principal: Grantee;
  /** The object (or `entitlements:<data source>` for a view-based store row); absent for a membership. */
  object?: string;
  dataSource?: string;
  privileges: string[];
  /** `membership` for a member of a role or group; otherwise how the grant reaches its grantee. */
  kind: GrantKind | "membership";
  grantor?: string;
  /** The inventory users the access reaches (sorted). */
  users: string[];
  /** Platform identities it reaches that the inventory does not know (sorted): reported, never dropped. */
  unknown: string[];
  /**
   * Groups it goes through whose members neither the platform shows nor the inventory lists (a
   * Synapse Entra ID group): whom it reaches is not known. Absent when none.
   */
  unresolved?: string[];
  /** What differs, in a few words. */
  detail: string;
}

/** Where one source's grants were read from. */
export interface AuditSource {
  source: string;
  platform: Platform;
  readFrom: string;
  readAt: string;
  notes: string[];
}

/** The audit report (JSON version 1). */
export interface AuditReport {
  version: 1;
  /** The plan's instant. */
  now: string;
  sources: AuditSource[];
  /** Entries per section; the users and data sources unmanaged access reaches; entries through unresolved groups. */
  summary: Record<Section, number> & { users: number; dataSources: number; unresolved: number };
  entries: AuditEntry[];
}

/** How accessplane's grants are recognised. */
export interface ManagedMarks {
  /** Per platform, the grantor accessplane grants as (Snowflake `granted_by`); absent: grantors are not checked. */
  grantors?: Partial<Record<Platform, string>>;
}

const VIEW_BASED: ReadonlySet<Platform> = new Set(["redshift", "synapse"]);
const IDENTITY_KEY: Record<Platform, readonly string[]> = {
  snowflake: ["snowflake"],
  "databricks-unity-catalog": ["databricks"],
  "databricks-spark": ["databricks"],
  trino: ["trino"],
  redshift: ["redshift"],
  synapse: ["synapse"],
  bigquery: ["bigquery"],
  s3: ["identityCenter", "iamRole"],
};

/** The key a role's or group's name is compared by (see names.ts). */
const principalKey = (platform: Platform, name: string) => nameKey(platform, "principal", name);
/** The key a grantee is compared by: a user's as a user name, a role's or group's as a principal name. */
const granteeKey = (platform: Platform, g: Grantee) => nameKey(platform, granteeKind(g), g.name);

/**
 * True when a principal's name carries accessplane's naming prefix on its platform. A heuristic, so
 * without regard to case: a hand-made `ap_finance` beside accessplane's `AP_FINANCE` looks managed.
 */
export function looksManaged(platform: Platform, name: string, naming: Config["naming"]): boolean {
  const prefix = platform === "snowflake" ? naming.snowflakeRolePrefix : naming.groupPrefix;
  return prefix !== "" && name.toUpperCase().startsWith(prefix.toUpperCase());
}

/** The order of location keys in an object's path, over every platform. */
const LOCATION_ORDER = ["database", "catalog", "project", "bucket", "schema", "dataset", "table", "prefix", "object"];
const locationPath = (loc: Record<string, unknown>) =>
  LOCATION_ORDER.filter((k) => typeof loc[k] === "string").map((k) => loc[k] as string);
/**
 * A data source's path as its platform's reader names objects. An S3 prefix is scoped as a folder
 * (`finance` is `s3://bucket/finance/`), and the S3 reader's path is the bucket and the key of the
 * grant scope (`["bucket", "finance/"]`), so S3 data sources are keyed by the URI they cover.
 */
function dataSourcePath(ds: Inventory["dataSources"][number]): string[] {
  const uri = ds.platform === "s3" ? s3DataSourceUri(ds as DataSourceOf<"s3">)?.uri : undefined;
  if (uri === undefined) return locationPath(ds.location as Record<string, unknown>);
  const rest = uri.slice("s3://".length);
  const slash = rest.indexOf("/");
  const key = rest.slice(slash + 1);
  return key === "" ? [rest.slice(0, slash)] : [rest.slice(0, slash), key];
}
/** The key of an object's path: live parts as stored, or the inventory's (`inventory`), stored first. */
const pathKey = (platform: Platform, parts: readonly string[], inventory = false) =>
  `${platform}\0${parts.map((x) => nameKey(platform, "object", inventory ? stored(platform, "object", x) : x)).join("\0")}`;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Planned {
  platform: Platform;
  name: string;
  /** object -> privileges. */
  grants: Map<string, Set<string>>;
  dataSourceOf: Map<string, string>;
  /** Members of their own (a user reached through a synced group is not one). */
  members: Set<string>;
  users: Map<string, string>;
  /** Normalised identity -> the identity as the plan writes it. */
  shown: Map<string, string>;
  /** Synced groups that are members: normalised name -> the name as the plan writes it, and the users it reaches. */
  groups: Map<string, { shown: string; users: string[] }>;
}

/**
 * True when the plan materialises a grant as one grant per member's own identity, with no live role
 * or group behind it: BigQuery (one IAM binding per managed view listing the members) and S3 in the
 * IAM role modes or with Identity Center user grantees (see provider/pulumi/emitters).
 */
function grantsPerMember(p: Principal, g: PrincipalGrant, inventory: Inventory, config: Config): boolean {
  if (p.platform === "bigquery") return true;
  if (p.platform !== "s3") return false;
  const ds = inventory.dataSources.find((d) => d.id === g.dataSource && d.platform === "s3") as DataSourceOf<"s3"> | undefined;
  return s3PrincipalMode(config, ds) !== "identity-center" || config.s3.identityCenterGrantee === "user";
}

/** What one member's identity should hold on one object, when granted per member. */
interface MemberWant {
  want: Set<string>;
  principal: string;
  users: string[];
  shown: string;
  dataSource: string;
}

/** Planned per-member grants: platform and normalised identity -> object -> what it should hold. */
function plannedPerMember(plan: Plan, inventory: Inventory, config: Config): Map<string, Map<string, MemberWant>> {
  const out = new Map<string, Map<string, MemberWant>>();
  for (const p of plan.principals)
    for (const g of p.grants) {
      if (!grantsPerMember(p, g, inventory, config)) continue;
      for (const m of directMembers(p)) {
        const k = `${p.platform}\0${nameKey(p.platform, "user", m.identity)}`;
        let objs = out.get(k);
        if (!objs) out.set(k, (objs = new Map()));
        let w = objs.get(g.object);
        if (!w)
          objs.set(g.object, (w = { want: new Set(), principal: p.name, users: [m.user], shown: m.identity, dataSource: g.dataSource }));
        for (const x of g.privileges) w.want.add(x);
      }
    }
  return out;
}

/**
 * True when a principal's synced groups are grantees of their own on each object rather than members
 * of a live role or group: BigQuery (a `group:` member of each view's binding) and S3 (a
 * DIRECTORY_GROUP grant per object: directory groups do not nest). See provider/pulumi/emitters.
 */
const groupsGrantedPerObject = (p: Principal) => p.platform === "bigquery" || p.platform === "s3";

/** The users a principal reaches through one of its synced groups. */
const reachedThrough = (p: Principal, group: string) => p.members.filter((m) => m.group === group).map((m) => m.user);

/** Planned grants to synced groups as grantees of their own: platform and normalised group -> object -> what it should hold. */
function plannedPerGroup(plan: Plan): Map<string, Map<string, MemberWant>> {
  const out = new Map<string, Map<string, MemberWant>>();
  for (const p of plan.principals) {
    if (!p.groups || !groupsGrantedPerObject(p)) continue;
    for (const s of p.groups)
      for (const g of p.grants) {
        const k = `${p.platform}\0${principalKey(p.platform, s.identity)}`;
        let objs = out.get(k);
        if (!objs) out.set(k, (objs = new Map()));
        let w = objs.get(g.object);
        if (!w)
          objs.set(
            g.object,
            (w = { want: new Set(), principal: p.name, users: reachedThrough(p, s.group), shown: s.identity, dataSource: g.dataSource }),
          );
        for (const x of g.privileges) w.want.add(x);
      }
  }
  return out;
}

/** The grants and members each planned principal should have, by platform and normalised name. */
function plannedPrincipals(plan: Plan, inventory: Inventory, config: Config): Map<string, Planned> {
  const out = new Map<string, Planned>();
  for (const p of plan.principals) {
    // A principal all of whose grants go to each member is no live role or group: see plannedPerMember.
    if (p.grants.length > 0 && p.grants.every((g) => grantsPerMember(p, g, inventory, config))) continue;
    // Everyone reached through synced groups granted on each object: the components create no principal.
    if (p.groups && groupsGrantedPerObject(p) && directMembers(p).length === 0) continue;
    const k = `${p.platform}\0${principalKey(p.platform, p.name)}`;
    let e = out.get(k);
    if (!e)
      out.set(
        k,
        (e = {
          platform: p.platform,
          name: p.name,
          grants: new Map(),
          dataSourceOf: new Map(),
          members: new Set(),
          users: new Map(),
          shown: new Map(),
          groups: new Map(),
        }),
      );
    const add = (object: string, privileges: readonly string[], ds?: string) => {
      let s = e!.grants.get(object);
      if (!s) e!.grants.set(object, (s = new Set()));
      for (const x of privileges) s.add(x);
      if (ds !== undefined) e!.dataSourceOf.set(object, ds);
    };
    for (const g of p.grants) {
      if (grantsPerMember(p, g, inventory, config)) continue;
      if (VIEW_BASED.has(p.platform)) add(storeObject(g.dataSource), [ENTITLED], g.dataSource);
      else {
        add(g.object, g.privileges, g.dataSource);
        for (const par of g.parents) add(par.object, par.privileges);
      }
    }
    for (const m of directMembers(p)) {
      const id = nameKey(p.platform, "user", m.identity);
      e.members.add(id);
      e.users.set(id, m.user);
      e.shown.set(id, m.identity);
    }
    if (!groupsGrantedPerObject(p))
      for (const s of p.groups ?? [])
        e.groups.set(principalKey(p.platform, s.identity), { shown: s.identity, users: reachedThrough(p, s.group) });
  }
  return out;
}

/** Platform identity (its key, see names.ts) -> inventory user id, per platform. */
function identityIndex(inventory: Inventory, plan: Plan): Map<Platform, Map<string, string>> {
  const out = new Map<Platform, Map<string, string>>();
  const put = (p: Platform, identity: string, user: string) => {
    let m = out.get(p);
    if (!m) out.set(p, (m = new Map()));
    m.set(nameKey(p, "user", identity), user);
  };
  // The inventory writes identities as people type them; the plan's members are stored already.
  for (const p of Object.keys(IDENTITY_KEY) as Platform[])
    for (const u of inventory.users)
      for (const k of IDENTITY_KEY[p]) {
        const v = (u.identities as Record<string, string | undefined>)[k];
        if (v !== undefined) put(p, stored(p, "user", v), u.id);
      }
  for (const pr of plan.principals) for (const m of pr.members) put(pr.platform, m.identity, m.user);
  return out;
}

/** Whom a grantee reaches: platform identities (by key), inventory users, and unresolved groups. */
interface Reach {
  ids: string[];
  /** Inventory users reached through an opaque group the inventory lists. */
  users: string[];
  /** Opaque groups reached that the inventory does not list: their people are not known. */
  unresolved: string[];
}

/** Inventory group (its key as a principal name on `platform`) -> the ids of its users. */
function inventoryGroups(inventory: Inventory, platform: Platform): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of inventory.groups) out.set(principalKey(platform, stored(platform, "principal", g.id)), []);
  for (const u of inventory.users) for (const g of u.groups) out.get(principalKey(platform, stored(platform, "principal", g)))?.push(u.id);
  return out;
}

/**
 * The people a grantee reaches through memberships, nested at any depth: by the key of their
 * platform identity, with each key's name as the platform shows it (for users the inventory does
 * not know). An opaque group (`LiveState.opaqueGroups`) reaches the users of the inventory's group
 * of that name, else it is unresolved.
 */
function expander(state: LiveState, inventory: Inventory) {
  const key = (g: Grantee) => `${g.kind === "user" ? "u" : "p"}:${granteeKey(state.platform, g)}`;
  const membersOf = new Map<string, Grantee[]>();
  const shown = new Map<string, string>();
  for (const m of state.memberships) {
    const k = key(m.parent);
    let l = membersOf.get(k);
    if (!l) membersOf.set(k, (l = []));
    l.push(m.member);
  }
  const opaque = new Set((state.opaqueGroups ?? []).map((g) => principalKey(state.platform, g)));
  const listed = opaque.size > 0 ? inventoryGroups(inventory, state.platform) : new Map<string, string[]>();
  const memo = new Map<string, Reach>();
  const none: Reach = { ids: [], users: [], unresolved: [] };
  const expand = (g: Grantee, onPath: Set<string>): Reach => {
    if (g.kind === "user") {
      const id = granteeKey(state.platform, g);
      if (!shown.has(id)) shown.set(id, g.name);
      return { ids: [id], users: [], unresolved: [] };
    }
    const k = key(g);
    const hit = memo.get(k);
    if (hit) return hit;
    if (onPath.has(k)) return none;
    onPath.add(k);
    const ids = new Set<string>();
    const users = new Set<string>();
    const unresolved = new Set<string>();
    const name = granteeKey(state.platform, g);
    if (g.kind === "group" && opaque.has(name)) {
      const inv = listed.get(name);
      if (inv) for (const u of inv) users.add(u);
      else unresolved.add(g.name);
    }
    for (const m of membersOf.get(k) ?? []) {
      const r = expand(m, onPath);
      for (const x of r.ids) ids.add(x);
      for (const x of r.users) users.add(x);
      for (const x of r.unresolved) unresolved.add(x);
    }
    onPath.delete(k);
    const r = { ids: [...ids].sort(cmp), users: [...users].sort(cmp), unresolved: [...unresolved].sort(cmp) };
    memo.set(k, r);
    return r;
  };
  return { expand: (g: Grantee) => expand(g, new Set()), shown: (id: string) => shown.get(id) ?? id };
}

/**
 * Compares live states with the plan. Only platforms with a live state are compared: a planned
 * principal on a platform that was not read is neither missing nor drifted.
 */
export function compareWithPlan(
  plan: Plan,
  inventory: Inventory,
  config: Config,
  states: readonly LiveState[],
  marks: ManagedMarks = {},
): AuditReport {
  const planned = plannedPrincipals(plan, inventory, config);
  const perMember = plannedPerMember(plan, inventory, config);
  const perGroup = plannedPerGroup(plan);
  const sharedRoles = new Map(inventory.sharedRoles.map((r) => [nameKey("s3", "principal", r.arn), r.members]));
  const identities = identityIndex(inventory, plan);
  const entries: AuditEntry[] = [];
  const objectDs = new Map<string, string>();
  for (const p of plan.principals) for (const g of p.grants) objectDs.set(`${p.platform}\0${g.object}`, g.dataSource);
  const pathDs = new Map<string, string>();
  for (const ds of inventory.dataSources) pathDs.set(pathKey(ds.platform, dataSourcePath(ds), true), ds.id);

  for (const state of states) {
    const { platform } = state;
    const { expand, shown } = expander(state, inventory);
    const known = identities.get(platform) ?? new Map<string, string>();
    const people = (g: Grantee): Pick<AuditEntry, "users" | "unknown" | "unresolved"> => {
      const users = new Set<string>();
      const unknown = new Set<string>();
      // A share reaches the accounts it is shared with, whose people no inventory lists.
      if (g.kind === "share") return { users: [], unknown: [`share ${g.name}`] };
      // An S3 IAM role is the identity of the users whose own role it is, and of a shared role's members.
      if (platform === "s3" && g.kind === "role") {
        const u = known.get(granteeKey(platform, g));
        const users = [...(u !== undefined ? [u] : []), ...(sharedRoles.get(granteeKey(platform, g)) ?? [])];
        if (users.length > 0) return { users: [...new Set(users)].sort(cmp), unknown: [] };
        return { users: [], unknown: [g.name] };
      }
      const reach = g.kind !== "user" && g.name.toUpperCase() === "PUBLIC" ? { ids: ["PUBLIC"], users: [], unresolved: [] } : expand(g);
      for (const id of reach.ids) {
        const u = known.get(id);
        if (u !== undefined) users.add(u);
        else unknown.add(shown(id));
      }
      for (const u of reach.users) users.add(u);
      return {
        users: [...users].sort(cmp),
        unknown: [...unknown].sort(cmp),
        ...(reach.unresolved.length > 0 ? { unresolved: reach.unresolved } : {}),
      };
    };
    const foreignGrantor = (grantor: string | undefined) => {
      const ours = marks.grantors?.[platform];
      return (
        ours !== undefined &&
        grantor !== undefined &&
        principalKey(platform, grantor) !== principalKey(platform, stored(platform, "principal", ours))
      );
    };
    const existing = new Set<string>((state.principals ?? []).map((g) => principalKey(platform, g.name)));
    const seen = new Map<string, Map<string, Set<string>>>();
    const seenMembers = new Map<string, Set<string>>();
    const memberHas = new Map<string, Set<string>>();
    const groupHas = new Map<string, Set<string>>();
    const seenGroups = new Map<string, Set<string>>();

    for (const g of state.grants) {
      const name = granteeKey(platform, g.grantee);
      const dataSource =
        g.dataSource ?? objectDs.get(`${platform}\0${g.object}`) ?? (g.path ? pathDs.get(pathKey(platform, g.path)) : undefined);
      const base = {
        platform,
        principal: g.grantee,
        object: g.object,
        ...(dataSource !== undefined ? { dataSource } : {}),
        privileges: [...g.privileges].sort(cmp),
        kind: g.kind,
        ...(g.grantor !== undefined ? { grantor: g.grantor } : {}),
      };
      if (g.kind === "ownership" || g.kind === "admin") {
        entries.push({
          ...base,
          section: "administrative",
          ...people(g.grantee),
          detail: g.kind === "ownership" ? "owner" : "administrative privilege",
        });
        continue;
      }
      const p = g.grantee.kind === "user" ? undefined : planned.get(`${platform}\0${name}`);
      // Granted to a member's own identity, or to a synced group on the object itself (by its
      // directory id where the reader knows it), as the plan materialises it on this platform.
      const gk = g.grantee.kind === "group" ? principalKey(platform, g.grantee.id ?? g.grantee.name) : undefined;
      const own =
        p !== undefined
          ? undefined
          : gk !== undefined
            ? { id: gk, want: perGroup.get(`${platform}\0${gk}`)?.get(g.object), has: groupHas }
            : { id: name, want: perMember.get(`${platform}\0${name}`)?.get(g.object), has: memberHas };
      if (own?.want) {
        const k = `${own.id}\0${g.object}`;
        let s = own.has.get(k);
        if (!s) own.has.set(k, (s = new Set()));
        for (const x of g.privileges) s.add(x);
        const extra = g.privileges.filter((x) => !own.want!.want.has(x)).sort(cmp);
        if (extra.length > 0)
          entries.push({ ...base, privileges: extra, section: "drifted", ...people(g.grantee), detail: "granted, not in the plan" });
        continue;
      }
      const managedLooking = g.grantee.kind !== "user" && looksManaged(platform, g.grantee.name, config.naming);
      if (p || managedLooking) {
        existing.add(name);
        if (foreignGrantor(g.grantor)) {
          entries.push({
            ...base,
            section: "conflicting",
            ...people(g.grantee),
            detail: `granted by \`${g.grantor}\`, not by accessplane`,
          });
          continue;
        }
      }
      if (p) {
        let objs = seen.get(name);
        if (!objs) seen.set(name, (objs = new Map()));
        let s = objs.get(g.object);
        if (!s) objs.set(g.object, (s = new Set()));
        for (const x of g.privileges) s.add(x);
        const want = p.grants.get(g.object);
        const extra = g.privileges.filter((x) => !want?.has(x)).sort(cmp);
        if (extra.length > 0)
          entries.push({ ...base, privileges: extra, section: "drifted", ...people(g.grantee), detail: "granted, not in the plan" });
        continue;
      }
      if (managedLooking) {
        entries.push({ ...base, section: "drifted", ...people(g.grantee), detail: "principal named like accessplane's, not in the plan" });
        continue;
      }
      entries.push({
        ...base,
        section: "unmanaged",
        ...people(g.grantee),
        detail: g.grantee.kind === "user" ? "granted directly to a user" : `through \`${g.grantee.name}\``,
      });
    }

    for (const m of state.memberships) {
      const name = principalKey(platform, m.parent.name);
      const p = planned.get(`${platform}\0${name}`);
      const managedLooking = looksManaged(platform, m.parent.name, config.naming);
      if (!p && !managedLooking) continue;
      existing.add(name);
      let s = seenMembers.get(name);
      if (!s) seenMembers.set(name, (s = new Set()));
      const member = granteeKey(platform, m.member);
      if (m.member.kind === "user") s.add(member);
      // A synced group the plan makes a member: the identity provider manages who is in it.
      if (p && m.member.kind !== "user" && p.groups.has(member)) {
        let sg = seenGroups.get(name);
        if (!sg) seenGroups.set(name, (sg = new Set()));
        sg.add(member);
        continue;
      }
      if (!p || m.member.kind !== "user" || !p.members.has(member)) {
        const reach = people(m.member);
        entries.push({
          section: "drifted",
          platform,
          principal: m.parent,
          privileges: [],
          kind: "membership",
          ...reach,
          detail: p
            ? `member \`${m.member.name}\` added outside the plan`
            : `member \`${m.member.name}\` of a principal named like accessplane's, not in the plan`,
        });
      }
    }

    for (const p of planned.values()) {
      if (p.platform !== platform) continue;
      const name = principalKey(platform, p.name);
      const present = existing.has(name);
      const section: Section = present ? "drifted" : "missing";
      const principal: Grantee = { kind: platform === "snowflake" || platform === "trino" ? "role" : "group", name: p.name };
      const members = [...p.members].sort(cmp);
      const users = [...new Set(members.map((m) => p.users.get(m)!))].sort(cmp);
      const got = seen.get(name);
      for (const [object, want] of [...p.grants].sort(([a], [b]) => cmp(a, b))) {
        const have = got?.get(object);
        const absent = [...want].filter((x) => !have?.has(x)).sort(cmp);
        if (absent.length === 0) continue;
        const ds = p.dataSourceOf.get(object);
        entries.push({
          section,
          platform,
          principal,
          object,
          ...(ds !== undefined ? { dataSource: ds } : {}),
          privileges: absent,
          kind: "direct",
          users,
          unknown: [],
          detail: present ? "in the plan, not granted" : "principal not created yet",
        });
      }
      // Members of their own, then synced groups, the plan has and the principal lacks.
      const live = seenMembers.get(name);
      const liveGroups = seenGroups.get(name);
      const absentMembers = [
        ...members.filter((m) => !live?.has(m)).map((m) => ({ what: `member \`${p.shown.get(m)}\``, users: [p.users.get(m)!] })),
        ...[...p.groups]
          .sort(([a], [b]) => cmp(a, b))
          .filter(([k]) => !liveGroups?.has(k))
          .map(([, g]) => ({ what: `synced group \`${g.shown}\``, users: [...g.users].sort(cmp) })),
      ];
      for (const a of absentMembers) {
        entries.push({
          section,
          platform,
          principal,
          privileges: [],
          kind: "membership",
          users: a.users,
          unknown: [],
          detail: present ? `${a.what} in the plan, not a member` : `${a.what} of a principal not created yet`,
        });
      }
    }

    for (const [k, objs, has] of [
      ...[...perMember].map(([k, o]) => [k, o, memberHas] as const),
      ...[...perGroup].map(([k, o]) => [k, o, groupHas] as const),
    ]) {
      if (!k.startsWith(`${platform}\0`)) continue;
      const id = k.slice(platform.length + 1);
      for (const [object, w] of [...objs].sort(([a], [b]) => cmp(a, b))) {
        const have = has.get(`${id}\0${object}`);
        // One S3 grant carries one access level, and READWRITE covers READ.
        const absent = [...w.want].filter((x) => !have?.has(x) && !(platform === "s3" && x === "READ" && have?.has("READWRITE"))).sort(cmp);
        if (absent.length === 0) continue;
        entries.push({
          section: "missing",
          platform,
          principal: { kind: "group", name: w.principal },
          object,
          dataSource: w.dataSource,
          privileges: absent,
          kind: "direct",
          users: w.users,
          unknown: [],
          detail: `in the plan, not granted to \`${w.shown}\``,
        });
      }
    }
  }

  entries.sort(entryOrder);
  const summary = { unmanaged: 0, missing: 0, drifted: 0, conflicting: 0, administrative: 0, users: 0, dataSources: 0, unresolved: 0 };
  const users = new Set<string>();
  const dataSources = new Set<string>();
  for (const e of entries) {
    summary[e.section]++;
    if (e.unresolved) summary.unresolved++;
    if (e.section === "unmanaged") {
      for (const u of e.users) users.add(u);
      if (e.dataSource) dataSources.add(e.dataSource);
    }
  }
  summary.users = users.size;
  summary.dataSources = dataSources.size;
  return {
    version: 1,
    now: plan.now,
    sources: states.map((s) => ({ source: s.source, platform: s.platform, readFrom: s.readFrom, readAt: s.readAt, notes: s.notes ?? [] })),
    summary,
    entries,
  };
}

const SECTION_RANK = new Map<string, number>(SECTIONS.map((s, i) => [s, i]));

/** Section, platform, principal, object, then detail: a stable order for every renderer. */
function entryOrder(a: AuditEntry, b: AuditEntry): number {
  return (
    SECTION_RANK.get(a.section)! - SECTION_RANK.get(b.section)! ||
    cmp(a.platform, b.platform) ||
    cmp(a.principal.name, b.principal.name) ||
    cmp(a.principal.kind, b.principal.kind) ||
    cmp(a.object ?? "", b.object ?? "") ||
    cmp(a.detail, b.detail) ||
    cmp(a.privileges.join(","), b.privileges.join(","))
  );
}
