/** A copy of `a` in a new array of the same kind with room for `capacity` values. */
export function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}

/** A growable list of 32-bit integers in one typed array (`array` holds `length` valid values). */
export class Ints {
  length = 0;
  array: Int32Array;

  constructor(capacity = 1024) {
    this.array = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.length === this.array.length) this.array = grown(this.array, Math.max(16, this.array.length * 2));
    this.array[this.length++] = x;
  }
}
