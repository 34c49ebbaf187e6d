/**
 * Stack slices: which part of an estate one Pulumi stack deploys. A slice selects platforms,
 * policies (names or globs) and a shard. Every resource has a shard key: policy-scoped resources
 * the principal's name (so a principal's role, members and grants stay together), estate-scoped
 * resources their object (a view, a table's ACL, a rules document). The shard of a key is a stable
 * hash of the key alone, so adding or removing a policy never moves another policy's resources,
 * and the shards `0..count-1` of one platform are disjoint and together the whole platform.
 */
import type { Platform } from "../model/schema";
import type { Principal } from "../plan/types";

/** The shard of a stack: the keys whose hash modulo `count` is `index`. */
export interface Shard {
  count: number;
  index: number;
}

/** The part of an estate one stack deploys; the union of disjoint slices is the whole estate. */
export interface Slice {
  /** Only these platforms (default: all). */
  platforms?: Platform[];
  /**
   * Only the policy-scoped resources of these policies: names or globs (`*` any run of characters,
   * `?` one). A slice with `policies` owns no estate-scoped resources: those go to the stacks
   * sliced by platform and shard only.
   */
  policies?: string[];
  shard?: Shard;
  /**
   * One layer of a platform split in two, for principals too large for one stack: `principals`
   * owns everything but the per-user memberships of platforms that can register them apart
   * (Snowflake's `GrantAccountRole` names the role, so it needs no resource of the role's stack);
   * `members` owns only those memberships, sharded by user, so one user's memberships of a platform
   * are in one stack. Principals stacks apply before members stacks (`accessplane stacks` and the
   * sharded workflow order them). Without `part` a stack owns both.
   */
  part?: Part;
}

/** The layers of a platform split for principals too large for one stack. */
export const PARTS = ["principals", "members"] as const;
/** One layer. */
export type Part = (typeof PARTS)[number];

/** 32-bit FNV-1a of a string: stable across runs, machines and Node versions. */
export function stableHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The shard index of a key among `count` shards: jump consistent hashing (Lamping and Veach,
 * https://arxiv.org/abs/1406.2294) seeded by the key's stable hash, so growing from `n` to `n + 1`
 * shards moves only about `1 / (n + 1)` of the keys, all of them to the new shard.
 */
export function shardOf(key: string, count: number): number {
  let state = stableHash(key);
  // mulberry32: a small deterministic generator of uniform values in (0, 1].
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967296;
  };
  let b = 0;
  let j = 0;
  while (j < count) {
    b = j;
    j = Math.floor((b + 1) / next());
  }
  return b;
}

/** The shard key of a principal's policy-scoped resources (its platform name: cohorts that share a group share a shard). */
export const principalKey = (p: Pick<Principal, "name">): string => `principal:${p.name}`;

/** The shard key of a per-user membership in a `members` stack: the user, so a user's memberships of a platform stay together. */
export const memberKey = (user: string): string => `member:${user}`;

/** The shard key of an estate-scoped object of a platform. */
export const objectKey = (platform: Platform, object: string): string => `object:${platform}:${object}`;

const globRegex = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

/** What a slice owns, as predicates the estate and the emitters ask. */
export interface SliceFilter {
  platform(platform: Platform): boolean;
  policy(name: string): boolean;
  /** Whether the slice owns a principal's policy-scoped resources (in a `members` slice: none). */
  principal(p: Pick<Principal, "platform" | "policy" | "name">): boolean;
  /** The slice's layer (undefined: both). */
  readonly part: Part | undefined;
  /**
   * Whether a `members` slice owns a principal's membership of `user` (false in other slices:
   * there a membership goes with its principal).
   */
  member(p: Pick<Principal, "platform" | "policy">, user: string): boolean;
  /** Whether the slice owns an estate-scoped object's resources. */
  object(platform: Platform, object: string): boolean;
  /** True when the slice takes every shard (no `shard`, or one shard) and both parts. */
  readonly whole: boolean;
}

/** Checks a slice and throws a clear error when it is malformed. */
export function checkSlice(slice: Slice): void {
  const s = slice.shard;
  if (s !== undefined) checkShard(s);
  if (slice.part !== undefined && !(PARTS as readonly string[]).includes(slice.part))
    throw new Error(`slice.part must be one of ${PARTS.join(", ")}, got ${JSON.stringify(slice.part)}`);
}

function checkShard(s: Shard): void {
  if (!Number.isInteger(s.count) || s.count < 1)
    throw new Error(`slice.shard.count must be a positive integer, got ${String(s.count)}; help: e.g. \`shard: { count: 4, index: 0 }\``);
  if (!Number.isInteger(s.index) || s.index < 0 || s.index >= s.count)
    throw new Error(`slice.shard.index must be an integer in 0..${s.count - 1}, got ${String(s.index)}`);
}

/** The predicates of a slice (no slice: everything). */
export function sliceFilter(slice: Slice = {}): SliceFilter {
  checkSlice(slice);
  const patterns = slice.policies?.map(globRegex);
  const shard = slice.shard;
  const inShard = (key: string) => !shard || shard.count === 1 || shardOf(key, shard.count) === shard.index;
  const platform = (p: Platform) => !slice.platforms || slice.platforms.includes(p);
  const policy = (name: string) => !patterns || patterns.some((r) => r.test(name));
  const part = slice.part;
  return {
    platform,
    policy,
    part,
    principal: (p) => part !== "members" && platform(p.platform) && policy(p.policy) && inShard(principalKey(p)),
    member: (p, user) => part === "members" && platform(p.platform) && policy(p.policy) && inShard(memberKey(user)),
    object: (pl, object) => part !== "members" && platform(pl) && !patterns && inShard(objectKey(pl, object)),
    whole: (!shard || shard.count === 1) && part === undefined,
  };
}
