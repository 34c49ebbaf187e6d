/**
 * The bundled example estate, end to end through the CLI: the exact JSON plan (contract version 1,
 * with the resources the components register), the text and markdown plans, and the README command.
 */
import * as path from "node:path";
import { main } from "../provider/cli/main";
import { plain } from "../provider/plan/render/table";
import { expectGolden } from "./support/golden";

const NOW = "2026-11-23T00:00:00Z";
const GOLDEN = path.join(__dirname, "golden");

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["node", "accessplane", ...args], { out: (s) => (out += s), err: (s) => (err += s), style: plain });
  return { code, out, err };
}

test("the JSON plan of the example estate", async () => {
  const r = await run("plan", "--now", NOW, "--format", "json");
  expect(r.code).toBe(0);
  expect(r.err).toBe("");
  const plan = JSON.parse(r.out);
  expect(plan.version).toBe(1);
  expect(Object.keys(plan).slice(0, 3)).toEqual(["version", "access", "issues"]);
  expect(new Set(plan.access.map((e: { platform: string }) => e.platform)).size).toBe(8);
  expectGolden(path.join(GOLDEN, "example-plan.json"), r.out);
});

test.each(["text", "markdown"])("the %s plan of the example estate", async (format) => {
  const r = await run("plan", "--now", NOW, "--format", format);
  expect(r.code).toBe(0);
  expectGolden(path.join(GOLDEN, `example-plan.${format === "text" ? "txt" : "md"}`), r.out);
});

test("the README's first command plans the example estate with no arguments", async () => {
  const r = await run("plan", "--now", NOW);
  expect(r.code).toBe(0);
  expect(r.out).toContain("Access per user");
  expect(r.out).toMatch(/0 errors, \d+ warnings/);
});
