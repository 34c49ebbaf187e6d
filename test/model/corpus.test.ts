/**
 * The corpus of bad inputs: every invalid case yields exactly its expected issue list, loads no
 * estate, and the CLI exits 1 without a stack trace. Every warnings case loads, plans with exactly
 * its expected issues and access, and validates with exit 0.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseEstate } from "../../provider/model/load";
import type { SourceFile } from "../../provider/model/estate";
import { main } from "../../provider/cli/main";
import { expectGolden } from "../support/golden";
import { plain } from "../../provider/plan/render/table";
import { buildPlan } from "../../provider/plan/build";

const CORPUS = path.join(__dirname, "..", "corpus");
const INVALID = path.join(CORPUS, "invalid");
const WARNINGS = path.join(CORPUS, "warnings");
const NOW = "2026-06-01T00:00:00Z";

function filesUnder(dir: string, rel: string): SourceFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ path: `${rel}/${f}`, content: fs.readFileSync(path.join(dir, f)) }));
}

const casesIn = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((d) => fs.statSync(path.join(dir, d)).isDirectory())
    .sort();
const cases = casesIn(INVALID);

/** Loads a case: the shared inventory plus the case's own policies, inventory and configuration. */
function loadCase(dir: string) {
  const configPath = path.join(dir, "accessplane.yaml");
  return parseEstate({
    policies: filesUnder(path.join(dir, "policies"), "policies"),
    inventory: [
      { path: "inventory.yaml", content: fs.readFileSync(path.join(CORPUS, "inventory.yaml")) },
      ...filesUnder(path.join(dir, "inventory"), "inventory"),
    ],
    ...(fs.existsSync(configPath) ? { config: { path: "accessplane.yaml", content: fs.readFileSync(configPath) } } : {}),
  });
}

describe("invalid input corpus", () => {
  test.each(cases)("%s", (name) => {
    const dir = path.join(INVALID, name);
    const res = loadCase(dir);
    expect(res.issues.some((i) => i.severity === "error")).toBe(true);
    expect(res.estate).toBeUndefined();
    expectGolden(path.join(dir, "expected.json"), JSON.stringify(res.issues, null, 2) + "\n");
  });

  test.each(cases)("the CLI reports %s with exit 1 and no stack trace", async (name) => {
    const dir = path.join(INVALID, name);
    let out = "";
    let err = "";
    const code = await main(
      [
        "node",
        "accessplane",
        "plan",
        "--policies",
        path.join(dir, "policies"),
        "--inventory",
        inventoryDir(dir),
        ...(fs.existsSync(path.join(dir, "accessplane.yaml")) ? ["--config", path.join(dir, "accessplane.yaml")] : []),
      ],
      { out: (s) => (out += s), err: (s) => (err += s), style: plain },
    );
    expect(code).toBe(1);
    expect(out + err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    const errors = loadCase(dir).issues.filter((i) => i.severity === "error").length;
    expect(err).toMatch(new RegExp(`\\n${errors} errors?: nothing was planned\\n$`));
  });
});

describe("corpus of inputs that load with warnings", () => {
  const warned = casesIn(WARNINGS);

  test.each(warned)("%s", (name) => {
    const dir = path.join(WARNINGS, name);
    const res = loadCase(dir);
    expect(res.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(res.estate).toBeDefined();
    const plan = buildPlan(res.estate!, NOW);
    const expected = {
      issues: res.issues,
      planIssues: plan.issues.filter((i) => i.code !== "policy-staged"),
      access: plan.access.map((e) => `${e.user} ${e.dataSource} ${e.privileges.join(",")}`),
    };
    expectGolden(path.join(dir, "expected.json"), JSON.stringify(expected, null, 2) + "\n");
  });

  test.each(warned)("the CLI validates %s with exit 0", async (name) => {
    const dir = path.join(WARNINGS, name);
    let out = "";
    let err = "";
    const code = await main(
      [
        "node",
        "accessplane",
        "validate",
        "--policies",
        path.join(dir, "policies"),
        "--inventory",
        inventoryDir(dir),
        ...(fs.existsSync(path.join(dir, "accessplane.yaml")) ? ["--config", path.join(dir, "accessplane.yaml")] : []),
      ],
      { out: (s) => (out += s), err: (s) => (err += s), style: plain },
    );
    expect(code).toBe(0);
    expect(out + err).toMatch(/user-not-in-inventory|unknown-attribute/);
  });
});

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The CLI reads one inventory path: a directory holding the shared inventory and the case's own, as `loadCase` reads them. */
function inventoryDir(dir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-"));
  tempDirs.push(tmp);
  fs.copyFileSync(path.join(CORPUS, "inventory.yaml"), path.join(tmp, "inventory.yaml"));
  for (const f of filesUnder(path.join(dir, "inventory"), "inventory")) fs.writeFileSync(path.join(tmp, path.basename(f.path)), f.content);
  return tmp;
}
