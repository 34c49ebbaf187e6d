/**
 * Stack layouts: which stacks (family x shard) keep every stack under a resource limit, their
 * names, the stacks a change touches, and the GitHub Actions matrix that runs them. Pure: it works
 * on the platform and shard key of each resource as the components register them under mocks, or,
 * for a recorded layout, on the principal changes between two plans.
 */
import type { Estate } from "../model/estate";
import type { Platform } from "../model/schema";
import { principalChanges } from "../plan/diff";
import type { Plan } from "../plan/types";
import { PLATFORMS, STACK_FAMILIES, type StackCounts } from "../model/schema";
import { memberKey, type Part, principalKey, shardOf, type Slice } from "./slice";

/**
 * The platforms one stack family deploys together. Each platform is a family of its own except
 * Databricks: a cohort's account group, with its members, serves both its Unity Catalog and its
 * Spark principal (account group names are unique in the account), so the stacks that own it must
 * take both platforms; apart, each would create the same group.
 */
export interface Family {
  name: string;
  platforms: Platform[];
}

/** The stack families, in platform order. */
export const FAMILIES: readonly Family[] = STACK_FAMILIES.map((name) => ({
  name,
  platforms: name === "databricks" ? ["databricks-unity-catalog", "databricks-spark"] : [name],
}));

/** The family a platform's resources are deployed with. */
export function familyOf(platform: Platform): Family {
  return FAMILIES.find((f) => f.platforms.includes(platform))!;
}

/** A registered resource as layouts see it: platform, shard key, identity and a digest of its inputs. */
export interface KeyedResource {
  platform: Platform;
  key: string;
  type: string;
  name: string;
  /** Anything that changes when the resource's inputs change (e.g. their JSON). */
  digest: string;
  /** A per-user membership a `members` stack can own: its key there. */
  member?: string;
}

/** One stack of a layout. */
export interface StackSpec {
  /** `<family>[-<part>]` when that is one stack, else `<family>[-<part>]-<index>-of-<count>`. */
  name: string;
  /** The family's name: a platform, or `databricks` for both Databricks platforms. */
  family: string;
  platforms: Platform[];
  shard: { count: number; index: number };
  /** For a family split in two: `principals` (applied first) or `members`. */
  part?: Part;
  resources: number;
}

/** A stack as recorded counts name it, without its resources (nothing registered). */
export type StackRef = Omit<StackSpec, "resources">;

/** The stacks of an estate under a resource limit. */
export interface StackLayout {
  maxResources: number;
  stacks: StackSpec[];
  /** Stacks above the limit: a single object, principal or user larger than it, or a recorded count the estate outgrew. */
  over: string[];
  /** With recorded counts: the families that have resources but no recorded counts (laid out afresh). */
  unrecorded: string[];
}

/** GitHub Actions caps a matrix at 256 jobs. */
export const MATRIX_CAP = 256;

/** The name of the stack deploying one shard of a family (a family's or a platform's name), or of one part of it. */
export function stackName(family: string, count: number, index: number, part?: Part): string {
  const stem = part ? `${family}-${part}` : family;
  return count === 1 ? stem : `${stem}-${index}-of-${count}`;
}

/**
 * The slice a stack name stands for (the inverse of `stackName`): a family's name (`databricks`:
 * both Databricks platforms) or a single platform's; undefined for other names.
 */
export function sliceOfStack(name: string): Slice | undefined {
  const m = /^(.+?)(?:-(principals|members))?(?:-(\d+)-of-(\d+))?$/.exec(name);
  const stem = m?.[1];
  const platforms =
    FAMILIES.find((f) => f.name === stem)?.platforms ??
    ((PLATFORMS as readonly string[]).includes(stem ?? "") ? [stem as Platform] : undefined);
  if (!m || !platforms) return undefined;
  const part = m[2] === undefined ? {} : { part: m[2] as Part };
  if (m[3] === undefined) return { platforms: [...platforms], ...part };
  const index = Number(m[3]);
  const count = Number(m[4]);
  if (!(count >= 1 && index < count)) return undefined;
  return { platforms: [...platforms], shard: { count, index }, ...part };
}

const sizes = (keys: ReadonlyMap<string, number>, count: number) => {
  const out = new Array<number>(count).fill(0);
  for (const [k, n] of keys) out[shardOf(k, count)]! += n;
  return out;
};

/**
 * The fewest shards of a set of keys (key -> resources) that keep every shard at or under `max`:
 * counts from the lower bound up, 5% at a time, to 8 times it; when no count does (a key alone
 * exceeds `max`), the count that minimises the largest shard.
 */
function shards(keys: ReadonlyMap<string, number>, max: number): { count: number; sizes: number[] } {
  let total = 0;
  for (const n of keys.values()) total += n;
  const lower = Math.max(1, Math.ceil(total / max));
  let best = { count: lower, sizes: sizes(keys, lower) };
  for (let count = lower; count <= lower * 8 && Math.max(...best.sizes) > max; count = Math.max(count + 1, Math.ceil(count * 1.05))) {
    const s = sizes(keys, count);
    if (Math.max(...s) < Math.max(...best.sizes)) best = { count, sizes: s };
  }
  return best;
}

const tally = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

/**
 * The stacks of an estate: each family with its `recorded` counts when it has them, else few
 * shards that keep every stack at or under `maxResources` (`shards`). A family with a principal
 * too large for one stack is split in two when that lowers its largest stack: `principals` stacks
 * (sharded by principal, without the per-user memberships a `members` stack can own) and `members`
 * stacks (those memberships, sharded by user). Stacks over the limit are listed in `over`.
 */
export function layout(
  resources: readonly KeyedResource[],
  maxResources: number,
  recorded: Partial<Record<string, StackCounts>> = {},
): StackLayout {
  const byFamily = new Map<string, { whole: Map<string, number>; principals: Map<string, number>; members: Map<string, number> }>();
  for (const r of resources) {
    const family = familyOf(r.platform).name;
    let f = byFamily.get(family);
    if (!f) byFamily.set(family, (f = { whole: new Map(), principals: new Map(), members: new Map() }));
    tally(f.whole, r.key);
    if (r.member === undefined) tally(f.principals, r.key);
    else tally(f.members, r.member);
  }
  const stacks: StackSpec[] = [];
  const over: string[] = [];
  const add = (family: Family, count: number, sizes: number[], part?: Part) =>
    sizes.forEach((n, index) => {
      const name = stackName(family.name, count, index, part);
      stacks.push({
        name,
        family: family.name,
        platforms: [...family.platforms],
        shard: { count, index },
        ...(part ? { part } : {}),
        resources: n,
      });
      if (n > maxResources) over.push(name);
    });
  const unrecorded: string[] = [];
  for (const family of FAMILIES) {
    const f = byFamily.get(family.name);
    const counts = recorded[family.name];
    if (counts !== undefined) {
      // The recorded counts hold whatever the estate's size: stack names stay put.
      if (typeof counts === "number") add(family, counts, sizes(f?.whole ?? new Map(), counts));
      else {
        add(family, counts.principals, sizes(f?.principals ?? new Map(), counts.principals), "principals");
        add(family, counts.members, sizes(f?.members ?? new Map(), counts.members), "members");
      }
      continue;
    }
    if (!f) continue;
    if (Object.keys(recorded).length > 0) unrecorded.push(family.name);
    const whole = shards(f.whole, maxResources);
    const largest = Math.max(...whole.sizes);
    if (largest > maxResources && f.members.size > 0) {
      const principals = shards(f.principals, maxResources);
      const members = shards(f.members, maxResources);
      if (Math.max(...principals.sizes, ...members.sizes) < largest) {
        add(family, principals.count, principals.sizes, "principals");
        add(family, members.count, members.sizes, "members");
        continue;
      }
    }
    add(family, whole.count, whole.sizes);
  }
  return { maxResources, stacks, over, unrecorded };
}

/** The counts a layout records (`stacks.layout` in accessplane.yaml), family by family. */
export function recordedCounts(l: StackLayout): Record<string, StackCounts> {
  const out: Record<string, StackCounts> = {};
  for (const s of l.stacks) {
    if (s.part === undefined) out[s.family] = s.shard.count;
    else {
      const prev = out[s.family];
      const counts = typeof prev === "object" ? prev : { principals: 1, members: 1 };
      out[s.family] = { ...counts, [s.part]: s.shard.count };
    }
  }
  return out;
}

/** The stacks of `layout` whose resources differ between two registrations (added, removed or changed inputs). */
export function changedStacks(l: StackLayout, base: readonly KeyedResource[], head: readonly KeyedResource[]): StackSpec[] {
  const digest = (rs: readonly KeyedResource[]) => new Map(rs.map((r) => [`${r.type}::${r.name}`, r]));
  const b = digest(base);
  const h = digest(head);
  const touched = new Set<string>();
  // Shard counts by family and part ("" for a family that is not split).
  const count = new Map(l.stacks.map((s) => [`${s.family}/${s.part ?? ""}`, s.shard.count]));
  const mark = (r: KeyedResource) => {
    const family = familyOf(r.platform).name;
    if (count.has(`${family}/principals`)) {
      const part: Part = r.member === undefined ? "principals" : "members";
      const n = count.get(`${family}/${part}`) ?? 1;
      touched.add(stackName(family, n, shardOf(r.member ?? r.key, n), part));
    } else {
      const n = count.get(`${family}/`) ?? 1;
      touched.add(stackName(family, n, shardOf(r.key, n)));
    }
  };
  for (const [k, r] of h) if (b.get(k)?.digest !== r.digest) mark(r);
  for (const [k, r] of b) if (!h.has(k)) mark(r);
  return l.stacks.filter((s) => touched.has(s.name));
}

/** One job of the matrix: the stacks it runs, space-separated. */
export interface MatrixJob {
  job: string;
  stacks: string;
}

/**
 * A GitHub Actions `strategy.matrix` running `stacks`: one job per stack, or, past the 256-job cap,
 * the stacks grouped round-robin into 256 jobs that run their stacks one after another.
 */
export function matrix(stacks: readonly Pick<StackSpec, "name">[], cap = MATRIX_CAP): { include: MatrixJob[] } {
  if (stacks.length <= cap) return { include: stacks.map((s) => ({ job: s.name, stacks: s.name })) };
  const groups: string[][] = Array.from({ length: cap }, () => []);
  stacks.forEach((s, i) => groups[i % cap]!.push(s.name));
  return { include: groups.map((g, i) => ({ job: `group-${i + 1}-of-${cap}`, stacks: g.join(" ") })) };
}

/** The stacks recorded counts stand for, with no resource counts (nothing registered). */
export function recordedStacks(counts: Partial<Record<string, StackCounts>>): StackRef[] {
  const out: StackRef[] = [];
  const add = (family: Family, count: number, part?: Part) => {
    for (let index = 0; index < count; index++)
      out.push({
        name: stackName(family.name, count, index, part),
        family: family.name,
        platforms: [...family.platforms],
        shard: { count, index },
        ...(part ? { part } : {}),
      });
  };
  for (const family of FAMILIES) {
    const c = counts[family.name];
    if (c === undefined) continue;
    if (typeof c === "number") add(family, c);
    else {
      add(family, c.principals, "principals");
      add(family, c.members, "members");
    }
  }
  return out;
}

/** What a change did to a principal, as far as stacks go: its names (old and new) and the users whose memberships changed. */
export interface PrincipalTouch {
  platform: Platform;
  /** The principal's names: the head's, and the base's when it was renamed. */
  names: string[];
  /** Users whose memberships of their own were added or removed. */
  users: string[];
  /**
   * Whether the principal's own resources changed (created, deleted, renamed, grants or synced
   * groups): its principals stack when its family is split (otherwise its one stack is touched anyway).
   */
  own: boolean;
}

/**
 * The stacks of a recorded layout that a change touches, from the two plans' principal changes
 * instead of registering the estate: a principal's stack for any change to it (in a split family,
 * its principals stack when its own resources changed, and each changed user's members stack); every
 * stack of each family in `wholeFamilies` (estate-scoped resources, which aggregate many
 * principals per object). Undefined when a touched family has no recorded counts. Over-approximate
 * by design: previewing a stack that turns out unchanged is harmless, missing one is not.
 */
export function touchedStacks(
  counts: Partial<Record<string, StackCounts>>,
  touches: readonly PrincipalTouch[],
  wholeFamilies: ReadonlySet<string>,
): StackRef[] | undefined {
  const touched = new Set<string>();
  for (const t of touches) {
    const family = familyOf(t.platform).name;
    const c = counts[family];
    if (c === undefined) return undefined;
    if (wholeFamilies.has(family)) continue;
    if (typeof c === "number") {
      for (const name of t.names) touched.add(stackName(family, c, shardOf(principalKey({ name }), c)));
      continue;
    }
    if (t.own)
      for (const name of t.names) touched.add(stackName(family, c.principals, shardOf(principalKey({ name }), c.principals), "principals"));
    for (const user of t.users) touched.add(stackName(family, c.members, shardOf(memberKey(user), c.members), "members"));
  }
  for (const family of wholeFamilies) if (counts[family] === undefined) return undefined;
  return recordedStacks(counts).filter((s) => touched.has(s.name) || wholeFamilies.has(s.family));
}

/**
 * Families whose estate-scoped resources aggregate many principals per object under `config` (so
 * any change there may touch any of their stacks): the view-based platforms' stores, views and
 * bindings, Trino's rules document in file mode, authoritative Spark's SqlPermissions, and the S3
 * instance with `s3.manageInstance` (the emitters' `estate` parts).
 */
function estateScoped(config: Estate["config"]): Set<string> {
  const out = new Set(["redshift", "synapse", "bigquery"]);
  if (config.trino.mode === "file") out.add("trino");
  if (config.databricksSpark.authoritative) out.add("databricks");
  if (config.s3.manageInstance) out.add("s3");
  return out;
}

/**
 * The stacks of a recorded layout that the change from `base` to `head` touches, from the plans
 * (see `touchedStacks`); every stack when the configuration changed (outside `stacks`), since it
 * shapes resources everywhere. Undefined when a touched family has no recorded counts (then the
 * caller registers both estates).
 */
export function fromPlans(
  baseEstate: Estate,
  basePlan: Plan,
  headEstate: Estate,
  headPlan: Plan,
  counts: Partial<Record<string, StackCounts>>,
): StackRef[] | undefined {
  const withoutStacks = (c: Estate["config"]) => JSON.stringify({ ...c, stacks: undefined });
  if (withoutStacks(baseEstate.config) !== withoutStacks(headEstate.config)) return recordedStacks(counts);
  const changes = principalChanges(basePlan, headPlan);
  const scoped = estateScoped(headEstate.config);
  // An estate-scoped family changes when a principal or a data source of its platforms does.
  const sources = (e: Estate, family: string) =>
    JSON.stringify(e.inventory.dataSources.filter((d) => familyOf(d.platform).name === family));
  const whole = new Set(
    [...scoped].filter((f) => changes.some((c) => familyOf(c.platform).name === f) || sources(baseEstate, f) !== sources(headEstate, f)),
  );
  const touches = changes.map((c) => ({
    platform: c.platform,
    names: [c.name, ...(c.renamed ? [c.renamed.from] : [])],
    users: [...new Set([...c.members.added, ...c.members.removed].map((m) => m.user))],
    own:
      c.kind !== "updated" ||
      c.renamed !== undefined ||
      c.groups !== undefined ||
      c.grants.added.length + c.grants.changed.length + c.grants.removed.length > 0 ||
      // An Identity Center principal has a directory group only while some member is not reached through a synced group.
      c.platform === "s3",
  }));
  return touchedStacks(counts, touches, whole);
}
