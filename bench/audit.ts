/**
 * Bench of `accessplane audit`: 50,000 Snowflake tables and 7,000 principals (200 planned roles,
 * 6,800 hand-made ones) with 7,000 users, from recorded SQL API answers of
 * `SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES` and `GRANTS_TO_USERS` served by a local node:http
 * server in partitions, through the reader, the comparison with the plan and the JSON renderer.
 * The estate is loaded and planned before the clock starts (the plan bench measures that).
 * Targets: under 10 s and under 1 GiB.
 *
 *   node --expose-gc -r tsx/cjs bench/audit.ts
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { compareWithPlan } from "../provider/audit/compare";
import { readSnowflakeGrants } from "../provider/audit/readers/snowflake";
import { auditJson } from "../provider/audit/render";
import { httpClient } from "../provider/connectors/http";
import { compileScope } from "../provider/connectors/scope";
import { sqlApi, type SnowflakeConfig } from "../provider/connectors/snowflake";
import { parseEstate } from "../provider/model/load";
import { planFromResolution } from "../provider/plan/build";
import { resolve } from "../provider/resolve/resolve";

const TABLES = 50_000;
const PRINCIPALS = 7_000;
const PLANNED = 200;
const USERS = 7_000;
const PARTITION = 10_000;
const NOW = "2026-11-23T00:00:00Z";

function estate() {
  const users = Array.from({ length: USERS }, (_, i) => `  - { id: u${i}, groups: [g${i % PLANNED}], identities: { snowflake: U${i} } }`);
  const groups = Array.from({ length: PLANNED }, (_, i) => `  - { id: g${i} }`);
  const sources = Array.from(
    { length: TABLES },
    (_, i) =>
      `  - { id: t${i}, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S${i % 100}, table: T${i} }, tags: [k${i % PLANNED}] }`,
  );
  const policies = Array.from(
    { length: PLANNED },
    (_, i) => `  - { name: p${i}, access: read, subscribers: { when: { group: g${i} } }, dataSources: { tags: { anyOf: [k${i}] } } }`,
  );
  const r = parseEstate({
    policies: [{ path: "p.yaml", content: `policies:\n${policies.join("\n")}\n` }],
    inventory: [
      { path: "i.yaml", content: `users:\n${users.join("\n")}\ngroups:\n${groups.join("\n")}\ndataSources:\n${sources.join("\n")}\n` },
    ],
  });
  if (!r.estate) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
  return r.estate;
}

type Cell = string | null;

/** The recorded answers: every planned grant exactly, plus 7 hand-made grants per hand-made role. */
function recorded(plan: ReturnType<typeof planFromResolution>): Record<string, Cell[][]> {
  const roles: Cell[][] = [];
  for (const p of plan.principals) {
    const parents = new Set<string>();
    for (const g of p.grants) {
      const [, schema, table] = g.object.split(".").map((x) => x.slice(1, -1));
      roles.push(["SELECT", "TABLE", table!, "DB", schema!, "ROLE", p.name, "ACCESSPLANE_ADMIN"]);
      for (const par of g.parents) parents.add(`${par.object}\0${par.privileges.join(",")}`);
    }
    for (const k of parents) {
      const parts = k
        .split("\0")[0]!
        .split(".")
        .map((x) => x.slice(1, -1));
      roles.push(
        parts.length === 1
          ? ["USAGE", "DATABASE", parts[0]!, null, null, "ROLE", p.name, "ACCESSPLANE_ADMIN"]
          : ["USAGE", "SCHEMA", parts[1]!, parts[0]!, null, "ROLE", p.name, "ACCESSPLANE_ADMIN"],
      );
    }
  }
  for (let r = PLANNED; r < PRINCIPALS; r++)
    for (let j = 0; j < 7; j++) {
      const t = (r * 7 + j) % TABLES;
      roles.push(["SELECT", "TABLE", `T${t}`, "DB", `S${t % 100}`, "ROLE", `HAND_${r}`, "SYSADMIN"]);
    }
  const users: Cell[][] = [];
  for (const p of plan.principals) for (const m of p.members) users.push([p.name, "USER", m.identity, "ACCESSPLANE_ADMIN"]);
  for (let i = 0; i < USERS; i++) users.push([`HAND_${PLANNED + (i % (PRINCIPALS - PLANNED))}`, "USER", `U${i}`, "SECURITYADMIN"]);
  return { GRANTS_TO_ROLES: roles, GRANTS_TO_USERS: users };
}

async function serve(data: Record<string, Cell[][]>): Promise<{ url: string; close(): void }> {
  const handles = new Map<string, Cell[][]>();
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      let answer: unknown;
      if (req.method === "POST") {
        const { statement } = JSON.parse(body) as { statement: string };
        const rows = statement.includes("GRANTS_TO_ROLES") ? data.GRANTS_TO_ROLES! : data.GRANTS_TO_USERS!;
        const cols = statement.includes("GRANTS_TO_ROLES")
          ? ["PRIVILEGE", "GRANTED_ON", "NAME", "TABLE_CATALOG", "TABLE_SCHEMA", "GRANTED_TO", "GRANTEE_NAME", "GRANTED_BY"]
          : ["ROLE", "GRANTED_TO", "GRANTEE_NAME", "GRANTED_BY"];
        const handle = `h${n++}`;
        handles.set(handle, rows);
        const parts = Math.max(1, Math.ceil(rows.length / PARTITION));
        answer = {
          resultSetMetaData: {
            numRows: rows.length,
            format: "jsonv2",
            rowType: cols.map((name) => ({ name, type: "text" })),
            partitionInfo: Array.from({ length: parts }, (_, i) => ({ rowCount: Math.min(PARTITION, rows.length - i * PARTITION) })),
          },
          data: rows.slice(0, PARTITION),
          statementHandle: handle,
          code: "090001",
        };
      } else {
        const rows = handles.get(url.pathname.split("/").pop()!)!;
        const p = Number(url.searchParams.get("partition"));
        answer = { data: rows.slice(p * PARTITION, (p + 1) * PARTITION) };
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function main() {
  const e = estate();
  const plan = planFromResolution(e, resolve(e, NOW));
  const server = await serve(recorded(plan));
  (global as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const config: SnowflakeConfig = {
    account: "bench",
    url: server.url,
    auth: { type: "oauth", token: { env: "BENCH_TOKEN" } },
    warehouse: "WH",
    tagMode: "direct",
    statementTimeoutSeconds: 600,
  };
  const ctx = {
    source: "sf",
    scope: compileScope(),
    credential: () => "bench-token",
    http: httpClient(),
    progress: () => undefined,
    now: () => new Date(NOW),
  };
  const state = await readSnowflakeGrants(sqlApi(config, ctx, { requests: 0, pages: 0 }), {
    source: "sf",
    mode: "account-usage",
    now: new Date(NOW),
  });
  const t1 = performance.now();
  const report = compareWithPlan(plan, e.inventory, e.config, [state], { grantors: { snowflake: "ACCESSPLANE_ADMIN" } });
  const json = auditJson(report);
  const t2 = performance.now();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  server.close();
  const s = report.summary;
  console.log(
    `audit bench: ${TABLES} tables, ${PRINCIPALS} principals, ${USERS} users, ${state.grants.length} live grants, ${state.memberships.length} memberships`,
  );
  console.log(
    `  read ${(t1 - t0).toFixed(0)} ms, compare + render ${(t2 - t1).toFixed(0)} ms, total ${((t2 - t0) / 1000).toFixed(2)} s (target < 10 s)`,
  );
  console.log(
    `  peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - base) / 2 ** 20).toFixed(0)} MiB over the loaded estate; target < 1024 MiB)`,
  );
  console.log(
    `  report: ${s.unmanaged} unmanaged, ${s.missing} missing, ${s.drifted} drifted, ${s.conflicting} conflicting, ${s.administrative} administrative; ${(json.length / 2 ** 20).toFixed(1)} MiB of JSON`,
  );
  if (s.missing !== 0 || s.drifted !== 0 || s.unmanaged !== (PRINCIPALS - PLANNED) * 7)
    throw new Error("the bench's recorded state does not give the expected report");
  // The last line of stdout is the machine-readable result (npm run bench reads it).
  console.log(
    JSON.stringify({
      tables: TABLES,
      principals: PRINCIPALS,
      users: USERS,
      liveGrants: state.grants.length,
      readMs: Math.round(t1 - t0),
      compareAndRenderMs: Math.round(t2 - t1),
      totalMs: Math.round(t2 - t0),
      peakRssMiB: Math.round(peak / 2 ** 20),
      summary: s,
    }),
  );
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
