/**
 * Every example program runs under Pulumi mocks: it loads its YAML and registers exactly the
 * resources of its golden file (test/golden/examples/<example>.json), with the counts it exports.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expectGolden } from "./support/golden";

const EXAMPLES = path.join(__dirname, "..", "examples");
const programs = fs
  .readdirSync(EXAMPLES)
  .filter((d) => fs.existsSync(path.join(EXAMPLES, d, "index.ts")))
  .sort();

/** `type::name` of every resource registered since the last reset. */
let registered: string[] = [];

beforeAll(async () => {
  Error.stackTraceLimit = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push(`${a.type}::${a.name}`);
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => (a.token === "databricks:index/getUser:getUser" ? { id: `user:${String(a.inputs.userName)}` } : a.inputs),
    },
    "accessplane",
    "examples",
    false,
  );
});

test("there is a program per platform and a multi-platform one", () => {
  expect(programs).toEqual([
    "bigquery",
    "databricks-spark",
    "databricks-unity-catalog",
    "estate",
    "redshift",
    "s3",
    "snowflake",
    "synapse",
    "trino",
  ]);
  for (const p of programs) {
    expect(fs.existsSync(path.join(EXAMPLES, p, "README.md"))).toBe(true);
    expect(fs.existsSync(path.join(EXAMPLES, p, "Pulumi.yaml"))).toBe(true);
  }
});

type Counts = { policies: number; principals: number; resources: Record<string, number> };

test.each(programs)("examples/%s registers exactly its golden resources", async (p) => {
  registered = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.join(EXAMPLES, p, "index.ts")) as { counts: pulumi.Output<Counts> };
  const counts = await new Promise<Counts>((r) => program.counts.apply(r));
  // Registration (which serialises dynamic providers) goes on after outputs resolve: wait for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const resources = [...registered].sort();
  expectGolden(path.join(__dirname, "golden", "examples", `${p}.json`), JSON.stringify({ counts, resources }, null, 2) + "\n");
  // The exported counts agree with what was registered: one SubscriptionPolicy per policy counted.
  expect(resources.filter((r) => r.startsWith("accessplane:index:SubscriptionPolicy::"))).toHaveLength(counts.policies);
  const platformResources = resources.filter((r) => !r.startsWith("accessplane:") && !r.startsWith("pulumi:providers:"));
  expect(platformResources).toHaveLength(Object.values(counts.resources).reduce((a, b) => a + b, 0));
});
