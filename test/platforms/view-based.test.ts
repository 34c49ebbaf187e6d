/**
 * Plan-level rules of the view-based platforms: one location per BigQuery mirrored dataset (checked
 * over every data source, granted or not), the exact BigQuery resources for a location, and that a
 * plain external table registers nothing.
 */
import { buildPlan } from "../../provider/plan/build";
import { captureResources } from "../../provider/pulumi/capture";
import { mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const estate = (sources: string) =>
  mustLoad({
    policies: { "p.yaml": "name: p\naccess: read\nsubscribers: { anyone: true }\ndataSources: { names: [a] }\n" },
    inventory: {
      "inv.yaml": `users:\n  - { id: ann, identities: { bigquery: "user:ann@x.io" } }\ndataSources:\n${sources}`,
    },
  });

describe("bigquery locations", () => {
  test("tables of one dataset that name different locations are an error, even those no policy selects", () => {
    const e = estate(
      [
        "  - { id: a, platform: bigquery, objectType: BASE TABLE, location: { project: p, dataset: d, table: a, location: EU } }",
        "  - { id: b, platform: bigquery, objectType: VIEW, location: { project: p, dataset: d, table: b, location: eu } }",
        "  - { id: c, platform: bigquery, objectType: VIEW, location: { project: p, dataset: d, table: c, location: US } }",
        "  - { id: z, platform: bigquery, objectType: VIEW, location: { project: p, dataset: other, table: z, location: US } }",
        "",
      ].join("\n"),
    );
    expect(buildPlan(e, NOW).issues.filter((i) => i.severity === "error")).toEqual([
      {
        severity: "error",
        code: "bigquery-location-conflict",
        message: "data sources of dataset `p.d` name 2 locations: `EU` (`a`, `b`), `US` (`c`)",
        help: "a dataset has one location, and its mirrored dataset must be created there: set `location.location` of each of its tables to the dataset's location",
      },
    ]);
  });

  test("the mirrored dataset is created in the source's location; a plain external table gets no view", async () => {
    const e = estate(
      [
        "  - { id: a, platform: bigquery, objectType: BASE TABLE, location: { project: p, dataset: d, table: a, location: europe-west3 } }",
        "  - { id: x, platform: bigquery, objectType: EXTERNAL, location: { project: p, dataset: lake, table: x, location: EU } }",
        "",
      ].join("\n"),
    );
    const rs = (await captureResources(e, NOW)).filter((r) => r.type.startsWith("gcp:"));
    expect(rs.filter((r) => r.type === "gcp:bigquery/dataset:Dataset").map((r) => r.inputs)).toEqual([
      { project: "p", datasetId: "d_accessplane", location: "europe-west3", description: "accessplane: managed views of p.d" },
    ]);
    expect(rs.some((r) => r.name.includes("/x") || JSON.stringify(r.inputs).includes("lake"))).toBe(false);
  });
});

describe("redshift and synapse: managed objects per database", () => {
  test.each(["redshift", "synapse"] as const)(
    "%s: dw.billing.invoices and other.billing.invoices get a store, a view and rows each, named as the plan shows",
    async (platform) => {
      const e = mustLoad({
        policies: { "p.yaml": "name: p\naccess: read\nsubscribers: { anyone: true }\ndataSources: { tags: { anyOf: [t] } }\n" },
        inventory: {
          "inv.yaml": [
            `users:\n  - { id: ann, identities: { ${platform}: ann } }`,
            "dataSources:",
            `  - { id: dw.inv, platform: ${platform}, objectType: BASE TABLE, location: { database: dw, schema: billing, table: invoices }, tags: [t] }`,
            `  - { id: other.inv, platform: ${platform}, objectType: BASE TABLE, location: { database: other, schema: billing, table: invoices }, tags: [t] }`,
            `  - { id: other.x, platform: ${platform}, objectType: VIEW, location: { database: other, schema: billing__x, table: y }, tags: [t] }`,
            `  - { id: other.y, platform: ${platform}, objectType: VIEW, location: { database: other, schema: billing, table: x__y }, tags: [t] }`,
            "",
          ].join("\n"),
        },
      });
      const plan = buildPlan(e, NOW);
      const rs = (await captureResources(e, NOW)).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
      const q = platform === "redshift" ? (s: string) => `"${s}"` : (s: string) => `[${s}]`;
      const shown = new Map(plan.access.map((a) => [a.dataSource, a.object]));
      // The plan's object is exactly the (database, managed schema, view) the resource creates.
      for (const v of rs.filter((r) => r.type.endsWith(":ManagedView"))) {
        const src = v.inputs.source as { database: string };
        expect(shown.get(v.inputs.dataSource as string)).toBe(
          [src.database, v.inputs.managedSchema as string, v.inputs.viewName as string].map(q).join("."),
        );
      }
      expect(
        rs.map(
          (r) =>
            `${r.type.split(":").pop()} ${r.name} ${JSON.stringify(r.inputs.database ?? (r.inputs.source as { database?: string })?.database)} ${String(r.inputs.viewName ?? r.inputs.dataSources ?? "")}`,
        ),
      ).toEqual([
        `ManagedView estate/${platform}/view/dw.inv "dw" billing$_invoices`,
        `ManagedView estate/${platform}/view/other.inv "other" billing$_invoices`,
        `ManagedView estate/${platform}/view/other.x "other" billing__x$_y`,
        `ManagedView estate/${platform}/view/other.y "other" billing$_x__y`,
        `PolicyEntitlements estate/${platform}:p/entitlements/dw "dw" dw.inv`,
        `PolicyEntitlements estate/${platform}:p/entitlements/other "other" other.inv,other.x,other.y`,
        `ViewEntitlementStore estate/${platform}/store/dw "dw" `,
        `ViewEntitlementStore estate/${platform}/store/other "other" `,
      ]);
      expect(rs.filter((r) => r.type.endsWith(":ViewEntitlementStore")).map((r) => r.inputs.schemaOwner)).toEqual(
        platform === "synapse" ? ["dbo", "dbo"] : [null, null],
      );
    },
  );
});
