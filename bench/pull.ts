/**
 * Bench of `inventory pull`: 50,000 tables and 10,000 users from recorded responses served by a
 * local node:http server, through the pull stage (scope, tag rules, identity templates, rendering)
 * and the HTTP client. Users come from the SCIM connector (RFC 7644 pages of 500, memberships on the
 * users); tables from a catalog connector that reads recorded JSON pages with a continuation token,
 * the shape of the paged catalog APIs (Unity Catalog's `next_page_token`). Targets: under 10 s and
 * under 1 GiB.
 *
 *   node --expose-gc -r tsx/cjs bench/pull.ts
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { scim } from "../provider/connectors/scim";
import { pull, writePulled, type ProjectSources } from "../provider/connectors/pull";
import type { CatalogObject, Connector } from "../provider/connectors/types";
import { InventorySource } from "../provider/model/schema";

const TABLES = 50_000;
const USERS = 10_000;
const PAGE = 1000;

function recordedTables(page: number): { tables: CatalogObject[]; next_page_token?: string } {
  const tables: CatalogObject[] = [];
  for (let i = page * PAGE; i < Math.min(TABLES, (page + 1) * PAGE); i++) {
    tables.push({
      platform: "redshift",
      objectType: i % 10 === 0 ? "VIEW" : "BASE TABLE",
      location: { database: "dw", schema: `schema_${i % 200}`, table: `table_${i}` },
      labels: i % 7 === 0 ? { pii: "true" } : {},
    });
  }
  return { tables, ...((page + 1) * PAGE < TABLES ? { next_page_token: String(page + 1) } : {}) };
}

function recordedUsers(start: number, count: number) {
  const Resources = [];
  for (let i = start; i < Math.min(USERS + 1, start + count); i++) {
    Resources.push({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      id: `u${i}`,
      userName: `user${i}`,
      emails: [{ value: `user${i}@example.com`, primary: true }],
      active: true,
      groups: [{ value: `g${i % 50}` }],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: `dept${i % 20}` },
    });
  }
  return {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    totalResults: USERS,
    startIndex: start,
    itemsPerPage: Resources.length,
    Resources,
  };
}

/** A catalog read from recorded pages (`GET /tables?page_token=`). */
const recorded: Connector<{ url: string }> = {
  kind: "recorded-catalog",
  yields: "catalog",
  configSchema: z.strictObject({ url: z.string() }) as unknown as z.ZodType<{ url: string }>,
  async pull(config, ctx) {
    const objects: CatalogObject[] = [];
    let token: string | undefined = "0";
    let pages = 0;
    while (token !== undefined) {
      const res = await ctx.http.request(`${config.url}/tables?page_token=${token}`, {});
      const body = res.json<{ tables: CatalogObject[]; next_page_token?: string }>();
      objects.push(...body.tables);
      pages++;
      token = body.next_page_token;
    }
    return { objects, issues: [], stats: { requests: pages, pages } };
  },
};

async function main() {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url!, "http://x");
    res.writeHead(200, { "content-type": "application/json" });
    if (u.pathname === "/tables") res.end(JSON.stringify(recordedTables(Number(u.searchParams.get("page_token")))));
    else if (u.pathname.endsWith("/Users"))
      res.end(JSON.stringify(recordedUsers(Number(u.searchParams.get("startIndex")), Number(u.searchParams.get("count")))));
    else
      res.end(
        JSON.stringify({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
          totalResults: 50,
          Resources: Array.from({ length: 50 }, (_, i) => ({ id: `g${i}`, displayName: `group-${i}` })),
        }),
      );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-bench-pull-"));
  const entry = (x: unknown) => InventorySource.parse(x);
  const project: ProjectSources = {
    file: path.join(dir, "accessplane.yaml"),
    inventory: path.join(dir, "inventory"),
    issues: [],
    sources: [
      {
        entry: entry({
          name: "catalog",
          kind: "recorded-catalog",
          exclude: ["*.schema_199"],
          tags: [
            { label: "pii", value: "true", tag: "pii" },
            { schema: "schema_1*", tag: "finance" },
          ],
        }),
        connector: recorded as Connector<unknown>,
        config: { url: base },
        index: 0,
      },
      {
        entry: entry({
          name: "idp",
          kind: "scim",
          attributes: [{ from: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", to: "department" }],
          identities: { redshift: "{email.local}", snowflake: "{email.local|upper}" },
        }),
        connector: scim as Connector<unknown>,
        config: { url: `${base}/scim/v2`, token: { env: "BENCH_TOKEN" }, pageSize: 500, memberships: "user-groups" },
        index: 1,
      },
    ],
  };
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const outcomes = await pull(project, { env: { BENCH_TOKEN: "bench-token" }, cwd: dir });
  const written = writePulled(outcomes, dir);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  server.close();
  server.closeAllConnections();
  const bytes = written.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  const result = {
    tables: outcomes.find((o) => o.name === "catalog")!.counts.objects,
    users: outcomes.find((o) => o.name === "idp")!.counts.users,
    seconds: Number(seconds.toFixed(2)),
    peakRssMiB: Math.round(peak / 1024 / 1024),
    fileBytes: bytes,
    ok: outcomes.every((o) => o.ok),
    withinTargets: seconds < 10 && peak < 1024 * 1024 * 1024,
  };
  for (const o of outcomes) console.log(`  ${o.name}: ${o.seconds.toFixed(2)} s, ${o.stats.pages} pages`);
  console.log(
    `inventory pull: ${result.tables} tables, ${result.users} users in ${result.seconds} s, peak RSS ${result.peakRssMiB} MiB (targets < 10 s, < 1024 MiB)`,
  );
  console.log(JSON.stringify(result));
}

void main();
