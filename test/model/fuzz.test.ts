/**
 * The loader under hostile input: generated documents never crash it, every problem comes back as a
 * well-formed issue, and oversize or deeply nested files are refused cleanly.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { loadEstate } from "../../provider/model/read";
import { MAX_DEPTH } from "../../provider/model/limits";
import { parseEstate } from "../../provider/model/load";
import { buildPlan } from "../../provider/plan/build";
import { main } from "../../provider/cli/main";
import { plain } from "../../provider/plan/render/table";
import { SMALL_INVENTORY } from "../support/estate";

const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Policy-shaped values: real keys with random, often wrong, values. */
const policyish = fc.record(
  {
    name: fc.oneof(fc.constantFrom("p", "finance-read", "Bad Name", ""), fc.string(), fc.integer()),
    access: fc.oneof(fc.constantFrom("read", "write", "admin"), fc.anything()),
    state: fc.constantFrom("active", "staged", "paused", undefined),
    kind: fc.constantFrom("grant", "guardrail", "deny", undefined),
    subscribers: fc.oneof(
      fc.constant({ anyone: true }),
      fc.record({ when: fc.anything() }, { requiredKeys: [] }),
      fc.record({ users: fc.array(fc.oneof(fc.constantFrom("ann", "ben", "ghost"), fc.anything()), { maxLength: 4 }) }),
      fc.record({ approval: fc.anything() }),
      fc.anything(),
    ),
    dataSources: fc.oneof(fc.record({ names: fc.array(fc.constantFrom("t1", "t2", "v1", "zz"), { maxLength: 3 }) }), fc.anything()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

const document = fc.oneof(
  policyish.map((p) => stringify(p) ?? ""),
  fc.anything().map((v) => {
    try {
      return stringify(v) ?? "";
    } catch {
      return String(v);
    }
  }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom(
    "a: [",
    "{{{",
    "- - - -",
    "? ? ?",
    "&a [*a]",
    "!!binary xyz",
    "%YAML 9.9\n---\na: 1",
    "a: *missing",
    "\u0000\u0001",
    "a: b: c",
  ),
);

function wellFormed(issues: unknown[]) {
  for (const i of issues as Record<string, unknown>[]) {
    expect(["error", "warning"]).toContain(i.severity);
    expect(i.code).toMatch(CODE);
    expect(typeof i.message).toBe("string");
    expect((i.message as string).length).toBeGreaterThan(0);
    expect(i.message as string).not.toMatch(/\n\s+at /);
  }
}

test("10,000 generated documents never crash the loader; every problem is a well-formed issue", () => {
  fc.assert(
    fc.property(document, fc.boolean(), (doc, asInventory) => {
      const res = parseEstate({
        policies: asInventory ? [] : [{ path: "policies/p.yaml", content: doc }],
        inventory: [{ path: "inventory.yaml", content: SMALL_INVENTORY }, ...(asInventory ? [{ path: "extra.yaml", content: doc }] : [])],
      });
      wellFormed(res.issues);
      if (res.estate) buildPlan(res.estate, "2026-06-01T00:00:00Z");
      else expect(res.issues.some((i) => i.severity === "error")).toBe(true);
    }),
    { numRuns: 10_000 },
  );
});

test("deeply nested conditions are refused with one clear issue, at any depth", () => {
  for (const depth of [MAX_DEPTH + 1, 1_000, 20_000]) {
    const when = "{ anyOf: [ ".repeat(depth) + "{ group: analysts }" + " ] }".repeat(depth);
    const res = parseEstate({
      policies: [{ path: "p.yaml", content: `name: p\naccess: read\nsubscribers:\n  when: ${when}\ndataSources: { names: [t1] }\n` }],
      inventory: [{ path: "inventory.yaml", content: SMALL_INVENTORY }],
    });
    expect(res.estate).toBeUndefined();
    expect(res.issues.map((i) => `${i.code} ${i.line}`)).toEqual(["too-deep 4"]);
    wellFormed(res.issues);
  }
});

test("a 50 MB file is refused before it is read, and the CLI exits 1 without a stack trace", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-big-"));
  try {
    fs.mkdirSync(path.join(dir, "policies"));
    const big = path.join(dir, "policies", "huge.yaml");
    const fd = fs.openSync(big, "w");
    fs.ftruncateSync(fd, 50 * 1024 * 1024);
    fs.closeSync(fd);
    fs.writeFileSync(path.join(dir, "inventory.yaml"), SMALL_INVENTORY);
    const res = loadEstate({ policies: path.join(dir, "policies"), inventory: path.join(dir, "inventory.yaml") });
    expect(res.estate).toBeUndefined();
    expect(res.issues).toEqual([
      {
        severity: "error",
        code: "file-too-large",
        message: "file is 50.0 MiB, over the 16 MiB limit",
        file: path.relative(process.cwd(), big),
        help: "split it into several files in the same directory",
      },
    ]);
    let out = "";
    const code = await main(
      ["node", "accessplane", "plan", "--policies", path.join(dir, "policies"), "--inventory", path.join(dir, "inventory.yaml")],
      {
        out: (s) => (out += s),
        err: (s) => (out += s),
        style: plain,
      },
    );
    expect(code).toBe(1);
    expect(out).toMatch(/file-too-large/);
    expect(out).not.toMatch(/\n\s+at /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an alias bomb is refused", () => {
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from({ length: 8 }, (_, i) => `${"bcdefghij"[i]}: &${"bcdefghij"[i]} [${Array(10).fill(`*${"abcdefghij"[i]}`).join(", ")}]`),
  ].join("\n");
  const res = parseEstate({ policies: [{ path: "p.yaml", content: bomb }], inventory: [] });
  expect(res.estate).toBeUndefined();
  expect(res.issues.map((i) => i.code)).toEqual(["yaml-alias"]);
});
