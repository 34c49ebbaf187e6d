/**
 * Memoised privilege tables for one plan: an estate has many data sources but few distinct table
 * rows, so rows, targets and extras are computed once per key, and privilege lists are interned to
 * small ids whose pairwise merges are memoised too.
 */
import type { AccessType, Config, DataSource } from "../model/schema";
import { type BoundAdapter, bind } from "../platforms";
import type { Note, PlatformAdapter, Privileges, Target } from "../platforms/types";

/**
 * Interned privilege lists: equal lists share one id, so entries carry a number and merges of two
 * lists are memoised per pair of ids (per adapter, since merging is the platform's rule).
 */
export class PrivilegeLists {
  /** Ids stay below this bound, so that a pair of ids packs into one safe integer (2^26 · 2^26 = 2^52). */
  static readonly LIMIT = 2 ** 26;
  private readonly lists: (readonly string[])[] = [];
  private readonly byList = new Map<readonly string[], number>();
  private readonly byKey = new Map<string, number>();
  private readonly merges = new Map<PlatformAdapter, Map<number, number>>();

  /** The id of `list` (by content: equal lists get one id). */
  intern(list: readonly string[]): number {
    let id = this.byList.get(list);
    if (id === undefined) {
      const key = list.join(",");
      id = this.byKey.get(key);
      if (id === undefined) {
        id = this.lists.length;
        if (id >= PrivilegeLists.LIMIT) throw new Error(`more than ${PrivilegeLists.LIMIT} distinct privilege lists in one plan`);
        this.lists.push(list);
        this.byKey.set(key, id);
      }
      this.byList.set(list, id);
    }
    return id;
  }

  /** The list of an id (shared: treat it as read-only). */
  get(id: number): readonly string[] {
    return this.lists[id]!;
  }

  /** How many distinct lists are interned. */
  get size(): number {
    return this.lists.length;
  }

  /** A memoised merge of two interned lists under `adapter`'s rule: `(x, y) → id of merge(x, y)`. */
  merger(adapter: PlatformAdapter): (x: number, y: number) => number {
    let memo = this.merges.get(adapter);
    if (!memo) this.merges.set(adapter, (memo = new Map()));
    const m = memo;
    return (x, y) => {
      if (x === y) return x;
      const k = x * PrivilegeLists.LIMIT + y;
      let r = m.get(k);
      if (r === undefined) {
        r = this.intern(adapter.merge(this.get(x), this.get(y)));
        m.set(k, r);
      }
      return r;
    };
  }
}

/** What the plan asks of the privilege tables, memoised per table key (see `privilegeTables`). */
export interface PrivilegeTables {
  /** The interned privilege lists the rows and merges yield. */
  readonly lists: PrivilegeLists;
  /** The adapter bound to `ds` and the configuration (one per data source). */
  bound(ds: DataSource): BoundAdapter;
  /** Privileges `access` yields on `ds` (the row of `ds`'s table key: its notes may name another source). */
  privileges(ds: DataSource, access: AccessType): Privileges;
  /**
   * The privileges of a write cohort downgraded to read: the read privileges that write's privileges
   * cover (nothing where write issues nothing, SELECT where write issues SELECT and more, READ within READWRITE).
   */
  downgraded(ds: DataSource): Privileges;
  /** The notes of `ds`'s own row, naming `ds`. */
  ownNotes(ds: DataSource, access: AccessType): readonly Note[];
  /** Where privileges on `ds` land. */
  target(ds: DataSource): Target;
  /** A small number per (platform, table key): data sources of one class get equal extras for equal privileges. */
  tableClass(ds: DataSource): number;
  /** The extras of privilege list `priv` on data sources of class `cls` (`ds` one of them); shared, read-only. */
  extras(ds: DataSource, cls: number, priv: number): Record<string, unknown>;
}

/** The empty extras, shared: most platforms have none. */
export const NO_EXTRAS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Memoised privilege tables over `config`. */
export function privilegeTables(config: Config): PrivilegeTables {
  const lists = new PrivilegeLists();
  const boundMemo = new Map<DataSource, BoundAdapter>();
  const bound = (ds: DataSource): BoundAdapter => {
    let b = boundMemo.get(ds);
    if (!b) boundMemo.set(ds, (b = bind(ds, config)));
    return b;
  };
  const rowKey = (ds: DataSource) => `${ds.platform}|${bound(ds).tableKey()}`;

  const privMemo = new Map<string, Privileges>();
  const privileges = (ds: DataSource, access: AccessType): Privileges => {
    const k = `${rowKey(ds)}|${access}`;
    let p = privMemo.get(k);
    if (!p) privMemo.set(k, (p = bound(ds).privileges(access)));
    return p;
  };

  const downgradeMemo = new Map<string, Privileges>();
  const downgraded = (ds: DataSource): Privileges => {
    const k = rowKey(ds);
    let p = downgradeMemo.get(k);
    if (!p) {
      const a = bound(ds).adapter;
      const write = privileges(ds, "write");
      const covered = new Set(write.privileges.flatMap((x) => a.implied(x)));
      const read = privileges(ds, "read").privileges.filter((x) => a.implied(x).every((y) => covered.has(y)));
      p = { privileges: read, notes: write.notes };
      downgradeMemo.set(k, p);
    }
    return p;
  };

  const ownNotesMemo = new Map<string, readonly Note[]>();
  const ownNotes = (ds: DataSource, access: AccessType): readonly Note[] => {
    const k = `${access}\n${ds.id}`;
    let n = ownNotesMemo.get(k);
    if (!n) ownNotesMemo.set(k, (n = bound(ds).privileges(access).notes));
    return n;
  };

  const targetMemo = new Map<string, Target>();
  const target = (ds: DataSource): Target => {
    let t = targetMemo.get(ds.id);
    if (!t) targetMemo.set(ds.id, (t = bound(ds).target()));
    return t;
  };

  const classIds = new Map<string, number>();
  const tableClass = (ds: DataSource): number => {
    const k = rowKey(ds);
    let c = classIds.get(k);
    if (c === undefined) classIds.set(k, (c = classIds.size));
    return c;
  };
  // Per class, per privilege id: nested, so no packing of the two can collide.
  const extrasMemo: Map<number, Record<string, unknown>>[] = [];
  const extras = (ds: DataSource, cls: number, priv: number): Record<string, unknown> => {
    const m = (extrasMemo[cls] ??= new Map());
    let x = m.get(priv);
    if (!x) {
      x = bound(ds).extras(lists.get(priv));
      if (Object.keys(x).length === 0) x = NO_EXTRAS;
      m.set(priv, x);
    }
    return x;
  };

  return { lists, bound, privileges, downgraded, ownNotes, target, tableClass, extras };
}
