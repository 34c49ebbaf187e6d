/** Interned privilege lists: one id per distinct list, and merges memoised without key collisions. */
import { ADAPTERS } from "../../provider/platforms";
import type { PlatformAdapter } from "../../provider/platforms/types";
import { PrivilegeLists } from "../../provider/plan/privileges";

const snowflake = ADAPTERS.snowflake as PlatformAdapter;

describe("PrivilegeLists", () => {
  test("equal lists share one id, whatever the array", () => {
    const lists = new PrivilegeLists();
    const a = lists.intern(["INSERT", "SELECT"]);
    expect(lists.intern(["INSERT", "SELECT"])).toBe(a);
    expect(lists.intern(["SELECT"])).not.toBe(a);
    expect(lists.get(a)).toEqual(["INSERT", "SELECT"]);
    expect(lists.size).toBe(2);
  });

  test("merges are the adapter's and memoised: the same id for the same pair", () => {
    const lists = new PrivilegeLists();
    const merge = lists.merger(snowflake);
    const x = lists.intern(["SELECT"]);
    const y = lists.intern(["INSERT"]);
    const xy = merge(x, y);
    expect(lists.get(xy)).toEqual(["INSERT", "SELECT"]);
    expect(merge(x, y)).toBe(xy);
    expect(merge(x, x)).toBe(x);
  });

  test("past 65,536 distinct lists, pairs that a 16-bit packing would confuse stay apart", () => {
    const lists = new PrivilegeLists();
    const merge = lists.merger(snowflake);
    const ids: number[] = [];
    for (let i = 0; i <= 65_536; i++) ids.push(lists.intern([`P${String(i).padStart(6, "0")}`]));
    expect(lists.size).toBe(65_537);
    // (0, 65536) and (1, 0) both pack to 65,536 as `x * 65536 + y`.
    const first = merge(ids[0]!, ids[65_536]!);
    const second = merge(ids[1]!, ids[0]!);
    expect(lists.get(first)).toEqual(["P000000", "P065536"]);
    expect(lists.get(second)).toEqual(["P000000", "P000001"]);
    // And the memo answers each pair with its own merge on the second ask too.
    expect(merge(ids[0]!, ids[65_536]!)).toBe(first);
    expect(merge(ids[1]!, ids[0]!)).toBe(second);
  });

  test("merges are memoised per adapter: another platform's rule is not answered from the memo", () => {
    const lists = new PrivilegeLists();
    const s3 = ADAPTERS.s3 as PlatformAdapter;
    const read = lists.intern(["READ"]);
    const readWrite = lists.intern(["READWRITE"]);
    expect(lists.get(lists.merger(s3)(read, readWrite))).toEqual(s3.merge(["READ"], ["READWRITE"]));
    expect(lists.get(lists.merger(snowflake)(read, readWrite))).toEqual(["READ", "READWRITE"]);
  });
});
