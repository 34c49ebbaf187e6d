/**
 * Memberships through synced groups: the groups a cohort's principal can have as members instead of
 * each of their users, where that is exact. A group qualifies on a platform when
 * - it is a disjunct of the policy's condition (`{ group }`, or one branch of a top-level `anyOf`),
 *   so whoever the identity provider puts in it later is a subscriber too;
 * - no guardrail narrows the cohort (a guardrail admits some members of a group, not the group);
 * - it is provisioned to the platform's directory (`groups[].identities.<key>`) and the membership
 *   mode of that directory is `synced-groups` (the default);
 * - every member has the user identity the platform needs: for a member without one, the per-user
 *   path grants nothing and reports it, while the group would reach them.
 * Everyone else keeps a membership of their own, so the access is the same either way.
 */
import type { SourceLocation } from "../model/estate";
import type { Issue } from "../model/issues";
import type { Condition, Config, DataSource, Group, Policy, User } from "../model/schema";
import { ADAPTERS } from "../platforms";
import { type CaseRule, type PlatformAdapter, type SyncedGroups, foldIdentifier } from "../platforms/types";
import type { Cohort } from "../resolve/resolve";
import type { PrincipalGroup } from "./types";

/** The groups whose members a condition admits whatever else they are: its group disjuncts. */
export function groupDisjuncts(c: Condition): string[] {
  if ("group" in c) return [c.group];
  if ("anyOf" in c) return c.anyOf.flatMap(groupDisjuncts);
  if ("allOf" in c && c.allOf.length === 1) return groupDisjuncts(c.allOf[0]!);
  return [];
}

/** The synced groups of one principal, and each member's group (by user index). */
export interface SyncedMembership {
  groups: PrincipalGroup[];
  /** For each user index reached through a group: that group's id (the first in id order). */
  via: ReadonlyMap<number, string>;
}

/** A directory of synced groups some platform of the estate nests: how names are stored, and accessplane's prefixes there. */
interface Directory {
  case: CaseRule;
  /** The names accessplane's own principals start with in this directory (as stored). */
  prefixes: Set<string>;
}

/** The directories the estate's platforms can nest synced groups from, by key. */
function directories(config: Config, sources: readonly DataSource[]): Map<keyof NonNullable<Group["identities"]>, Directory> {
  const out = new Map<keyof NonNullable<Group["identities"]>, Directory>();
  const add = (a: PlatformAdapter, s: SyncedGroups | undefined) => {
    if (!s) return;
    const d = out.get(s.key) ?? { case: s.case, prefixes: new Set<string>() };
    const prefix = foldIdentifier(a.principalName("", config), s.case);
    if (prefix !== "") d.prefixes.add(prefix);
    out.set(s.key, d);
  };
  for (const a of Object.values(ADAPTERS) as PlatformAdapter[]) add(a, a.syncedGroups(config));
  for (const ds of sources) {
    const a = ADAPTERS[ds.platform] as PlatformAdapter;
    add(a, a.syncedGroups(config, ds as never));
  }
  return out;
}

/** Answers which synced groups a cohort's principal can have as members, with memos per plan. */
export class SyncedGroupIndex {
  private readonly groups: ReadonlyMap<string, Group>;
  private readonly members = new Map<string, number[]>();
  private readonly candidates = new Map<string, readonly string[]>();
  private readonly complete = new Map<string, boolean>();
  /** `key\ngroup` of groups whose identity in that directory is refused (see `issues`). */
  private readonly refused = new Set<string>();
  private readonly problems: Issue[] = [];

  constructor(
    users: readonly User[],
    groups: readonly Group[],
    private readonly policies: ReadonlyMap<string, Policy>,
    private readonly config: Config,
    sources: readonly DataSource[] = [],
    groupAt?: (id: string) => SourceLocation | undefined,
  ) {
    this.groups = new Map(groups.map((g) => [g.id, g]));
    this.check(groups, directories(config, sources), groupAt);
    users.forEach((u, i) => {
      for (const g of u.groups) {
        const list = this.members.get(g);
        if (list) list.push(i);
        else this.members.set(g, [i]);
      }
    });
  }

  /**
   * The synced groups of a principal of `cohort` on a platform whose groups are `synced` and whose
   * users are known by `identities` (by user index, as the platform stores them; `identityKey`
   * names that identity for the memo). Undefined when every member stays a membership of its own.
   */
  membership(
    cohort: Cohort,
    synced: SyncedGroups | undefined,
    identityKey: string,
    identities: readonly (string | undefined)[],
  ): SyncedMembership | undefined {
    if (!synced || this.config.membership[synced.key] === "per-user") return undefined;
    const names = this.candidatesOf(cohort);
    if (names.length === 0) return undefined;
    const groups: PrincipalGroup[] = [];
    const via = new Map<number, string>();
    for (const name of names) {
      const raw = this.groups.get(name)?.identities?.[synced.key];
      if (raw === undefined || this.refused.has(`${synced.key}\n${name}`)) continue;
      const members = this.members.get(name) ?? [];
      const k = `${name}\n${synced.key}\n${identityKey}`;
      let ok = this.complete.get(k);
      if (ok === undefined) {
        ok = members.every((u) => identities[u] !== undefined);
        this.complete.set(k, ok);
      }
      if (!ok) continue;
      groups.push({ group: name, identity: foldIdentifier(raw, synced.case) });
      for (const u of members) if (!via.has(u)) via.set(u, name);
    }
    return groups.length > 0 ? { groups, via } : undefined;
  }

  /** Problems with the groups' identities: each refused group keeps its members per user. */
  issues(): Issue[] {
    return this.problems;
  }

  // Two groups under one name in a directory are one group there: a grant to either reaches both
  // groups' members. A name with accessplane's prefix could be (or become) a policy principal.
  private check(
    groups: readonly Group[],
    dirs: ReadonlyMap<keyof NonNullable<Group["identities"]>, Directory>,
    groupAt?: (id: string) => SourceLocation | undefined,
  ): void {
    for (const [key, dir] of [...dirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const byName = new Map<string, string>();
      for (const g of [...groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        const raw = g.identities?.[key];
        if (raw === undefined) continue;
        const stored = foldIdentifier(raw, dir.case);
        const at = groupAt?.(g.id);
        const where = at
          ? { file: at.file, ...(at.line !== undefined ? { line: at.line } : {}), path: `${at.path}.identities.${key}` }
          : {};
        const first = byName.get(stored);
        if (first !== undefined) {
          this.refused.add(`${key}\n${first}`).add(`${key}\n${g.id}`);
          this.problems.push({
            severity: "error",
            code: "shared-group-identity",
            message: `groups \`${first}\` and \`${g.id}\` are both provisioned to \`${key}\` as \`${stored}\`: a policy granted to one would reach the other's members`,
            ...where,
            help: `give each group the \`${key}\` identity of its own directory group, or merge the two groups`,
          });
        } else byName.set(stored, g.id);
        const prefix = [...dir.prefixes].find((p) => stored.startsWith(p));
        if (prefix !== undefined) {
          this.refused.add(`${key}\n${g.id}`);
          this.problems.push({
            severity: "error",
            code: "synced-group-managed-name",
            message: `group \`${g.id}\` is provisioned to \`${key}\` as \`${stored}\`, which starts with \`${prefix}\`, the prefix of accessplane's own principals`,
            ...where,
            help: `fix \`identities.${key}\` of group \`${g.id}\` to the name the identity provider provisions, or change the prefix under \`naming\``,
          });
        }
      }
    }
  }

  /** The group disjuncts of an unguarded cohort's condition (sorted, distinct); none otherwise. */
  private candidatesOf(cohort: Cohort): readonly string[] {
    if (cohort.guardrails.length > 0 || cohort.downgraded) return [];
    let names = this.candidates.get(cohort.policy);
    if (!names) {
      const r = this.policies.get(cohort.policy)?.restriction;
      names = r?.level === "conditions" ? [...new Set(groupDisjuncts(r.when))].sort() : [];
      this.candidates.set(cohort.policy, names);
    }
    return names;
  }
}

/** The members of a principal who are members of their own: not reached through a synced group. */
export function directMembers<M extends { group?: string }>(p: { members: readonly M[] }): M[] {
  return p.members.filter((m) => m.group === undefined);
}
