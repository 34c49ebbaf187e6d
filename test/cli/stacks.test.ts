/**
 * `accessplane stacks` on a real, temporary git repository, run with the real binary as CI does:
 * the layout sums to the estate's resources, `--check` fails over the limit, and `--changed --base`
 * lists exactly the stacks whose resources a commit changed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { baseEstate, inventory, NOW } from "../support/estate";
import { git, ROOT, runBinary, tempDir, writeFiles } from "./support";

let repo: string;
const flat = (e: ReturnType<typeof baseEstate>) => ({ ...e.policies, ...e.inventory });
const PROJECT = { "accessplane.yaml": "policies: policies\ninventory: inventory\n" + baseEstate().config! };

beforeAll(() => {
  repo = tempDir("accessplane-stacks-");
  git(repo, "init", "-q");
  writeFiles(repo, { ...flat(baseEstate()), ...PROJECT });
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "estate");
  writeFiles(repo, flat(baseEstate({ inventory: inventory({ benGroups: ["engineers", "analysts"] }) })));
  git(repo, "commit", "-q", "-am", "ben joins analysts");
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

interface Out {
  stacks: {
    name: string;
    family: string;
    platforms: string[];
    part?: string;
    resources: number;
    shard: { count: number; index: number };
  }[];
  over: string[];
  matrix: { include: { job: string; stacks: string }[] };
  deploy: { first: { include: { job: string; stacks: string }[] }; members: { include: { job: string; stacks: string }[] } };
}

/** Resolves a jq path such as `.deploy.first.include` on a value. */
const jqPath = (v: unknown, expr: string): unknown =>
  expr
    .split(".")
    .filter(Boolean)
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);

test("the layout, its matrix, --check, and the stacks a commit changed", async () => {
  const all = await runBinary(repo, "stacks", "--now", NOW, "--format", "json");
  expect(all.err).toBe("");
  expect(all.code).toBe(0);
  const layout = JSON.parse(all.out) as Out;
  expect(layout.stacks.length).toBeGreaterThan(0);
  expect(layout.over).toEqual([]);
  expect(layout.matrix.include.map((j) => j.stacks)).toEqual(layout.stacks.map((s) => s.name));
  expect(layout.deploy.first).toEqual(layout.matrix);
  expect(layout.deploy.members).toEqual({ include: [] });
  // Every path the sharded workflow reads with jq exists in this JSON.
  const wf = fs.readFileSync(path.join(ROOT, "examples", "github-actions", "sharded-stacks.yml"), "utf8");
  const paths = [...wf.matchAll(/jq (?:-c )?'?(\.[\w.]+)/g)].map((m) => m[1]!);
  expect(paths.sort()).toEqual([
    ".deploy.first",
    ".deploy.first.include",
    ".deploy.members",
    ".deploy.members.include",
    ".matrix",
    ".stacks",
  ]);
  for (const p of paths) expect(jqPath(layout, p)).toBeDefined();

  // With a limit below the largest principal, Snowflake splits into principals and members stacks.
  const split = JSON.parse((await runBinary(repo, "stacks", "--now", NOW, "--format", "json", "--max-resources", "4")).out) as Out;
  const parts = split.stacks.filter((s) => s.family === "snowflake").map((s) => s.part);
  expect(new Set(parts)).toEqual(new Set(["principals", "members"]));
  expect(split.deploy.members.include.flatMap((j) => j.stacks.split(" ")).every((n) => n.startsWith("snowflake-members"))).toBe(true);
  expect(split.deploy.first.include.flatMap((j) => j.stacks.split(" ")).some((n) => n.startsWith("snowflake-principals"))).toBe(true);

  const tight = await runBinary(repo, "stacks", "--now", NOW, "--max-resources", "1", "--check");
  expect(tight.code).toBe(1);
  expect(tight.out).toMatch(/^over the limit: /m);

  const changed = await runBinary(repo, "stacks", "--now", NOW, "--format", "json", "--changed", "--base", "HEAD~1");
  expect(changed.code).toBe(0);
  const c = JSON.parse(changed.out) as Out & { base: string };
  expect(c.base).toBe("HEAD~1");
  // Ben joining the analysts adds his membership: the stack of that principal changes, no other.
  expect(c.stacks.length).toBeGreaterThan(0);
  expect(c.stacks.length).toBeLessThan(layout.stacks.length + 1);
  expect(c.stacks.every((s) => layout.stacks.some((l) => l.name === s.name))).toBe(true);
  // Ben has a Snowflake identity only: no other platform's stack changes.
  expect(c.stacks.map((s) => [s.family, s.platforms])).toEqual([["snowflake", ["snowflake"]]]);

  const same = await runBinary(repo, "stacks", "--now", NOW, "--format", "json", "--changed", "--base", "HEAD");
  expect((JSON.parse(same.out) as Out).stacks).toEqual([]);
  expect((JSON.parse(same.out) as Out).matrix).toEqual({ include: [] });

  const usage = await runBinary(repo, "stacks", "--changed");
  expect(usage.code).toBe(2);
  expect(usage.err).toMatch(/--changed needs --base/);
}, 240_000);

test("--write records the layout in accessplane.yaml, and later runs keep its stack names", async () => {
  const dir = tempDir("accessplane-stacks-write-");
  try {
    const project = "# the estate\n" + PROJECT["accessplane.yaml"];
    writeFiles(dir, { ...flat(baseEstate()), "accessplane.yaml": project });
    const fresh = JSON.parse((await runBinary(dir, "stacks", "--now", NOW, "--format", "json", "--max-resources", "4")).out) as Out & {
      recorded: unknown;
    };
    expect(fresh.recorded).toBe(false);
    const w = await runBinary(dir, "stacks", "--now", NOW, "--max-resources", "4", "--write");
    expect(w.code).toBe(0);
    expect(w.out).toMatch(/^layout recorded in accessplane\.yaml \(stacks\.layout\)/m);
    const text = fs.readFileSync(path.join(dir, "accessplane.yaml"), "utf8");
    // The rest of the file is as written, comments included.
    expect(text.startsWith(project)).toBe(true);
    const recorded = parse(text) as { stacks: { layout: Record<string, unknown>; maxResources?: number } };
    expect(recorded.stacks.layout.snowflake).toEqual({
      principals: fresh.stacks.find((s) => s.part === "principals")!.shard.count,
      members: fresh.stacks.find((s) => s.part === "members")!.shard.count,
    });
    expect(recorded.stacks).toMatchObject({ maxResources: 4 });
    // The recorded limit holds for later runs.
    expect(
      (JSON.parse((await runBinary(dir, "stacks", "--now", NOW, "--format", "json")).out) as { maxResources: number }).maxResources,
    ).toBe(4);
    // The recorded counts hold at another limit: the same stack names, the overflow reported with help.
    const later = await runBinary(dir, "stacks", "--now", NOW, "--max-resources", "1", "--check");
    expect(later.code).toBe(1);
    expect(later.out).toMatch(/the estate outgrew the recorded layout: `accessplane stacks --write` records a new one/);
    const again = JSON.parse((await runBinary(dir, "stacks", "--now", NOW, "--format", "json", "--max-resources", "1")).out) as Out & {
      recorded: unknown;
    };
    expect(again.recorded).toBe(true);
    expect(again.stacks.map((s) => s.name)).toEqual(fresh.stacks.map((s) => s.name));
    // With the layout recorded, --changed names the touched stacks from the plans, registering nothing.
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "estate");
    writeFiles(dir, flat(baseEstate({ inventory: inventory({ benGroups: ["engineers", "analysts"] }) })));
    const touched = JSON.parse(
      (await runBinary(dir, "stacks", "--now", NOW, "--format", "json", "--changed", "--base", "HEAD")).out,
    ) as Out & {
      fromPlans?: boolean;
    };
    expect(touched.fromPlans).toBe(true);
    expect(touched.stacks.length).toBeGreaterThan(0);
    expect(touched.stacks.every((s) => fresh.stacks.some((f) => f.name === s.name) && s.family === "snowflake")).toBe(true);
    expect(touched.deploy.first.include.length + touched.deploy.members.include.length).toBe(touched.stacks.length);
    // The configuration still loads (the schema knows `stacks`).
    expect((await runBinary(dir, "validate")).code).toBe(0);
    const bad = await runBinary(dir, "stacks", "--write", "--changed", "--base", "HEAD");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--write records a fresh layout of the whole estate: drop --changed/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);
