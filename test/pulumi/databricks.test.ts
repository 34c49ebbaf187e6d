/**
 * Databricks resource shapes beyond the default-provider goldens in components.test.ts: policy
 * groups at account level through an account provider, Unity Catalog grants naming their workspace
 * (`providerConfig.workspaceId`), Spark groups assigned to the workspace, and the authoritative
 * SqlPermissions mode with its plan warning. The registered resources imply exactly the plan.
 */
import * as path from "node:path";
import fc from "fast-check";
import type { Estate } from "../../provider/model/estate";
import { buildPlan } from "../../provider/plan/build";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import type { Providers } from "../../provider/pulumi/context";
import { grantRoute } from "../../provider/pulumi/emitters/databricks";
import { expectGolden } from "../support/golden";
import { impliedAccess } from "../support/implied";
import { load, mustLoad } from "../support/estate";
import { estateArb, NOW as ARB_NOW } from "../support/arbitrary";

const NOW = "2026-11-23T00:00:00Z";
const INVENTORY = `
users:
  - { id: ann, groups: [g], identities: { databricks: ann@x.io } }
  - { id: ben, groups: [g], identities: { databricks: ben@x.io } }
groups: [ { id: g } ]
dataSources:
  - { id: uc.a, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: main, schema: s, table: a }, tags: [t] }
  - { id: spark.a, platform: databricks-spark, objectType: TABLE, location: { catalog: hive_metastore, schema: web, table: orders }, tags: [t] }
  - { id: spark.v, platform: databricks-spark, objectType: VIEW, location: { catalog: hive_metastore, schema: web, table: orders_daily }, tags: [t] }
`;
const POLICY = "name: p\naccess: read\nsubscribers: { when: { group: g } }\ndataSources: { tags: { anyOf: [t] } }\n";
const estateWith = (config: string) => mustLoad({ policies: { "p.yaml": POLICY }, inventory: { "inv.yaml": INVENTORY }, config });
const custom = (rs: CapturedResource[]) => rs.filter((r) => !r.type.startsWith("accessplane:") && !r.type.startsWith("pulumi:providers:"));

/* eslint-disable @typescript-eslint/no-require-imports */
const accountOnly = (): Providers => {
  const databricks = require("@pulumi/databricks") as typeof import("@pulumi/databricks");
  return {
    databricksAccount: new databricks.Provider("account", {
      host: "https://accounts.cloud.databricks.com",
      accountId: "00000000-0000-0000-0000-000000000000",
    }),
  };
};
const both = (): Providers => {
  const databricks = require("@pulumi/databricks") as typeof import("@pulumi/databricks");
  const workspace = new databricks.Provider("workspace", { host: "https://dbc-1234.cloud.databricks.com" });
  return { ...accountOnly(), "databricks-unity-catalog": workspace, "databricks-spark": workspace };
};
/* eslint-enable @typescript-eslint/no-require-imports */

const expectImpliedEqualsPlan = (rs: CapturedResource[], estate: ReturnType<typeof estateWith>) => {
  const plan = buildPlan(estate, NOW);
  expect(impliedAccess(rs, estate)).toEqual(new Map(plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, e.privileges])));
};

describe("account-level groups", () => {
  test("through an account provider only: groups, members and assignments at account level, grants name the workspace", async () => {
    const estate = estateWith("databricks: { workspaceId: '1234567890123456' }\n");
    const rs = custom(await captureResources(estate, NOW, { providers: accountOnly }));
    expectGolden(path.join(__dirname, "golden", "databricks-account.json"), JSON.stringify(rs, null, 2) + "\n");
    for (const r of rs.filter((x) => x.type.startsWith("databricks:"))) expect(r.provider).toMatch(/::account::/);
    const group = rs.find((r) => r.type === "databricks:index/group:Group")!;
    expect(group.inputs).toEqual({ api: "account", displayName: "ap-p" });
    expect(
      rs
        .filter((r) => r.type === "databricks:index/grant:Grant")
        .every((r) => JSON.stringify(r.inputs.providerConfig) === '{"workspaceId":"1234567890123456"}'),
    ).toBe(true);
    expect(rs.find((r) => r.type === "databricks:index/mwsPermissionAssignment:MwsPermissionAssignment")!.inputs).toEqual({
      permissions: ["USER"],
      principalId: "group:ap-p",
      workspaceId: "1234567890123456",
    });
    // Unity Catalog needs no workspace assignment; one shared account group serves both platforms.
    expect(rs.filter((r) => r.type === "databricks:index/group:Group")).toHaveLength(1);
    expectImpliedEqualsPlan(rs, estate);
  });

  test("with a workspace provider too: grants go through it, groups still through the account", async () => {
    const estate = estateWith("databricks: { workspaceId: '1234567890123456' }\n");
    const rs = custom(await captureResources(estate, NOW, { providers: both }));
    for (const r of rs) {
      if (r.type === "databricks:index/grant:Grant") {
        expect(r.provider).toMatch(/::workspace::/);
        expect(r.inputs.providerConfig).toBeUndefined();
      }
      if (/group:Group|groupMember:GroupMember|mwsPermissionAssignment/.test(r.type)) expect(r.provider).toMatch(/::account::/);
    }
    expectImpliedEqualsPlan(rs, estate);
  });

  test("an account provider without databricks.workspaceId is refused with a fix", () => {
    const providers = { databricksAccount: {} } as unknown as Providers;
    const scope = { ctx: { providers, estate: estateWith("") }, parent: {} } as unknown as Parameters<typeof grantRoute>[0];
    expect(() => grantRoute(scope)).toThrow(
      "databricks: Unity Catalog grants go through the account provider, which needs the workspace they apply to; help: set `databricks.workspaceId` in accessplane.yaml",
    );
    const configured = { ...scope, ctx: { ...scope.ctx, estate: estateWith("databricks: { workspaceId: '42' }\n") } } as typeof scope;
    expect(grantRoute(configured)).toEqual({ providerConfig: { workspaceId: "42" } });
  });

  test("workspace-local groups imply no Unity Catalog access (the decoder follows the vendor rule)", async () => {
    const estate = estateWith("");
    const rs = custom(await captureResources(estate, NOW));
    const local = rs.map((r) => (r.type === "databricks:index/group:Group" ? { ...r, inputs: { displayName: r.inputs.displayName } } : r));
    expect(impliedAccess(local, estate).size).toBe(0);
  });

  test("databricks.workspaceId must be numeric", () => {
    const r = load({
      policies: { "p.yaml": POLICY },
      inventory: { "inv.yaml": INVENTORY },
      config: "databricks: { workspaceId: dbc-1234 }\n",
    });
    expect(r.estate).toBeUndefined();
    expect(r.issues.map((i) => `${i.file}:${i.line} ${i.path} ${i.message}`)).toEqual([
      "accessplane.yaml:1 databricks.workspaceId `workspaceId` must be the numeric workspace id, e.g. `1234567890123456` (got the text `dbc-1234`)",
    ]);
  });
});

describe("Databricks Spark grant modes", () => {
  test("the default grants per principal: no SqlPermissions, nothing outside accessplane revoked", async () => {
    const estate = estateWith("");
    const rs = custom(await captureResources(estate, NOW));
    expect(rs.filter((r) => r.type === "databricks:index/sqlPermissions:SqlPermissions")).toEqual([]);
    expect(rs.find((r) => r.type === "pulumi-nodejs:dynamic/accessplane:SparkTableGrants")!.inputs.grants).toEqual([
      { catalog: "hive_metastore", kind: "DATABASE", privileges: ["USAGE"], schema: "web", table: null },
      { catalog: "hive_metastore", kind: "TABLE", privileges: ["SELECT"], schema: "web", table: "orders" },
      { catalog: "hive_metastore", kind: "VIEW", privileges: ["SELECT"], schema: "web", table: "orders_daily" },
    ]);
    expect(buildPlan(estate, NOW).issues.filter((i) => i.code.startsWith("databricks-spark"))).toEqual([]);
    expectImpliedEqualsPlan(rs, estate);
  });

  test("authoritative: SqlPermissions per table, view and database, and a plan warning listing each", async () => {
    const estate = estateWith("databricksSpark: { authoritative: true }\n");
    const rs = custom(await captureResources(estate, NOW));
    expectGolden(path.join(__dirname, "golden", "databricks-spark-authoritative.json"), JSON.stringify(rs, null, 2) + "\n");
    expect(rs.filter((r) => r.type === "pulumi-nodejs:dynamic/accessplane:SparkTableGrants")).toEqual([]);
    expect(rs.find((r) => r.name === "estate/spark/view/hive_metastore.web.orders_daily")!.inputs).toEqual({
      database: "web",
      privilegeAssignments: [{ principal: "ap-p", privileges: ["SELECT"] }],
      view: "orders_daily",
    });
    expect(buildPlan(estate, NOW).issues.filter((i) => i.code.startsWith("databricks-spark"))).toEqual([
      {
        severity: "warning",
        code: "databricks-spark-authoritative",
        message:
          "`databricksSpark.authoritative` is on: `pulumi up` revokes every privilege accessplane does not grant, from every other principal (ETL jobs and people included), on 3 securables: database `hive_metastore`.`web`, table `hive_metastore`.`web`.`orders`, view `hive_metastore`.`web`.`orders_daily`",
        path: "databricksSpark.authoritative",
        help: "set `databricksSpark.authoritative: false` (the default) to grant and revoke only accessplane's own groups, or first give every principal that must keep access a policy",
      },
    ]);
    expectImpliedEqualsPlan(rs, estate);
  });

  test("authoritative mode refuses a catalog other than hive_metastore; the default mode names it in the SQL", async () => {
    const inventory = INVENTORY.replace(
      "catalog: hive_metastore, schema: web, table: orders }",
      "catalog: legacy_hms, schema: web, table: orders }",
    );
    const auth = mustLoad({
      policies: { "p.yaml": POLICY },
      inventory: { "inv.yaml": inventory },
      config: "databricksSpark: { authoritative: true }\n",
    });
    expect(buildPlan(auth, NOW).issues.filter((i) => i.severity === "error")).toEqual([
      {
        severity: "error",
        code: "databricks-spark-authoritative-catalog",
        message:
          "`spark.a` is in catalog `legacy_hms`, but SqlPermissions (authoritative mode) addresses only the workspace's default catalog, which must be `hive_metastore`",
        path: "databricksSpark.authoritative",
        help: "set `databricksSpark.authoritative: false` (the default), which names the catalog in every GRANT, or move the data source to `hive_metastore`",
      },
    ]);
    const plain = mustLoad({ policies: { "p.yaml": POLICY }, inventory: { "inv.yaml": inventory } });
    const rs = custom(await captureResources(plain, NOW));
    const grants = rs.find((r) => r.type === "pulumi-nodejs:dynamic/accessplane:SparkTableGrants")!.inputs.grants as {
      catalog: string;
      table: string | null;
    }[];
    expect(grants.filter((g) => g.table === "orders").map((g) => g.catalog)).toEqual(["legacy_hms"]);
    expectImpliedEqualsPlan(rs, plain);
  });
});

describe("property: the Databricks resources imply exactly the plan", () => {
  const dbx = (e: Estate, authoritative: boolean): Estate => ({
    ...e,
    config: { ...e.config, databricksSpark: { authoritative } },
    inventory: {
      ...e.inventory,
      dataSources: e.inventory.dataSources
        .filter((d) => d.platform === "databricks-unity-catalog" || d.platform === "databricks-spark")
        .map((d) =>
          authoritative && d.platform === "databricks-spark" ? { ...d, location: { ...d.location, catalog: "hive_metastore" } } : d,
        ),
    },
  });
  test.each([false, true])(
    "random estates, authoritative %s",
    async (authoritative) => {
      await fc.assert(
        fc.asyncProperty(estateArb, async (raw) => {
          const estate = dbx(raw, authoritative);
          const plan = buildPlan(estate, new Date(ARB_NOW).toISOString());
          if (plan.issues.some((i) => i.severity === "error")) return;
          const rs = custom(await captureResources(estate, new Date(ARB_NOW).toISOString()));
          expect(impliedAccess(rs, estate)).toEqual(new Map(plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, e.privileges])));
          // Nothing but accessplane's own groups is ever named by a Spark grant or a UC grant.
          const names = new Set(plan.principals.map((p) => p.name));
          for (const r of rs) {
            if (r.type === "databricks:index/grant:Grant" || r.type === "pulumi-nodejs:dynamic/accessplane:SparkTableGrants")
              expect(names).toContain(r.inputs.principal);
          }
        }),
        { numRuns: 12 },
      );
    },
    120_000,
  );
});
