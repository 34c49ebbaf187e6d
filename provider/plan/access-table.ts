/**
 * The plan's effective access as a columnar table: a few bytes per (user, data source) in typed
 * columns, sorted by user then data source, with entry objects built only when asked for.
 */
import type { DataSource } from "../model/schema";
import type { Target } from "../platforms/types";
import { NO_EXTRAS, type PrivilegeTables } from "./privileges";
import type { Holdings } from "./holdings";
import { grown } from "./ints";
import type { AccessEntry } from "./types";

/** The access one (user, data source) pair holds, as the table stores it. */
export interface HeldAccess {
  /** Interned privilege list id. */
  priv: number;
  write: boolean;
  exp: number;
  policies: readonly string[];
}

/** Builds an entry from its fields: user and data-source indexes, interned privileges, write, policies, expiry. */
type EntryBuilder = (u: number, d: number, priv: number, write: boolean, policies: string[], exp: number) => AccessEntry;

/** Access entries as typed columns, with the lookups the plan needs. */
export class AccessTable {
  private readonly cols = new EntryColumns();
  private readonly singlePolicy: string[][] = [];
  /** Policy-set ids below `policyNames.length` are single policies; above, indexes into this list. */
  private readonly policyLists: string[][];
  private userStart: Int32Array | undefined;
  /** The entry builder, shared by the table's entries and every staged preview (see `entryBuilder`). */
  private fieldBuilder: EntryBuilder | undefined;

  /**
   * Folds each user's holdings into one entry per (user, data source): privileges merged, write if
   * any holding writes, the latest expiry, every policy.
   */
  constructor(
    private readonly userIds: readonly string[],
    private readonly sources: readonly DataSource[],
    private readonly policyNames: readonly string[],
    private readonly tables: PrivilegeTables,
    holdings: Holdings,
  ) {
    this.policyLists = policyNames.map(() => []);
    this.fill(holdings);
  }

  /** The number of entries. */
  get length(): number {
    return this.cols.length;
  }

  // Per user, contributions accumulate in scratch columns indexed by data source (stamped with the
  // user, so nothing is cleared between users); the touched indexes are then sorted.
  private fill(holdings: Holdings): void {
    const byUser = holdings.byUser(this.userIds.length);
    const fold = new Fold(this.sources.length, holdings, (ids) => this.policySet(ids));
    // Holdings rarely overlap, so their sizes sum to about the number of entries: reserving that
    // once saves growing (and copying) the columns, and the collections their growth triggers.
    this.cols.reserve(holdings.contributions());
    for (let u = 0; u < this.userIds.length; u++) {
      if (byUser.at[u + 1]! > byUser.at[u]!) fold.user(u, byUser.at[u]!, byUser.at[u + 1]!, byUser.bucket, byUser.exp, this.cols);
    }
  }

  // Policy lists repeat across millions of entries: one id per list of policy indexes (ascending).
  private readonly policySetIds = new Map<string, number>();
  private policySet(ids: number[]): number {
    const k = ids.join(",");
    let id = this.policySetIds.get(k);
    if (id === undefined) {
      id = this.policyLists.push(ids.map((i) => this.policyNames[i]!)) - 1;
      this.policySetIds.set(k, id);
    }
    return id;
  }

  private policiesOf(pol: number): string[] {
    return pol < this.policyNames.length ? (this.singlePolicy[pol] ??= [this.policyNames[pol]!]) : this.policyLists[pol]!;
  }

  /**
   * Every entry, by user then data source. Entries on one object share its parents, and entries with
   * equal privileges on objects of one table class share the list and the extras: treat them as read-only.
   */
  entries(): AccessEntry[] {
    const build = this.builder();
    const out: AccessEntry[] = new Array(this.cols.length);
    for (let i = 0; i < out.length; i++) out[i] = build(i);
    return out;
  }

  /** Entry `i` (0 ≤ i < length) as `entries()` builds it, without building the others. */
  entryAt(i: number): AccessEntry {
    return (this.single ??= this.builder())(i);
  }
  private single: ((i: number) => AccessEntry) | undefined;

  /** The user index, data-source index, privilege list id, write flag, policy-set id and expiry of entry `i`. */
  row(i: number): { u: number; d: number; priv: number; write: boolean; pol: number; exp: number } {
    const c = this.cols;
    return { u: c.u[i]!, d: c.d[i]!, priv: c.priv[i]!, write: c.write[i] === 1, pol: c.pol[i]!, exp: c.exp[i]! };
  }

  /** The columns, for a column-wise comparison of two tables (read-only; `length` entries are valid). */
  columns(): {
    readonly u: Int32Array;
    readonly d: Int32Array;
    readonly priv: Int32Array;
    readonly write: Uint8Array;
    readonly pol: Int32Array;
    readonly exp: Float64Array;
  } {
    return this.cols;
  }

  /** Users by index, data sources by index, and the table's privilege lists and policy sets, as ids resolve. */
  get users(): readonly string[] {
    return this.userIds;
  }
  get dataSources(): readonly DataSource[] {
    return this.sources;
  }
  /** The privileges of interned list `priv`. */
  privilegesOf(priv: number): readonly string[] {
    return this.tables.lists.get(priv);
  }
  /** The policies of policy-set id `pol`, sorted. */
  policiesOfSet(pol: number): readonly string[] {
    return this.policiesOf(pol);
  }
  /** The object an entry on data source `d` grants on. */
  objectOf(d: number): string {
    return this.tables.target(this.sources[d]!).object;
  }

  /** Builds entries by row, caching what entries on one object share. */
  private builder(): (i: number) => AccessEntry {
    const { cols } = this;
    const build = this.entryBuilder();
    return (i) => build(cols.u[i]!, cols.d[i]!, cols.priv[i]!, cols.write[i] === 1, this.policiesOf(cols.pol[i]!), cols.exp[i]!);
  }

  /**
   * Builds an entry from its fields by index, caching what entries on one object share (its target,
   * parents and extras). One builder per table: entries and staged previews on one object share them.
   */
  private entryBuilder(): EntryBuilder {
    return (this.fieldBuilder ??= this.newEntryBuilder());
  }

  private newEntryBuilder(): EntryBuilder {
    const { sources, tables, userIds } = this;
    const nD = sources.length;
    const targets: (Target | undefined)[] = new Array(nD);
    const parentsByIdx: AccessEntry["parents"][] = new Array(nD);
    // Extras depend on the table class and the privileges: the last pair is cached per object.
    const extrasAt: (Record<string, unknown> | undefined)[] = new Array(nD);
    const extrasPrivAt = new Int32Array(nD).fill(-1);
    const extrasClass = new Int32Array(nD).fill(-1);
    const isoOf = new Map<number, string>();
    return (u, d, priv, write, policies, exp) => {
      const ds = sources[d]!;
      let t = targets[d];
      if (!t) {
        targets[d] = t = tables.target(ds);
        parentsByIdx[d] = t.parents.map((p) => ({ object: p.object, privileges: [...p.privileges] }));
      }
      let extras = extrasAt[d];
      if (extrasPrivAt[d] !== priv || extras === undefined) {
        let cls = extrasClass[d]!;
        if (cls < 0) extrasClass[d] = cls = tables.tableClass(ds);
        extrasAt[d] = extras = tables.extras(ds, cls, priv);
        extrasPrivAt[d] = priv;
      }
      const entry: AccessEntry = {
        user: userIds[u]!,
        dataSource: ds.id,
        platform: ds.platform,
        objectType: ds.objectType,
        access: write ? "write" : "read",
        privileges: tables.lists.get(priv) as string[],
        parents: parentsByIdx[d]!,
        policies,
        object: t.object,
      };
      // Most platforms have no extras; spreading an empty object still costs per entry.
      if (extras !== NO_EXTRAS) Object.assign(entry, extras);
      if (exp !== Infinity) entry.expiresAt = isoOf.get(exp) ?? isoOf.set(exp, new Date(exp).toISOString()).get(exp)!;
      return entry;
    };
  }

  /**
   * What the holdings of one more policy would make of the entries
   * they reach, by user then data source: each folded as the table folds its own, then merged with
   * the access the table holds on the same pair (privileges merged, write if either writes, the
   * later expiry, the policy among the others). The table is unchanged. Both tables are sorted by
   * user then data source, so the merge walks the other table's run of each user the holdings reach,
   * with no map per pair.
   */
  preview(policy: string, holdings: Holdings): AccessEntry[] {
    const extra = new AccessTable(this.userIds, this.sources, [policy], this.tables, holdings).cols;
    const held = this.cols;
    const start = this.userStarts();
    const build = this.entryBuilder();
    const alone = [policy];
    const withHeld = new Map<number, string[]>();
    const merges = new Map<string, (x: number, y: number) => number>();
    const out: AccessEntry[] = new Array(extra.length);
    let j = 0;
    for (let i = 0; i < extra.length; i++) {
      const u = extra.u[i]!;
      const d = extra.d[i]!;
      // Jump to the user's run, then walk it: both runs ascend by data source.
      if (j < start[u]!) j = start[u]!;
      while (j < held.length && (held.u[j]! < u || (held.u[j] === u && held.d[j]! < d))) j++;
      let priv = extra.priv[i]!;
      let write = extra.write[i] === 1;
      let exp = extra.exp[i]!;
      let policies = alone;
      if (j < held.length && held.u[j] === u && held.d[j] === d) {
        if (held.priv[j] !== priv) {
          const platform = this.sources[d]!.platform;
          let merge = merges.get(platform);
          if (!merge) merges.set(platform, (merge = this.tables.lists.merger(this.tables.bound(this.sources[d]!).adapter)));
          priv = merge(held.priv[j]!, priv);
        }
        write ||= held.write[j] === 1;
        exp = Math.max(exp, held.exp[j]!);
        const pol = held.pol[j]!;
        policies = withHeld.get(pol) ?? withHeld.set(pol, [...this.policiesOf(pol), policy].sort(cmp)).get(pol)!;
      }
      out[i] = build(u, d, priv, write, policies, exp);
    }
    return out;
  }

  /** Where each user's run of rows starts (`length` at index `users.length`), computed once. */
  private userStarts(): Int32Array {
    if (!this.userStart) {
      const cols = this.cols;
      const start = new Int32Array(this.userIds.length + 1);
      for (let i = 0; i < cols.length; i++) start[cols.u[i]! + 1]!++;
      for (let k = 0; k < this.userIds.length; k++) start[k + 1]! += start[k]!;
      this.userStart = start;
    }
    return this.userStart;
  }

  /** The access user `u` holds on data source `d` (both by index), if any: a binary search in the user's run. */
  at(u: number, d: number): HeldAccess | undefined {
    const cols = this.cols;
    const start = this.userStarts();
    let lo = start[u]!;
    let hi = start[u + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = cols.d[mid]!;
      if (x === d)
        return { priv: cols.priv[mid]!, write: cols.write[mid] === 1, exp: cols.exp[mid]!, policies: this.policiesOf(cols.pol[mid]!) };
      if (x < d) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  /**
   * The users holding access per data source id, for data sources on `platforms` only. The index is
   * typed arrays (entries grouped by data source); each data source's set of user ids is built when
   * first asked for.
   */
  holders(platforms: ReadonlySet<string>): ReadonlyMap<string, ReadonlySet<string>> {
    const { cols, sources, userIds } = this;
    const nD = sources.length;
    // Entries of data sources on `platforms`, grouped by data source: users of `d` at start[d]..start[d + 1].
    const start = new Int32Array(nD + 1);
    const flag = new Uint8Array(nD);
    let any = false;
    for (let d = 0; d < nD; d++) {
      if (platforms.has(sources[d]!.platform)) {
        flag[d] = 1;
        any = true;
      }
    }
    let users = new Int32Array(0);
    if (any) {
      for (let i = 0; i < cols.length; i++) if (flag[cols.d[i]!]) start[cols.d[i]! + 1]!++;
      for (let d = 0; d < nD; d++) start[d + 1]! += start[d]!;
      users = new Int32Array(start[nD]!);
      const at = start.slice(0, nD);
      for (let i = 0; i < cols.length; i++) {
        const d = cols.d[i]!;
        if (flag[d]) users[at[d]!++] = cols.u[i]!;
      }
    }
    const byId = new Map<string, number>();
    for (let d = 0; d < nD; d++) if (start[d + 1]! > start[d]!) byId.set(sources[d]!.id, d);
    const sets = new Map<number, ReadonlySet<string>>();
    const setOf = (d: number): ReadonlySet<string> => {
      let set = sets.get(d);
      if (!set) {
        const s = new Set<string>();
        for (let k = start[d]!; k < start[d + 1]!; k++) s.add(userIds[users[k]!]!);
        sets.set(d, (set = s));
      }
      return set;
    };
    return new LazyHolders(byId, setOf);
  }
}

/** A read-only map from data-source id to its holders, whose sets are built on first use. */
class LazyHolders implements ReadonlyMap<string, ReadonlySet<string>> {
  constructor(
    private readonly byId: ReadonlyMap<string, number>,
    private readonly setOf: (d: number) => ReadonlySet<string>,
  ) {}
  get size(): number {
    return this.byId.size;
  }
  get(id: string): ReadonlySet<string> | undefined {
    const d = this.byId.get(id);
    return d === undefined ? undefined : this.setOf(d);
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  *entries(): MapIterator<[string, ReadonlySet<string>]> {
    for (const [id, d] of this.byId) yield [id, this.setOf(d)];
  }
  keys(): MapIterator<string> {
    return this.byId.keys();
  }
  *values(): MapIterator<ReadonlySet<string>> {
    for (const d of this.byId.values()) yield this.setOf(d);
  }
  forEach(fn: (value: ReadonlySet<string>, key: string, map: ReadonlyMap<string, ReadonlySet<string>>) => void): void {
    for (const [id, d] of this.byId) fn(this.setOf(d), id, this);
  }
  [Symbol.iterator](): MapIterator<[string, ReadonlySet<string>]> {
    return this.entries();
  }
}

/** The access table behind each plan `buildPlan` made, while its `access` is the table's own. */
const TABLES = new WeakMap<object, AccessTable>();

/** Records that `plan`'s access entries are `table`'s (undefined: they are not, or no longer). */
export function setAccessTable(plan: object, table: AccessTable | undefined): void {
  if (table) TABLES.set(plan, table);
  else TABLES.delete(plan);
}

/** The access table of a plan from `buildPlan` whose `access` was never replaced; undefined otherwise. */
export function accessTableOf(plan: object): AccessTable | undefined {
  return TABLES.get(plan);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Access entries as typed columns: a few bytes per (user, data source) instead of an object. */
/**
 * The scratch state of `AccessTable.fill`: one user's contributions by data source, stamped with the
 * user so that nothing is cleared between users. The fields of one data source sit side by side in
 * one array (`STRIDE` slots: stamp, privilege list, policy, flags), so a contribution touches one
 * cache line rather than one per field: the fold is bound by those scattered accesses.
 */
class Fold {
  private readonly slots: Int32Array;
  // Expiries by id (flags >> 2): a handful of distinct instants, so an id fits the flags.
  private readonly expiries: number[] = [];
  private readonly expiryId = new Map<number, number>();
  private readonly morePols = new Map<number, number[]>();
  private touched = new Int32Array(64);
  private readonly buckets: ReturnType<Holdings["buckets"]>;

  constructor(
    nD: number,
    holdings: Holdings,
    private readonly policySet: (ids: number[]) => number,
  ) {
    this.slots = new Int32Array(nD * STRIDE);
    for (let d = 0; d < nD; d++) this.slots[d * STRIDE] = -1;
    this.buckets = holdings.buckets();
  }

  /** Folds user `u`'s holdings (`from..to` of `bucket` and `exp`) and appends their entries, by data source, to `cols`. */
  user(u: number, from: number, to: number, bucket: Int32Array, exp: Float64Array, cols: EntryColumns): void {
    const start = this.buckets.start;
    // Room for every contribution of this user, so the loops below never check.
    let most = 0;
    for (let h = from; h < to; h++) most += start[bucket[h]! + 1]! - start[bucket[h]!]!;
    if (most > this.touched.length) this.touched = new Int32Array(Math.max(most, this.touched.length * 2));
    let n = 0;
    for (let h = from; h < to; h++) n = this.holding(u, bucket[h]!, exp[h]!, n);
    const order = this.touched.subarray(0, n).sort();
    cols.reserve(n);
    this.emit(order, u, cols);
  }

  private expiry(exp: number): number {
    let id = this.expiryId.get(exp);
    if (id === undefined) {
      id = this.expiries.push(exp) - 1;
      this.expiryId.set(exp, id);
    }
    return id;
  }

  /** Adds user `u`'s holding of bucket `b` until `until`; returns the number of data sources touched so far. */
  private holding(u: number, b: number, until: number, n: number): number {
    const { slots, touched } = this;
    const { start, d: bd, priv: bPriv, write: bWrite } = this.buckets;
    const exp = this.expiry(until) << 2;
    const policy = this.buckets.policy[b]!;
    const end = start[b + 1]!;
    for (let i = start[b]!; i < end; i++) {
      const d = bd[i]!;
      const at = d * STRIDE;
      if (slots[at] !== u) {
        slots[at] = u;
        slots[at + 1] = bPriv[i]!;
        slots[at + 2] = policy;
        slots[at + 3] = exp | bWrite[i]!;
        touched[n++] = d;
      } else this.overlap(d, b, bPriv[i]!, bWrite[i]!, until);
    }
    return n;
  }

  /** A second contribution to data source `d`: privileges merged, write if either writes, the later expiry, both policies. */
  private overlap(d: number, b: number, priv: number, write: number, exp: number): void {
    const { slots } = this;
    const at = d * STRIDE;
    if (slots[at + 1] !== priv) slots[at + 1] = this.buckets.merge[b]!(slots[at + 1]!, priv);
    let flags = slots[at + 3]! | write;
    if (exp > this.expiries[flags >> 2]!) flags = (this.expiry(exp) << 2) | (flags & 3);
    const policy = this.buckets.policy[b]!;
    if (slots[at + 2] !== policy) {
      if (!(flags & MORE)) {
        flags |= MORE;
        this.morePols.set(d, [policy]);
      } else {
        const more = this.morePols.get(d)!;
        if (!more.includes(policy)) more.push(policy);
      }
    }
    slots[at + 3] = flags;
  }

  /** Appends user `u`'s entries, at the data sources of `order` (ascending). */
  private emit(order: Int32Array, u: number, cols: EntryColumns): void {
    const { slots, expiries } = this;
    // The columns' arrays, written in place: room is reserved.
    const cu = cols.u;
    const cd = cols.d;
    const cPriv = cols.priv;
    const cWrite = cols.write;
    const cPol = cols.pol;
    const cExp = cols.exp;
    let i = cols.length;
    for (let j = 0; j < order.length; j++, i++) {
      const d = order[j]!;
      const at = d * STRIDE;
      const flags = slots[at + 3]!;
      cu[i] = u;
      cd[i] = d;
      cPriv[i] = slots[at + 1]!;
      cWrite[i] = flags & WRITE;
      cPol[i] = flags & MORE ? this.policiesAt(d) : slots[at + 2]!;
      cExp[i] = expiries[flags >> 2]!;
    }
    cols.length = i;
  }

  private policiesAt(d: number): number {
    const ids = [this.slots[d * STRIDE + 2]!, ...this.morePols.get(d)!].sort((x, y) => x - y);
    this.morePols.delete(d);
    return this.policySet(ids);
  }
}

const STRIDE = 4;
const WRITE = 1;
const MORE = 2;

class EntryColumns {
  length = 0;
  u = new Int32Array(1024);
  d = new Int32Array(1024);
  priv = new Int32Array(1024);
  write = new Uint8Array(1024);
  pol = new Int32Array(1024);
  exp = new Float64Array(1024);
  /** Makes room for `n` more entries. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.u.length) return;
    // At least double (growth stays amortised), but a large reservation gets exactly what it asks.
    const cap = Math.max(need, this.u.length * 2);
    this.u = grown(this.u, cap);
    this.d = grown(this.d, cap);
    this.priv = grown(this.priv, cap);
    this.write = grown(this.write, cap);
    this.pol = grown(this.pol, cap);
    this.exp = grown(this.exp, cap);
  }
}
