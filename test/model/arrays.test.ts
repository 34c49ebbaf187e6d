import { append } from "../../provider/model/arrays";

describe("append", () => {
  test("appends more items than a spread call can pass, in order", () => {
    const items = Array.from({ length: 500_000 }, (_, i) => i);
    // The call it replaces overflows the stack at this size.
    expect(() => [].push(...(items as never[]))).toThrow(RangeError);
    const out = [-1];
    append(out, items);
    expect(out.length).toBe(500_001);
    expect(out[0]).toBe(-1);
    expect(out[1]).toBe(0);
    expect(out[500_000]).toBe(499_999);
  });
});
