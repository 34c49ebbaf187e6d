/**
 * The SCIM source's membership modes against a local server with RFC 7644 list responses: groups
 * with `members` (nested groups left out), and servers that list memberships on neither side (a
 * `members.value eq` filter per user); attribute flattening; the source entries' validation.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { flattenAttributes, scim, ScimConfig } from "../../provider/connectors/scim";
import { httpClient } from "../../provider/connectors/http";
import { compileScope } from "../../provider/connectors/scope";
import { resolveCredential } from "../../provider/connectors/credentials";
import { readSources } from "../../provider/connectors/pull";
import type { PullContext } from "../../provider/connectors/types";
import { tempDir } from "../cli/support";

const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const users = [
  { id: "2819c223", userName: "bjensen", active: true, emails: [{ value: "bjensen@example.com" }] },
  { id: "c75ad752", userName: "jsmith", active: false },
];

async function withServer(groups: unknown[], filter: Record<string, unknown[]>, f: (url: string, seen: string[]) => Promise<void>) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url!, "http://x");
    seen.push(decodeURIComponent(u.search));
    const f = u.searchParams.get("filter");
    const all = u.pathname.endsWith("/Users") ? users : f ? (filter[f] ?? []) : groups;
    res.writeHead(200, { "content-type": "application/scim+json" });
    res.end(JSON.stringify({ schemas: [LIST], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await f(`http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, seen);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

const ctx = (): PullContext => ({
  source: "okta",
  scope: compileScope(),
  credential: (ref) => resolveCredential(ref, { T: "tok" }, "okta"),
  http: httpClient({ sleep: async () => undefined }),
  progress: () => undefined,
  now: () => new Date(),
});

test("memberships from the groups' members; nested groups are left out with a note", async () => {
  const groups = [
    {
      id: "e9e30dba",
      displayName: "Tour Guides",
      members: [
        { value: "2819c223", type: "User" },
        { value: "fc348aa8", type: "Group" },
      ],
    },
  ];
  await withServer(groups, {}, async (url) => {
    const r = await scim.pull(ScimConfig.parse({ url, token: { env: "T" } }), ctx());
    expect(r.users!.map((u) => [u.userName, u.active, u.groups])).toEqual([
      ["bjensen", true, ["e9e30dba"]],
      ["jsmith", false, []],
    ]);
    expect(r.notes).toEqual([
      "1 nested group membership left out: accessplane groups hold users only",
      "memberships from the groups' members",
    ]);
  });
});

test("memberships by a members filter per active user when neither side lists them", async () => {
  const groups = [{ id: "e9e30dba", displayName: "Tour Guides" }];
  await withServer(groups, { 'members.value eq "2819c223"': [{ id: "e9e30dba" }] }, async (url, seen) => {
    const r = await scim.pull(ScimConfig.parse({ url, token: { env: "T" } }), ctx());
    expect(r.users![0]!.groups).toEqual(["e9e30dba"]);
    expect(seen.filter((s) => s.includes("filter"))).toEqual(['?filter=members.value+eq+"2819c223"&attributes=id&startIndex=1&count=100']);
  });
});

test("attributes flatten to RFC 7644 paths", () => {
  expect(
    flattenAttributes({
      schemas: ["x"],
      userName: "bjensen",
      name: { givenName: "Barbara" },
      emails: [{ value: "a@example.com" }, { value: "b@example.com" }],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Tour Operations", manager: { value: "26118915" } },
    }),
  ).toEqual({
    userName: ["bjensen"],
    "name.givenName": ["Barbara"],
    emails: ["a@example.com", "b@example.com"],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": ["Tour Operations"],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value": ["26118915"],
  });
});

test("source entries: unknown kind, bad scope pattern, duplicate name and unknown key are errors at their line", () => {
  const dir = tempDir("accessplane-sources-");
  const file = path.join(dir, "accessplane.yaml");
  fs.writeFileSync(
    file,
    `inventory:
  path: inventory
  sources:
    - { name: a, kind: oracle }
    - { name: b, kind: scim, url: "https://x.example.com/scim/v2", token: { env: T }, include: ["a..b"] }
    - { name: b, kind: scim, url: "https://x.example.com/scim/v2", token: { env: T } }
    - { name: c, kind: scim, url: "https://x.example.com/scim/v2", token: { env: T }, colour: red }
`,
  );
  const r = readSources(file, path.join(dir, "inventory"), dir);
  expect(r.sources).toEqual([]);
  expect(r.issues.map((i) => [i.code, i.line, i.path])).toEqual([
    ["unknown-source-kind", 4, "inventory.sources[0].kind"],
    ["scope-pattern-invalid", 5, "inventory.sources[1].include[0]"],
    ["duplicate-source", 6, "inventory.sources[2].name"],
    ["source-invalid", 7, "inventory.sources[3].colour"],
  ]);
});
