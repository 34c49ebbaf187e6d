/**
 * `accessplane diff` against a real, temporary git repository: two commits of an estate, and a
 * modified working tree. Runs the real binary, as CI does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { baseEstate, finPolicy, inventory, NOW } from "../support/estate";
import { git, runBinary, tempDir, writeFiles } from "./support";

let repo: string;

const flat = (e: ReturnType<typeof baseEstate>) => ({ ...e.policies, ...e.inventory });
// The project file at the repository root names the estate: no path flags are needed.
const PATHS = ["--now", NOW];
// The project file holds the estate's platform configuration inline.
const PROJECT = { "accessplane.yaml": "policies: policies\ninventory: inventory\n" + baseEstate().config! };
const HEADER = "estate accessplane.yaml: policies policies, inventory inventory, config inline\n";

beforeAll(() => {
  repo = tempDir("accessplane-git-");
  git(repo, "init", "-q");
  writeFiles(repo, { ...flat(baseEstate()), ...PROJECT });
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "estate");
  // Second commit: ben joins the analysts.
  writeFiles(repo, flat(baseEstate({ inventory: inventory({ benGroups: ["engineers", "analysts"] }) })));
  git(repo, "commit", "-q", "-am", "ben joins analysts");
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

const BEN_JOINS = `accessplane diff HEAD~1 → HEAD  at 2026-11-23
+2 grants, -0 revokes, 0 changed · access widens

Access gained
  +  ben  t1  read  SELECT  via fin-analysts
  +  ben  v1  read  SELECT  via fin-analysts

Blast radius
  access widens for 1 user on 2 data sources: ben

Upcoming expirations
  2026-12-01  ben  via ops-by-request  expires in 8 days

Pulumi resources  +1 create  ~0 update  -0 delete
  +  snowflake:index/grantAccountRole:GrantAccountRole::estate/snowflake:fin-analysts/member/ben

Resources (estimated: principals, object grants, memberships)  +1 create  ~0 update  -0 delete
  ~  snowflake:fin-analysts  AP_FIN_ANALYSTS  +member BEN
`;

describe("diff over git", () => {
  test("--base HEAD~1 --head HEAD shows the commit's access change", async () => {
    const r = await runBinary(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", ...PATHS);
    expect(r).toEqual({ code: 0, out: HEADER + BEN_JOINS, err: "" });
  });

  test("from a subdirectory, the project file above names the estate", async () => {
    const r = await runBinary(path.join(repo, "policies"), "diff", "--base", "HEAD~1", "--head", "HEAD", ...PATHS);
    expect(r).toEqual({
      code: 0,
      out: "estate ../accessplane.yaml: policies ., inventory ../inventory, config inline\n" + BEN_JOINS,
      err: "",
    });
  });

  test("flags override one entry of the project file, relative to the working directory", async () => {
    const r = await runBinary(
      path.join(repo, "policies"),
      "diff",
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      "--inventory",
      "../inventory",
      ...PATHS,
    );
    expect(r).toEqual({
      code: 0,
      out: "estate ../accessplane.yaml: policies ., inventory ../inventory, config inline\n" + BEN_JOINS,
      err: "",
    });
  });

  test("without a project file, diff names both paths or exits 2", async () => {
    fs.renameSync(path.join(repo, "accessplane.yaml"), path.join(repo, "moved.yaml"));
    try {
      expect(await runBinary(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", ...PATHS)).toEqual({
        code: 2,
        out: "",
        err: `error: no accessplane.yaml found from ${fs.realpathSync(repo)} upwards; run \`accessplane init\` or pass --policies/--inventory\n`,
      });
      const r = await runBinary(
        repo,
        "diff",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--policies",
        "policies",
        "--inventory",
        "inventory",
        "--config",
        "accessplane.yaml",
        ...PATHS,
      );
      expect(r).toEqual({
        code: 0,
        out: "estate from flags (no accessplane.yaml): policies policies, inventory inventory, config accessplane.yaml\n" + BEN_JOINS,
        err: "",
      });
    } finally {
      fs.renameSync(path.join(repo, "moved.yaml"), path.join(repo, "accessplane.yaml"));
    }
  });

  test("--fail-on-widen exits 3 without --ack, 0 with it", async () => {
    const failed = await runBinary(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", ...PATHS, "--fail-on-widen", "--format", "markdown");
    expect(failed.code).toBe(3);
    expect(failed.out.split("\n")[0]).toBe(
      "**accessplane**: +2 grants, -0 revokes, 0 changed · ⚠️ **access widens** for 1 user on 2 data sources",
    );
    expect(failed.err).toBe(
      "access widens for 1 user without acknowledgement: review the diff, then pass --ack (in CI: add the `access-widening-approved` label to the pull request)\n",
    );
    const acked = await runBinary(
      repo,
      "diff",
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      ...PATHS,
      "--fail-on-widen",
      "--ack",
      "--format",
      "markdown",
    );
    expect(acked.code).toBe(0);
    expect(acked.out.split("\n")[0]).toBe(
      "**accessplane**: +2 grants, -0 revokes, 0 changed · ⚠️ **access widens** for 1 user on 2 data sources (acknowledged)",
    );
  });

  test("--base HEAD against a modified working tree", async () => {
    writeFiles(repo, { "policies/fin-analysts.yaml": finPolicy({ access: "write" }) });
    try {
      const r = await runBinary(repo, "diff", "--base", "HEAD", ...PATHS);
      expect(r).toEqual({
        code: 0,
        err: "",
        out: `${HEADER}accessplane diff HEAD → working tree  at 2026-11-23
+0 grants, -0 revokes, 4 changed · 1 new warning · access widens

Access changed
  ~  ann  t1  read → write  +DELETE, +INSERT, +TRUNCATE, +UPDATE  via fin-analysts
  ~  ben  t1  read → write  +DELETE, +INSERT, +TRUNCATE, +UPDATE  via fin-analysts
  ~  cat  t1  read → write  +DELETE, +INSERT, +TRUNCATE, +UPDATE  via fin-analysts
  ~  cat  t2  read → write  +DELETE, +INSERT, +TRUNCATE, +UPDATE  via fin-analysts

Blast radius
  access widens for 3 users on 2 data sources: ann, ben, cat

Upcoming expirations
  2026-12-01  ben  via ops-by-request  expires in 8 days

New issues
  policies/fin-analysts.yaml: warning[write-on-read-only-object]: policy \`fin-analysts\`: \`v1\` is a view, a read-only object: write yields SELECT only (at dataSources)
      help: use a read policy for read-only objects, or point the write policy at base tables

Pulumi resources  +0 create  ~2 update  -0 delete
  ~  snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole::estate/snowflake:fin-analysts/grant/t1
  ~  snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole::estate/snowflake:fin-analysts~702f5904/grant/t2

Resources (estimated: principals, object grants, memberships)  +0 create  ~2 update  -0 delete
  ~  snowflake:fin-analysts           AP_FIN_ANALYSTS           ~grant t1 (+DELETE, +INSERT, +TRUNCATE, +UPDATE)
  ~  snowflake:fin-analysts~702f5904  AP_FIN_ANALYSTS_702F5904  ~grant t2 (+DELETE, +INSERT, +TRUNCATE, +UPDATE)
`,
      });
    } finally {
      git(repo, "checkout", "-q", "--", "policies/fin-analysts.yaml");
    }
  });

  test("a base without the estate yet: everything is new, with a note", async () => {
    // Git's empty tree always exists: a commit of it stands for the repository before accessplane.
    const empty = git(repo, "commit-tree", "-m", "empty", "4b825dc642cb6eb9a060e54bf8d69288fbee4904").trim();
    const r = await runBinary(repo, "diff", "--base", empty, "--head", "HEAD", ...PATHS, "--format", "json");
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `note: ${empty} has no policies at \`policies\`: everything there is new\nnote: ${empty} has no inventory at \`inventory\`: everything there is new\n`,
    );
    const d = JSON.parse(r.out);
    expect(d.summary).toEqual({ gained: 9, changed: 0, lost: 0, newWarnings: 0, newErrors: 0, widens: true });
    expect(d.base).toBe(empty);
  });

  test("an unknown ref is a usage error (exit 2)", async () => {
    const r = await runBinary(repo, "diff", "--base", "no-such-branch", ...PATHS);
    expect(r).toEqual({
      code: 2,
      out: "",
      err: "error: `no-such-branch` is neither a directory nor a git ref known to this repository (fetch it first, e.g. `git fetch origin no-such-branch`)\n",
    });
  });

  test("a head with errors exits 1 and names the side", async () => {
    writeFiles(repo, {
      "policies/broken.yaml": "name: broken\naccess: read\nsubscribers: { when: { group: no-such-group } }\ndataSources: { names: [t1] }\n",
    });
    try {
      const r = await runBinary(repo, "diff", "--base", "HEAD", ...PATHS);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err.split("\n")[0]).toBe("working tree: the estate does not load");
      expect(r.err).toMatch(/policies\/broken\.yaml:\d+: error\[unknown-group\]: unknown group `no-such-group`/);
      expect(r.err).toMatch(/1 error in working tree: nothing was compared\n$/);
    } finally {
      fs.rmSync(path.join(repo, "policies/broken.yaml"));
    }
  });
});
