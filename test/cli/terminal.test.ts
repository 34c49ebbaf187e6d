/** Terminal behaviour: colour only on a TTY without NO_COLOR; a progress line only when slow, on stderr. */
import { chooseStyle } from "../../provider/cli/main";
import { Progress } from "../../provider/cli/progress";
import { colour, plain } from "../../provider/plan/render/table";
import { ROOT, runBinary } from "./support";

describe("colour", () => {
  test.each([
    [true, {}, colour],
    [true, { NO_COLOR: "1" }, plain],
    [true, { NO_COLOR: "" }, colour],
    [false, {}, plain],
    [undefined, {}, plain],
  ] as const)("isTTY=%s env=%j", (isTTY, env, style) => {
    expect(chooseStyle(isTTY === undefined ? {} : { isTTY }, env)).toBe(style);
  });

  test("piped output has no escape codes and no progress line", async () => {
    const r = await runBinary(ROOT, "plan", "--now", "2026-11-23T00:00:00Z");
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toMatch(/\u001b/);
  });
});

/** Busy-waits: planning is synchronous, so the timer cannot fire while it runs. */
const spin = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe("progress", () => {
  test("nothing is written when the run is fast", () => {
    let err = "";
    const p = new Progress((s) => (err += s), true, 1000);
    p.step("resolving");
    p.step("planning");
    p.stop();
    expect(err).toBe("");
  });

  test("a slow synchronous run redraws at each stage, then clears the line", () => {
    let err = "";
    const p = new Progress((s) => (err += s), true, 20);
    p.step("resolving");
    spin(30);
    p.step("planning");
    p.stop();
    expect(err).toMatch(/^\r\u001b\[K⠋ planning \(0\.\ds\)\r\u001b\[K$/);
  });

  test("the timer animates while the CLI waits on I/O", async () => {
    let err = "";
    const p = new Progress((s) => (err += s), true, 20);
    p.step("reading git");
    await new Promise((r) => setTimeout(r, 250));
    p.stop();
    const frames = err.split("\r\u001b[K").filter(Boolean);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames[0]).toMatch(/^⠋ reading git \(0\.\ds\)$/);
    expect(frames[1]).toMatch(/^⠙ reading git/);
    expect(err.endsWith("\r\u001b[K")).toBe(true);
  });

  test("disabled (stderr is not a terminal): never writes", async () => {
    let err = "";
    const p = new Progress((s) => (err += s), false, 0);
    p.step("resolving");
    spin(5);
    p.step("planning");
    await new Promise((r) => setTimeout(r, 30));
    p.stop();
    expect(err).toBe("");
  });
});
