/**
 * What the plan's cohorts grant, in index form, before the access table folds it: buckets (what one
 * principal grants: data sources with their interned privilege lists and write flags) and holdings
 * (a user's membership of a bucket, until an expiry). Both are flat typed columns with no object per
 * holding: the fold reads them in order, where a million small objects would cost a cache miss each.
 */
import { Ints, grown } from "./ints";

/** Buckets and holdings of one plan (or of one staged policy's preview). */
export class Holdings {
  /** Bucket `b`'s contributions are at `start[b]..start[b + 1]` of `d`, `priv` and `write`. */
  private readonly start = new Ints();
  private readonly bd = new Ints();
  private readonly bPriv = new Ints();
  private readonly bWrite = new Ints();
  private readonly policies = new Ints();
  private readonly merges: ((x: number, y: number) => number)[] = [];
  /** Holdings in the order they were added: user, bucket, expiry (epoch ms; Infinity: no end). */
  private readonly hu = new Ints();
  private readonly hb = new Ints();
  private hExp = new Float64Array(1024);

  constructor() {
    this.start.push(0);
  }

  /**
   * Adds a bucket: `d` the data-source indexes (ascending), with each one's interned privilege list
   * and whether it is write access; `policy` the policy's index in the plan's sorted names (-1 for a
   * staged preview); `merge` merges two privilege lists under the bucket's platform rule. Returns its id.
   */
  bucket(
    policy: number,
    merge: (x: number, y: number) => number,
    d: readonly number[],
    priv: readonly number[],
    write: readonly boolean[],
  ): number {
    for (let i = 0; i < d.length; i++) {
      this.bd.push(d[i]!);
      this.bPriv.push(priv[i]!);
      this.bWrite.push(write[i] ? 1 : 0);
    }
    this.start.push(this.bd.length);
    this.policies.push(policy);
    return this.merges.push(merge) - 1;
  }

  /** User `u` holds bucket `b` until `exp` (epoch milliseconds; Infinity: no end). */
  add(u: number, b: number, exp: number): void {
    const i = this.hu.length;
    this.hu.push(u);
    this.hb.push(b);
    if (i === this.hExp.length) this.hExp = grown(this.hExp, Math.max(16, i * 2));
    this.hExp[i] = exp;
  }

  /** The number of holdings. */
  get length(): number {
    return this.hu.length;
  }

  /** The sum of the holdings' bucket sizes: about the number of entries they fold into. */
  contributions(): number {
    const { hb } = this;
    const start = this.start.array;
    const b = hb.array;
    let n = 0;
    for (let i = 0; i < hb.length; i++) n += start[b[i]! + 1]! - start[b[i]!]!;
    return n;
  }

  /**
   * The holdings grouped by user (a stable counting sort: each user's in the order added), for
   * `users` users: user `u`'s at `at[u]..at[u + 1]` of `bucket` and `exp`.
   */
  byUser(users: number): { at: Int32Array; bucket: Int32Array; exp: Float64Array } {
    const n = this.hu.length;
    const hu = this.hu.array;
    const hb = this.hb.array;
    const at = new Int32Array(users + 1);
    for (let i = 0; i < n; i++) at[hu[i]! + 1]!++;
    for (let u = 0; u < users; u++) at[u + 1]! += at[u]!;
    const next = at.slice(0, users);
    const bucket = new Int32Array(n);
    const exp = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = next[hu[i]!]!++;
      bucket[k] = hb[i]!;
      exp[k] = this.hExp[i]!;
    }
    return { at, bucket, exp };
  }

  /** The columns of the buckets (read-only): bucket `b`'s contributions at `start[b]..start[b + 1]`. */
  buckets(): {
    readonly start: Int32Array;
    readonly d: Int32Array;
    readonly priv: Int32Array;
    readonly write: Int32Array;
    readonly policy: Int32Array;
    readonly merge: readonly ((x: number, y: number) => number)[];
  } {
    return {
      start: this.start.array,
      d: this.bd.array,
      priv: this.bPriv.array,
      write: this.bWrite.array,
      policy: this.policies.array,
      merge: this.merges,
    };
  }
}
