/**
 * `audit` and `adopt` end to end: the real binary in a temporary project whose accessplane.yaml
 * declares HTTP sources (Databricks Unity Catalog by `host`, S3 Access Grants by
 * `endpoints.s3Control`, BigQuery by `endpoint`) served by one local fixture server, with
 * credentials as `{ env: NAME }` references set only in the child's environment. The JSON and
 * markdown reports name the hand-made access; `--fail-on-unmanaged` exits 3 with it and 0 without;
 * a 403 source fails alone (exit 4) and the others are still reported; `adopt` writes drafts that
 * `validate` accepts and that, activated, plan exactly the audited unmanaged access. No planted
 * credential appears in any output or written file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AuditReport } from "../../provider/audit/compare";
import { accessOf } from "../../provider/audit/adopt";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import { mustLoad } from "../support/estate";
import { runBinaryWithEnv, tempDir, writeFiles, type Run } from "../cli/support";
import { serve, type Answer, type FixtureServer, type Seen } from "../connectors/support";
import { grantsHandler, type GrantsFixture } from "./databricks-fixture";

const DBX_TOKEN = "dapi-PLANTED-cli-0123456789";
const KEY_ID = "AKIAIOSFODNN7PLANTCLI";
const SECRET = "wJalrXUtnFEMI/K7MDENG/PLANTEDCLISECRET";
const GCP_TOKEN = "ya29.PLANTED-cli-token";
const SECRETS = [DBX_TOKEN, KEY_ID, SECRET, GCP_TOKEN];
const ENV = { AP_E2E_DBX_TOKEN: DBX_TOKEN, AP_E2E_AWS_KEY_ID: KEY_ID, AP_E2E_AWS_SECRET: SECRET, AP_E2E_GCP_TOKEN: GCP_TOKEN };
const ACCOUNT = "111122223333";
const ANN = "a1b2c3d4-5678-90ab-cdef-000000000001";
const BEN = "a1b2c3d4-5678-90ab-cdef-000000000002";
const NOW = "2026-11-23T00:00:00Z";

const POLICIES =
  "policies:\n  - { name: analysts-read, access: read, subscribers: { when: { group: analysts } }, dataSources: { tags: { anyOf: [fin] } } }\n";
const CONFIG = `s3: { accountId: "${ACCOUNT}", accessGrantsLocationId: default, identityCenterGrantee: user }\n`;
const INVENTORY = `
users:
  - { id: ann, groups: [analysts], identities: { databricks: ann@example.com, identityCenter: ${ANN}, bigquery: "user:ann@acme.com" } }
  - { id: ben, identities: { databricks: ben@example.com, identityCenter: ${BEN}, bigquery: "user:ben@acme.com" } }
groups: [{ id: analysts }]
dataSources:
  - { id: ledger, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: main, schema: finance, table: ledger }, tags: [fin] }
  - { id: raw, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: main, schema: finance, table: raw } }
  - { id: finance, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: finance }, tags: [fin] }
  - { id: drop, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: drop } }
`;

/** The plan of the project's estate (with `extra` policies), as the CLI plans it. */
function planOf(extra?: string) {
  const estate = mustLoad({
    config: CONFIG,
    policies: { "p.yaml": POLICIES, ...(extra ? { "adopted.yaml": extra } : {}) },
    inventory: { "i.yaml": INVENTORY },
  });
  return planFromResolution(estate, resolve(estate, NOW));
}
const PLAN = planOf();
const UC_GROUP = PLAN.principals.find((p) => p.platform === "databricks-unity-catalog")!.name;

/** Whether the platforms hold ben's hand-made grants (Databricks SELECT on raw, S3 READWRITE on drop, a BigQuery READER). */
let handMade = true;

function databricks(): GrantsFixture {
  return {
    ws: {
      catalogs: [{ name: "main", type: "MANAGED_CATALOG" }],
      schemas: [{ catalog: "main", name: "finance" }],
      tables: [
        { catalog: "main", schema: "finance", name: "ledger", type: "MANAGED" },
        { catalog: "main", schema: "finance", name: "raw", type: "MANAGED" },
      ],
      statements: {},
    },
    grants: {
      "catalog/main": [{ principal: UC_GROUP, privileges: ["USE_CATALOG"] }],
      "schema/main.finance": [{ principal: UC_GROUP, privileges: ["USE_SCHEMA"] }],
      "table/main.finance.ledger": [{ principal: UC_GROUP, privileges: ["SELECT"] }],
      "table/main.finance.raw": handMade ? [{ principal: "ben@example.com", privileges: ["SELECT"] }] : [],
    },
    owners: {
      "catalogs/main": "admins",
      "schemas/main.finance": "admins",
      "tables/main.finance.ledger": "admins",
      "tables/main.finance.raw": "admins",
    },
    scim: {
      Users: [
        { id: "u1", userName: "ann@example.com" },
        { id: "u2", userName: "ben@example.com" },
      ],
      ServicePrincipals: [],
      Groups: [
        { id: "g1", displayName: UC_GROUP, members: [{ value: "u1", $ref: "Users/u1" }] },
        { id: "g2", displayName: "admins", members: [] },
      ],
    },
  };
}

const s3Grant = (id: string, who: string, permission: string, scope: string) =>
  `<AccessGrant><AccessGrantArn>arn:aws:s3:eu-west-1:${ACCOUNT}:access-grants/default/grant/${id}</AccessGrantArn><AccessGrantId>${id}</AccessGrantId><AccessGrantsLocationId>default</AccessGrantsLocationId><Grantee><GranteeIdentifier>${who}</GranteeIdentifier><GranteeType>DIRECTORY_USER</GranteeType></Grantee><GrantScope>${scope}</GrantScope><Permission>${permission}</Permission></AccessGrant>`;

/** ListAccessGrants (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessGrants.html). */
function s3(req: Seen): Answer {
  if (!String(req.headers.authorization ?? "").startsWith(`AWS4-HMAC-SHA256 Credential=${KEY_ID}/`))
    return { status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" };
  if (!req.url.startsWith("/control/v20180820/accessgrantsinstance/grants"))
    return { status: 404, body: "<Error><Code>NotFound</Code></Error>" };
  const grants = [
    s3Grant("g1", ANN, "READ", "s3://acme-lake/finance/*"),
    ...(handMade ? [s3Grant("g2", BEN, "READWRITE", "s3://acme-lake/drop/*")] : []),
  ];
  return {
    body: `<?xml version="1.0" encoding="UTF-8"?><ListAccessGrantsResult><AccessGrantsList>${grants.join("")}</AccessGrantsList></ListAccessGrantsResult>`,
  };
}

/** BigQuery datasets.list / datasets.get / tables.list; project `forbidden` is a 403 that echoes the token. */
function bigquery(req: Seen): Answer {
  if (req.headers.authorization !== `Bearer ${GCP_TOKEN}`)
    return { status: 401, body: { error: { code: 401, status: "UNAUTHENTICATED" } } };
  const p = req.url.split("?")[0]!;
  if (p.startsWith("/bigquery/v2/projects/forbidden"))
    return { status: 403, body: { error: { code: 403, message: `Access Denied (token ${GCP_TOKEN})`, status: "PERMISSION_DENIED" } } };
  const ref = { projectId: "acme-data", datasetId: "sales" };
  if (p === "/bigquery/v2/projects/acme-data/datasets")
    return { body: { datasets: [{ kind: "bigquery#dataset", id: "acme-data:sales", datasetReference: ref }] } };
  if (p === "/bigquery/v2/projects/acme-data/datasets/sales")
    return { body: { datasetReference: ref, access: handMade ? [{ role: "READER", userByEmail: "ben@acme.com" }] : [] } };
  if (p === "/bigquery/v2/projects/acme-data/datasets/sales/tables") return { body: { tables: [] } };
  return { status: 404, body: { error: { code: 404, status: "NOT_FOUND" } } };
}

let server: FixtureServer;
let dir: string;
beforeAll(async () => {
  server = await serve((req) =>
    req.url.startsWith("/api/") ? grantsHandler(databricks(), DBX_TOKEN)(req) : req.url.startsWith("/control/") ? s3(req) : bigquery(req),
  );
  dir = tempDir("accessplane-audit-");
  const sources = [
    { name: "dbx", kind: "databricks-unity-catalog", host: server.url, token: { env: "AP_E2E_DBX_TOKEN" } },
    {
      name: "lake",
      kind: "s3",
      region: "eu-west-1",
      accountId: ACCOUNT,
      credentials: { accessKeyId: { env: "AP_E2E_AWS_KEY_ID" }, secretAccessKey: { env: "AP_E2E_AWS_SECRET" } },
      endpoints: { s3Control: `${server.url}/control` },
    },
    { name: "warehouse", kind: "bigquery", projects: ["acme-data"], accessToken: { env: "AP_E2E_GCP_TOKEN" }, endpoint: server.url },
    { name: "locked", kind: "bigquery", projects: ["forbidden"], accessToken: { env: "AP_E2E_GCP_TOKEN" }, endpoint: server.url },
  ];
  writeFiles(dir, {
    "accessplane.yaml": `policies: policies\nconfig: platforms.yaml\ninventory:\n  path: inventory\n  sources:\n${sources.map((s) => `    - ${JSON.stringify(s)}\n`).join("")}`,
    "platforms.yaml": CONFIG,
    "policies/p.yaml": POLICIES,
    "inventory/i.yaml": INVENTORY,
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const HEALTHY = ["--source", "dbx", "lake", "warehouse"];
const runs: Run[] = [];
const cli = async (...args: string[]) => {
  const r = await runBinaryWithEnv(dir, ENV, ...args);
  runs.push(r);
  return r;
};
const unmanaged = (r: AuditReport) =>
  r.entries
    .filter((e) => e.section === "unmanaged" && e.dataSource && e.kind !== "future")
    .flatMap((e) => e.users.map((u) => `${u} ${e.dataSource} ${accessOf(e.privileges)}`))
    .sort();

test("audit --format json: each source's hand-made access is unmanaged; the 403 source fails alone", async () => {
  handMade = true;
  const r = await cli("audit", "--format", "json");
  expect(r.code).toBe(4);
  expect(r.err).toContain("error: source `locked`");
  expect(r.err.match(/^error: /gm)).toHaveLength(1);
  const report = JSON.parse(r.out) as AuditReport;
  expect(report.sources.map((s) => `${s.source} ${s.platform}`).sort()).toEqual([
    "dbx databricks-unity-catalog",
    "lake s3",
    "warehouse bigquery",
  ]);
  const found = report.entries
    .filter((e) => e.section === "unmanaged")
    .map((e) => `${e.platform} ${e.principal.kind}:${e.principal.name} ${e.object} [${e.privileges.join(",")}] users=${e.users.join(",")}`)
    .sort();
  expect(found).toEqual([
    `bigquery user:user:ben@acme.com \`acme-data.sales\` [SELECT] users=ben`,
    "databricks-unity-catalog user:ben@example.com `main`.`finance`.`raw` [SELECT] users=ben",
    `s3 user:${BEN} s3://acme-lake/drop/ [READWRITE] users=ben`,
  ]);
  expect(report.entries.filter((e) => e.section === "missing" || e.section === "drifted")).toEqual([]);
});

test("audit --format markdown names the hand-made access and the failing source's error on stderr", async () => {
  handMade = true;
  const r = await cli("audit", "--format", "markdown");
  expect(r.code).toBe(4);
  expect(r.out).toMatch(/^## Audit of live grants/);
  expect(r.out).toContain("ben@example.com");
  expect(r.out).toContain("s3://acme-lake/drop/");
  expect(r.err).toContain("source `locked`");
});

test("audit --fail-on-unmanaged exits 3 with a hand-made grant and 0 without", async () => {
  handMade = true;
  const withGrant = await cli("audit", ...HEALTHY, "--fail-on-unmanaged");
  expect([withGrant.code, withGrant.err]).toEqual([3, ""]);
  handMade = false;
  const clean = await cli("audit", ...HEALTHY, "--fail-on-unmanaged", "--format", "json");
  expect([clean.code, clean.err]).toEqual([0, ""]);
  expect((JSON.parse(clean.out) as AuditReport).summary.unmanaged).toBe(0);
  handMade = true;
});

test("adopt refuses while a source fails; its drafts validate, and activated plan exactly the audited unmanaged access", async () => {
  handMade = true;
  const refused = await cli("adopt", "--out", "refused");
  expect(refused.code).toBe(4);
  expect(fs.existsSync(path.join(dir, "refused"))).toBe(false);

  const audit = await cli("audit", ...HEALTHY, "--format", "json");
  const audited = unmanaged(JSON.parse(audit.out) as AuditReport);
  expect(audited).toEqual(["ben drop write", "ben raw read"]);
  const r = await cli("adopt", ...HEALTHY, "--out", "adopted");
  expect([r.code, r.err]).toEqual([0, ""]);
  expect(r.out).toContain("wrote 2 staged draft policies");
  const drafts = fs.readFileSync(path.join(dir, "adopted", "adopted-policies.yaml"), "utf8");
  fs.copyFileSync(path.join(dir, "adopted", "adopted-policies.yaml"), path.join(dir, "policies", "adopted.yaml"));
  const validate = await cli("validate");
  expect(validate.code).toBe(0);
  fs.rmSync(path.join(dir, "policies", "adopted.yaml"));

  // Staged, the drafts grant nothing; activated, they add exactly the audited access.
  expect(planOf(drafts).access).toEqual(PLAN.access);
  const before = new Set(PLAN.access.map((e) => `${e.user} ${e.dataSource} ${e.access}`));
  const added = planOf(drafts.replace(/state: staged/g, "state: active"))
    .access.map((e) => `${e.user} ${e.dataSource} ${e.access}`)
    .filter((k) => !before.has(k))
    .sort();
  expect(added).toEqual(audited);
});

test("no planted credential appears in any output or written file", () => {
  expect(runs.length).toBeGreaterThanOrEqual(8);
  const written = fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, "utf8"));
  const text = [...runs.flatMap((r) => [r.out, r.err]), ...written].join("\n");
  // The project file among them: it holds `{ env: NAME }` references only.
  for (const s of SECRETS) expect(text).not.toContain(s);
});
