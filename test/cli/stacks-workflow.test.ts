/**
 * The sharded-stacks workflow: it parses, runs `accessplane stacks` with real flags, feeds the
 * previews, grants and revocations the matrix the command prints, orders creations in every stack
 * before any stack's revocations, and is the template `accessplane init` ships.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { SHARDED_WORKFLOW } from "../../provider/cli/templates";
import { program } from "../../provider/cli/main";
import { plain } from "../../provider/plan/render/table";
import { changedStacks, layout, matrix, MATRIX_CAP, recordedCounts, sliceOfStack, stackName } from "../../provider/pulumi/stacks";
import { shardOf } from "../../provider/pulumi/slice";
import { ROOT, tempDir } from "./support";

interface Job {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: unknown; "fail-fast"?: boolean };
  steps: { id?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown> }[];
}
const FILE = path.join(ROOT, "examples", "github-actions", "sharded-stacks.yml");
const wf = parse(fs.readFileSync(FILE, "utf8"), { uniqueKeys: true }) as { jobs: Record<string, Job> };
const runs = (j: Job) => j.steps.map((s) => s.run ?? "").join("\n");

describe("examples/github-actions/sharded-stacks.yml", () => {
  test("is the template accessplane ships", () => {
    expect(fs.readFileSync(FILE, "utf8")).toBe(SHARDED_WORKFLOW);
  });

  test("computes the changed stacks with real flags and exposes the matrix", () => {
    const job = wf.jobs.stacks!;
    expect(runs(job)).toMatch(/npx accessplane stacks --max-resources 5000 --check "\$@" --format json > stacks\.json/);
    expect(job.outputs).toEqual(
      Object.fromEntries(
        ["matrix", "any", "first", "anyFirst", "members", "anyMembers"].map((k) => [k, `\${{ steps.stacks.outputs.${k} }}`]),
      ),
    );
    const cmd = program({ out: () => {}, err: () => {}, style: plain }, () => {}).commands.find((c) => c.name() === "stacks")!;
    const flags = cmd.options.map((o) => o.long);
    for (const f of ["--max-resources", "--check", "--changed", "--base", "--format"]) expect(flags).toContain(f);
  });

  test("the stacks step passes --changed on pushes and pull requests, and every stack on the daily schedule", () => {
    const step = wf.jobs.stacks!.steps.find((st) => st.id === "stacks")!;
    const bin = tempDir("accessplane-wf-bin-");
    try {
      // Stand-ins for npx and jq that record their arguments, so the step's shell runs as on a runner.
      fs.writeFileSync(path.join(bin, "npx"), '#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS"\necho "{}"\n', { mode: 0o755 });
      fs.writeFileSync(path.join(bin, "jq"), "#!/bin/sh\necho x\n", { mode: 0o755 });
      const argsFor = (event: string) => {
        const env = {
          PATH: `${bin}:${process.env.PATH}`,
          GITHUB_EVENT_NAME: event,
          BASE: "origin/main",
          GITHUB_OUTPUT: path.join(bin, "out"),
          ARGS: path.join(bin, "args"),
        };
        execFileSync("bash", ["-e", "-c", step.run!], { cwd: bin, env, stdio: ["ignore", "pipe", "pipe"] });
        return fs.readFileSync(path.join(bin, "args"), "utf8").trim().split("\n");
      };
      const base = ["accessplane", "stacks", "--max-resources", "5000", "--check"];
      expect(argsFor("pull_request")).toEqual([...base, "--changed", "--base", "origin/main", "--format", "json"]);
      expect(argsFor("push")).toEqual([...base, "--changed", "--base", "origin/main", "--format", "json"]);
      expect(argsFor("schedule")).toEqual([...base, "--format", "json"]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
    expect(Object.keys((wf as unknown as { on: object }).on).sort()).toEqual(["pull_request", "push", "schedule"]);
    expect(wf.jobs.grant!.if).toBe("github.event_name != 'pull_request' && needs.stacks.outputs.anyFirst == 'true'");
    for (const name of ["grant-members", "revoke-members", "revoke"])
      expect(wf.jobs[name]!.if).toMatch(/github.event_name != 'pull_request'/);
  });

  test("previews, grants and revocations run the matrix; one combined comment; grants before revocations", () => {
    const matrixOf = { preview: "matrix", grant: "first", "grant-members": "members", "revoke-members": "members", revoke: "first" };
    for (const [name, m] of Object.entries(matrixOf)) {
      expect(wf.jobs[name]!.strategy!.matrix).toBe(`\${{ fromJSON(needs.stacks.outputs.${m}) }}`);
      expect(runs(wf.jobs[name]!)).toMatch(/for s in \$STACKS; do/);
      expect(wf.jobs[name]!.steps.find((s) => s.env?.STACKS)!.env!.STACKS).toBe("${{ matrix.stacks }}");
    }
    expect(runs(wf.jobs.preview!)).toMatch(/pulumi preview --stack "\$PULUMI_ORG_PROJECT\/\$s"/);
    expect(wf.jobs.comment!.needs).toBe("preview");
    expect(wf.jobs.comment!.steps.filter((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@")).length).toBe(1);
    // Creations only in the grant waves; everything (updates, deletions) in the revoke waves.
    for (const name of ["grant", "grant-members"]) expect(runs(wf.jobs[name]!)).toMatch(/select\(\.op == "create"\)/);
    for (const name of ["revoke-members", "revoke"]) expect(runs(wf.jobs[name]!)).toMatch(/pulumi up --yes --non-interactive --stack/);
    // The order the needs give: every stack's creations (principals first, then members stacks),
    // then the members stacks' revocations, then the rest.
    const needs = (name: string) => [wf.jobs[name]!.needs ?? []].flat();
    const before = (a: string, b: string): boolean => needs(b).includes(a) || needs(b).some((n) => before(a, n));
    expect(before("grant", "grant-members")).toBe(true);
    expect(before("grant-members", "revoke-members")).toBe(true);
    expect(before("revoke-members", "revoke")).toBe(true);
    expect(before("grant", "revoke")).toBe(true);
    // Members stacks create only when the principals' creations did not fail; revocations run even
    // after a failed creation (removing access is never blocked), but not when the run is cancelled.
    expect(wf.jobs["grant-members"]!.if).toMatch(/!cancelled\(\) && !failure\(\)/);
    for (const name of ["revoke-members", "revoke"]) {
      expect(wf.jobs[name]!.if).toMatch(/^\$\{\{ !cancelled\(\) && /);
      expect(wf.jobs[name]!.if).not.toMatch(/failure\(\)|success\(\)/);
    }
    // A stack the workflow creates imports the shared provider configuration and reads its slice from its name.
    for (const name of ["preview", "grant", "grant-members"])
      expect(runs(wf.jobs[name]!)).toMatch(
        /pulumi stack init "\$PULUMI_ORG_PROJECT\/\$s" && pulumi config env add "\$PULUMI_ESC_ENV" --yes &&\s+pulumi config set accessplane:sliceFromStack true/,
      );
  });
});

describe("the matrix accessplane stacks prints", () => {
  const keyed = (platform: "snowflake" | "s3" | "databricks-unity-catalog" | "databricks-spark", n: number, per: number) =>
    Array.from({ length: n * per }, (_, i) => ({
      platform,
      key: `principal:p${Math.floor(i / per)}`,
      type: "t",
      name: `${platform}-${i}`,
      digest: "",
    }));

  test("one job per stack, each stack name a slice the program reads back", () => {
    const l = layout([...keyed("snowflake", 400, 30), ...keyed("s3", 10, 3)], 5000);
    expect(Math.max(...l.stacks.map((s) => s.resources))).toBeLessThanOrEqual(5000);
    expect(l.stacks.reduce((a, s) => a + s.resources, 0)).toBe(400 * 30 + 30);
    const m = matrix(l.stacks);
    expect(m.include.map((j) => j.stacks)).toEqual(l.stacks.map((s) => s.name));
    for (const s of l.stacks)
      expect(sliceOfStack(s.name)).toEqual(s.shard.count === 1 ? { platforms: s.platforms } : { platforms: s.platforms, shard: s.shard });
    expect(stackName("snowflake", 3, 1)).toBe("snowflake-1-of-3");
    expect(sliceOfStack("prod")).toBeUndefined();
  });

  test("both Databricks platforms are one family: a cohort's account group lands in one stack", () => {
    // The group of cohort p<i> is registered under whichever principal came first (UC or Spark).
    const both = [...keyed("databricks-unity-catalog", 60, 20), ...keyed("databricks-spark", 60, 20)];
    const l = layout(both, 200);
    expect(new Set(l.stacks.map((s) => s.family))).toEqual(new Set(["databricks"]));
    expect(l.stacks.every((s) => s.name.startsWith("databricks") && s.platforms.length === 2)).toBe(true);
    expect(l.stacks.reduce((a, s) => a + s.resources, 0)).toBe(2 * 60 * 20);
    expect(sliceOfStack("databricks-2-of-7")).toEqual({
      platforms: ["databricks-unity-catalog", "databricks-spark"],
      shard: { count: 7, index: 2 },
    });
    expect(sliceOfStack("databricks")).toEqual({ platforms: ["databricks-unity-catalog", "databricks-spark"] });
    // A single Databricks platform's name still reads as that platform (stacks named before families).
    expect(sliceOfStack("databricks-spark-1-of-3")).toEqual({ platforms: ["databricks-spark"], shard: { count: 3, index: 1 } });
  });

  test("past 256 stacks, 256 jobs that together run every stack once", () => {
    const l = layout(keyed("snowflake", 30000, 1), 100);
    expect(l.stacks.length).toBeGreaterThan(MATRIX_CAP);
    const m = matrix(l.stacks);
    expect(m.include).toHaveLength(MATRIX_CAP);
    const all = m.include.flatMap((j) => j.stacks.split(" "));
    expect(all.sort()).toEqual(l.stacks.map((s) => s.name).sort());
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  test("a principal larger than the limit splits its platform into principals and members stacks", () => {
    // One role with 900 members among 40 small roles, and users who hold several roles.
    const users = Array.from({ length: 900 }, (_, u) => `u${u}`);
    const rs = [
      ...Array.from({ length: 40 }, (_, p) => [
        { platform: "snowflake" as const, key: `principal:P${p}`, type: "role", name: `P${p}`, digest: "" },
        ...users
          .filter((_, u) => u % 40 === p)
          .map((u) => ({
            platform: "snowflake" as const,
            key: `principal:P${p}`,
            type: "m",
            name: `P${p}/${u}`,
            digest: "",
            member: `member:${u}`,
          })),
      ]).flat(),
      { platform: "snowflake" as const, key: "principal:BIG", type: "role", name: "BIG", digest: "" },
      ...users.map((u) => ({
        platform: "snowflake" as const,
        key: "principal:BIG",
        type: "m",
        name: `BIG/${u}`,
        digest: "",
        member: `member:${u}`,
      })),
      ...keyed("s3", 3, 3),
    ];
    const l = layout(rs, 200);
    expect(l.over).toEqual([]);
    expect(Math.max(...l.stacks.map((s) => s.resources))).toBeLessThanOrEqual(200);
    const sf = l.stacks.filter((s) => s.family === "snowflake");
    expect(new Set(sf.map((s) => s.part))).toEqual(new Set(["principals", "members"]));
    expect(sf.filter((s) => s.part === "principals").reduce((a, s) => a + s.resources, 0)).toBe(41);
    expect(sf.filter((s) => s.part === "members").reduce((a, s) => a + s.resources, 0)).toBe(1800);
    // Families without a principal over the limit are not split.
    expect(l.stacks.filter((s) => s.family === "s3").map((s) => s.name)).toEqual(["s3"]);
    for (const s of l.stacks) {
      const shard = s.shard.count === 1 ? {} : { shard: s.shard };
      expect(sliceOfStack(s.name)).toEqual({ platforms: s.platforms, ...shard, ...(s.part ? { part: s.part } : {}) });
    }
    expect(stackName("snowflake", 4, 2, "members")).toBe("snowflake-members-2-of-4");
    expect(sliceOfStack("snowflake-principals")).toEqual({ platforms: ["snowflake"], part: "principals" });
    // A user joining a role changes only the members stack of that user.
    const joined = [
      ...rs,
      { platform: "snowflake" as const, key: "principal:P1", type: "m", name: "P1/u0", digest: "", member: "member:u0" },
    ];
    const changed = changedStacks(l, rs, joined);
    const members = sf.filter((s) => s.part === "members");
    expect(changed.map((s) => s.name)).toEqual([
      stackName("snowflake", members[0]!.shard.count, shardOf("member:u0", members[0]!.shard.count), "members"),
    ]);
  });

  test("recorded counts hold whatever the estate's size, and round-trip", () => {
    const rs = [...keyed("snowflake", 400, 30), ...keyed("s3", 10, 3)];
    const fresh = layout(rs, 5000);
    const counts = recordedCounts(fresh);
    expect(layout(rs, 5000, counts).stacks).toEqual(fresh.stacks);
    // The estate grows fourfold: the recorded names stay, the stacks grow past the limit.
    const grown = [...keyed("snowflake", 1600, 30), ...keyed("s3", 10, 3)];
    const kept = layout(grown, 5000, counts);
    expect(kept.stacks.map((s) => s.name)).toEqual(fresh.stacks.map((s) => s.name));
    expect(kept.over.length).toBeGreaterThan(0);
    expect(layout(grown, 5000).stacks.length).toBeGreaterThan(fresh.stacks.length);
    // A split family records both counts; a family missing from the record is laid out afresh.
    expect(recordedCounts(layout(rs, 5000, { snowflake: { principals: 2, members: 3 } }))).toEqual({
      snowflake: { principals: 2, members: 3 },
      s3: 1,
    });
    const partial = layout(rs, 5000, { snowflake: 4 });
    expect(partial.unrecorded).toEqual(["s3"]);
    expect(partial.stacks.filter((s) => s.family === "snowflake")).toHaveLength(4);
    expect(layout(rs, 5000).unrecorded).toEqual([]);
  });

  test("a principal larger than the limit is reported over it", () => {
    const l = layout(keyed("snowflake", 1, 60), 50);
    expect(l.over).toEqual(l.stacks.filter((s) => s.resources > 50).map((s) => s.name));
    expect(l.over.length).toBe(1);
  });
});
