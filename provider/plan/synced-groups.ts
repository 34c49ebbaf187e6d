/**
 * Memberships through synced groups: the groups a cohort's principal can have as members instead of
 * each of their users, where that is exact. A group qualifies on a platform when
 * - being its member alone satisfies everything the cohort's members satisfy: the policy's audience
 *   and every guardrail that shaped the cohort (`{ group }`, a branch of an `anyOf`, both sides of
 *   an `allOf` naming it; any group for `anyone`), so whoever the identity provider puts in it later
 *   is a subscriber too. Approvals, named users and a write guardrail's downgrade never qualify;
 * - it is provisioned to the platform's directory (`groups[].identities.<key>`) and the membership
 *   mode of that directory is `synced-groups` (the default);
 * A member without the platform's user identity is not in the platform's copy of the group: the
 * group reaches them once the identity provider provisions them there, as it reaches anyone it adds
 * to the group later, and the plan reports them (`missing-identity`) as the per-user path does.
 * Where every group qualifies (`anyone`, under guardrails that are `anyone` too) the principal takes
 * a greedy cover of its members by groups rather than every group. Everyone else keeps a membership
 * of their own, so the access is the same either way.
 */
import type { SourceLocation } from "../model/estate";
import type { Issue } from "../model/issues";
import { matches, walkConditions } from "../model/policy";
import type { Condition, Config, DataSource, Group, Policy, User } from "../model/schema";
import { ADAPTERS } from "../platforms";
import { type CaseRule, type PlatformAdapter, type SyncedGroups, foldIdentifier } from "../platforms/types";
import type { Cohort } from "../resolve/resolve";
import type { PrincipalGroup } from "./types";

/** Every group a condition names, in order of appearance. */
function namedGroups(c: Condition): string[] {
  const out: string[] = [];
  walkConditions(c, [], (x) => {
    if ("group" in x) out.push(x.group);
  });
  return out;
}

/**
 * What being a member of group `g`, and nothing else, satisfies: conditions only ever admit more
 * users as users gain groups and attributes, so `g` alone satisfying a condition means every
 * member of `g` satisfies it, whoever they are.
 */
export const impliedBy = (c: Condition, g: string): boolean => matches(c, { groups: [g], attributes: {} });

/**
 * The groups whose members a cohort admits whatever else they are: `"any"` when every group
 * qualifies (`anyone`, with guardrails that admit anyone), else the groups named that satisfy the
 * policy's audience and every guardrail that shaped the cohort (sorted, distinct).
 */
export function qualifyingGroups(
  cohort: Pick<Cohort, "policy" | "guardrails" | "downgraded">,
  policies: ReadonlyMap<string, Policy>,
): "any" | string[] {
  // A downgraded cohort is the members who fail a write guardrail: no membership implies failing.
  if (cohort.downgraded) return [];
  const audiences: Condition[] = [];
  for (const name of [cohort.policy, ...cohort.guardrails]) {
    const r = policies.get(name)?.restriction;
    if (r?.level === "conditions") audiences.push(r.when);
    else if (r?.level !== "anyone") return []; // approvals and named users: a membership implies neither
  }
  if (audiences.length === 0) return "any";
  return [...new Set(audiences.flatMap(namedGroups))].filter((g) => audiences.every((c) => impliedBy(c, g))).sort();
}

/**
 * Groups that cover users greedily: each step takes the group reaching the most users not yet
 * reached (the first in the given order on a tie) while it reaches more than `cost`, the resources
 * a group costs where each user it reaches would cost one (1 where groups nest: a membership of a
 * group costs what one user's own membership costs). Returns the chosen groups, sorted.
 * Gains only fall as users are reached, so a group whose stale gain is still the largest is taken
 * without recounting the others (lazy greedy).
 */
export function greedyCover(groups: readonly string[], membersOf: (g: string) => readonly number[], cost = 1): string[] {
  const reached = new Set<number>();
  const gainOf = (g: string) => {
    let n = 0;
    for (const u of membersOf(g)) if (!reached.has(u)) n++;
    return n;
  };
  // Candidates by stale gain, largest first, then in the given order.
  const queue = groups.map((g, order) => ({ g, order, gain: membersOf(g).length }));
  const before = (a: (typeof queue)[number], b: (typeof queue)[number]) => b.gain - a.gain || a.order - b.order;
  queue.sort(before);
  const chosen: string[] = [];
  while (queue.length > 0 && queue[0]!.gain > cost) {
    const top = queue.shift()!;
    top.gain = gainOf(top.g);
    const next = queue[0];
    if (next && before(top, next) > 0) {
      // Stale: put it back where its fresh gain belongs.
      let at = 0;
      while (at < queue.length && before(queue[at]!, top) < 0) at++;
      queue.splice(at, 0, top);
      continue;
    }
    if (top.gain <= cost) break;
    chosen.push(top.g);
    for (const u of membersOf(top.g)) reached.add(u);
  }
  return chosen.sort();
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
  private readonly candidates = new Map<string, "any" | readonly string[]>();
  /** Every group id, sorted. */
  private readonly allGroups: readonly string[];
  /** The cover of all users by usable groups, per directory and identity (see `greedyCover`). */
  private readonly covers = new Map<string, readonly string[]>();
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
    this.allGroups = [...this.groups.keys()].sort();
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
   * names that identity for the memo), holding `grants` grants. Undefined when every member stays a
   * membership of its own.
   */
  membership(
    cohort: Cohort,
    synced: SyncedGroups | undefined,
    identityKey: string,
    identities: readonly (string | undefined)[],
    grants: number,
  ): SyncedMembership | undefined {
    if (!synced || this.config.membership[synced.key] === "per-user") return undefined;
    const names = this.candidatesOf(cohort);
    if (names !== "any" && names.length === 0) return undefined;
    const usable = (name: string): boolean =>
      this.groups.get(name)?.identities?.[synced.key] !== undefined && !this.refused.has(`${synced.key}\n${name}`);
    let chosen: readonly string[];
    if (names === "any") {
      // Every member of the estate is a subscriber: any usable group is exact, and a cover is enough.
      const cost = synced.granteePerGrant ? grants : 1;
      const k = `${synced.key}\n${identityKey}\n${cost}`;
      let cover = this.covers.get(k);
      if (!cover) {
        // Only members with an account on the platform count towards a group's gain.
        const present = (g: string) => this.membersOf(g).filter((u) => identities[u] !== undefined);
        cover = greedyCover(this.allGroups.filter(usable), present, cost);
        this.covers.set(k, cover);
      }
      chosen = cover;
    } else chosen = names.filter(usable);
    if (chosen.length === 0) return undefined;
    const groups: PrincipalGroup[] = [];
    const via = new Map<number, string>();
    for (const name of chosen) {
      groups.push({ group: name, identity: foldIdentifier(this.groups.get(name)!.identities![synced.key]!, synced.case) });
      for (const u of this.membersOf(name)) if (!via.has(u)) via.set(u, name);
    }
    return { groups, via };
  }

  private membersOf(group: string): readonly number[] {
    return this.members.get(group) ?? [];
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

  /** The groups that qualify for a cohort's principal (memoised per cohort key). */
  private candidatesOf(cohort: Cohort): "any" | readonly string[] {
    let names = this.candidates.get(cohort.key);
    if (!names) {
      names = qualifyingGroups(cohort, this.policies);
      this.candidates.set(cohort.key, names);
    }
    return names;
  }
}

/** The members of a principal who are members of their own: not reached through a synced group. */
export function directMembers<M extends { group?: string }>(p: { members: readonly M[] }): M[] {
  return p.members.filter((m) => m.group === undefined);
}
