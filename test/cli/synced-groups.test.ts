/**
 * Access through synced groups, as a reviewer sees it: `plan --view policies` counts the members a
 * synced group reaches, `explain` names the group, and `diff` shows a user who joins the group as
 * gaining access through it (no resource changes: the identity provider manages the membership).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { run, runBinary, tempDir, writeFiles } from "./support";

const NOW = "2026-11-23T00:00:00Z";
const inventory = (benGroups: string) => `users:
  - { id: ann, groups: [analysts], identities: { snowflake: ANN } }
  - { id: ben, groups: ${benGroups}, identities: { snowflake: BEN } }
  - { id: cat, attributes: { department: [finance] }, identities: { snowflake: CAT } }
groups:
  - { id: analysts, identities: { snowflake: ANALYSTS } }
dataSources:
  - { id: orders, platform: snowflake, objectType: BASE TABLE, location: { database: SALES, schema: PUBLIC, table: ORDERS }, tags: [sales] }
`;
const POLICY = `name: sales-read
access: read
subscribers: { when: { anyOf: [ { group: analysts }, { attribute: department, values: [finance] } ] } }
dataSources: { tags: { anyOf: [sales] } }
`;

let base: string;
let head: string;
beforeAll(() => {
  const root = tempDir("accessplane-synced-");
  base = path.join(root, "base");
  head = path.join(root, "head");
  for (const [dir, benGroups] of [
    [base, "[]"],
    [head, "[analysts]"],
  ] as const) {
    fs.mkdirSync(dir);
    writeFiles(dir, {
      "accessplane.yaml": "policies: policies\ninventory: inventory\n",
      "policies/sales-read.yaml": POLICY,
      "inventory/inventory.yaml": inventory(benGroups),
    });
  }
});

const at = (dir: string, ...args: string[]) =>
  run(
    ...args,
    "--policies",
    path.join(dir, "policies"),
    "--inventory",
    path.join(dir, "inventory"),
    "--config",
    path.join(dir, "accessplane.yaml"),
    "--now",
    NOW,
  );

test("plan --view policies: how many members come through the synced group", async () => {
  const r = await at(head, "plan", "--view", "policies");
  expect([r.code, r.err]).toEqual([0, ""]);
  expect(r.out).toContain(
    "    Snowflake role AP_SALES_READ: 2 of 3 through synced group analysts (ANALYSTS); the identity provider manages their membership\n",
  );
});

test("explain: access through the synced group names it", async () => {
  const ann = await at(head, "explain", "ann", "orders");
  expect(ann.out).toContain(
    "→ orders: read SELECT as ANN, through synced group analysts (ANALYSTS: the identity provider manages its members)",
  );
  const cat = await at(head, "explain", "cat", "orders");
  expect(cat.out).toContain("→ orders: read SELECT as CAT\n");
});

test("diff: a user joining the synced group gains access through it, with no membership to create", async () => {
  const r = await runBinary(head, "diff", "--base", base, "--now", NOW, "--format", "json");
  expect(r.err).toBe("");
  const d = JSON.parse(r.out) as {
    access: { id: string; kind: string; syncedGroups?: unknown }[];
    principals: unknown[];
  };
  expect(d.access.map((c) => [c.id, c.kind, c.syncedGroups])).toEqual([
    ["ben|orders", "gained", [{ policy: "sales-read", group: "analysts" }]],
  ]);
  expect(d.principals).toEqual([]);
  const text = await runBinary(head, "diff", "--base", base, "--now", NOW);
  expect(text.out).toContain("  +  ben  orders  read  SELECT  via sales-read  through synced group analysts\n");
});

test("explain: a group member without the platform identity is told the group reaches them once the platform has their account", async () => {
  const dir = tempDir("accessplane-synced-lacking-");
  writeFiles(dir, {
    "accessplane.yaml": "policies: policies\ninventory: inventory\nidentities: { onMissing: skip }\n",
    "policies/sales-read.yaml": POLICY,
    "inventory/inventory.yaml": inventory("[analysts]").replace(
      "  - { id: cat,",
      "  - { id: dan, groups: [analysts], identities: { databricks: dan@x.io } }\n  - { id: cat,",
    ),
  });
  const dan = await at(dir, "explain", "dan", "orders");
  expect(dan.out).toContain(
    "→ orders: nothing granted: dan has no `snowflake` identity (add `identities.snowflake` in the inventory); synced group analysts reaches them whenever the platform has their account",
  );
  const ann = await at(dir, "explain", "ann", "orders");
  expect(ann.out).toContain(
    "→ orders: read SELECT as ANN, through synced group analysts (ANALYSTS: the identity provider manages its members)",
  );
});
