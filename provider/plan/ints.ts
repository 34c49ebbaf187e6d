/** A growable list of 32-bit integers in one typed array (`array` holds `length` valid values). */
export class Ints {
  length = 0;
  array: Int32Array;

  constructor(capacity = 1024) {
    this.array = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.length === this.array.length) {
      const grown = new Int32Array(Math.max(16, this.array.length * 2));
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = x;
  }
}
