/** Every example program runs under Pulumi mocks: it loads its YAML and registers its resources. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

const EXAMPLES = path.join(__dirname, "..", "examples");
const programs = fs
  .readdirSync(EXAMPLES)
  .filter((d) => fs.existsSync(path.join(EXAMPLES, d, "index.ts")))
  .sort();

beforeAll(async () => {
  Error.stackTraceLimit = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
      call: (a) => (a.token === "databricks:index/getUser:getUser" ? { id: `user:${String(a.inputs.userName)}` } : a.inputs),
    },
    "accessplane",
    "examples",
    false,
  );
});

test("there is a program per platform and a multi-platform one", () => {
  expect(programs).toEqual(["bigquery", "databricks-spark", "databricks-unity-catalog", "estate", "redshift", "s3", "snowflake", "synapse", "trino"]);
  for (const p of programs) {
    expect(fs.existsSync(path.join(EXAMPLES, p, "README.md"))).toBe(true);
    expect(fs.existsSync(path.join(EXAMPLES, p, "Pulumi.yaml"))).toBe(true);
  }
});

test.each(programs)("examples/%s registers its estate", async (p) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.join(EXAMPLES, p, "index.ts")) as { counts: pulumi.Output<{ policies: number; principals: number; resources: Record<string, number> }> };
  const counts = await new Promise<{ policies: number; principals: number; resources: Record<string, number> }>((r) => program.counts.apply(r));
  // Registration (which serialises dynamic providers) goes on after outputs resolve: wait for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  expect(counts.policies).toBeGreaterThan(0);
  expect(counts.principals).toBeGreaterThan(0);
  expect(Object.values(counts.resources).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});
