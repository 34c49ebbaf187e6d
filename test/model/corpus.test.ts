/**
 * The corpus of bad inputs: every case yields exactly its expected issue list, loads no estate, and
 * the CLI exits 1 without a stack trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseEstate, type SourceFile } from "../../provider/model/load";
import { main } from "../../provider/cli/main";
import { expectGolden } from "../support/golden";
import { plain } from "../../provider/plan/render/table";

const CORPUS = path.join(__dirname, "..", "corpus");
const INVALID = path.join(CORPUS, "invalid");

function filesUnder(dir: string, rel: string): SourceFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ path: `${rel}/${f}`, content: fs.readFileSync(path.join(dir, f)) }));
}

const cases = fs.readdirSync(INVALID).filter((d) => fs.statSync(path.join(INVALID, d)).isDirectory()).sort();

describe("invalid input corpus", () => {
  test.each(cases)("%s", (name) => {
    const dir = path.join(INVALID, name);
    const configPath = path.join(dir, "accessplane.yaml");
    const res = parseEstate({
      policies: filesUnder(path.join(dir, "policies"), "policies"),
      inventory: [
        { path: "inventory.yaml", content: fs.readFileSync(path.join(CORPUS, "inventory.yaml")) },
        ...filesUnder(path.join(dir, "inventory"), "inventory"),
      ],
      ...(fs.existsSync(configPath) ? { config: { path: "accessplane.yaml", content: fs.readFileSync(configPath) } } : {}),
    });
    expect(res.issues.some((i) => i.severity === "error")).toBe(true);
    expect(res.estate).toBeUndefined();
    expectGolden(path.join(dir, "expected.json"), JSON.stringify(res.issues, null, 2) + "\n");
  });

  test.each(cases)("the CLI reports %s with exit 1 and no stack trace", async (name) => {
    const dir = path.join(INVALID, name);
    let out = "";
    let err = "";
    const code = await main(
      ["node", "accessplane", "plan", "--policies", path.join(dir, "policies"), "--inventory", path.join(CORPUS, "inventory.yaml"),
        ...(fs.existsSync(path.join(dir, "accessplane.yaml")) ? ["--config", path.join(dir, "accessplane.yaml")] : [])],
      { out: (s) => (out += s), err: (s) => (err += s), style: plain },
    );
    const hasOwnInventory = fs.existsSync(path.join(dir, "inventory"));
    // Cases whose problem lives in their own inventory files may pass with the shared one alone.
    if (!hasOwnInventory) expect(code).toBe(1);
    else expect([0, 1]).toContain(code);
    expect(out + err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    if (code === 1) expect(err).toMatch(/nothing was planned/);
  });
});
