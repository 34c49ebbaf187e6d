/**
 * Audit of S3 Access Grants from recorded ListAccessGrants answers
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessGrants.html) served
 * locally: NextToken pages after a 503 SlowDown, scopes named as the plan names S3 objects, and
 * the comparison with a small plan (a hand-made grant is unmanaged, an ungranted member missing);
 * a refused request is a SourceError naming the source, never a key.
 */
import { s3, type S3Config } from "../../provider/connectors/s3";
import { httpClient } from "../../provider/connectors/http";
import { SourceError } from "../../provider/connectors/types";
import { readS3Grants, scopeObject } from "../../provider/audit/readers/s3";
import { readLiveGrants } from "../../provider/audit/run";
import { compareWithPlan } from "../../provider/audit/compare";
import { adopt } from "../../provider/audit/adopt";
import { captureResources } from "../../provider/pulumi/capture";
import { planFromResolution } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import { mustLoad } from "../support/estate";
import { firstThen, serve, type Answer, type FixtureServer, type Seen } from "../connectors/support";

const KEY_ID = "AKIAIOSFODNN7PLANTED";
const SECRET = "wJalrXUtnFEMI/K7MDENG/PLANTEDSECRETKEY";
const ACCOUNT = "111122223333";
const NOW = "2026-11-23T00:00:00Z";
const ALICE = "a1b2c3d4-5678-90ab-cdef-000000000001";
const BOB = "a1b2c3d4-5678-90ab-cdef-000000000002";
const CAROL = "a1b2c3d4-5678-90ab-cdef-000000000003";
const GROUP = "a1b2c3d4-5678-90ab-cdef-0000000000aa";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/etl`;

const grant = (id: string, type: string, who: string, permission: string, scope: string) =>
  `<AccessGrant><AccessGrantArn>arn:aws:s3:eu-west-1:${ACCOUNT}:access-grants/default/grant/${id}</AccessGrantArn><AccessGrantId>${id}</AccessGrantId><AccessGrantsLocationConfiguration><S3SubPrefix>x*</S3SubPrefix></AccessGrantsLocationConfiguration><AccessGrantsLocationId>default</AccessGrantsLocationId><CreatedAt>2026-01-01T00:00:00Z</CreatedAt><Grantee><GranteeIdentifier>${who}</GranteeIdentifier><GranteeType>${type}</GranteeType></Grantee><GrantScope>${scope}</GrantScope><Permission>${permission}</Permission></AccessGrant>`;
const page = (grants: string[], next?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ListAccessGrantsResult>${next ? `<NextToken>${next}</NextToken>` : ""}<AccessGrantsList>${grants.join("")}</AccessGrantsList></ListAccessGrantsResult>`;
/** Two pages: alice holds the planned READ; carol holds a hand-made READWRITE; a group, a role, an object and a hostile prefix. */
const PAGES = [
  page(
    [
      grant("g1", "DIRECTORY_USER", ALICE, "READ", "s3://acme-lake/finance/*"),
      grant("g2", "DIRECTORY_USER", CAROL, "READWRITE", "s3://acme-lake/finance/*"),
      grant("g3", "DIRECTORY_GROUP", GROUP, "READ", "s3://acme-lake/*"),
    ],
    "tok-2",
  ),
  page([
    grant("g4", "IAM", ROLE, "WRITE", "s3://acme-raw/drop/a&amp;b &lt;x&gt;/*"),
    grant("g5", "DIRECTORY_USER", CAROL, "READ", "s3://acme-raw/reports/2026.csv"),
  ]),
];

/** The directory group's display name in the recorded identity store (the planned principal's, once planned). */
let groupName = "ap-analysts";
/** Identity Store JSON 1.1 answers (https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_ListGroups.html). */
function identityStore(target: string): Answer {
  if (target === "AWSIdentityStore.ListUsers")
    return { body: { Users: [ALICE, BOB, CAROL].map((id, i) => ({ UserId: id, UserName: ["alice", "bob", "carol"][i] })) } };
  if (target === "AWSIdentityStore.ListGroups") return { body: { Groups: [{ GroupId: GROUP, DisplayName: groupName }] } };
  if (target === "AWSIdentityStore.ListGroupMemberships") return { body: { GroupMemberships: [{ MemberId: { UserId: BOB } }] } };
  return { status: 400, body: { __type: "UnknownOperationException" } };
}

function aws(req: Seen): Answer {
  if (!String(req.headers.authorization ?? "").startsWith(`AWS4-HMAC-SHA256 Credential=${KEY_ID}/`))
    return { status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" };
  if (req.method === "POST" && req.headers["x-amz-target"]) return identityStore(String(req.headers["x-amz-target"]));
  const u = new URL(req.url, "http://x");
  if (u.pathname !== "/control/v20180820/accessgrantsinstance/grants") return { status: 404, body: "<Error><Code>NotFound</Code></Error>" };
  if (req.headers["x-amz-account-id"] !== ACCOUNT) return { status: 400, body: "<Error><Code>InvalidRequest</Code></Error>" };
  return { body: u.searchParams.get("nextToken") === "tok-2" ? PAGES[1] : PAGES[0] };
}

const config = (url: string): S3Config =>
  s3.configSchema.parse({
    region: "eu-west-1",
    accountId: ACCOUNT,
    credentials: { accessKeyId: { env: "AWS_ACCESS_KEY_ID" }, secretAccessKey: { env: "AWS_SECRET_ACCESS_KEY" } },
    endpoints: { s3Control: `${url}/control` },
  });
const keys = { accessKeyId: KEY_ID, secretAccessKey: SECRET };

const SLOW_DOWN: Answer = {
  status: 503,
  headers: { "retry-after": "0" },
  body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
};
let server: FixtureServer;
beforeAll(async () => {
  server = await serve(firstThen(SLOW_DOWN, aws));
});
afterAll(() => server.close());

const retries: number[] = [];
const http = httpClient({ attempts: 4, sleep: async () => undefined, onRetry: (r) => retries.push(r.status ?? 0) });

/** A small estate: one S3 prefix that `finance-read` grants to alice and bob; `s3` adds config keys, `users` more users. */
const financeEstate = (s3Keys: string, users = "") =>
  mustLoad({
    config: `s3: { accountId: "${ACCOUNT}", accessGrantsLocationId: default, ${s3Keys} }\n`,
    policies: {
      "p.yaml": `
policies:
  - name: finance-read
    access: read
    subscribers: { when: { group: finance } }
    dataSources: { tags: { anyOf: [finance] } }
`,
    },
    inventory: {
      "i.yaml": `
users:
  - { id: alice, groups: [finance], identities: { identityCenter: ${ALICE} } }
  - { id: bob, groups: [finance], identities: { identityCenter: ${BOB} } }${users}
groups:
  - { id: finance }
dataSources:
  - { id: finance, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: finance }, tags: [finance] }
`,
    },
  });
/** The S3 source entry of the project file, reading the fixture server. */
const lakeSource = (extra: Record<string, unknown> = {}) => ({
  name: "lake",
  kind: "s3",
  region: "eu-west-1",
  accountId: ACCOUNT,
  credentials: { accessKeyId: { env: "AWS_ACCESS_KEY_ID" }, secretAccessKey: { env: "AWS_SECRET_ACCESS_KEY" } },
  endpoints: { s3Control: `${server.url}/control` },
  ...extra,
});

test("grant scopes are named as the plan names S3 objects", () => {
  expect(scopeObject("s3://acme-lake/*")).toEqual({ object: "s3://acme-lake", path: ["acme-lake"] });
  expect(scopeObject("s3://acme-lake/finance/*")).toEqual({ object: "s3://acme-lake/finance/", path: ["acme-lake", "finance/"] });
  expect(scopeObject("s3://acme-lake/a.csv")).toEqual({ object: "s3://acme-lake/a.csv", path: ["acme-lake", "a.csv"] });
  expect(scopeObject("s3://*")).toEqual({ object: "s3://*", path: [] });
});

test("every NextToken page after a SlowDown; users, groups (resolved or not) and roles; decoded hostile prefixes", async () => {
  const state = await readS3Grants({
    source: "lake",
    config: config(server.url),
    keys,
    http,
    resolveGroups: async () => new Map([[GROUP, { name: "ap-analysts", members: [BOB] }]]),
    now: new Date(NOW),
  });
  expect(retries).toContain(503);
  const calls = server.seen.filter((s) => s.url.includes("/grants"));
  expect(calls.some((s) => s.url.includes("nextToken=tok-2"))).toBe(true);
  expect(calls.every((s) => s.url.includes("maxResults=1000"))).toBe(true);
  expect(state.grants.map((g) => `${g.grantee.kind}:${g.grantee.name} ${g.object} ${g.privileges.join(",")} ${g.kind}`).sort()).toEqual(
    [
      `group:ap-analysts s3://acme-lake READ direct`,
      `role:${ROLE} s3://acme-raw/drop/a&b <x>/ WRITE direct`,
      `user:${ALICE} s3://acme-lake/finance/ READ direct`,
      `user:${CAROL} s3://acme-lake/finance/ READWRITE direct`,
      `user:${CAROL} s3://acme-raw/reports/2026.csv READ direct`,
    ].sort(),
  );
  expect(state.memberships).toEqual([
    { platform: "s3", parent: { kind: "group", name: "ap-analysts", id: GROUP }, member: { kind: "user", name: BOB } },
  ]);
  expect(state.notes).toEqual([]);
  expect(JSON.stringify(state)).not.toContain(SECRET);

  const unresolved = await readS3Grants({
    source: "lake",
    config: config(server.url),
    keys,
    http,
    resolveGroups: () => Promise.reject(new SourceError("source-unreachable", "cannot reach identitystore.eu-west-1.amazonaws.com")),
  });
  expect(unresolved.notes?.[0]).toContain("directory groups not resolved: source `lake`: reading the identity store failed");
  expect(unresolved.grants.some((g) => g.grantee.name === GROUP && g.grantee.kind === "group")).toBe(true);
  expect(unresolved.notes?.[1]).toContain("1 Identity Center group named by id");
});

test("a refused request is a SourceError naming the source and the path, never a key", async () => {
  const err = await readS3Grants({
    source: "lake",
    config: config(server.url),
    keys: { accessKeyId: "AKIAWRONGWRONGWRONG1", secretAccessKey: SECRET },
    http,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SourceError);
  const e = err as SourceError;
  expect(e.message).toContain("source `lake`");
  expect(e.message).toContain("/v20180820/accessgrantsinstance/grants");
  expect(`${e.message} ${e.help ?? ""}`).not.toContain(SECRET);
  expect(`${e.message} ${e.help ?? ""}`).not.toContain("AKIAWRONG");
});

test("through run.ts and compare.ts: the hand-made grant is unmanaged, the ungranted member missing", async () => {
  const estate = financeEstate("identityCenterGrantee: user", `\n  - { id: carol, identities: { identityCenter: ${CAROL} } }`);
  const plan = planFromResolution(estate, resolve(estate, NOW));
  expect(plan.principals.flatMap((p) => p.grants.map((g) => g.object))).toEqual(["s3://acme-lake/finance/"]);
  const env = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET };
  const read = await readLiveGrants(
    [
      lakeSource(),
      {
        name: "broken",
        kind: "s3",
        region: "eu-west-1",
        accountId: ACCOUNT,
        credentials: { accessKeyId: { env: "NOPE" }, secretAccessKey: { env: "NOPE" } },
      },
    ],
    estate.config,
    env,
    new Date(NOW),
  );
  expect(read.failures.map((f) => f.source)).toEqual(["broken"]);
  expect(read.failures[0]!.message).toContain("source `broken`");
  const report = compareWithPlan(plan, estate.inventory, estate.config, read.states);
  const finance = report.entries.filter((e) => e.object === "s3://acme-lake/finance/");
  expect(finance.map((e) => [e.section, e.principal.name, e.privileges.join(","), e.users.join(","), e.detail])).toEqual([
    ["unmanaged", CAROL, "READWRITE", "carol", "granted directly to a user"],
    ["missing", plan.principals[0]!.name, "READ", "bob", `in the plan, not granted to \`${BOB}\``],
  ]);
  // alice's planned READ is what the plan materialises: no entry of hers on the prefix.
  expect(finance.some((e) => e.users.includes("alice"))).toBe(false);
  const role = report.entries.find((e) => e.principal.name === ROLE)!;
  expect([role.section, role.unknown]).toEqual(["unmanaged", [ROLE]]);
});

test("group grantees resolved through the identity store: the group's extra grant, missing grant and missing member are drift", async () => {
  const estate = financeEstate("identityStoreId: d-1234567890");
  const plan = planFromResolution(estate, resolve(estate, NOW));
  const principal = plan.principals[0]!.name;
  groupName = principal;
  const read = await readLiveGrants(
    [lakeSource({ grants: { identityStoreEndpoint: server.url } })],
    estate.config,
    { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET },
    new Date(NOW),
  );
  expect(read.failures).toEqual([]);
  expect(read.states[0]!.notes).toEqual([]);
  const report = compareWithPlan(plan, estate.inventory, estate.config, read.states);
  const group = report.entries.filter((e) => e.principal.name === principal);
  expect(group.map((e) => [e.section, e.object ?? "", e.privileges.join(","), e.users.join(","), e.detail])).toEqual([
    ["drifted", "", "", "alice", `member \`${ALICE}\` in the plan, not a member`],
    ["drifted", "s3://acme-lake", "READ", "bob", "granted, not in the plan"],
    ["drifted", "s3://acme-lake/finance/", "READ", "alice,bob", "in the plan, not granted"],
  ]);
});

test("adopt imports the planned principal's existing Identity Center group by identity_store_id/group_id, named as the component registers it", async () => {
  const estate = financeEstate("identityStoreId: d-1234567890");
  const plan = planFromResolution(estate, resolve(estate, NOW));
  const p = plan.principals[0]!;
  groupName = p.name;
  const read = await readLiveGrants(
    [lakeSource({ grants: { identityStoreEndpoint: server.url } })],
    estate.config,
    { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET },
    new Date(NOW),
  );
  const report = compareWithPlan(plan, estate.inventory, estate.config, read.states);
  const { imports } = adopt(report, plan, read.states, "estate", estate.config.s3);
  expect(imports.resources.filter((e) => !e.component)).toEqual([
    { type: "aws:identitystore/group:Group", name: `estate/${p.id}/group`, id: `d-1234567890/${GROUP}`, parent: "estate/finance-read" },
  ]);
  // The component registers that type under that name (Pulumi mocks).
  const registered = (await captureResources(estate, NOW)).map((r) => `${r.type} ${r.name}`);
  expect(registered).toContain(`aws:identitystore/group:Group estate/${p.id}/group`);
  // Without the identity store, or with user grantees, the reader knows no group id to import by.
  expect(adopt(report, plan, read.states, "estate", { ...estate.config.s3, identityCenterGrantee: "user" }).imports.resources).toEqual([]);
  expect(adopt(report, plan, read.states).imports.resources).toEqual([]);
});
