/**
 * The npm package as a team's policy repository uses it. `npm pack` (which builds dist/), then an
 * `npm install` of the tarball into a fresh project, from the tarball and the local npm cache
 * (`--prefer-offline`), with the Pulumi SDKs this repository develops against. There: the
 * tarball's file list, `npx accessplane init`, `validate`, `plan`, `diff --base HEAD` in a git
 * repository, no fallback to the bundled example, the generated Pulumi program under
 * `pulumi.runtime.setMocks` compiled the way Pulumi's Node.js host compiles TypeScript
 * (pulumi-run.cjs), the dynamic providers' serialised text evaluated the way the provider host does,
 * plain `require`, types under `moduleResolution: bundler`, and the README's library snippet on an
 * estate with an error. One install for the whole file; exact outputs.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectGolden } from "../support/golden";
import { git, tempDir, writeFiles } from "../cli/support";

jest.setTimeout(900_000);

const ROOT = path.resolve(__dirname, "..", "..");
const GOLDEN = path.join(__dirname, "golden");
const NOW = "2026-12-01T00:00:00Z";
const NAME = "policy-repo";
/** Stack config of the generated program (values only shape-checked under mocks). */
const CONFIG = {
  snowflakeOrganization: "MYORG",
  snowflakeAccount: "MYACCOUNT",
  snowflakeUser: "ACCESSPLANE_DEPLOYER",
  snowflakePrivateKey: "not-a-key",
  databricksAccountId: "00000000-0000-0000-0000-000000000000",
  databricksHost: "https://example.cloud.databricks.com",
  databricksToken: "not-a-token",
  awsRegion: "eu-west-1",
  gcpProject: "my-gcp-project",
};

/** The child's environment: no npm settings inherited from an `npm test` that runs jest. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== "NO_COLOR") out[k] = v;
  return { ...out, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...extra };
}

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(cwd: string, cmd: string, args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, encoding: "utf8", env: env(extra), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out: stdout, err: stderr });
    });
  });
}

let work: string;
let project: string;
let bin: string;
let packed: { files: { path: string }[]; filename: string };

/** The version this repository's own install resolved (package-lock.json), all in the npm cache. */
const installed = (name: string) =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

beforeAll(() => {
  work = tempDir("accessplane-package-");
  // `npm pack` runs `prepack`: the whole build into dist/.
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: ROOT,
    encoding: "utf8",
    env: env(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  packed = (JSON.parse(out) as (typeof packed)[])[0]!;
  project = path.join(work, NAME);
  fs.mkdirSync(project);
  // The npm mirror here lists mssql releases whose dependency (@tediousjs/connection-string ^1.1.2)
  // it does not serve: pin mssql to the version of this repository's lock file.
  writeFiles(project, {
    "package.json":
      JSON.stringify({ name: NAME, version: "1.0.0", private: true, overrides: { mssql: installed("mssql") } }, null, 2) + "\n",
  });
  // The SDKs at this repository's development versions: @pulumi/pulumi 3.248.0 is the newest for Node 20.
  const sdks = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/databricks", "@pulumi/gcp", "@pulumi/snowflake", "typescript", "@types/node"].map(
    (n) => `${n}@${installed(n)}`,
  );
  execFileSync(
    "npm",
    ["install", path.join(work, packed.filename), ...sdks, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    {
      cwd: project,
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  bin = path.join(project, "node_modules", ".bin", "accessplane");
  git(project, "init", "-q");
}, 900_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const ALLOWED = /^(dist\/.+|schema\/[^/]+\.schema\.json|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/;

test("the tarball holds dist/, schema/, README, CHANGELOG and LICENSE only", async () => {
  const dry = await run(ROOT, "npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  expect(dry.code).toBe(0);
  const files = (JSON.parse(dry.out) as (typeof packed)[])[0]!.files.map((f) => f.path).sort();
  expect(files).toEqual(packed.files.map((f) => f.path).sort());
  expect(files.filter((f) => !ALLOWED.test(f))).toEqual([]);
  expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
  for (const f of [
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "dist/bin/accessplane.js",
    "dist/provider/index.js",
    "dist/provider/index.d.ts",
    "dist/policy-pack/PulumiPolicy.yaml",
    "dist/policy-pack/index.js",
    "schema/config.schema.json",
  ]) {
    expect([f, files.includes(f)]).toEqual([f, true]);
  }
  expect(files.some((f) => /^(test|bench|examples|policies|provider)\//.test(f))).toBe(false);
});

test("npx accessplane init scaffolds the repository, keeping the package.json npm wrote", async () => {
  const r = await run(project, "npx", ["accessplane", "init"]);
  expect(r).toEqual({
    code: 0,
    err: "",
    out: [
      `accessplane init: wrote 15 files in ${project} for snowflake, databricks-unity-catalog, databricks-spark, trino, redshift, synapse, bigquery, s3`,
      ...[
        "Pulumi.yaml",
        "tsconfig.json",
        "index.ts",
        "accessplane.yaml",
        "policies/everyone-reads-reference.yaml",
        "policies/finance-reads-finance.yaml",
        "policies/finance-by-request.yaml",
        "policies/engineers-write-finance.yaml",
        "inventory/users.yaml",
        "inventory/data-sources.yaml",
        ".github/workflows/access-review.yml",
        ".github/workflows/inventory-pull.yml",
        ".gitignore",
        "README.md",
        ".github/CODEOWNERS",
      ].map((f) => `  ${f}`),
      "kept the existing package.json: it needs accessplane and its peers, e.g.",
      "  npm install accessplane @pulumi/aws @pulumi/databricks @pulumi/gcp @pulumi/pulumi @pulumi/snowflake",
      "next:",
      "  npx accessplane validate     # every error and warning",
      "  npx accessplane plan         # who gets what, offline",
      "  README.md lists what each platform's deploying identity needs before `pulumi up`",
      "",
    ].join("\n"),
  });
  expectGolden(path.join(GOLDEN, "init-index.ts.txt"), fs.readFileSync(path.join(project, "index.ts"), "utf8"));
  expectGolden(path.join(GOLDEN, "init-README.md"), fs.readFileSync(path.join(project, "README.md"), "utf8"));
  // The workflow's first check passes on the scaffold as written.
  expect(await run(project, bin, ["codeowners", "--check"])).toEqual({ code: 0, out: ".github/CODEOWNERS is up to date\n", err: "" });
  git(project, "add", "-A");
  git(project, "commit", "-q", "-m", "accessplane init");
});

test("init refuses to overwrite, and writes nothing then", async () => {
  const before = fs.readFileSync(path.join(project, "accessplane.yaml"), "utf8");
  fs.rmSync(path.join(project, "README.md"));
  const r = await run(project, bin, ["init"]);
  expect(r.code).toBe(2);
  expect(r.out).toBe("");
  expect(r.err).toMatch(
    /^error: init: `Pulumi.yaml`, `tsconfig.json`, `index.ts`, `accessplane.yaml`, .* already exist in .*; nothing was written \(move them away, or run init in an empty directory\)\n$/,
  );
  expect(fs.existsSync(path.join(project, "README.md"))).toBe(false);
  expect(fs.readFileSync(path.join(project, "accessplane.yaml"), "utf8")).toBe(before);
  git(project, "checkout", "-q", "--", "README.md");
});

test("init --platforms limits the scaffold, with its own package.json", async () => {
  const r = await run(work, bin, ["init", "slice", "--platforms", "s3,snowflake"]);
  expect(r.code).toBe(0);
  expect(r.out.split("\n")[0]).toBe(`accessplane init: wrote 16 files in ${path.join(work, "slice")} for snowflake, s3`);
  const pkg = JSON.parse(fs.readFileSync(path.join(work, "slice", "package.json"), "utf8"));
  expect(pkg.dependencies).toEqual({
    accessplane: "^0.1.0",
    "@pulumi/aws": "^7.2.0",
    "@pulumi/databricks": "^1.110.0",
    "@pulumi/gcp": "^9.0.0",
    "@pulumi/pulumi": "^3.165.0",
    "@pulumi/snowflake": "^1.3.0",
  });
  const sources = fs.readFileSync(path.join(work, "slice", "inventory", "data-sources.yaml"), "utf8");
  expect(sources.match(/platform: \S+/g)).toEqual(["platform: snowflake", "platform: s3"]);
  const program = fs.readFileSync(path.join(work, "slice", "index.ts"), "utf8");
  expect(program.match(/^import .*$/gm)).toEqual([
    'import * as pulumi from "@pulumi/pulumi";',
    'import * as aws from "@pulumi/aws";',
    'import * as snowflake from "@pulumi/snowflake";',
    'import { AccessEstate, formatIssue, loadEstate, type Providers, sliceOfStack } from "accessplane";',
  ]);
  expect(await run(path.join(work, "slice"), bin, ["validate"])).toEqual({
    code: 0,
    out: "estate accessplane.yaml: policies policies, inventory inventory, config inline\n0 errors, 0 warnings\n",
    err: "",
  });
  expect(await run(work, bin, ["init", "bad", "--platforms", "snowflake,oracle"])).toEqual({
    code: 2,
    out: "",
    err: "error: --platforms: unknown platform `oracle`; use some of snowflake, databricks-unity-catalog, databricks-spark, trino, redshift, synapse, bigquery, s3\n",
  });
  expect(fs.existsSync(path.join(work, "bad"))).toBe(false);
});

test("validate and plan read the project's accessplane.yaml", async () => {
  expect(await run(project, "npx", ["accessplane", "validate"])).toEqual({
    code: 0,
    out: "estate accessplane.yaml: policies policies, inventory inventory, config inline\n0 errors, 0 warnings\n",
    err: "",
  });
  // From a subdirectory, the project file above is found.
  const sub = await run(path.join(project, "policies"), bin, ["plan", "--now", NOW]);
  expect(sub.code).toBe(0);
  expect(sub.out.split("\n")[0]).toBe("estate ../accessplane.yaml: policies ., inventory ../inventory, config inline");
  const plan = await run(project, "npx", ["accessplane", "plan", "--now", NOW]);
  expect([plan.code, plan.err]).toEqual([0, ""]);
  expect(plan.out.split("\n").slice(1)).toEqual(sub.out.split("\n").slice(1));
  expectGolden(path.join(GOLDEN, "plan.txt"), plan.out);
});

test("diff --base HEAD shows a working-tree change", async () => {
  const users = path.join(project, "inventory", "users.yaml");
  const before = fs.readFileSync(users, "utf8");
  fs.writeFileSync(users, before.replace("groups: [data-engineers]", "groups: [data-engineers, finance]"));
  try {
    const r = await run(project, "npx", ["accessplane", "diff", "--base", "HEAD", "--now", NOW]);
    expect([r.code, r.err]).toEqual([0, ""]);
    expectGolden(path.join(GOLDEN, "diff.txt"), r.out);
  } finally {
    fs.writeFileSync(users, before);
  }
});

test("without a project file every command exits 2; the installed package has no example to fall back to", async () => {
  const empty = path.join(work, "empty");
  fs.mkdirSync(empty);
  const message = `error: no accessplane.yaml found from ${fs.realpathSync(empty)} upwards; run \`accessplane init\` or pass --policies/--inventory\n`;
  for (const args of [["validate"], ["plan"], ["explain", "ana"], ["diff", "--base", "HEAD"]]) {
    expect([args, await run(empty, bin, args)]).toEqual([args, { code: 2, out: "", err: message }]);
  }
  expect(await run(empty, bin, ["plan", "--example"])).toEqual({
    code: 2,
    out: "",
    err: "error: --example: the example estate is not part of the installed package; run `accessplane init` for a starting estate\n",
  });
});

interface ProgramRun {
  outputs: { counts: unknown; principals: Record<string, string[]> };
  registered: string[];
  serialized: Record<string, string>;
  pulumi: { program: string; accessplane: string; typescript: string; tsnode: string; transpileOnly: boolean };
}

const pulumiConfig = (project: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(CONFIG).map(([k, v]) => [`${project}:${k}`, v])));

test("the generated Pulumi program runs under mocks, compiled and type-checked as Pulumi's Node.js host does", async () => {
  fs.copyFileSync(path.join(__dirname, "pulumi-run.cjs"), path.join(project, "pulumi-run.cjs"));
  fs.copyFileSync(path.join(ROOT, "test", "dynamic", "provider-host.cjs"), path.join(project, "provider-host.cjs"));
  const r = await run(project, process.execPath, ["pulumi-run.cjs", NAME, "dev"], { PULUMI_CONFIG: pulumiConfig(NAME) });
  expect([r.code, r.err]).toEqual([0, ""]);
  const res = JSON.parse(r.out) as ProgramRun;
  // One @pulumi/pulumi: the program's, which accessplane resolves too. ts-node type-checks (Pulumi's default).
  expect(res.pulumi).toEqual({
    program: "node_modules/@pulumi/pulumi/index.js",
    accessplane: "node_modules/@pulumi/pulumi/index.js",
    typescript: installed("typescript"),
    tsnode: "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1/index.js",
    transpileOnly: false,
  });
  expect(res.outputs.counts).toEqual({
    policies: 4,
    principals: 28,
    resources: { aws: 14, databricks: 25, gcp: 4, "pulumi-nodejs": 17, snowflake: 22 },
  });
  expectGolden(path.join(GOLDEN, "registered.txt"), res.registered.join("\n") + "\n");
  // With accessplane:sliceFromStack, a stack named as `accessplane stacks` names it deploys its slice only.
  const config = { ...(JSON.parse(pulumiConfig(NAME)) as Record<string, string>), "accessplane:sliceFromStack": "true" };
  const sliced = await run(project, process.execPath, ["pulumi-run.cjs", NAME, "snowflake"], { PULUMI_CONFIG: JSON.stringify(config) });
  expect([sliced.code, sliced.err]).toEqual([0, ""]);
  const slice = (JSON.parse(sliced.out) as ProgramRun).registered;
  expect(slice.filter((t) => t.startsWith("snowflake:")).length).toBe(22);
  expect(slice.filter((t) => !/^(pulumi:|accessplane:)/.test(t) && !t.startsWith("snowflake:"))).toEqual([]);
  const misnamed = await run(project, process.execPath, ["pulumi-run.cjs", NAME, "prod"], { PULUMI_CONFIG: JSON.stringify(config) });
  expect(misnamed.code).not.toBe(0);
  expect(misnamed.err).toMatch(/stack `prod` is not named as `accessplane stacks` names stacks/);
  // The stack config reaches the explicit providers; no secret reaches a dynamic provider's text.
  for (const text of Object.values(res.serialized)) {
    expect(text).not.toContain("not-a-key");
    expect(text).not.toContain("not-a-token");
    expect(text).toMatch(/require\("accessplane\/dist\/provider\//);
  }
  // Each dynamic kind's serialised provider, evaluated as the provider host does, checks inputs.
  const checks: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      "access/redshift/store/dw",
      { dialect: "redshift", database: "dw", managedSchema: "accessplane" },
      { dialect: "redshift", database: "dw", managedSchema: "accessplane", schemaOwner: null },
    ],
    [
      "access/trino:finance-reads-finance/role",
      { role: "ap_x", members: ["b", "a"], grants: [] },
      { role: "ap_x", roleCatalog: null, members: ["a", "b"], grants: [] },
    ],
  ];
  for (const [name, news, expected] of checks) {
    const host = await callHost(project, res.serialized[name]!, { method: "check", args: [{}, news] });
    expect([name, host]).toEqual([name, { ok: { inputs: expected } }]);
  }
});

/** Runs provider-host.cjs (the provider host's deserialisation) in `cwd` for one call. */
function callHost(cwd: string, serialized: string, call: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ["provider-host.cjs"], { cwd, env: env(), encoding: "utf8" }, (error, stdout) => {
      if (error) return reject(error);
      const lines = stdout.trim().split("\n");
      resolve(JSON.parse(lines[1]!));
    });
    child.stdin!.end(`${JSON.stringify({ serialized, project: NAME })}\n${JSON.stringify(call)}\n`);
  });
}

/**
 * The lowest SDKs the peer ranges admit and the mirror serves: @pulumi/pulumi 3.165.0 (the first
 * with `pulumi.resourceName`), @pulumi/aws 7.2.0, @pulumi/gcp 9.0.0; @pulumi/databricks 1.110.0 and
 * @pulumi/snowflake 1.3.0 are the only releases of their ranges served here.
 */
const LOWEST = { "@pulumi/pulumi": "3.165.0", "@pulumi/aws": "7.2.0", "@pulumi/gcp": "9.0.0" };

test("the same program against the lowest SDKs of the peer ranges", async () => {
  const dir = path.join(work, "lowest");
  fs.mkdirSync(dir);
  writeFiles(dir, {
    "package.json": JSON.stringify({ name: "lowest", version: "1.0.0", private: true, overrides: { mssql: installed("mssql") } }) + "\n",
  });
  const sdks = [
    ...Object.entries(LOWEST).map(([n, v]) => `${n}@${v}`),
    ...["@pulumi/databricks", "@pulumi/snowflake", "typescript", "@types/node"].map((n) => `${n}@${installed(n)}`),
  ];
  const install = await run(dir, "npm", [
    "install",
    path.join(work, packed.filename),
    ...sdks,
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
  ]);
  expect(install.code).toBe(0);
  expect((await run(dir, path.join(dir, "node_modules", ".bin", "accessplane"), ["init"])).code).toBe(0);
  fs.copyFileSync(path.join(__dirname, "pulumi-run.cjs"), path.join(dir, "pulumi-run.cjs"));
  const r = await run(dir, process.execPath, ["pulumi-run.cjs", "lowest", "dev"], { PULUMI_CONFIG: pulumiConfig("lowest") });
  expect([r.code, r.err]).toEqual([0, ""]);
  const res = JSON.parse(r.out) as ProgramRun;
  for (const [n, v] of Object.entries(LOWEST))
    expect([n, JSON.parse(fs.readFileSync(path.join(dir, "node_modules", n, "package.json"), "utf8")).version]).toEqual([n, v]);
  expect(res.pulumi.transpileOnly).toBe(false);
  expect([res.pulumi.program, res.pulumi.accessplane]).toEqual([
    "node_modules/@pulumi/pulumi/index.js",
    "node_modules/@pulumi/pulumi/index.js",
  ]);
  expect(res.outputs.counts).toEqual({
    policies: 4,
    principals: 28,
    resources: { aws: 14, databricks: 25, gcp: 4, "pulumi-nodejs": 17, snowflake: 22 },
  });
  expect(res.registered.join("\n") + "\n").toBe(fs.readFileSync(path.join(GOLDEN, "registered.txt"), "utf8"));
});

test("plain JavaScript: require('accessplane') and its subpaths", async () => {
  const script = [
    'const ap = require("accessplane");',
    "const e = ap.loadEstate();",
    'const pack = require("accessplane/policy-pack");',
    'const schema = require("accessplane/schema/policy.schema.json");',
    "console.log(JSON.stringify({ policies: e.policies.map((p) => p.name), warnings: e.warnings.length, AccessEstate: typeof ap.AccessEstate, pack: typeof pack.onlyPolicyPrincipals, schema: schema.title }));",
  ].join("\n");
  expect(await run(project, process.execPath, ["-e", script])).toEqual({
    code: 0,
    err: "",
    out:
      JSON.stringify({
        policies: ["engineers-write-finance", "everyone-reads-reference", "finance-by-request", "finance-reads-finance"],
        warnings: 0,
        AccessEstate: "function",
        pack: "function",
        schema: "accessplane policy file",
      }) + "\n",
  });
});

test("types resolve under moduleResolution bundler (node16: the program above)", async () => {
  const dir = path.join(project, "types-bundler");
  writeFiles(dir, {
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: "esnext",
        moduleResolution: "bundler",
        target: "es2022",
        skipLibCheck: true,
        types: ["node"],
      },
      files: ["check.ts"],
    }),
    "check.ts": [
      'import { AccessEstate, InputError, loadEstate, type LoadedEstate, type Providers } from "accessplane";',
      'import { onlyPolicyPrincipals } from "accessplane/policy-pack";',
      "const estate: LoadedEstate = loadEstate();",
      "const providers: Providers = {};",
      'export const make = () => new AccessEstate("a", { ...estate, providers });',
      "export const isInputError = (e: unknown) => e instanceof InputError && e.issues.length > 0;",
      "export const rule = onlyPolicyPrincipals;",
      "",
    ].join("\n"),
  });
  const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
  expect(await run(dir, process.execPath, [tsc, "-p", "tsconfig.json"])).toEqual({ code: 0, out: "", err: "" });
});

test("the README's library snippet, on an estate with an error, throws one InputError listing every issue", async () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Deploying with Pulumi"));
  const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const dir = path.join(project, "snippet");
  writeFiles(dir, {
    "index.ts": snippet,
    "accessplane.yaml": "policies: policies\ninventory: inventory.yaml\n",
    "inventory.yaml":
      "users:\n  - id: ana\n    identities: { snowflake: ANA }\ndataSources:\n  - id: t1\n    platform: snowflake\n    objectType: BASE TABLE\n    location: { database: D, schema: S, table: T }\n",
    "policies/read.yaml": "name: read\naccess: read\nsubscribers:\n  users: [ana, anna]\ndataSources: { names: [t1, t9] }\n",
  });
  const r = await run(dir, process.execPath, [path.join(project, "pulumi-run.cjs"), "snippet", "dev"], {
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  });
  expect(r).toEqual({
    code: 1,
    out: "",
    err: [
      "InputError: policies/read.yaml:5: error[unknown-data-source]: unknown data source `t9` (at dataSources.names[1])",
      "    help: did you mean `t1`? otherwise add it to the inventory's `dataSources` or fix the id",
      "",
    ].join("\n"),
  });
});
