/**
 * Cohorts → principals: one principal per (cohort, platform, identity kind), with its members and
 * grants, and each member's share of the access table in index form. Collects the table warnings and
 * the members lacking the identity a platform needs, and turns them into issues.
 */
import type { Issue } from "../model/issues";
import type { Config, DataSource, Identities, Platform, Policy, User } from "../model/schema";
import { ADAPTERS } from "../platforms";
import { type CaseRule, type Note, foldIdentifier } from "../platforms/types";
import type { Cohort } from "../resolve/resolve";
import type { Holdings } from "./holdings";
import type { PrivilegeTables } from "./privileges";
import type { SyncedGroupIndex } from "./synced-groups";
import type { Principal, PrincipalGrant, PrincipalMember } from "./types";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The data sources of one table warning: they share its policy, code, platform, object type, reason and help. */
interface NoteGroup {
  policy: string;
  code: Note["code"];
  platform: string;
  objectType: string;
  /** The note's message with the data source's name replaced by "each data source". */
  reason: string;
  help: string;
  /** The first source's own note: the message when the group has one source. */
  single: Note;
  dataSources: Set<string>;
}

/** Members without the identity a platform needs: one per (platform, identity kind, user). */
interface MissingIdentity {
  user: string;
  platform: string;
  key: keyof Identities;
  dataSources: Set<string>;
  /** Synced groups that reach the user once the identity provider provisions them there. */
  groups: Set<string>;
}

/**
 * What one principal grants, with what it needs: the bound adapter of its first source and its grants,
 * and in index form the data-source indexes (ascending: cohorts list data sources sorted by id), each
 * one's interned privilege list and whether it is write access.
 */
interface PrincipalBucket {
  readonly merge: (x: number, y: number) => number;
  readonly policy: number;
  readonly d: number[];
  readonly priv: number[];
  readonly write: boolean[];
  readonly ds: DataSource;
  readonly key: keyof Identities;
  readonly grants: PrincipalGrant[];
}

/** Users and data sources by their index in the plan (both sorted by id). */
export interface PlanIndex {
  users: readonly User[];
  userIndex: ReadonlyMap<string, number>;
  sourceIndex: ReadonlyMap<string, number>;
}

/** Expands cohorts into principals and holdings over one plan's tables. */
export class CohortExpander {
  private readonly notes = new Map<string, NoteGroup>();
  private readonly missing = new Map<string, MissingIdentity>();
  private readonly folded = new Map<string, readonly (string | undefined)[]>();

  constructor(
    private readonly index: PlanIndex,
    private readonly tables: PrivilegeTables,
    private readonly config: Config,
    private readonly synced?: SyncedGroupIndex,
  ) {}

  /**
   * Adds one cohort's buckets, and their holdings by its members, to `holdings`. An active cohort
   * (`principals` given) also records its principals, warnings and missing identities; a staged one
   * only what it would grant. `policy` is the policy's index in the plan's sorted names.
   */
  expand(cohort: Cohort, policy: number, holdings: Holdings, principals?: Principal[]): void {
    const { tables } = this;
    const byPrincipal = new Map<string, PrincipalBucket>();
    for (const ds of cohort.dataSources) {
      const b = tables.bound(ds);
      const p = cohort.downgraded ? tables.downgraded(ds) : tables.privileges(ds, cohort.access);
      if (principals && p.notes.length > 0)
        for (const n of tables.ownNotes(ds, cohort.downgraded ? "write" : cohort.access)) this.note(cohort.policy, ds, n);
      if (p.privileges.length === 0) continue;
      const idKey = b.identityKey();
      const pk = `${ds.platform}|${idKey}`;
      let pr = byPrincipal.get(pk);
      if (!pr) {
        pr = { merge: tables.lists.merger(b.adapter), key: idKey, grants: [], ds, policy, d: [], priv: [], write: [] };
        byPrincipal.set(pk, pr);
      }
      const t = tables.target(ds);
      pr.grants.push({
        dataSource: ds.id,
        objectType: ds.objectType,
        kind: t.kind,
        object: t.object,
        privileges: [...p.privileges],
        parents: t.parents.map((x) => ({ kind: x.kind, object: x.object, privileges: [...x.privileges] })),
        extras: b.extras(p.privileges),
      });
      pr.d.push(this.index.sourceIndex.get(ds.id)!);
      pr.priv.push(tables.lists.intern(p.privileges));
      pr.write.push(cohort.access === "write" && !sameSet(p.privileges, tables.privileges(ds, "read").privileges));
    }
    if (byPrincipal.size === 0) return;
    // Members by user index and expiry, once per cohort rather than once per principal.
    const memberIndex = cohort.members.map((sub) => this.index.userIndex.get(sub.user)!);
    const memberExp = cohort.members.map((sub) => (sub.expiresAt === undefined ? Infinity : Date.parse(sub.expiresAt)));
    for (const pr of byPrincipal.values()) {
      const b = tables.bound(pr.ds);
      const identities = this.identities(pr.key, b.identifierCase.users);
      // Only active cohorts have principals: a staged one grants nothing through any group.
      const synced = principals
        ? this.synced?.membership(cohort, b.syncedGroups(), `${pr.key}|${b.identifierCase.users}`, identities, pr.grants.length)
        : undefined;
      const members: PrincipalMember[] = [];
      const bucket = holdings.bucket(pr.policy, pr.merge, pr.d, pr.priv, pr.write);
      for (let m = 0; m < cohort.members.length; m++) {
        const sub = cohort.members[m]!;
        const u = memberIndex[m]!;
        const identity = identities[u];
        const group = sub.expiresAt === undefined ? synced?.via.get(u) : undefined;
        if (!identity) {
          if (principals) this.lacks(sub.user, pr, group);
          continue;
        }
        members.push(
          sub.expiresAt !== undefined
            ? { user: sub.user, identity, expiresAt: sub.expiresAt }
            : group !== undefined
              ? { user: sub.user, identity, group }
              : { user: sub.user, identity },
        );
        holdings.add(u, bucket, memberExp[m]!);
      }
      if (!principals) continue;
      // A cohort reaching one platform through two identity kinds (an S3 data source overriding the
      // principal mode) has two principals: the non-default one carries its identity kind in its id.
      principals.push({
        id: `${pr.ds.platform}:${cohort.key}${pr.key === b.defaultIdentityKey() ? "" : `#${pr.key}`}`,
        platform: pr.ds.platform,
        policy: cohort.policy,
        cohort: cohort.key,
        access: cohort.access,
        guardrails: cohort.guardrails,
        name: b.adapter.principalName(cohort.key, this.config),
        members,
        ...(synced ? { groups: synced.groups } : {}),
        grants: pr.grants,
      });
    }
  }

  /**
   * Each user's `key` identity as a platform under `rule` stores it (e.g. Snowflake's `alice` is user
   * `ALICE`), by user index; empty where the user has none. Folded once per user, not per membership.
   */
  private identities(key: keyof Identities, rule: CaseRule): readonly (string | undefined)[] {
    const k = `${key}|${rule}`;
    let folded = this.folded.get(k);
    if (!folded) {
      folded = this.index.users.map((user) => {
        const raw = user.identities[key];
        return raw && foldIdentifier(raw, rule);
      });
      this.folded.set(k, folded);
    }
    return folded;
  }

  // Warnings from the tables, one per (policy, code, platform, object type, reason, help), listing
  // every data source. Table rows are memoised per table key, so their notes name whichever data
  // source filled the row: each source's own notes are asked for again (only where a row has notes).
  private note(policy: string, ds: DataSource, n: Note): void {
    // The reason without the data source's name, so that sources sharing it share one warning.
    const name = `\`${ds.id}\``;
    const reason = n.message.split(name).join("each data source");
    const help = n.help.split(name).join("each data source");
    const k = [policy, n.code, ds.platform, ds.objectType, reason, help].join("\n");
    const g = this.notes.get(k);
    if (g) g.dataSources.add(ds.id);
    else
      this.notes.set(k, {
        policy,
        code: n.code,
        platform: ds.platform,
        objectType: ds.objectType,
        reason,
        help,
        single: n,
        dataSources: new Set([ds.id]),
      });
  }

  private lacks(user: string, pr: PrincipalBucket, group: string | undefined): void {
    const mk = `${pr.ds.platform}|${pr.key}|${user}`;
    const m = this.missing.get(mk) ?? {
      user,
      platform: pr.ds.platform,
      key: pr.key,
      dataSources: new Set<string>(),
      groups: new Set<string>(),
    };
    for (const g of pr.grants) m.dataSources.add(g.dataSource);
    if (group !== undefined) m.groups.add(group);
    this.missing.set(mk, m);
  }

  /** The table warnings collected so far, one per group of data sources. */
  noteIssues(policies: ReadonlyMap<string, Policy>): Issue[] {
    const issues: Issue[] = [];
    for (const g of this.notes.values()) {
      const p = policies.get(g.policy);
      const list = [...g.dataSources].sort(cmp);
      const title = ADAPTERS[g.platform as Platform]?.title ?? g.platform;
      issues.push({
        severity: "warning",
        code: g.code,
        message:
          list.length === 1
            ? `policy \`${g.policy}\`: ${g.single.message}`
            : `policy \`${g.policy}\`: ${g.reason} (${list.length} ${title} \`${g.objectType}\` data sources)`,
        ...(p ? { file: p.file, path: "dataSources" } : {}),
        help: list.length === 1 ? g.single.help : g.help,
        dataSources: list,
      });
    }
    return issues;
  }

  /**
   * One rule on every platform: a user who would be granted access but cannot be is an error,
   * unless the configuration says to skip such users (`identities.onMissing: skip`).
   */
  missingIssues(userAt: (user: string) => { file: string; line?: number; path: string } | undefined): Issue[] {
    const skip = this.config.identities.onMissing === "skip";
    const issues: Issue[] = [];
    for (const m of this.missing.values()) {
      const list = [...m.dataSources].sort();
      const at = userAt(m.user);
      const groups = [...m.groups].sort(cmp);
      // A synced group granted the principal reaches them whenever the platform has their account
      // (the identity provider provisions the group's members), without a deploy: say so.
      const later =
        groups.length === 0
          ? ""
          : `; synced group${groups.length > 1 ? "s" : ""} ${groups.map((g) => `\`${g}\``).join(", ")} reach${groups.length > 1 ? "" : "es"} them there whenever the platform has their account`;
      issues.push({
        severity: skip ? "warning" : "error",
        code: "missing-identity",
        message: `user \`${m.user}\` is subscribed to ${list.length} ${m.platform} data source${list.length > 1 ? "s" : ""} (\`${list[0]}\`${list.length > 1 ? ", …" : ""}) but has no \`${m.key}\` identity, so nothing is granted there${later}`,
        ...(at ? { file: at.file, ...(at.line !== undefined ? { line: at.line } : {}), path: `${at.path}.identities` } : {}),
        help: skip
          ? `add \`identities.${m.key}\` to user \`${m.user}\` in the inventory to grant the access`
          : `add \`identities.${m.key}\` to user \`${m.user}\` in the inventory, or set \`identities: { onMissing: skip }\` in the configuration to leave such users out with a warning`,
        dataSources: list,
      });
    }
    return issues;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
