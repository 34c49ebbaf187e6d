/**
 * Sets of users as bitsets over their index in a list of users (32 users per `Uint32Array` word:
 * 10,000 users = 313 words), and the evaluation of ABAC conditions as bitset algebra. `resolve`
 * lists the users in id order, so a bitset's members come out sorted by id.
 *
 * `UserIndex` indexes the users once (by group, and by attribute and value); a condition is then
 * `group` -> that group's bitset, `attribute` + `values` -> the OR of the values' bitsets, `anyOf` ->
 * OR, `allOf` -> AND, each subtree evaluated once per index (policies share subtrees). The result is
 * exactly `users.filter((u) => matches(c, u))`: `matches` (resolve.ts, passed in to keep the modules
 * acyclic) stays the single-user definition, and where indexing could not reproduce it (an attribute
 * named like an `Object.prototype` member, which `matches` reads through the prototype; users not
 * shaped as the schema says) the index evaluates with `matches` itself, user by user.
 *
 * Bitsets returned by `UserIndex` are shared (memoised): callers must not modify them.
 */
import type { Condition, User } from "../model/schema";

/** A set of user indexes: bit `i % 32` of word `i >>> 5`. */
export type Bits = Uint32Array;

/** The number of words a bitset over `n` users needs. */
export const wordsFor = (n: number): number => (n + 31) >>> 5;

/** True when `i` is in `b`. */
export const has = (b: Bits, i: number): boolean => ((b[i >>> 5]! >>> (i & 31)) & 1) !== 0;

/** Adds `i` to `b`. */
export function add(b: Bits, i: number): void {
  b[i >>> 5]! |= 1 << (i & 31);
}

/** The union of `xs` (a new bitset of `words` words; empty when `xs` is). */
export function or(xs: readonly Bits[], words: number): Bits {
  const out = new Uint32Array(words);
  for (const x of xs) for (let w = 0; w < words; w++) out[w]! |= x[w]!;
  return out;
}

/** The intersection of `xs` (a new bitset); `all` when `xs` is empty. */
export function and(xs: readonly Bits[], all: Bits): Bits {
  const out = all.slice();
  for (const x of xs) for (let w = 0; w < out.length; w++) out[w]! &= x[w]!;
  return out;
}

/** The bitset of the indexes `0..n-1`. */
export function full(n: number): Bits {
  const out = new Uint32Array(wordsFor(n)).fill(0xffffffff);
  if (n & 31) out[out.length - 1] = (1 << (n & 31)) - 1;
  return out;
}

/** The indexes in `b`, ascending. */
export function indexes(b: Bits): number[] {
  const out: number[] = [];
  for (let w = 0; w < b.length; w++) {
    let x = b[w]!;
    while (x !== 0) {
      const low = x & -x;
      out.push((w << 5) + 31 - Math.clz32(low));
      x ^= low;
    }
  }
  return out;
}

/** A user as conditions see it. */
type Subject = Pick<User, "groups" | "attributes">;

/** The single-user definition of a condition: `matches` of resolve.ts. */
export type Matches = (c: Condition, u: Subject) => boolean;

/** True when `matches` reads attribute `name` of a user without it through `Object.prototype`. */
const inherited = (name: string) => name in Object.prototype;

/** True when the condition names an attribute the index cannot answer for users lacking it. */
function readsPrototype(c: Condition): boolean {
  if ("group" in c) return false;
  if ("attribute" in c) return inherited(c.attribute);
  if ("anyOf" in c) return c.anyOf.some(readsPrototype);
  return c.allOf.some(readsPrototype);
}

/** True when `u` is shaped as the schema says, so the index answers exactly what `matches` does. */
function regular(u: Subject): boolean {
  if (!Array.isArray(u.groups)) return false;
  const a: unknown = u.attributes;
  if (typeof a !== "object" || a === null) return false;
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto !== Object.prototype && proto !== null) return false;
  // Every own property enumerable (the index reads `Object.entries`) and a list of values.
  return Object.getOwnPropertyNames(a).length === Object.keys(a).length && Object.values(a).every((v) => Array.isArray(v));
}

/** The users of one resolution indexed for condition evaluation. */
export class UserIndex {
  /** The number of users. */
  readonly n: number;
  /** Words per bitset. */
  readonly words: number;
  /** Every user. */
  readonly all: Bits;
  private readonly empty: Bits;
  private readonly byGroup = new Map<string, Bits>();
  private readonly byAttribute = new Map<string, Map<string, Bits>>();
  /** False when some user is not shaped as the schema says: every condition is then evaluated by `matches`. */
  private readonly indexed: boolean;
  /** Evaluated subtrees by structural key, and each condition object's key. */
  private readonly memo = new Map<string, Bits>();
  private readonly keys = new WeakMap<Condition, string>();

  constructor(
    private readonly users: readonly Subject[],
    private readonly definition: Matches,
  ) {
    this.n = users.length;
    this.words = wordsFor(this.n);
    this.all = full(this.n);
    this.empty = new Uint32Array(this.words);
    this.indexed = users.every(regular);
    if (!this.indexed) return;
    const bits = <K>(m: Map<K, Bits>, k: K) => {
      let b = m.get(k);
      if (!b) m.set(k, (b = new Uint32Array(this.words)));
      return b;
    };
    users.forEach((u, i) => {
      for (const g of u.groups) add(bits(this.byGroup, g), i);
      for (const [name, values] of Object.entries(u.attributes)) {
        let m = this.byAttribute.get(name);
        if (!m) this.byAttribute.set(name, (m = new Map()));
        for (const v of values) add(bits(m, v), i);
      }
    });
  }

  /** The users `c` admits: exactly `users.filter((u) => matches(c, u))`, as a shared bitset. */
  evaluate(c: Condition): Bits {
    if (!this.indexed || readsPrototype(c)) return this.byMatches(c);
    return this.eval(c);
  }

  private eval(c: Condition): Bits {
    const key = this.keyOf(c);
    let b = this.memo.get(key);
    if (b) return b;
    if ("group" in c) b = this.byGroup.get(c.group) ?? this.empty;
    else if ("attribute" in c) {
      const values = this.byAttribute.get(c.attribute);
      const hit = values ? c.values.map((v) => values.get(v)).filter((x): x is Bits => x !== undefined) : [];
      b = hit.length === 0 ? this.empty : hit.length === 1 ? hit[0]! : or(hit, this.words);
    } else if ("anyOf" in c) {
      const parts = c.anyOf.map((x) => this.eval(x));
      b = or(parts, this.words);
    } else {
      const parts = c.allOf.map((x) => this.eval(x));
      b = and(parts, this.all);
    }
    this.memo.set(key, b);
    return b;
  }

  /** A key equal for structurally equal conditions (names are JSON-quoted, so keys are unambiguous). */
  private keyOf(c: Condition): string {
    let k = this.keys.get(c);
    if (k !== undefined) return k;
    if ("group" in c) k = `g${JSON.stringify(c.group)}`;
    else if ("attribute" in c) k = `a${JSON.stringify([c.attribute, ...c.values])}`;
    else if ("anyOf" in c) k = `|(${c.anyOf.map((x) => this.keyOf(x)).join(",")})`;
    else k = `&(${c.allOf.map((x) => this.keyOf(x)).join(",")})`;
    this.keys.set(c, k);
    return k;
  }

  /** The definition itself, user by user. */
  private byMatches(c: Condition): Bits {
    const out = new Uint32Array(this.words);
    this.users.forEach((u, i) => {
      if (this.definition(c, u)) add(out, i);
    });
    return out;
  }
}
