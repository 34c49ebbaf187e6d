/**
 * `accessplane init` writes a project whose own checks pass before anyone edits it: `validate`,
 * `plan`, and the workflow's `codeowners --check`, for one stack and for sharded stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { initProject } from "../../provider/cli/init";
import { SHARDED_REVIEW_WORKFLOW, SHARDED_WORKFLOW, WORKFLOW } from "../../provider/cli/templates";
import { git, runBinary, tempDir } from "./support";

const options = { version: "0.1.0", peers: {} };
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps?: { run?: string; uses?: string }[] }>;
}
const runs = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ""));

describe("accessplane init", () => {
  let work: string;
  beforeAll(() => {
    work = tempDir("accessplane-init-");
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test("writes .github/CODEOWNERS that `codeowners --check` accepts, with the governance team's handle", async () => {
    const dir = path.join(work, "one");
    const r = initProject(dir, options);
    expect(r.files).toContain(".github/CODEOWNERS");
    expect(r.files).not.toContain(".github/workflows/access-stacks.yml");
    const owners = fs.readFileSync(path.join(dir, ".github", "CODEOWNERS"), "utf8");
    expect(owners).toMatch(/^\/accessplane\.yaml +@my-org\/data-stewards$/m);
    expect(owners).toMatch(/^\/policies\/finance-by-request\.yaml +@my-org\/data-stewards$/m);
    expect(fs.readFileSync(path.join(dir, ".github", "workflows", "access-review.yml"), "utf8")).toBe(WORKFLOW);
    expect(await runBinary(dir, "codeowners", "--check")).toEqual({ code: 0, out: ".github/CODEOWNERS is up to date\n", err: "" });
    // Also as the workflow runs it: in a git repository whose root is the project.
    git(dir, "init", "-q");
    expect((await runBinary(dir, "codeowners", "--check")).code).toBe(0);
    expect((await runBinary(dir, "validate")).code).toBe(0);
  });

  test("a steward change makes the scaffold's CODEOWNERS stale", async () => {
    const dir = path.join(work, "stale");
    initProject(dir, { ...options, platforms: "snowflake" });
    const users = path.join(dir, "inventory", "users.yaml");
    fs.writeFileSync(users, fs.readFileSync(users, "utf8").replace('github: "@my-org/data-stewards"', 'github: "@my-org/governance"'));
    const r = await runBinary(dir, "codeowners", "--check");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/CODEOWNERS is stale/);
  });

  test("--sharded writes the stacks workflow and a review workflow without a single-stack deploy", async () => {
    const dir = path.join(work, "sharded");
    const r = initProject(dir, { ...options, sharded: true });
    expect(r.files).toEqual(
      expect.arrayContaining([".github/workflows/access-stacks.yml", ".github/workflows/access-review.yml", ".github/CODEOWNERS"]),
    );
    const stacks = fs.readFileSync(path.join(dir, ".github", "workflows", "access-stacks.yml"), "utf8");
    expect(stacks).toBe(SHARDED_WORKFLOW);
    const review = parse(fs.readFileSync(path.join(dir, ".github", "workflows", "access-review.yml"), "utf8"), {
      uniqueKeys: true,
    }) as Workflow;
    expect(fs.readFileSync(path.join(dir, ".github", "workflows", "access-review.yml"), "utf8")).toBe(SHARDED_REVIEW_WORKFLOW);
    // Deploys and previews belong to access-stacks.yml only: no `pulumi` step, no push or schedule run.
    expect(Object.keys(review.on).sort()).toEqual(["pull_request", "pull_request_review"]);
    expect(Object.keys(review.jobs)).not.toContain("deploy");
    expect(
      Object.values(review.jobs)
        .flatMap((j) => j.steps ?? [])
        .filter((s) => s.uses?.startsWith("pulumi/")),
    ).toEqual([]);
    expect(runs(review)).toEqual(expect.arrayContaining(["npx accessplane codeowners --check"]));
    // The single-stack review keeps its preview and deploy.
    const one = parse(WORKFLOW, { uniqueKeys: true }) as Workflow;
    expect(Object.keys(one.on).sort()).toEqual(["pull_request", "pull_request_review", "push", "schedule"]);
    expect(Object.keys(one.jobs)).toContain("deploy");
    // The program reads its slice from the stack's name when the workflow sets the flag.
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toMatch(/sliceOfStack\(pulumi\.getStack\(\)\)/);
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toMatch(/access-stacks\.yml/);
    expect((await runBinary(dir, "codeowners", "--check")).code).toBe(0);
    expect((await runBinary(dir, "stacks")).code).toBe(0);
  });

  test("inside a repository whose root is elsewhere, CODEOWNERS is left to `accessplane codeowners` at the root", async () => {
    const repo = path.join(work, "repo");
    fs.mkdirSync(repo);
    git(repo, "init", "-q");
    const r = initProject(path.join(repo, "access"), options);
    expect(r.files).not.toContain(".github/CODEOWNERS");
    expect(r.report).toMatch(/npx accessplane codeowners +# \.github\/CODEOWNERS at the repository root/);
    expect(await runBinary(path.join(repo, "access"), "codeowners")).toEqual({
      code: 0,
      out: `wrote ${path.join("..", ".github", "CODEOWNERS")}\n`,
      err: "",
    });
    expect(fs.readFileSync(path.join(repo, ".github", "CODEOWNERS"), "utf8")).toMatch(
      /^\/access\/accessplane\.yaml +@my-org\/data-stewards$/m,
    );
  });
});
