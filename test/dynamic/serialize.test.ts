/**
 * The dynamic providers survive Pulumi's closure serialisation.
 *
 * `pulumi.dynamic.Resource` stores its provider in the resource's inputs (`__provider`) as the
 * JavaScript text `pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })`
 * makes, and the dynamic provider host later evaluates that text with `require-from-string` and
 * calls the methods on it. Every value the methods reach is captured by value, so this checks, per
 * resource kind and per compiler of the program (`COMPILERS`: swc here, tsc through ts-node as
 * `pulumi up` runs it, tsx): the text is made at all (a zod schema in reach makes it fail), stays
 * small, holds no credential of the program's environment, and, evaluated in a fresh `node`
 * process the way the host does it (provider-host.cjs), validates, diffs and (view-based kinds on
 * a real PostgreSQL, Trino kinds on a stub coordinator and a temporary rules.json) creates, reads
 * and deletes. Registration of each resource class under `pulumi.runtime.setMocks` serialises it too.
 */
import * as pulumi from "@pulumi/pulumi";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Client } from "pg";
import * as connection from "../../provider/pulumi/dynamic/connection";
import * as errors from "../../provider/pulumi/dynamic/errors";
import * as base from "../../provider/pulumi/dynamic/base";
import * as viewDialects from "../../provider/pulumi/dynamic/view-dialects";
import * as viewProvider from "../../provider/pulumi/dynamic/view-provider";
import * as dynamicSchemas from "../../provider/pulumi/dynamic/schemas";
import * as trinoSchemas from "../../provider/pulumi/dynamic/trino-schemas";
import * as zodHelper from "../../provider/pulumi/dynamic/zod";
import { ViewEntitlementStore, ViewEntitlementStoreProvider } from "../../provider/pulumi/dynamic/view-store";
import { ManagedView, ManagedViewProvider } from "../../provider/pulumi/dynamic/managed-view";
import { PolicyEntitlements, PolicyEntitlementsProvider } from "../../provider/pulumi/dynamic/policy-entitlements";
import { TrinoRoleGrants, TrinoRoleGrantsProvider } from "../../provider/pulumi/dynamic/trino-roles";
import { TrinoAccessRules, TrinoAccessRulesProvider } from "../../provider/pulumi/dynamic/trino-rules";
import { SparkTableGrants, SparkTableGrantsProvider } from "../../provider/pulumi/dynamic/spark";
import * as sqlSpark from "../../provider/platforms/sql/spark";
import * as dialect from "../../provider/platforms/sql/dialect";
import * as closure from "../../provider/platforms/sql/closure";
import * as sqlTrino from "../../provider/platforms/sql/trino";
import * as sqlTrinoRules from "../../provider/platforms/sql/trino-rules";
import * as sqlViews from "../../provider/platforms/sql/views";
import * as sqlViewEntitlements from "../../provider/platforms/sql/view-entitlements";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { FakeTrino, serveTrino } from "./fake-trino";
import { FakeDatabricks } from "./fake-databricks";

jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..");
const HOST = join(__dirname, "provider-host.cjs");

/** Upper bound on one provider's serialised text (measured 19-58 KB under swc and tsc, 92-109 KB under tsx). */
const MAX_SERIALIZED_BYTES = 160_000;

// Credentials planted in the program's environment while serialising: none may reach the text.
const PLANTED = {
  ACCESSPLANE_POSTGRES_URL: "postgres://svc:planted-Pg-s3cret@db.invalid:5432/x",
  ACCESSPLANE_REDSHIFT_URL: "redshift://svc:planted-Rs-s3cret@rs.invalid:5439/dev",
  ACCESSPLANE_SYNAPSE_URL: "Server=tcp:syn.invalid,1433;Database=pool;User Id=svc;Password=planted-Syn-s3cret",
  ACCESSPLANE_TRINO_URL: "https://trino.invalid",
  ACCESSPLANE_TRINO_USER: "planted-trino-user",
  ACCESSPLANE_TRINO_PASSWORD: "planted-Trino-s3cret",
  ACCESSPLANE_DATABRICKS_HOST: "https://dbc-planted.cloud.databricks.invalid",
  ACCESSPLANE_DATABRICKS_TOKEN: "dapi-planted-Dbx-s3cret",
  ACCESSPLANE_DATABRICKS_WAREHOUSE_ID: "planted-warehouse",
} as const;

type Props = Record<string, unknown>;
interface Provider {
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: { property: string; reason: string }[] }>;
  diff(id: string, olds: Props, news: Props): Promise<unknown>;
}

/** Serialises a provider exactly as `pulumi.dynamic.Resource` does (`serializeFunctionMaybeSecret`). */
async function serializeProvider(provider: object): Promise<{ text: string; containsSecrets: boolean }> {
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

const rulesDocument = sqlTrinoRules.trinoRulesDocument({
  admins: { users: ["accessplane"] },
  policies: [
    {
      policyKey: "p",
      users: ["alice"],
      groups: ["analysts"],
      grants: [{ catalog: "hive", schema: "s", table: "t", privileges: ["SELECT"] }],
    },
  ],
}).document;

const viewInputs = {
  dialect: "postgres",
  managedSchema: "ap_serialized",
  dataSource: "sales.orders",
  source: { database: "postgres", schema: "sales", table: "orders" },
  viewName: "sales_orders",
};

/** Per resource kind: its provider, inputs `check` accepts (and how it normalises them), inputs it refuses, and diffs. */
const KINDS: {
  kind: string;
  make: () => Provider;
  valid: Props;
  normalised: Props;
  invalid: Props;
  failing: string[];
  diffs: { olds: Props; news: Props; expected: unknown }[];
}[] = [
  {
    kind: "ViewEntitlementStore",
    make: () => new ViewEntitlementStoreProvider(),
    valid: { dialect: "postgres", database: "postgres", managedSchema: "ap_serialized" },
    normalised: { dialect: "postgres", database: "postgres", managedSchema: "ap_serialized", schemaOwner: null },
    invalid: { dialect: "oracle", database: "postgres", managedSchema: "" },
    failing: ["dialect", "managedSchema"],
    diffs: [
      {
        olds: { dialect: "postgres", database: "postgres", managedSchema: "a", storePresent: true, publicUsage: true },
        news: { dialect: "postgres", database: "postgres", managedSchema: "b" },
        expected: { changes: true, replaces: ["managedSchema"], deleteBeforeReplace: false },
      },
      {
        olds: { dialect: "postgres", database: "postgres", managedSchema: "a", storePresent: false, publicUsage: true },
        news: { dialect: "postgres", database: "postgres", managedSchema: "a" },
        expected: { changes: true, replaces: [], deleteBeforeReplace: false },
      },
    ],
  },
  {
    kind: "ManagedView",
    make: () => new ManagedViewProvider(),
    valid: viewInputs,
    normalised: viewInputs,
    // 64 bytes: over PostgreSQL's identifier limit (a SqlIdentifierError, caught by class in the refinement).
    invalid: { ...viewInputs, viewName: "v".repeat(64) },
    failing: ["viewName"],
    diffs: [
      {
        olds: { ...viewInputs, viewPresent: true, definitionCurrent: true, publicSelect: true },
        news: { ...viewInputs, source: { ...viewInputs.source, table: "orders_v2" } },
        expected: { changes: true, replaces: [], deleteBeforeReplace: false },
      },
      {
        olds: { ...viewInputs, viewPresent: true, definitionCurrent: true, publicSelect: true },
        news: { ...viewInputs, viewName: "orders" },
        expected: { changes: true, replaces: ["viewName"], deleteBeforeReplace: false },
      },
      {
        // The view lives in its source's database: another database is another object.
        olds: { ...viewInputs, viewPresent: true, definitionCurrent: true, publicSelect: true, ownershipChained: true },
        news: { ...viewInputs, source: { ...viewInputs.source, database: "other" } },
        expected: { changes: true, replaces: ["source"], deleteBeforeReplace: false },
      },
      {
        olds: { ...viewInputs, viewPresent: true, definitionCurrent: true, publicSelect: true, ownershipChained: false },
        news: viewInputs,
        expected: { changes: true, replaces: [], deleteBeforeReplace: false },
      },
    ],
  },
  {
    kind: "PolicyEntitlements",
    make: () => new PolicyEntitlementsProvider(),
    valid: {
      dialect: "postgres",
      database: "postgres",
      managedSchema: "ap_serialized",
      policyKey: "p",
      members: ["bob", "alice", "bob"],
      dataSources: ["sales.orders"],
    },
    normalised: {
      dialect: "postgres",
      database: "postgres",
      managedSchema: "ap_serialized",
      policyKey: "p",
      members: ["alice", "bob"],
      dataSources: ["sales.orders"],
    },
    invalid: {
      dialect: "postgres",
      database: "postgres",
      managedSchema: "ap_serialized",
      policyKey: "p\u0000",
      members: [""],
      dataSources: [],
    },
    failing: ["members.0", "policyKey"],
    diffs: [
      {
        olds: { dialect: "postgres", database: "postgres", managedSchema: "m", policyKey: "p", members: ["alice"], dataSources: [] },
        news: { dialect: "postgres", database: "postgres", managedSchema: "m", policyKey: "p", members: ["alice", "bob"], dataSources: [] },
        expected: { changes: true, replaces: [], deleteBeforeReplace: false },
      },
      {
        olds: { dialect: "postgres", database: "postgres", managedSchema: "m", policyKey: "p", members: ["alice"], dataSources: [] },
        news: { dialect: "postgres", database: "postgres", managedSchema: "m", policyKey: "p", members: ["alice"], dataSources: [] },
        expected: { changes: false, replaces: [], deleteBeforeReplace: false },
      },
    ],
  },
  {
    kind: "TrinoRoleGrants",
    make: () => new TrinoRoleGrantsProvider(),
    valid: {
      role: "ap_p",
      members: ["bob", "alice"],
      grants: [{ catalog: "hive", schema: "s", table: "t", privileges: ["UPDATE", "SELECT"] }],
    },
    normalised: {
      role: "ap_p",
      roleCatalog: null,
      members: ["alice", "bob"],
      grants: [{ catalog: "hive", schema: "s", table: "t", privileges: ["SELECT", "UPDATE"] }],
    },
    invalid: { role: "ap_p", members: [], grants: [{ catalog: "hive", schema: "s", table: "t", privileges: ["SELECT", "OWNERSHIP"] }] },
    failing: ["grants.0.privileges.1"],
    diffs: [
      {
        olds: { role: "a", roleCatalog: null, members: [], grants: [], rolePresent: true },
        news: { role: "b", roleCatalog: null, members: [], grants: [] },
        expected: { changes: true, replaces: ["role"], deleteBeforeReplace: false },
      },
      {
        olds: { role: "a", roleCatalog: null, members: [], grants: [], rolePresent: true },
        news: { role: "a", roleCatalog: null, members: ["alice"], grants: [] },
        expected: { changes: true, replaces: [], deleteBeforeReplace: false },
      },
    ],
  },
  {
    kind: "SparkTableGrants",
    make: () => new SparkTableGrantsProvider(),
    valid: {
      principal: "ap-p",
      grants: [
        { kind: "TABLE", catalog: "hive_metastore", schema: "s", table: "t", privileges: ["SELECT"] },
        { kind: "DATABASE", catalog: "hive_metastore", schema: "s", privileges: ["USAGE"] },
      ],
    },
    normalised: {
      principal: "ap-p",
      grants: [
        { kind: "DATABASE", catalog: "hive_metastore", schema: "s", table: null, privileges: ["USAGE"] },
        { kind: "TABLE", catalog: "hive_metastore", schema: "s", table: "t", privileges: ["SELECT"] },
      ],
    },
    invalid: { principal: "ap-p", grants: [{ kind: "TABLE", catalog: "hive_metastore", schema: "s", table: "t", privileges: ["MODIFY"] }] },
    failing: ["grants.0.privileges.0"],
    diffs: [
      {
        olds: { principal: "a", grants: [] },
        news: { principal: "b", grants: [] },
        expected: { changes: true, replaces: ["principal"], deleteBeforeReplace: false },
      },
    ],
  },
  {
    kind: "TrinoAccessRules",
    make: () => new TrinoAccessRulesProvider(),
    valid: { path: "/etc/trino/rules.json", document: rulesDocument },
    normalised: { path: "/etc/trino/rules.json", document: rulesDocument },
    invalid: { path: "rules.json", document: { tables: [{ table: "(", privileges: ["SELECT"] }] } },
    failing: ["document.tables.0.table", "path"],
    diffs: [
      {
        olds: { path: "/a.json", document: rulesDocument, filePresent: true },
        news: { path: "/b.json", document: rulesDocument },
        expected: { changes: true, replaces: ["path"], deleteBeforeReplace: false },
      },
      {
        olds: { path: "/a.json", document: rulesDocument, filePresent: true },
        news: { path: "/a.json", document: { tables: [] } },
        expected: { changes: true, replaces: [], deleteBeforeReplace: false },
      },
    ],
  },
];

/** An error the provider raised inside the host: its name, message and `kind`. */
class HostError extends Error {
  constructor(
    message: string,
    readonly errorName: string | undefined,
    readonly kind: string | undefined,
  ) {
    super(message);
  }
}

/** A fresh `node` process that deserialises one provider the way Pulumi's host does, and serves calls to it. */
class Host {
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = "";

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
    child.stderr.on("data", (c: Buffer) => (this.stderr += c.toString("utf8")));
    child.on("exit", () => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: { message: `host exited: ${this.stderr}` } }));
    });
  }

  /** Starts the host with the provider text and raw stack config; resolves with the provider's method names. */
  static async start(serialized: string, config: Record<string, string> = {}): Promise<{ host: Host; methods: string[] }> {
    // Plain node, no TypeScript loader; only the provider's own settings come from config.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ACCESSPLANE_")));
    const child = spawn(process.execPath, [HOST], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    const host = new Host(child);
    const { methods } = (await host.send({ serialized, config, project: "accessplane" })) as { methods: string[] };
    return { host, methods };
  }

  private send(message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const reply = JSON.parse(line) as { ok?: unknown; error?: { name?: string; message: string; kind?: string } };
        if (reply.error) reject(new HostError(reply.error.message, reply.error.name, reply.error.kind));
        else resolve(reply.ok);
      });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Calls one provider method with JSON arguments (as the host does with gRPC-decoded properties). */
  call<T = Record<string, unknown>>(method: string, ...args: unknown[]): Promise<T> {
    return this.send({ method, args }) as Promise<T>;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.stdin.end();
    });
  }
}

function requiredModules(text: string): string[] {
  return [...new Set([...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!))].sort();
}

function isZodSchema(v: unknown): boolean {
  return typeof v === "object" && v !== null && "_zod" in v;
}

/**
 * How the program that serialises the providers was compiled. Each compiler emits modules and
 * exports differently, and closure serialisation sees the compiled code:
 * - `swc`: this Jest process (in-process serialisation);
 * - `ts-node`: tsc, registered through ts-node exactly as `pulumi up` does for a TypeScript program
 *   (@pulumi/pulumi/cmd/run/run.js: the project's typescript, Pulumi's vendored ts-node, tsconfig.json);
 *   tsc compiles a module's references to its own exported consts as `exports.NAME`;
 * - `tsx`: esbuild; every export of a module the providers reach is captured.
 */
const COMPILERS = ["swc", "ts-node", "tsx"] as const;
type Compiler = (typeof COMPILERS)[number];

const PROVIDER_CLASSES: Record<string, [string, string]> = {
  ViewEntitlementStore: ["view-store", "ViewEntitlementStoreProvider"],
  ManagedView: ["managed-view", "ManagedViewProvider"],
  PolicyEntitlements: ["policy-entitlements", "PolicyEntitlementsProvider"],
  TrinoRoleGrants: ["trino-roles", "TrinoRoleGrantsProvider"],
  TrinoAccessRules: ["trino-rules", "TrinoAccessRulesProvider"],
  SparkTableGrants: ["spark", "SparkTableGrantsProvider"],
};

const TS_NODE_AS_PULUMI_DOES = `
  const tsutils = require("@pulumi/pulumi/tsutils");
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: true, // the same JavaScript; the type check is tsc's job in CI
    project: "tsconfig.json",
    skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
  });
`;

/** Serialises every provider in a fresh program compiled by `compiler` (a child process); texts by kind. */
async function serializeInChild(compiler: Exclude<Compiler, "swc">): Promise<Record<string, string>> {
  const valid = Object.fromEntries(KINDS.map((k) => [k.kind, k.valid]));
  const script = `
    ${compiler === "ts-node" ? TS_NODE_AS_PULUMI_DOES : ""}
    const pulumi = require("@pulumi/pulumi");
    const classes = ${JSON.stringify(PROVIDER_CLASSES)};
    const valid = ${JSON.stringify(valid)};
    (async () => {
      const out = {};
      for (const [kind, [mod, name]] of Object.entries(classes)) {
        const provider = new (require("./provider/pulumi/dynamic/" + mod + ".ts")[name])();
        await provider.check({}, valid[kind]);
        out[kind] = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e.stack); process.exit(1); });
  `;
  const args = compiler === "tsx" ? ["-r", "tsx/cjs", "-e", script] : ["-e", script];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...PLANTED } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`serialising under ${compiler} failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as Record<string, string>;
}

const texts: Record<Compiler, Record<string, string>> = { swc: {}, "ts-node": {}, tsx: {} };
const saved: Record<string, string | undefined> = {};
let pg: TestPostgres;
let admin: Client;

beforeAll(async () => {
  for (const [k, v] of Object.entries(PLANTED)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const children = Promise.all([serializeInChild("ts-node"), serializeInChild("tsx")]);
  const database = startPostgres();
  for (const k of KINDS) {
    const provider = k.make();
    // Use the provider in this process first: a schema cache filled here would be captured below.
    expect((await provider.check({}, k.valid)).inputs).toEqual(k.normalised);
    texts.swc[k.kind] = (await serializeProvider(provider)).text;
  }
  [texts["ts-node"], texts.tsx] = await children;
  pg = await database;
  admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  await admin.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (id int, amount int);
    INSERT INTO sales.orders VALUES (1, 100), (2, 250);
    CREATE ROLE alice LOGIN PASSWORD 'alice-pw';
    CREATE ROLE bob LOGIN PASSWORD 'bob-pw';
  `);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await admin?.end();
  await pg?.stop();
});

describe("serialisation as pulumi.dynamic.Resource does it", () => {
  test("replicates @pulumi/pulumi's serializeProvider call", () => {
    const src = readFileSync(require.resolve("@pulumi/pulumi/dynamic/index.js"), "utf8");
    expect(src).toContain("sc.serializeFunction(() => provider, { allowSecrets: true })");
  });

  test("modules the providers reach export no zod schema (only builders)", () => {
    const reached = {
      ...{ dialect, closure, sqlTrino, sqlTrinoRules, sqlViews, sqlViewEntitlements, sqlSpark },
      ...{ dynamicSchemas, trinoSchemas, zodHelper, connection, errors, base, viewDialects, viewProvider },
    };
    const offenders: string[] = [];
    for (const [mod, exports] of Object.entries(reached)) {
      for (const [name, value] of Object.entries(exports)) {
        const nested = value && typeof value === "object" ? Object.values(value as object) : [];
        if (isZodSchema(value) || nested.some(isZodSchema)) offenders.push(`${mod}.${name}`);
      }
    }
    expect(offenders).toEqual([]);
    // The builders do build schemas, fresh on each call.
    expect(isZodSchema(dynamicSchemas.managedViewInputsSchema())).toBe(true);
    expect(dynamicSchemas.managedViewInputsSchema()).not.toBe(dynamicSchemas.managedViewInputsSchema());
  });
});

describe.each(COMPILERS)("providers serialised by a program compiled with %s", (compiler) => {
  const text = (kind: string) => texts[compiler][kind]!;

  describe.each(KINDS)("$kind", (k) => {
    test("is small, requires only drivers, zod and node built-ins, and holds no credential", () => {
      const t = text(k.kind);
      expect(t).toContain("exports.handler = ");
      expect(Buffer.byteLength(t)).toBeLessThan(MAX_SERIALIZED_BYTES);
      const allowed = new Set(["pg", "mssql", "trino-client", "zod", "crypto", "fs", "node:crypto", "node:fs"]);
      expect(requiredModules(t).filter((m) => !allowed.has(m))).toEqual([]);
      // `exports` in the text is the text's own module: any other use would be a compiled module's.
      expect([...new Set(t.match(/\bexports\.\w+/g))]).toEqual(["exports.handler"]);
      for (const v of Object.values(PLANTED)) expect(t).not.toContain(v);
      expect(t).not.toMatch(/[a-z][a-z0-9+.-]*:\/\/[^\s/@"'`$]+:[^\s/@"'`$]+@/i);
      // ADO-style `Password=value` (the `Password=...` of a help text is no value).
      expect(t).not.toMatch(/(?:^|[;"'`])\s*(?:password|pwd)=(?!\.\.\.)[^;\s"'`)\\]{3,}/im);
    });

    test("round-trips: check and diff in a fresh process match the provider in this one", async () => {
      const { host, methods } = await Host.start(text(k.kind));
      try {
        expect(methods).toEqual(expect.arrayContaining(["check", "create", "delete", "diff", "read", "update"]));
        const local = k.make();
        expect(await host.call("check", {}, k.valid)).toEqual({ inputs: k.normalised });
        const bad = await host.call<{ failures: { property: string; reason: string }[] }>("check", {}, k.invalid);
        expect([...new Set(bad.failures.map((f) => f.property))].sort()).toEqual(k.failing);
        expect(bad).toEqual(await local.check({}, k.invalid));
        for (const d of k.diffs) {
          const got = await host.call("diff", "id", d.olds, d.news);
          expect(got).toEqual(d.expected);
          expect(got).toEqual(await local.diff("id", d.olds, d.news));
        }
      } finally {
        await host.close();
      }
    });
  });

  test("view providers: create, read and delete the store, a view and a policy's rows on PostgreSQL", async () => {
    const schema = `ap_${compiler.replace(/\W/g, "_")}`;
    const config = { "accessplane:postgresUrl": pg.url(), "accessplane:statementTimeoutMs": "20000" };
    const started = await Promise.all(
      ["ViewEntitlementStore", "ManagedView", "PolicyEntitlements"].map((kind) => Host.start(text(kind), config)),
    );
    const [store, view, ents] = started.map((x) => x.host) as [Host, Host, Host];
    try {
      const storeIn = (await store.call<{ inputs: Props }>("check", {}, { ...KINDS[0]!.valid, managedSchema: schema })).inputs;
      const s = await store.call<{ id: string; outs: Props }>("create", storeIn);
      expect(s.outs).toEqual({ ...storeIn, schemaCreated: true, storePresent: true, publicUsage: true, schemaOwnerCurrent: true });

      const viewIn = (await view.call<{ inputs: Props }>("check", {}, { ...viewInputs, managedSchema: schema })).inputs;
      const v = await view.call<{ id: string; outs: Props }>("create", viewIn);
      expect(v.id).toBe(JSON.stringify(["postgres", "postgres", schema, "sales_orders"]));

      const entsIn = (await ents.call<{ inputs: Props }>("check", {}, { ...KINDS[2]!.valid, managedSchema: schema, members: ["alice"] }))
        .inputs;
      const e = await ents.call<{ id: string; outs: Props }>("create", entsIn);

      expect((await store.call<{ props: Props }>("read", s.id, s.outs)).props).toEqual(s.outs);
      expect((await view.call<{ props: Props }>("read", v.id, v.outs)).props).toEqual({
        ...viewIn,
        viewPresent: true,
        definitionCurrent: true,
        publicSelect: true,
        ownershipChained: true,
      });
      expect((await ents.call<{ props: Props }>("read", e.id, e.outs)).props).toEqual({ ...entsIn, members: ["alice"] });

      // The SQL the deserialised code wrote does its job: the subscriber sees rows, the other user none.
      expect(await countAs("alice", schema)).toBe(2);
      expect(await countAs("bob", schema)).toBe(0);

      expect(await ents.call("delete", e.id, e.outs)).toBeNull();
      expect(await view.call("delete", v.id, v.outs)).toBeNull();
      expect((await view.call<{ props: Props }>("read", v.id, v.outs)).props).toMatchObject({ viewPresent: false });
      expect(await store.call("delete", s.id, s.outs)).toBeNull();
      expect((await admin.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [schema])).rows).toEqual([]);
    } finally {
      await Promise.all(started.map((x) => x.host.close()));
    }
  });

  test("view providers: a driver error keeps its class and message, without the password", async () => {
    const config = { "accessplane:postgresUrl": `postgres://svc:Host-Secret-pw@127.0.0.1:${await closedPort()}/postgres` };
    const { host } = await Host.start(text("ViewEntitlementStore"), config);
    try {
      const err = await host.call("create", KINDS[0]!.normalised).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostError);
      expect(err).toMatchObject({ errorName: "ProviderError", kind: "connection-lost" });
      expect((err as Error).message).toMatch(
        /^postgres: could not create the entitlements store in schema `ap_serialized`: connection lost/,
      );
      expect((err as Error).message).not.toContain("Host-Secret-pw");
    } finally {
      await host.close();
    }
  });

  test("TrinoRoleGrants: create, read and delete through trino-client against a stub coordinator", async () => {
    const fake = new FakeTrino();
    const server = await serveTrino(fake);
    const config = { "accessplane:trinoUrl": server.url, "accessplane:trinoUser": "svc", "accessplane:trinoPassword": "pw-trino" };
    const { host } = await Host.start(text("TrinoRoleGrants"), config);
    try {
      const inputs = (await host.call<{ inputs: Props }>("check", {}, KINDS[3]!.valid)).inputs;
      const c = await host.call<{ id: string; outs: Props }>("create", inputs);
      expect(c.outs).toEqual({ ...inputs, rolePresent: true });
      expect(fake.log.filter((q) => !q.startsWith("S"))).toEqual([
        'CREATE ROLE "ap_p"',
        'GRANT SELECT, UPDATE ON TABLE "hive"."s"."t" TO ROLE "ap_p"',
        'GRANT "ap_p" TO USER "alice", USER "bob"',
      ]);
      expect((await host.call<{ props: Props }>("read", c.id, c.outs)).props).toEqual(c.outs);
      expect(await host.call("delete", c.id, c.outs)).toBeNull();
      expect(fake.roles.size).toBe(0);
      expect(new Set(server.users)).toEqual(new Set(["svc"]));
    } finally {
      await host.close();
      await server.close();
    }
  });

  test("SparkTableGrants: create, read and delete through the Statement Execution API (local HTTP)", async () => {
    const fake = new FakeDatabricks("dapi-host-token-0123456789");
    const url = await fake.start();
    fake.addObject("TABLE", "hive_metastore", "s", "t");
    fake.grant("TABLE", "hive_metastore.s.t", "etl-job", "SELECT", "MODIFY");
    const config = {
      "accessplane:databricksHost": url,
      "accessplane:databricksToken": fake.token,
      "accessplane:databricksWarehouseId": fake.warehouseId,
    };
    const { host } = await Host.start(text("SparkTableGrants"), config);
    try {
      const k = KINDS.find((x) => x.kind === "SparkTableGrants")!;
      const inputs = (await host.call<{ inputs: Props }>("check", {}, k.valid)).inputs;
      const c = await host.call<{ id: string; outs: Props }>("create", inputs);
      expect(fake.log.filter((q) => !q.startsWith("SHOW"))).toEqual([
        "GRANT USAGE ON DATABASE `hive_metastore`.`s` TO `ap-p`",
        "GRANT SELECT ON TABLE `hive_metastore`.`s`.`t` TO `ap-p`",
      ]);
      expect((await host.call<{ props: Props }>("read", c.id, c.outs)).props).toEqual(c.outs);
      expect(await host.call("delete", c.id, c.outs)).toBeNull();
      expect(fake.held("TABLE", "hive_metastore.s.t", "ap-p")).toEqual([]);
      expect(fake.held("TABLE", "hive_metastore.s.t", "etl-job")).toEqual(["MODIFY", "SELECT"]);
    } finally {
      await host.close();
      await fake.stop();
    }
  });

  test("TrinoAccessRules: create, read and delete a rules.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "accessplane-serialize-"));
    const path = join(dir, "rules.json");
    const { host } = await Host.start(text("TrinoAccessRules"));
    try {
      const inputs = (await host.call<{ inputs: Props }>("check", {}, { path, document: rulesDocument })).inputs;
      const c = await host.call<{ id: string; outs: Props }>("create", inputs);
      expect(readFileSync(path, "utf8")).toBe(sqlTrinoRules.renderTrinoRules(rulesDocument));
      expect(c.outs).toMatchObject({ path, document: rulesDocument, filePresent: true });
      expect((await host.call<{ props: Props }>("read", c.id, c.outs)).props).toEqual(c.outs);
      expect(await host.call("delete", c.id, c.outs)).toBeNull();
      expect(existsSync(path)).toBe(false);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function countAs(user: string, schema: string): Promise<number> {
  const c = new Client({ connectionString: pg.url(user, `${user}-pw`) });
  await c.connect();
  try {
    return (await c.query(`SELECT count(*)::int AS n FROM "${schema}".sales_orders`)).rows[0].n as number;
  } finally {
    await c.end();
  }
}

async function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

describe("registration under pulumi.runtime.setMocks", () => {
  const registered = new Map<string, { type: string; provider: unknown }>();

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, { type: args.type, provider: args.inputs.__provider });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "accessplane",
      "serialize",
      false,
    );
  });

  const resources: [string, () => pulumi.CustomResource][] = [
    [
      "ViewEntitlementStore",
      () =>
        new ViewEntitlementStore("store", { dialect: "postgres", database: "postgres", managedSchema: "ap_serialized", schemaOwner: null }),
    ],
    ["ManagedView", () => new ManagedView("view", viewInputs as ConstructorParameters<typeof ManagedView>[1])],
    [
      "PolicyEntitlements",
      () => new PolicyEntitlements("ents", { ...(KINDS[2]!.normalised as ConstructorParameters<typeof PolicyEntitlements>[1]) }),
    ],
    [
      "TrinoRoleGrants",
      () =>
        new TrinoRoleGrants("role", {
          role: "ap_p",
          members: ["alice"],
          grants: [{ catalog: "hive", schema: "s", table: "t", privileges: ["SELECT"] }],
        }),
    ],
    ["TrinoAccessRules", () => new TrinoAccessRules("rules", { path: "/etc/trino/rules.json", document: rulesDocument })],
    [
      "SparkTableGrants",
      () =>
        new SparkTableGrants("spark", {
          ...(KINDS.find((x) => x.kind === "SparkTableGrants")!.normalised as ConstructorParameters<typeof SparkTableGrants>[1]),
        }),
    ],
  ];

  test.each(resources)("%s registers, its provider serialised into __provider", async (kind, make) => {
    const resource = make();
    let timer: NodeJS.Timeout | undefined;
    const urn = await Promise.race([
      new Promise<string>((resolve) => resource.urn.apply(resolve)),
      new Promise<string>((_, reject) => (timer = setTimeout(() => reject(new Error(`${kind}: no URN in 30 s`)), 30_000))),
    ]).finally(() => clearTimeout(timer));
    const name = urn.split("::").pop()!;
    expect(urn).toBe(`urn:pulumi:serialize::accessplane::pulumi-nodejs:dynamic/accessplane:${kind}::${name}`);
    const entry = registered.get(name)!;
    expect(entry.type).toBe(`pulumi-nodejs:dynamic/accessplane:${kind}`);
    expect(typeof entry.provider).toBe("string");
    const text = entry.provider as string;
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_SERIALIZED_BYTES);
    const k = KINDS.find((x) => x.kind === kind)!;
    const { host } = await Host.start(text);
    try {
      expect(await host.call("check", {}, k.valid)).toEqual({ inputs: k.normalised });
    } finally {
      await host.close();
    }
  });
});
