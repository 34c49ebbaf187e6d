import type { DataSource } from "../../provider/model/schema";
import { AccessTable } from "../../provider/plan/access-table";
import type { PrivilegeTables } from "../../provider/plan/privileges";
import { Holdings } from "../../provider/plan/holdings";
import { Ints } from "../../provider/plan/ints";

const first = (x: number) => x;

describe("Holdings", () => {
  it("keeps buckets' contributions in order and groups holdings by user, each user's in the order added", () => {
    const h = new Holdings();
    const b0 = h.bucket(0, first, [1, 4], [7, 8], [false, true]);
    const b1 = h.bucket(2, first, [3], [9], [true]);
    h.add(2, b1, Infinity);
    h.add(0, b0, 100);
    h.add(2, b0, 50);
    h.add(0, b1, Infinity);
    expect([b0, b1]).toEqual([0, 1]);
    expect(h.length).toBe(4);
    expect(h.contributions()).toBe(1 + 2 + 2 + 1);
    const byUser = h.byUser(3);
    expect([...byUser.at]).toEqual([0, 2, 2, 4]);
    expect([...byUser.bucket]).toEqual([b0, b1, b1, b0]);
    expect([...byUser.exp]).toEqual([100, Infinity, Infinity, 50]);
    const b = h.buckets();
    expect([...b.start.subarray(0, 3)]).toEqual([0, 2, 3]);
    expect([...b.d.subarray(0, 3)]).toEqual([1, 4, 3]);
    expect([...b.priv.subarray(0, 3)]).toEqual([7, 8, 9]);
    expect([...b.write.subarray(0, 3)]).toEqual([0, 1, 1]);
    expect([...b.policy.subarray(0, 2)]).toEqual([0, 2]);
  });

  it("grows past its first capacity without losing a holding", () => {
    const h = new Holdings();
    const b = h.bucket(0, first, [0], [0], [false]);
    for (let i = 0; i < 5000; i++) h.add(i % 7, b, i);
    const byUser = h.byUser(7);
    expect(byUser.at[7]).toBe(5000);
    // User 3's holdings are the i with i % 7 === 3, ascending.
    const mine = [...byUser.exp.subarray(byUser.at[3]!, byUser.at[4]!)];
    expect(mine).toEqual(Array.from({ length: mine.length }, (_, k) => 3 + 7 * k));
  });
});

describe("Ints", () => {
  it("grows from any capacity, zero included", () => {
    const xs = new Ints(0);
    for (let i = 0; i < 100; i++) xs.push(i * 3);
    expect(xs.length).toBe(100);
    expect([...xs.array.subarray(0, 100)]).toEqual(Array.from({ length: 100 }, (_, i) => i * 3));
  });
});

describe("AccessTable's fold of overlapping holdings", () => {
  it("keeps every policy and the latest expiry whatever order the contributions come in", () => {
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [0, 2, 1],
    ];
    for (const order of orders) {
      const h = new Holdings();
      // Policy k grants data source 0 until 100 * (k + 1), and policy 1 grants data source 1 forever.
      const buckets = [0, 1, 2].map((k) =>
        h.bucket(k, Math.max, k === 1 ? [0, 1] : [0], k === 1 ? [5, 6] : [5], k === 1 ? [false, true] : [false]),
      );
      for (const k of order) h.add(0, buckets[k]!, 100 * (k + 1));
      h.add(1, buckets[1]!, Infinity);
      const sources = [{ id: "d0" }, { id: "d1" }] as DataSource[];
      const table = new AccessTable(["u0", "u1"], sources, ["p0", "p1", "p2"], {} as PrivilegeTables, h);
      expect(table.length).toBe(4);
      const rows = [0, 1, 2, 3].map((i) => table.row(i));
      expect(rows.map((r) => [r.u, r.d, r.write, r.exp])).toEqual([
        [0, 0, false, 300],
        [0, 1, true, 200],
        [1, 0, false, Infinity],
        [1, 1, true, Infinity],
      ]);
      expect(table.policiesOfSet(rows[0]!.pol)).toEqual(["p0", "p1", "p2"]);
      expect(table.policiesOfSet(rows[1]!.pol)).toEqual(["p1"]);
    }
  });
});
