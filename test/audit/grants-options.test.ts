/**
 * The `grants:` options of a source (how `audit` and `adopt` read live grants) are part of the
 * source schema: a bad value or an unknown key is an error at its file, line and path for every
 * command that reads the project file, and `inventory pull` accepts a source that sets them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readSources } from "../../provider/connectors/pull";
import { run, tempDir, writeFiles } from "../cli/support";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const SNOWFLAKE = `      kind: snowflake
      account: myorg-myacct
      auth: { type: oauth, token: { env: SF_TOKEN } }
      warehouse: WH`;

/** A project whose two Snowflake sources set `grants` as `first` and `second` say. */
const project = (first: string, second: string) => `policies: policies
inventory:
  path: inventory
  sources:
    - name: sf
${SNOWFLAKE}
      grants: ${first}
    - name: sf2
${SNOWFLAKE}
      grants: ${second}
`;

/** An estate directory (realpath: issues name files relative to the working directory). */
function estate(text: string): string {
  const dir = fs.realpathSync(tempDir("accessplane-grants-"));
  dirs.push(dir);
  writeFiles(dir, {
    "accessplane.yaml": text,
    "policies/p.yaml": "name: p\naccess: read\nsubscribers: { users: [ann] }\ndataSources: { names: [t1] }\n",
    "inventory/i.yaml":
      "users: [{ id: ann, identities: { snowflake: ANN } }]\ndataSources:\n  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 } }\n",
  });
  return dir;
}

async function inDir<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await f();
  } finally {
    process.chdir(cwd);
  }
}

const BAD = project("{ mode: bulk, concurrency: 4 }", "{ grantor: ACCESSPLANE_ADMIN, colour: red }");

test("a bad `grants.mode` and an unknown key under `grants` are errors at their line and path", () => {
  const dir = estate(BAD);
  const r = readSources(path.join(dir, "accessplane.yaml"), path.join(dir, "inventory"), dir);
  expect(r.sources).toEqual([]);
  expect(r.issues).toEqual([
    {
      severity: "error",
      code: "source-invalid",
      message: "source `sf`: `grants.mode` must be `show` or `account-usage`",
      file: "accessplane.yaml",
      line: 10,
      path: "inventory.sources[0].grants.mode",
    },
    {
      severity: "error",
      code: "source-invalid",
      message: "source `sf2`: unknown key `colour`",
      file: "accessplane.yaml",
      line: 16,
      path: "inventory.sources[1].grants.colour",
      help: "remove it; docs/connectors.md lists each source's keys",
    },
  ]);
});

test("audit reports them and reads nothing (exit 1); validate reports them too", async () => {
  const dir = estate(BAD);
  const audit = await inDir(dir, () => run("audit"));
  expect(audit).toEqual({
    code: 1,
    out: "",
    err: [
      "accessplane.yaml:10: error[source-invalid]: source `sf`: `grants.mode` must be `show` or `account-usage` (at inventory.sources[0].grants.mode)",
      "accessplane.yaml:16: error[source-invalid]: source `sf2`: unknown key `colour` (at inventory.sources[1].grants.colour)",
      "    help: remove it; docs/connectors.md lists each source's keys",
      "",
    ].join("\n"),
  });
  const validate = await inDir(dir, () => run("validate"));
  expect(validate).toEqual({
    code: 1,
    out: [
      "estate accessplane.yaml: policies policies, inventory inventory, config inline",
      "accessplane.yaml:10: error[invalid-value]: `mode` cannot be the text `bulk` (at inventory.sources[0].grants.mode)",
      "    help: use one of `show`, `account-usage`",
      "accessplane.yaml:16: error[unknown-key]: unknown key `colour` in the configuration (at inventory.sources[1].grants.colour)",
      "    help: remove it; see the JSON Schema in schema/ for the keys allowed here",
      "2 errors, 0 warnings",
      "",
    ].join("\n"),
    err: "",
  });
});

test("valid options: inventory pull accepts the source (they are not the connector's keys)", () => {
  const dir = estate(
    project("{ mode: account-usage, concurrency: 2 }", "{ grantor: ACCESSPLANE_ADMIN, identityStoreEndpoint: 'https://ids.example.com' }"),
  );
  const r = readSources(path.join(dir, "accessplane.yaml"), path.join(dir, "inventory"), dir);
  expect(r.issues).toEqual([]);
  expect(r.sources.map((s) => [s.entry.name, s.entry.grants])).toEqual([
    ["sf", { mode: "account-usage", concurrency: 2 }],
    ["sf2", { grantor: "ACCESSPLANE_ADMIN", identityStoreEndpoint: "https://ids.example.com" }],
  ]);
});
