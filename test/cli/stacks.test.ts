/**
 * `accessplane stacks` on a real, temporary git repository, run with the real binary as CI does:
 * the layout sums to the estate's resources, `--check` fails over the limit, and `--changed --base`
 * lists exactly the stacks whose resources a commit changed.
 */
import * as fs from "node:fs";
import { baseEstate, inventory, NOW } from "../support/estate";
import { git, runBinary, tempDir, writeFiles } from "./support";

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
  stacks: { name: string; family: string; platforms: string[]; resources: number; shard: { count: number; index: number } }[];
  over: string[];
  matrix: { include: { job: string; stacks: string }[] };
}

test("the layout, its matrix, --check, and the stacks a commit changed", async () => {
  const all = await runBinary(repo, "stacks", "--now", NOW, "--format", "json");
  expect(all.err).toBe("");
  expect(all.code).toBe(0);
  const layout = JSON.parse(all.out) as Out;
  expect(layout.stacks.length).toBeGreaterThan(0);
  expect(layout.over).toEqual([]);
  expect(layout.matrix.include.map((j) => j.stacks)).toEqual(layout.stacks.map((s) => s.name));

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
