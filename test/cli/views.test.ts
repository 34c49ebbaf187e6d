/**
 * The reviewer's commands end to end: `plan` views and filters (goldens on the example estate),
 * coverage, why-not, the terminal cap on a generated estate, filtered diffs, `report`, and the usage
 * errors of filters that match nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEstate, NOW as BENCH_NOW, toSources } from "../../bench/generate";
import { main } from "../../provider/cli/main";
import { plain } from "../../provider/plan/render/table";
import { expectGolden } from "../support/golden";
import { baseEstate, inventory } from "../support/estate";
import { ROOT, run, tempDir, writeFiles } from "./support";

const NOW = "2026-11-23T00:00:00Z";
const GOLDEN = path.join(ROOT, "test", "golden", "views");
const example = (...args: string[]) => run(...args, "--example", "--now", NOW);

let dir: string;
beforeAll(() => {
  dir = tempDir("accessplane-views-");
  // The example inventory with two data sources no active policy selects (one a staged policy would).
  const inv = path.join(dir, "inventory");
  fs.mkdirSync(inv);
  for (const f of fs.readdirSync(path.join(ROOT, "examples/estate/inventory")))
    fs.copyFileSync(path.join(ROOT, "examples/estate/inventory", f), path.join(inv, f));
  writeFiles(inv, {
    "uncovered.yaml": [
      "dataSources:",
      "  - { id: snowflake.archive.orders_2019, platform: snowflake, objectType: BASE TABLE, location: { database: ARCHIVE, schema: PUBLIC, table: ORDERS_2019 }, tags: [archive], owners: [bob] }",
      "  - { id: bigquery.web.campaigns, platform: bigquery, objectType: BASE TABLE, location: { project: acme-analytics, dataset: web, table: campaigns, location: EU }, tags: [marketing] }",
      "",
    ].join("\n"),
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("plan views of the example estate", () => {
  test.each([
    ["summary", ["--view", "summary"]],
    ["policies", ["--view", "policies"]],
    ["data-sources-finance", ["--view", "data-sources", "--tag", "finance"]],
    ["users-why-not", ["--view", "users", "--user", "alice", "--user", "frank"]],
  ])("%s", async (name, args) => {
    const r = await example("plan", ...args);
    expect([r.code, r.err]).toEqual([0, ""]);
    expectGolden(path.join(GOLDEN, `${name}.txt`), r.out);
  });

  test("the default text: legend and summary before the per-user section, no per-data-source section", async () => {
    const r = await example("plan");
    const lines = r.out.split("\n");
    expect(lines[2]).toMatch(/^legend: `SELECT, SHOW \[READ\]` = the platform's native privileges/);
    expect(lines.indexOf("Summary")).toBeLessThan(lines.indexOf("Access per user"));
    expect(lines).not.toContain("Access per data source");
  });

  test("why not: a guardrail and an expired approval, each with its reason, in text, markdown and JSON", async () => {
    const text = await example("plan", "--user", "alice", "--user", "frank");
    expect(text.out).toContain(
      "Why not: data sources alice's policies select but alice does not hold\n  uc.finance.ledger  via finance-analysts-read  blocked by guardrail `pii-cleared-only`\n",
    );
    expect(text.out).toContain(
      "Why not: data sources frank's policies select but frank does not hold\n  synapse.hr.salaries  via hr-salaries-by-request  approval by `erin` expired on 2026-01-01\n",
    );
    const md = await example("plan", "--format", "markdown", "--user", "frank");
    expectGolden(path.join(GOLDEN, "frank.md"), md.out);
    const json = JSON.parse((await example("plan", "--format", "json", "--user", "frank")).out);
    expect(json.keptOff).toEqual([
      {
        user: "frank",
        dataSource: "synapse.hr.salaries",
        policy: "hr-salaries-by-request",
        reason: "expired-approval",
        detail: "approval by `erin` expired on 2026-01-01",
      },
    ]);
    expect(json.access.every((e: { user: string }) => e.user === "frank")).toBe(true);
    expect(json.resources).toBeUndefined();
  });

  test("a missing identity is a reason too", async () => {
    const d = path.join(dir, "no-identity");
    writeFiles(d, {
      "policies/p.yaml": "name: everyone-reads\naccess: read\nsubscribers: { anyone: true }\ndataSources: { names: [t1] }\n",
      "inventory/inv.yaml": [
        "users:",
        "  - { id: ann, identities: { snowflake: ANN } }",
        "  - { id: ben }",
        "dataSources:",
        "  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 } }",
        "",
      ].join("\n"),
      "accessplane.yaml": "identities: { onMissing: skip }\n",
    });
    const r = await run(
      "plan",
      "--policies",
      path.join(d, "policies"),
      "--inventory",
      path.join(d, "inventory"),
      "--config",
      path.join(d, "accessplane.yaml"),
      "--now",
      NOW,
      "--user",
      "ben",
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "Why not: data sources ben's policies select but ben does not hold\n  t1  via everyone-reads  no `snowflake` identity (add `identities.snowflake` in the inventory)\n",
    );
    const ann = await run(
      "plan",
      "--policies",
      path.join(d, "policies"),
      "--inventory",
      path.join(d, "inventory"),
      "--config",
      path.join(d, "accessplane.yaml"),
      "--now",
      NOW,
      "--user",
      "ann",
    );
    expect(ann.out).not.toContain("Why not");
  });
});

describe("coverage", () => {
  const args = () => ["--example", "--inventory", path.join(dir, "inventory"), "--now", NOW];
  test("uncovered data sources in text, markdown and JSON", async () => {
    const text = await run("plan", "--view", "summary", ...args());
    expect(text.code).toBe(0);
    expectGolden(path.join(GOLDEN, "uncovered.txt"), text.out.replace(/^estate .*\n/, ""));
    const md = await run("plan", "--format", "markdown", ...args());
    expect(md.out).toContain(
      "**Uncovered**: 2 data sources no active grant policy selects: `bigquery.web.campaigns`, `snowflake.archive.orders_2019` (owners: bob)",
    );
    const json = JSON.parse((await run("plan", "--format", "json", "--no-resources", ...args())).out);
    expect(json.uncovered).toEqual([
      {
        dataSource: "bigquery.web.campaigns",
        platform: "bigquery",
        objectType: "BASE TABLE",
        owners: [],
        stagedPolicies: ["marketing-read"],
      },
      { dataSource: "snowflake.archive.orders_2019", platform: "snowflake", objectType: "BASE TABLE", owners: ["bob"], stagedPolicies: [] },
    ]);
    expect(json.summary.at(-1)).toEqual(expect.objectContaining({ platform: "total", dataSources: 17, uncovered: 2 }));
    // Filters narrow coverage like the rest.
    const s3 = JSON.parse((await run("plan", "--format", "json", "--platform", "snowflake", ...args())).out);
    expect(s3.uncovered.map((u: { dataSource: string }) => u.dataSource)).toEqual(["snowflake.archive.orders_2019"]);
  });
});

describe("on a generated estate", () => {
  let gen: string;
  const estate = generateEstate({ users: 300, dataSources: 600, policies: 7 }, 1);
  const tagged = (t: string) => new Set(estate.inventory.dataSources.filter((d) => d.tags.includes(t)).map((d) => d.id));
  beforeAll(() => {
    gen = path.join(dir, "generated");
    const sources = toSources(estate);
    for (const f of [...sources.policies, ...sources.inventory, ...(sources.config ? [sources.config] : [])])
      writeFiles(gen, { [f.path]: String(f.content) });
  });
  const flags = () => [
    "--policies",
    path.join(gen, "policies"),
    "--inventory",
    path.join(gen, "inventory"),
    "--config",
    path.join(gen, "accessplane.yaml"),
    "--now",
    BENCH_NOW,
  ];

  test("a terminal lists 20 users, then says how many more and how to see them", async () => {
    let out = "";
    const code = await main(["node", "accessplane", "plan", ...flags()], {
      out: (s) => (out += s),
      err: () => undefined,
      style: plain,
      tty: true,
    });
    expect(code).toBe(0);
    const perUser = out.slice(out.indexOf("Access per user\n"));
    expect(perUser.split("\n").filter((l) => /^ {2}u\d+$/.test(l))).toHaveLength(20);
    expect(perUser).toContain("  … 280 more users, use --user <id> (globs allowed) or --view users\n");
    // Why-not costs one explanation per user: a glob matching many users says so instead.
    const many = await run("plan", "--user", "u0*", ...flags());
    expect(many.out).toContain(
      "why not: --user matches 100 users; it is listed for at most 10 (`accessplane explain <user>` explains one)\n",
    );
    // Piped, every user is listed.
    const piped = await run("plan", ...flags());
    expect(piped.out.split("\n").filter((l) => /^ {2}u\d+$/.test(l))).toHaveLength(300);
  });

  test("filters give exact counts", async () => {
    const plan = async (...f: string[]) => JSON.parse((await run("plan", "--format", "json", "--no-resources", ...f, ...flags())).out);
    const all = await plan();
    const counts = (j: { access: unknown[]; principals: unknown[]; uncovered: unknown[] }) => [
      j.access.length,
      j.principals.length,
      j.uncovered.length,
    ];
    expect(counts(all)).toEqual([685, 15, 575]);
    const uncoveredOn = (pred: (u: { dataSource: string; platform: string }) => boolean) => all.uncovered.filter(pred).length;
    expect(counts(await plan("--user", "u000"))).toEqual([2, 2, 575]);
    expect(counts(await plan("--platform", "snowflake"))).toEqual([633, 5, 140]);
    expect(uncoveredOn((u) => u.platform === "snowflake")).toBe(140);
    expect(counts(await plan("--data-source", "sf.*"))).toEqual([633, 5, 140]);
    expect(counts(await plan("--tag", "pii"))).toEqual([16, 4, 82]);
    expect(uncoveredOn((u) => tagged("pii").has(u.dataSource))).toBe(82);
    expect(counts(await plan("--policy", "company-metrics-anyone-write-001"))).toEqual([300, 1, 575]);
    expect(counts(await plan("--user", "u00?", "--user", "u01?", "--platform", "s3", "--platform", "trino"))).toEqual([0, 0, 113]);
    expect(uncoveredOn((u) => u.platform === "s3" || u.platform === "trino")).toBe(113);
  });
});

describe("filtered diff", () => {
  let d: string;
  beforeAll(() => {
    d = path.join(dir, "diff");
    const flat = (e: ReturnType<typeof baseEstate>) => ({ ...e.policies, ...e.inventory, "accessplane.yaml": e.config! });
    writeFiles(path.join(d, "base"), flat(baseEstate()));
    writeFiles(path.join(d, "wider"), flat(baseEstate({ inventory: inventory({ benGroups: ["analysts"] }) })));
  });
  const diff = (...args: string[]) =>
    run(
      "diff",
      "--base",
      path.join(d, "base"),
      "--head",
      path.join(d, "wider"),
      "--policies",
      "policies",
      "--inventory",
      "inventory",
      "--config",
      "accessplane.yaml",
      "--now",
      NOW,
      ...args,
    );

  test("only the selected users' changes", async () => {
    const ben = JSON.parse((await diff("--format", "json", "--user", "ben")).out);
    const ann = JSON.parse((await diff("--format", "json", "--user", "ann")).out);
    const all = JSON.parse((await diff("--format", "json", "--no-resources")).out);
    expect(ben.summary.gained).toBeGreaterThan(0);
    expect(ben.summary.gained).toBe(all.summary.gained);
    expect(ann.summary).toEqual(expect.objectContaining({ gained: 0, lost: 0, changed: 0 }));
    const text = await diff("--user", "ben");
    expect(text.out.split("\n")[1]).toBe("filtered: --user ben");
  });

  test("--fail-on-widen judges the whole estate: filters are refused", async () => {
    const r = await diff("--fail-on-widen", "--user", "ann");
    expect(r).toEqual({
      code: 2,
      out: "",
      err: "error: --fail-on-widen judges the whole estate: run it without --user, --data-source, --policy, --platform or --tag\n",
    });
  });
});

describe("report", () => {
  test("writes one owner's review as HTML, and CSV to standard output", async () => {
    const file = path.join(dir, "erin.html");
    const r = await example("report", "--owner", "erin", "--out", file);
    expect(r).toEqual({
      code: 0,
      out: "",
      err: `wrote ${file}: 2 grants to 2 users on 1 data source (2 rows, one per policy and principal)\n`,
    });
    const html = fs.readFileSync(file, "utf8");
    expect(html).toContain("<title>Access review: data sources owned by erin</title>");
    expect(html.match(/<tr id="row-/g)).toHaveLength(2);
    const csv = await example("report", "--format", "csv", "--out", "-", "--user", "bob", "--platform", "s3");
    expect(csv.code).toBe(0);
    const lines = csv.out.trimEnd().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual([
      "s3.landing.sales,s3,bob",
      "s3.ml.artifacts,s3,bob",
      "s3.ml.artifacts,s3,bob",
    ]);
  });

  test("usage errors: an owner who owns nothing, an unwritable file, a missing --out", async () => {
    expect(await example("report", "--owner", "eirn", "--out", path.join(dir, "x.html"))).toEqual({
      code: 2,
      out: "",
      err: "error: --owner `eirn` owns no data source; owners in the estate: `erin`, `bob`\n",
    });
    const bad = await example("report", "--out", path.join(dir, "no", "such", "dir.html"));
    expect([bad.code, bad.err]).toEqual([2, `error: --out: cannot write \`${path.join(dir, "no", "such", "dir.html")}\`: ENOENT\n`]);
    expect((await example("report")).code).toBe(2);
  });
});

describe("filters that match nothing are usage errors naming the closest names", () => {
  test.each([
    [["plan", "--user", "alcie"], "error: --user `alcie` matches no user; closest: `alice`, `dave`, `erin`\n"],
    [
      ["plan", "--data-source", "snowflake.sales.order"],
      "error: --data-source `snowflake.sales.order` matches no data source; closest: `snowflake.sales.orders`, ",
    ],
    [["plan", "--policy", "finance-*-write"], "error: --policy `finance-*-write` matches no policy; closest: "],
    [
      ["plan", "--platform", "databricks"],
      "error: --platform `databricks` matches no platform; closest: `databricks-spark`, `databricks-unity-catalog`, ",
    ],
    [["report", "--tag", "fianance", "--out", "-"], "error: --tag `fianance` matches no tag; closest: `finance`"],
  ])("%j", async (args, message) => {
    const r = await example(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.startsWith(message)).toBe(true);
  });

  test("--view takes one of the sections", async () => {
    const r = await example("plan", "--view", "everything");
    expect(r.code).toBe(2);
    expect(r.err).toContain("Allowed choices are summary, users, data-sources, policies");
  });
});
