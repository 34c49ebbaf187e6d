/**
 * Credentials never appear in plans, logs, state inputs or test output: plant secrets where users
 * put them (environment and Pulumi config), run every command and a registration, and scan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { main } from "../../provider/cli/main";
import { loadEstate } from "../../provider/model/read";
import { plain } from "../../provider/plan/render/table";
import { captureResources } from "../../provider/pulumi/capture";

const ROOT = path.join(__dirname, "..", "..");
const SECRET = "pl4nted-S3CRET-7f3a9";
const ENV: Record<string, string> = {
  ACCESSPLANE_REDSHIFT_URL: `postgres://admin:${SECRET}@redshift.example.com:5439/dw`,
  ACCESSPLANE_SYNAPSE_URL: `Server=synapse.example.com;Database=hr;User Id=admin;Password=${SECRET};`,
  ACCESSPLANE_TRINO_URL: "https://trino.example.com:8443",
  ACCESSPLANE_TRINO_USER: "admin",
  ACCESSPLANE_TRINO_PASSWORD: SECRET,
  ACCESSPLANE_DATABRICKS_HOST: "https://dbc-1234.cloud.databricks.com",
  ACCESSPLANE_DATABRICKS_TOKEN: SECRET,
  ACCESSPLANE_DATABRICKS_WAREHOUSE_ID: "0123456789abcdef",
  SNOWFLAKE_PASSWORD: SECRET,
  DATABRICKS_TOKEN: SECRET,
  AWS_SECRET_ACCESS_KEY: SECRET,
};
const saved: Record<string, string | undefined> = {};
const logs: string[] = [];
const spies: jest.SpyInstance[] = [];

beforeAll(() => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  for (const m of ["log", "info", "warn", "error", "debug"] as const)
    spies.push(jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void logs.push(a.map(String).join(" "))));
  spies.push(jest.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (logs.push(String(c)), true)));
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const s of spies) s.mockRestore();
});

async function run(...args: string[]): Promise<string> {
  let out = "";
  await main(["node", "accessplane", ...args], { out: (s) => (out += s), err: (s) => (out += s), style: plain });
  return out;
}

test("no command prints a planted secret", async () => {
  const outputs = [
    await run("plan", "--now", "2026-11-23T00:00:00Z"),
    await run("plan", "--now", "2026-11-23T00:00:00Z", "--format", "json"),
    await run("plan", "--now", "2026-11-23T00:00:00Z", "--format", "markdown"),
    await run("validate"),
    await run("explain", "carol"),
    await run("diff", "--base", ROOT, "--head", ROOT, "--now", "2026-11-23T00:00:00Z", "--format", "json"),
  ];
  expect(outputs.join("").length).toBeGreaterThan(10_000);
  // Boolean checks: on failure jest must not print the secret either.
  expect(outputs.map((o) => o.includes(SECRET))).toEqual(outputs.map(() => false));
  expect(logs.join("\n").includes(SECRET)).toBe(false);
});

test("registered inputs, serialised dynamic providers included, hold no planted secret", async () => {
  const estate = loadEstate({
    policies: path.join(ROOT, "policies"),
    inventory: path.join(ROOT, "examples/estate/inventory"),
    config: path.join(ROOT, "examples/estate/accessplane.yaml"),
  }).estate!;
  // Config too: users set connection strings as secrets with `pulumi config set --secret`.
  pulumi.runtime.setAllConfig({ "accessplane:redshiftUrl": ENV.ACCESSPLANE_REDSHIFT_URL!, "accessplane:trinoPassword": SECRET }, [
    "accessplane:redshiftUrl",
    "accessplane:trinoPassword",
  ]);
  const raw = await captureResources(estate, "2026-11-23T00:00:00Z", { raw: true });
  const text = JSON.stringify(raw);
  // The serialised providers are really there (so the scan covers them), and hold no secret.
  expect(
    raw.filter((r) => typeof r.inputs.__provider === "string" && (r.inputs.__provider as string).length > 1000).length,
  ).toBeGreaterThan(0);
  expect(text.includes(SECRET)).toBe(false);
  expect(text.includes("admin:")).toBe(false);
  expect(logs.join("\n").includes(SECRET)).toBe(false);
});

test("test output written to disk by the suite holds no planted secret", () => {
  // Golden files are what tests print and compare; none may carry a credential.
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/golden/.test(p)) files.push(p);
    }
  };
  walk(path.join(ROOT, "test"));
  expect(files.length).toBeGreaterThan(20);
  expect(files.filter((f) => fs.readFileSync(f, "utf8").includes(SECRET))).toEqual([]);
});
