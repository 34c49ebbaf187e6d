/**
 * Audit of BigQuery from recorded REST answers served locally: `datasets.get` access entries
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#Dataset.FIELDS.access) and
 * `tables.getIamPolicy` bindings (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/getIamPolicy),
 * over `pageToken` pages after a 429; dataset roles are inherited, owner roles administrative,
 * accessplane's authorized views left out; through run.ts and compare.ts a hand-made binding is
 * unmanaged and an unbound subscriber missing; a refused request names the source, never the token.
 */
import { httpClient } from "../../provider/connectors/http";
import { compileScope } from "../../provider/connectors/scope";
import { SourceError } from "../../provider/connectors/types";
import { memberGrantee, readBigQueryGrants } from "../../provider/audit/readers/bigquery";
import { readLiveGrants } from "../../provider/audit/run";
import { compareWithPlan } from "../../provider/audit/compare";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import { mustLoad } from "../support/estate";
import { firstThen, serve, type Answer, type FixtureServer, type Seen } from "../connectors/support";

const TOKEN = "ya29.PLANTED-access-token";
const NOW = "2026-11-23T00:00:00Z";
const P = "acme-data";
const HOSTILE = "evil?x=1#y/../z";

const dsRef = (datasetId: string) => ({
  kind: "bigquery#dataset",
  id: `${P}:${datasetId}`,
  datasetReference: { projectId: P, datasetId },
  location: "EU",
});
const tbRef = (datasetId: string, tableId: string) => ({
  kind: "bigquery#table",
  tableReference: { projectId: P, datasetId, tableId },
  type: "TABLE",
});

/** GET answers by path (query strings aside), `pageToken` pages as lists. */
const GETS: Record<string, Record<string, unknown>[]> = {
  [`/bigquery/v2/projects/${P}/datasets`]: [
    { datasets: [dsRef("sales")], nextPageToken: "d2" },
    { datasets: [dsRef("sales_accessplane")] },
  ],
  [`/bigquery/v2/projects/${P}/datasets/sales`]: [
    {
      datasetReference: { projectId: P, datasetId: "sales" },
      access: [
        { role: "OWNER", specialGroup: "projectOwners" },
        { role: "READER", userByEmail: "carol@acme.com" },
        { role: "WRITER", groupByEmail: "etl@acme.com" },
        { role: "READER", userByEmail: "loader@acme-data.iam.gserviceaccount.com" },
        { role: "READER", iamMember: "allAuthenticatedUsers" },
        { view: { projectId: P, datasetId: "sales_accessplane", tableId: "orders" } },
        { view: { projectId: P, datasetId: "marketing", tableId: "orders_summary" } },
        { routine: { projectId: P, datasetId: "udfs", routineId: "mask" } },
        { dataset: { dataset: { projectId: "partner", datasetId: "shared" }, targetTypes: ["VIEWS"] } },
      ],
    },
  ],
  [`/bigquery/v2/projects/${P}/datasets/sales_accessplane`]: [
    { datasetReference: { projectId: P, datasetId: "sales_accessplane" }, access: [] },
  ],
  [`/bigquery/v2/projects/${P}/datasets/sales/tables`]: [
    { tables: [tbRef("sales", "orders")], nextPageToken: "t2" },
    { tables: [tbRef("sales", HOSTILE)] },
  ],
  [`/bigquery/v2/projects/${P}/datasets/sales_accessplane/tables`]: [{ tables: [tbRef("sales_accessplane", "orders")] }],
};
/** getIamPolicy answers by encoded table path. */
const POLICIES: Record<string, unknown> = {
  [`/bigquery/v2/projects/${P}/datasets/sales/tables/orders:getIamPolicy`]: {
    version: 1,
    etag: "BwX1",
    bindings: [{ role: "roles/bigquery.dataOwner", members: ["user:dan@acme.com"] }],
  },
  [`/bigquery/v2/projects/${P}/datasets/sales/tables/${encodeURIComponent(HOSTILE)}:getIamPolicy`]: {
    version: 1,
    etag: "BwX2",
    bindings: [{ role: "roles/bigquery.dataViewer", members: ["serviceAccount:bi@acme-data.iam.gserviceaccount.com"] }],
  },
  [`/bigquery/v2/projects/${P}/datasets/sales_accessplane/tables/orders:getIamPolicy`]: {
    version: 1,
    etag: "BwX3",
    bindings: [
      { role: "roles/bigquery.dataViewer", members: ["user:alice@acme.com", "user:carol@acme.com"] },
      { role: "roles/bigquery.dataEditor", members: ["group:etl@acme.com"] },
    ],
  },
};

function google(req: Seen): Answer {
  if (req.headers.authorization !== `Bearer ${TOKEN}`)
    return {
      status: 401,
      body: { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } },
    };
  const [path, query = ""] = req.url.split("?");
  if (path!.startsWith(`/bigquery/v2/projects/forbidden`))
    return {
      status: 403,
      body: { error: { code: 403, message: `Access Denied: Project forbidden (token ${TOKEN})`, status: "PERMISSION_DENIED" } },
    };
  if (req.method === "POST") {
    expect(JSON.parse(req.body)).toEqual({ options: { requestedPolicyVersion: 1 } });
    return POLICIES[path!] !== undefined ? { body: POLICIES[path!] } : { status: 404, body: { error: { code: 404, status: "NOT_FOUND" } } };
  }
  const pages = GETS[path!];
  if (!pages) return { status: 404, body: { error: { code: 404, status: "NOT_FOUND" } } };
  const token = new URLSearchParams(query).get("pageToken");
  return { body: token ? pages[1] : pages[0] };
}

const TOO_MANY: Answer = { status: 429, headers: { "retry-after": "0" }, body: { error: { code: 429, status: "RESOURCE_EXHAUSTED" } } };
let server: FixtureServer;
beforeAll(async () => {
  server = await serve(firstThen(TOO_MANY, google));
});
afterAll(() => server.close());

const retries: number[] = [];
const input = (projects: string[], token = TOKEN) => ({
  source: "warehouse",
  projects,
  root: `${server.url}/bigquery/v2`,
  headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  http: httpClient({ attempts: 4, sleep: async () => undefined, onRetry: (r) => retries.push(r.status ?? 0) }),
  scope: compileScope([], []),
  mirroredSuffix: "_accessplane",
  now: new Date(NOW),
});

test("IAM members as grantees: users and service accounts are users, groups and special members groups", () => {
  expect(memberGrantee("user:a@x.com")).toEqual({ kind: "user", name: "user:a@x.com" });
  expect(memberGrantee("serviceAccount:s@p.iam.gserviceaccount.com")).toEqual({
    kind: "user",
    name: "serviceAccount:s@p.iam.gserviceaccount.com",
  });
  expect(memberGrantee("group:g@x.com")).toEqual({ kind: "group", name: "group:g@x.com" });
  expect(memberGrantee("allUsers")).toEqual({ kind: "group", name: "allUsers" });
});

test("dataset access and table IAM over pageToken pages after a 429: inherited, direct and administrative grants", async () => {
  const state = await readBigQueryGrants(input([P]));
  expect(retries).toContain(429);
  expect(server.seen.some((s) => s.url.includes("pageToken=d2"))).toBe(true);
  expect(server.seen.some((s) => s.url.includes("pageToken=t2"))).toBe(true);
  // The hostile table name is one encoded path segment.
  expect(server.seen.some((s) => s.url.endsWith(`/tables/${encodeURIComponent(HOSTILE)}:getIamPolicy`))).toBe(true);
  expect(state.grants.map((g) => `${g.kind} ${g.grantee.kind}:${g.grantee.name} ${g.object} ${g.privileges.join(",")}`).sort()).toEqual(
    [
      "admin group:projectOwners `acme-data.sales` OWNER",
      "admin user:user:dan@acme.com `acme-data.sales.orders` roles/bigquery.dataOwner",
      "direct group:group:etl@acme.com `acme-data.sales_accessplane.orders` roles/bigquery.dataEditor",
      "direct user:serviceAccount:bi@acme-data.iam.gserviceaccount.com `acme-data.sales.evil?x=1#y/../z` SELECT",
      "direct user:user:alice@acme.com `acme-data.sales_accessplane.orders` SELECT",
      "direct user:user:carol@acme.com `acme-data.sales_accessplane.orders` SELECT",
      "inherited group:allAuthenticatedUsers `acme-data.sales` SELECT",
      "inherited group:group:etl@acme.com `acme-data.sales` WRITER",
      "inherited share:view:acme-data.marketing.orders_summary `acme-data.sales` authorized view",
      "inherited share:routine:acme-data.udfs.mask `acme-data.sales` authorized routine",
      "inherited share:dataset:partner.shared `acme-data.sales` authorized dataset",
      "inherited user:serviceAccount:loader@acme-data.iam.gserviceaccount.com `acme-data.sales` SELECT",
      "inherited user:user:carol@acme.com `acme-data.sales` SELECT",
    ].sort(),
  );
  expect(state.notes).toEqual(["public access: allAuthenticatedUsers on `acme-data.sales`"]);
});

test("a refused request is a SourceError naming the source, never the token", async () => {
  const err = await readBigQueryGrants(input(["forbidden"])).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SourceError);
  const e = err as SourceError;
  expect(e.message).toContain("source `warehouse`");
  expect(`${e.message} ${e.help ?? ""}`).not.toContain(TOKEN);
});

test("through run.ts and compare.ts: the hand-made binding is unmanaged, the unbound subscriber missing", async () => {
  const estate = mustLoad({
    policies: {
      "p.yaml": `
policies:
  - name: analysts-read
    access: read
    subscribers: { when: { group: analysts } }
    dataSources: { tags: { anyOf: [sales] } }
`,
    },
    inventory: {
      "i.yaml": `
users:
  - { id: alice, groups: [analysts], identities: { bigquery: "user:alice@acme.com" } }
  - { id: bob, groups: [analysts], identities: { bigquery: "user:bob@acme.com" } }
  - { id: carol, identities: { bigquery: "user:carol@acme.com" } }
  - { id: dan, identities: { bigquery: "user:dan@acme.com" } }
groups:
  - { id: analysts }
dataSources:
  - { id: sales.orders, platform: bigquery, objectType: BASE TABLE, location: { project: ${P}, dataset: sales, table: orders, location: EU }, tags: [sales] }
`,
    },
  });
  const plan = planFromResolution(estate, resolve(estate, NOW));
  const view = "`acme-data.sales_accessplane.orders`";
  expect(plan.principals.flatMap((p) => p.grants.map((g) => `${g.object} ${g.privileges.join(",")}`))).toEqual([`${view} SELECT`]);
  const read = await readLiveGrants(
    [
      { name: "warehouse", kind: "bigquery", projects: [P], accessToken: { env: "GCP_TOKEN" }, endpoint: server.url },
      { name: "locked", kind: "bigquery", projects: ["forbidden"], accessToken: { env: "GCP_TOKEN" }, endpoint: server.url },
    ],
    estate.config,
    { GCP_TOKEN: TOKEN },
    new Date(NOW),
  );
  expect(read.failures.map((f) => [f.source, f.message.includes("source `locked`"), f.message.includes(TOKEN)])).toEqual([
    ["locked", true, false],
  ]);
  const report = compareWithPlan(plan, estate.inventory, estate.config, read.states);
  const onView = report.entries.filter((e) => e.object === view);
  expect(onView.map((e) => [e.section, e.principal.name, e.privileges.join(","), e.users.join(","), e.detail])).toEqual([
    ["unmanaged", "group:etl@acme.com", "roles/bigquery.dataEditor", "", "through `group:etl@acme.com`"],
    ["unmanaged", "user:carol@acme.com", "SELECT", "carol", "granted directly to a user"],
    ["missing", plan.principals[0]!.name, "SELECT", "bob", "in the plan, not granted to `user:bob@acme.com`"],
  ]);
  // alice's binding is what the plan materialises; dan's ownership is administrative, apart.
  expect(report.entries.some((e) => e.users.includes("alice"))).toBe(false);
  expect(report.entries.filter((e) => e.section === "administrative").map((e) => e.principal.name)).toEqual([
    "projectOwners",
    "user:dan@acme.com",
  ]);
  expect(report.entries.find((e) => e.object === "`acme-data.sales`" && e.users.includes("carol"))?.kind).toBe("inherited");
});
