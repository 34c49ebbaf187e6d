/** Table warnings: one per (policy, code, platform, object type), listing every data source it concerns. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../provider/cli/main";
import { buildPlan } from "../../provider/plan/build";
import { plain } from "../../provider/plan/render/table";
import { planJson, planMarkdown, planText } from "../../provider/plan/render/plan";
import { mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";

const INVENTORY = `
users:
  - { id: ann, groups: [engineers], identities: { databricks: ann@example.com, bigquery: "user:ann@example.com" } }
groups:
  - { id: engineers }
dataSources:
  - { id: spark.a, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: web, table: a }, tags: [w] }
  - { id: spark.b, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: web, table: b }, tags: [w] }
  - { id: bq.a, platform: bigquery, objectType: BASE TABLE, location: { project: p, dataset: web, table: a, location: EU }, tags: [w] }
  - { id: bq.v, platform: bigquery, objectType: VIEW, location: { project: p, dataset: web, table: v, location: EU }, tags: [w] }
  - { id: uc.t, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: main, schema: s, table: t }, tags: [w] }
  - { id: uc.v1, platform: databricks-unity-catalog, objectType: VIEW, location: { catalog: main, schema: s, table: v1 }, tags: [w] }
  - { id: uc.v2, platform: databricks-unity-catalog, objectType: VIEW, location: { catalog: main, schema: s, table: v2 }, tags: [w] }
  - { id: uc.mv, platform: databricks-unity-catalog, objectType: MATERIALIZED_VIEW, location: { catalog: main, schema: s, table: mv }, tags: [w] }
  - { id: uc.st, platform: databricks-unity-catalog, objectType: STREAMING_TABLE, location: { catalog: main, schema: s, table: st }, tags: [w] }
`;

const WRITE = `
name: eng-write
access: write
subscribers:
  when: { group: engineers }
dataSources:
  tags: { anyOf: [w] }
`;

const OTHER = `
name: spark-b-write
access: write
subscribers:
  when: { group: engineers }
dataSources:
  names: [spark.b]
`;

const plan = (policies: Record<string, string> = { "policies/eng-write.yaml": WRITE }) =>
  buildPlan(mustLoad({ policies, inventory: { "inventory.yaml": INVENTORY } }), NOW);

const UC = "Databricks Unity Catalog";
const NOT_ISSUED = "on which a write policy issues nothing (a read policy still grants SELECT)";

describe("table warnings", () => {
  test("group by code, platform and object type, each with its own reason and every data source", () => {
    const issues = plan().issues.map((i) => ({ code: i.code, message: i.message, dataSources: i.dataSources }));
    expect(issues).toEqual([
      {
        code: "write-not-issued",
        message: `policy \`eng-write\`: \`uc.mv\` is a \`MATERIALIZED_VIEW\` object, ${NOT_ISSUED}`,
        dataSources: ["uc.mv"],
      },
      {
        code: "write-not-issued",
        message: `policy \`eng-write\`: \`uc.st\` is a \`STREAMING_TABLE\` object, ${NOT_ISSUED}`,
        dataSources: ["uc.st"],
      },
      {
        code: "write-not-issued",
        message: `policy \`eng-write\`: each data source is a \`VIEW\` object, ${NOT_ISSUED} (2 ${UC} \`VIEW\` data sources)`,
        dataSources: ["uc.v1", "uc.v2"],
      },
      {
        code: "write-on-read-only-platform",
        message:
          "policy `eng-write`: `bq.a` is on Google BigQuery, where subscription policies grant read access only: write yields SELECT on the managed view",
        dataSources: ["bq.a"],
      },
      {
        code: "write-on-read-only-platform",
        message:
          "policy `eng-write`: `bq.v` is on Google BigQuery, where subscription policies grant read access only: write yields SELECT on the managed view",
        dataSources: ["bq.v"],
      },
      {
        code: "write-on-read-only-platform",
        message:
          "policy `eng-write`: each data source is on Databricks Spark, where subscription policies grant read access only: write yields SELECT (2 Databricks Spark `TABLE` data sources)",
        dataSources: ["spark.a", "spark.b"],
      },
    ]);
  });

  test("a warning names its own data source, not the one that filled the memoised table row", () => {
    const p = plan({ "policies/eng-write.yaml": WRITE, "policies/spark-b-write.yaml": OTHER });
    const mine = p.issues.filter((i) => i.message.startsWith("policy `spark-b-write`"));
    expect(mine.map((i) => [i.message, i.dataSources])).toEqual([
      [
        "policy `spark-b-write`: `spark.b` is on Databricks Spark, where subscription policies grant read access only: write yields SELECT",
        ["spark.b"],
      ],
    ]);
  });

  test("text names every data source of a group, or the first few and a count on a terminal", () => {
    const p = plan();
    const spark = (t: string) => t.split("\n").filter((l) => l.includes("data sources:"));
    expect(spark(planText(p))).toEqual(["      data sources: uc.v1, uc.v2", "      data sources: spark.a, spark.b"]);
    expect(spark(planText(p, undefined, { sourcesCap: 1 }))).toEqual([
      "      data sources: uc.v1, … and 1 more (`--format json` lists them all)",
      "      data sources: spark.a, … and 1 more (`--format json` lists them all)",
    ]);
  });

  test("markdown lists every data source of a group; JSON carries them on each issue", () => {
    const p = plan();
    const md = planMarkdown(p);
    expect(md).toContain(
      "- **warning** `write-on-read-only-platform` policy `eng-write`: each data source is on Databricks Spark, where subscription policies grant read access only: write yields SELECT (2 Databricks Spark `TABLE` data sources) (policies/eng-write.yaml): write access on Databricks Spark is controlled through scratch paths and workspaces: use a read policy; data sources: spark.a, spark.b\n",
    );
    const json = JSON.parse(planJson(p)) as { issues: { dataSources: string[] }[] };
    expect(json.issues.map((i) => i.dataSources)).toEqual([
      ["uc.mv"],
      ["uc.st"],
      ["uc.v1", "uc.v2"],
      ["bq.a"],
      ["bq.v"],
      ["spark.a", "spark.b"],
    ]);
  });

  test("the CLI caps the list on a terminal only", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ap-warnings-"));
    const views = Array.from(
      { length: 10 },
      (_, i) =>
        `  - { id: uc.v${i}, platform: databricks-unity-catalog, objectType: VIEW, location: { catalog: main, schema: s, table: v${i} }, tags: [w] }`,
    );
    fs.writeFileSync(path.join(dir, "inventory.yaml"), INVENTORY.replace(/dataSources:\n[\s\S]*$/, `dataSources:\n${views.join("\n")}\n`));
    fs.writeFileSync(path.join(dir, "policies.yaml"), WRITE);
    const plan = async (tty: boolean) => {
      let out = "";
      await main(
        [
          "node",
          "accessplane",
          "plan",
          "--policies",
          path.join(dir, "policies.yaml"),
          "--inventory",
          path.join(dir, "inventory.yaml"),
          "--now",
          NOW,
        ],
        {
          out: (x) => (out += x),
          err: () => {},
          style: plain,
          progress: false,
          tty,
        },
      );
      return out.split("\n").filter((l) => l.includes("data sources: "));
    };
    const all = Array.from({ length: 10 }, (_, i) => `uc.v${i}`);
    expect(await plan(false)).toEqual([`      data sources: ${all.join(", ")}`]);
    expect(await plan(true)).toEqual([
      `      data sources: ${all.slice(0, 8).join(", ")}, … and 2 more (\`--format json\` lists them all)`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
