/**
 * Array helpers that hold at any size. `out.push(...items)` passes every item as an argument, and
 * past about 100,000 of them the call overflows the stack (RangeError): plans at four times the
 * headline estate have that many blast-radius rows and output lines.
 */

/** Appends `items` to `out` in order, one by one. */
export function append<T>(out: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}
