/**
 * Audit of Snowflake against recorded SQL API answers served locally (result sets in partitions,
 * a 429 with Retry-After): SHOW GRANTS per role under a concurrency cap, a role nested two levels
 * deep, a future grant, an outbound share, an unknown user, administrative roles, a managed-looking
 * role granted by someone else; and the bulk ACCOUNT_USAGE mode, which says it lags.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sqlApi, type SnowflakeConfig } from "../../provider/connectors/snowflake";
import { sourceEntries } from "../../provider/connectors/pull-sources";
import { readLiveGrants } from "../../provider/audit/run";
import { tempDir, writeFiles } from "../cli/support";
import { compareWithPlan, type AuditEntry } from "../../provider/audit/compare";
import { ACCOUNT_USAGE_NOTE, readSnowflakeGrants, splitSnowflakeName } from "../../provider/audit/readers/snowflake";
import { auditMarkdown } from "../../provider/audit/render";
import { resolve } from "../../provider/resolve/resolve";
import { planFromResolution } from "../../provider/plan/build";
import { mustLoad } from "../support/estate";
import { context, serve, type Answer, type FixtureServer, type Seen } from "../connectors/support";

const NOW = "2026-11-23T00:00:00Z";
const TOKEN = "sf-token-123";
const estate = mustLoad({
  policies: {
    "p.yaml":
      "policies:\n  - { name: analysts-read, access: read, subscribers: { when: { group: analysts } }, dataSources: { tags: { anyOf: [fin] } } }\n",
  },
  inventory: {
    "i.yaml": `
users:
  - { id: ann, groups: [analysts], identities: { snowflake: ANN } }
  - { id: ben, identities: { snowflake: BEN } }
  - { id: root, identities: { snowflake: ROOT } }
groups: [{ id: analysts }]
dataSources:
  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 }, tags: [fin] }
  - { id: t2, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T2 } }
`,
  },
});
const plan = planFromResolution(estate, resolve(estate, NOW));
const AP = plan.principals[0]!.name;
const BY = "ACCESSPLANE_ADMIN";

type Cell = string | null;
const G = ["created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name", "grant_option", "granted_by"];
const OF = ["created_on", "role", "granted_to", "grantee_name", "granted_by"];
const FUT = ["created_on", "privilege", "grant_on", "name", "grant_to", "grantee_name", "grant_option"];
const T = "2024-01-01 00:00:00.000 -0800";
const g = (priv: string, on: string, name: string, to: string, by: string): Cell[] => [T, priv, on, name, "ROLE", to, "false", by];
const of = (role: string, kind: string, who: string, by = "SECURITYADMIN"): Cell[] => [T, role, kind, who, by];

const RESULTS: Record<string, { columns: string[]; rows: Cell[][] }> = {
  "SHOW ROLES": {
    columns: ["created_on", "name", "owner"],
    rows: [
      [T, AP, "SECURITYADMIN"],
      [T, "ANALYST_ALL", "SYSADMIN"],
      [T, "TEAM_BI", "SYSADMIN"],
      [T, "ANALYTICS", "SYSADMIN"],
      [T, "ACCOUNTADMIN", ""],
      [T, "SYSADMIN", ""],
      [T, "AP_ROGUE", "SYSADMIN"],
    ],
  },
  [`SHOW GRANTS TO ROLE "${AP}"`]: {
    columns: G,
    rows: [g("USAGE", "DATABASE", "DB", AP, BY), g("USAGE", "SCHEMA", "DB.S", AP, BY), g("SELECT", "TABLE", "DB.S.T1", AP, BY)],
  },
  [`SHOW GRANTS OF ROLE "${AP}"`]: { columns: OF, rows: [of(AP, "USER", "ANN", BY)] },
  'SHOW GRANTS TO ROLE "ANALYST_ALL"': {
    columns: G,
    rows: [
      g("USAGE", "DATABASE", "DB", "ANALYST_ALL", "SYSADMIN"),
      g("USAGE", "SCHEMA", "DB.S", "ANALYST_ALL", "SYSADMIN"),
      g("SELECT", "TABLE", "DB.S.T2", "ANALYST_ALL", "SYSADMIN"),
    ],
  },
  'SHOW GRANTS OF ROLE "ANALYST_ALL"': { columns: OF, rows: [of("ANALYST_ALL", "ROLE", "TEAM_BI")] },
  'SHOW FUTURE GRANTS TO ROLE "ANALYST_ALL"': {
    columns: FUT,
    rows: [[T, "SELECT", "TABLE", "DB.S.<TABLE>", "ROLE", "ANALYST_ALL", "false"]],
  },
  'SHOW GRANTS OF ROLE "TEAM_BI"': { columns: OF, rows: [of("TEAM_BI", "ROLE", "ANALYTICS")] },
  'SHOW GRANTS OF ROLE "ANALYTICS"': { columns: OF, rows: [of("ANALYTICS", "USER", "BEN"), of("ANALYTICS", "USER", "ZED")] },
  'SHOW GRANTS OF ROLE "ACCOUNTADMIN"': { columns: OF, rows: [of("ACCOUNTADMIN", "USER", "ROOT")] },
  'SHOW GRANTS TO ROLE "SYSADMIN"': { columns: G, rows: [g("OWNERSHIP", "TABLE", "DB.S.T1", "SYSADMIN", "SYSADMIN")] },
  'SHOW GRANTS TO ROLE "AP_ROGUE"': { columns: G, rows: [g("SELECT", "TABLE", "DB.S.T2", "AP_ROGUE", "SYSADMIN")] },
  "SHOW USERS": {
    columns: ["name", "login_name"],
    rows: [
      ["ANN", "ann"],
      ["BEN", "ben"],
      ["ZED", "zed"],
      ["ROOT", "root"],
    ],
  },
  'SHOW GRANTS TO USER "BEN"': {
    columns: ["created_on", "privilege", "granted_on", "name", "role", "granted_to", "grantee_name", "grant_option", "granted_by"],
    rows: [[T, "SELECT", "TABLE", 'DB.S."T1"', null, "USER", "BEN", "false", "SYSADMIN"]],
  },
  "SHOW SHARES": {
    columns: ["created_on", "kind", "name", "database_name"],
    rows: [
      [T, "OUTBOUND", "MYORG.MYACCT.SALES_SHARE", "DB"],
      [T, "INBOUND", "PARTNER.X.FEED", "FEED"],
    ],
  },
  'SHOW GRANTS TO SHARE "SALES_SHARE"': {
    columns: ["created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name", "grant_option", "granted_by"],
    rows: [
      [T, "USAGE", "DATABASE", "DB", "SHARE", "MYORG.MYACCT.SALES_SHARE", "false", ""],
      [T, "SELECT", "TABLE", "DB.S.T1", "SHARE", "MYORG.MYACCT.SALES_SHARE", "false", ""],
    ],
  },
  "SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES": {
    columns: ["PRIVILEGE", "GRANTED_ON", "NAME", "TABLE_CATALOG", "TABLE_SCHEMA", "GRANTED_TO", "GRANTEE_NAME", "GRANTED_BY"],
    rows: [
      ["USAGE", "DATABASE", "DB", null, null, "ROLE", AP, BY],
      ["USAGE", "SCHEMA", "S", "DB", null, "ROLE", AP, BY],
      ["SELECT", "TABLE", "T1", "DB", "S", "ROLE", AP, BY],
      ["SELECT", "TABLE", "T2", "DB", "S", "ROLE", "ANALYST_ALL", "SYSADMIN"],
      ["USAGE", "ROLE", "ANALYST_ALL", null, null, "ROLE", "TEAM_BI", "SYSADMIN"],
    ],
  },
  "SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS": {
    columns: ["ROLE", "GRANTED_TO", "GRANTEE_NAME", "GRANTED_BY"],
    rows: [
      [AP, "USER", "ANN", BY],
      ["TEAM_BI", "USER", "BEN", "SECURITYADMIN"],
    ],
  },
};

/** The SQL API v2 in its documented wire format, two rows per partition, one 429 first. */
function handler() {
  const per = 2;
  const handles = new Map<string, Cell[][]>();
  let n = 0;
  let throttled = false;
  return (req: Seen): Answer => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return { status: 401, body: { code: "390303", message: "Invalid OAuth access token. " } };
    if (!throttled) {
      throttled = true;
      return { status: 429, headers: { "retry-after": "1" }, body: { message: "Too many requests" } };
    }
    const url = new URL(req.url, "http://x");
    if (req.method === "POST") {
      const { statement } = JSON.parse(req.body) as { statement: string };
      const key = Object.keys(RESULTS).find((k) => statement === k || (k.startsWith("SNOWFLAKE.") && statement.includes(k)));
      const r = key ? RESULTS[key]! : { columns: G, rows: [] };
      const handle = `h-${n++}`;
      handles.set(handle, r.rows);
      const chunks: Cell[][][] = [];
      for (let i = 0; i < r.rows.length; i += per) chunks.push(r.rows.slice(i, i + per));
      if (chunks.length === 0) chunks.push([]);
      return {
        body: {
          resultSetMetaData: {
            numRows: r.rows.length,
            format: "jsonv2",
            rowType: r.columns.map((name) => ({ name, type: "text" })),
            partitionInfo: chunks.map((c) => ({ rowCount: c.length })),
          },
          data: chunks[0],
          code: "090001",
          statementHandle: handle,
          message: "Statement executed successfully.",
        },
      };
    }
    const handle = url.pathname.split("/").pop()!;
    const p = Number(url.searchParams.get("partition"));
    const rows = handles.get(handle)!;
    return { body: { data: rows.slice(p * per, p * per + per) } };
  };
}

let server: FixtureServer;
beforeEach(async () => {
  server = await serve(handler());
});
afterEach(async () => server.close());

async function read(mode: "show" | "account-usage") {
  const config: SnowflakeConfig = {
    account: "myorg-myacct",
    url: server.url,
    auth: { type: "oauth", token: { env: "SF_TOKEN" } },
    warehouse: "WH",
    tagMode: "direct",
    statementTimeoutSeconds: 60,
  };
  const ctx = context({ env: { SF_TOKEN: TOKEN } });
  return readSnowflakeGrants(sqlApi(config, ctx, { requests: 0, pages: 0 }), { source: "sf", mode, concurrency: 3, now: new Date(NOW) });
}
const line = (e: AuditEntry) =>
  `${e.section} ${e.principal.kind}:${e.principal.name} ${e.kind} ${e.privileges.join(",")} ${e.object ?? "-"} users=${e.users.join(",")} unknown=${e.unknown.join(",")}`;

describe("Snowflake audit from recorded SQL API answers", () => {
  test("splits dotted names with quoted parts", () => {
    expect(splitSnowflakeName('DB.S."my ""odd"" table"')).toEqual(["DB", "S", 'my "odd" table']);
    expect(splitSnowflakeName("DB")).toEqual(["DB"]);
  });

  test("SHOW mode: every finding, each in its section, people resolved through nested roles", async () => {
    const state = await read("show");
    const r = compareWithPlan(plan, estate.inventory, estate.config, [state], { grantors: { snowflake: BY } });
    expect(r.entries.map(line)).toEqual([
      'unmanaged role:ANALYST_ALL direct USAGE "DB" users=ben unknown=ZED',
      'unmanaged role:ANALYST_ALL direct USAGE "DB"."S" users=ben unknown=ZED',
      'unmanaged role:ANALYST_ALL future SELECT "DB"."S"."<TABLE>" users=ben unknown=ZED',
      'unmanaged role:ANALYST_ALL direct SELECT "DB"."S"."T2" users=ben unknown=ZED',
      'unmanaged user:BEN direct SELECT "DB"."S"."T1" users=ben unknown=',
      'unmanaged share:SALES_SHARE direct USAGE "DB" users= unknown=share SALES_SHARE',
      'unmanaged share:SALES_SHARE direct SELECT "DB"."S"."T1" users= unknown=share SALES_SHARE',
      'conflicting role:AP_ROGUE direct SELECT "DB"."S"."T2" users= unknown=',
      'administrative user:ROOT admin ROLE ACCOUNTADMIN "ACCOUNTADMIN" users=root unknown=',
      'administrative role:SYSADMIN ownership OWNERSHIP "DB"."S"."T1" users= unknown=',
    ]);
    expect(r.entries.find((e) => e.principal.name === "ANALYST_ALL" && e.object === '"DB"."S"."T2"')!.dataSource).toBe("t2");
    expect(r.sources).toEqual([
      { source: "sf", platform: "snowflake", readFrom: "SHOW GRANTS (current)", readAt: "2026-11-23T00:00:00.000Z", notes: [] },
    ]);
    expect(auditMarkdown(r)).toContain(
      '| snowflake | role `ANALYST_ALL` | SELECT on "DB"."S"."T2" (t2) | through `ANALYST_ALL` | ben, ZED (not in the inventory) |',
    );
    // Result sets were read across partitions, after the 429.
    expect(server.seen.filter((s) => s.url.includes("partition=1")).length).toBeGreaterThan(0);
  });

  test("a revoked planned grant is drift; a planned member granted by hand elsewhere is not confused with it", async () => {
    const saved = RESULTS[`SHOW GRANTS TO ROLE "${AP}"`]!.rows;
    RESULTS[`SHOW GRANTS TO ROLE "${AP}"`]!.rows = saved.filter((r) => r[1] !== "SELECT");
    try {
      const r = compareWithPlan(plan, estate.inventory, estate.config, [await read("show")], { grantors: { snowflake: BY } });
      expect(r.entries.filter((e) => e.section === "drifted" || e.section === "missing").map(line)).toEqual([
        `drifted role:${AP} direct SELECT "DB"."S"."T1" users=ann unknown=`,
      ]);
    } finally {
      RESULTS[`SHOW GRANTS TO ROLE "${AP}"`]!.rows = saved;
    }
  });

  test("ACCOUNT_USAGE mode: two statements, the same shape, and the report says the views lag", async () => {
    const state = await read("account-usage");
    const r = compareWithPlan(plan, estate.inventory, estate.config, [state], { grantors: { snowflake: BY } });
    expect(r.entries.map(line)).toEqual(['unmanaged role:ANALYST_ALL direct SELECT "DB"."S"."T2" users=ben unknown=']);
    expect(r.sources[0]!.notes).toEqual([ACCOUNT_USAGE_NOTE]);
    expect(server.seen.filter((s) => s.method === "POST").length).toBe(3);
  });
});

describe("a source's `grants` options, as the project file gives them", () => {
  test("audit reads them: `mode: account-usage` and the grantor accessplane grants as", async () => {
    const dir = tempDir("accessplane-sf-grants-");
    try {
      const source = `{ name: sf, kind: snowflake, account: myorg-myacct, url: "${server.url}", warehouse: WH,
          auth: { type: oauth, token: { env: SF_TOKEN } }, grants: { mode: account-usage, grantor: ${BY}, concurrency: 2 } }`;
      writeFiles(dir, { "accessplane.yaml": `inventory: { path: inventory, sources: [${source}] }\n` });
      const file = path.join(dir, "accessplane.yaml");
      const { entries, issues } = sourceEntries(file, dir);
      expect(issues).toEqual([]);
      const read = await readLiveGrants(
        entries.map((e) => e.entry),
        estate.config,
        { SF_TOKEN: TOKEN },
        new Date(NOW),
      );
      expect(read.failures).toEqual([]);
      expect(read.grantors).toEqual({ snowflake: BY });
      expect(read.states.map((s) => [s.source, s.notes])).toEqual([["sf", [ACCOUNT_USAGE_NOTE]]]);
      // The 429, then the two ACCOUNT_USAGE statements: no SHOW GRANTS.
      expect(
        server.seen.filter((s) => s.method === "POST").map((s) => (JSON.parse(s.body) as { statement?: string }).statement ?? ""),
      ).toEqual([
        expect.stringContaining("SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES"),
        expect.stringContaining("SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES"),
        expect.stringContaining("SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS"),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
