/**
 * A user who would be granted access but has no identity on the platform: one rule on every
 * platform, an error unless the configuration says to skip such users, always at the user's line.
 */
import { buildPlan } from "../../provider/plan/build";
import { mustLoad } from "../support/estate";

const NOW = "2026-06-01T00:00:00Z";

const INVENTORY = `users:
  - { id: ann, identities: { snowflake: ANN, databricks: ann@example.com, identityCenter: idc-ann } }
  - id: ben
    identities: { snowflake: BEN }
dataSources:
  - { id: uc.t, platform: databricks-unity-catalog, objectType: MANAGED, location: { catalog: c, schema: s, table: t } }
  - { id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: raw/ } }
  - { id: sf.t, platform: snowflake, objectType: BASE TABLE, location: { database: D, schema: S, table: T } }
`;

const POLICY = `name: everyone\naccess: read\nsubscribers: { anyone: true }\ndataSources: { names: [uc.t, lake, sf.t] }\n`;

/** The S3 Access Grants instance the S3 data source needs. */
const S3 = 's3: { accountId: "123456789012", identityStoreId: d-1234567890 }\n';

function missing(config = "") {
  const estate = mustLoad({
    policies: { "p.yaml": POLICY },
    inventory: { "inv.yaml": INVENTORY },
    config: S3 + config,
  });
  const plan = buildPlan(estate, NOW);
  return { issues: plan.issues.filter((i) => i.code === "missing-identity"), access: plan.access.map((e) => `${e.user} ${e.dataSource}`) };
}

describe("missing identities", () => {
  test("by default a missing identity is an error on every platform, at the user's line", () => {
    const help = (key: string) =>
      `add \`identities.${key}\` to user \`ben\` in the inventory, or set \`identities: { onMissing: skip }\` in the configuration to leave such users out with a warning`;
    expect(missing()).toEqual({
      issues: [
        {
          severity: "error",
          code: "missing-identity",
          message:
            "user `ben` is subscribed to 1 databricks-unity-catalog data source (`uc.t`) but has no `databricks` identity, so nothing is granted there",
          file: "inv.yaml",
          line: 3,
          path: "users[1].identities",
          help: help("databricks"),
          dataSources: ["uc.t"],
        },
        {
          severity: "error",
          code: "missing-identity",
          message:
            "user `ben` is subscribed to 1 s3 data source (`lake`) but has no `identityCenter` identity, so nothing is granted there",
          file: "inv.yaml",
          line: 3,
          path: "users[1].identities",
          help: help("identityCenter"),
          dataSources: ["lake"],
        },
      ],
      access: ["ann lake", "ann sf.t", "ann uc.t", "ben sf.t"],
    });
  });

  test("`identities.onMissing: skip` makes each of them a warning, still at the user's line, and grants the same", () => {
    const got = missing("identities: { onMissing: skip }\n");
    expect(got.issues.map((i) => [i.severity, i.file, i.line, i.message.slice(0, 48), i.help])).toEqual([
      [
        "warning",
        "inv.yaml",
        3,
        "user `ben` is subscribed to 1 databricks-unity-c",
        "add `identities.databricks` to user `ben` in the inventory to grant the access",
      ],
      [
        "warning",
        "inv.yaml",
        3,
        "user `ben` is subscribed to 1 s3 data source (`l",
        "add `identities.identityCenter` to user `ben` in the inventory to grant the access",
      ],
    ]);
    expect(got.access).toEqual(["ann lake", "ann sf.t", "ann uc.t", "ben sf.t"]);
  });

  test("any other value of `onMissing` is refused with the accepted ones", () => {
    expect(() => missing("identities: { onMissing: warn }\n")).toThrow(
      /`onMissing` cannot be the text `warn`[\s\S]*use one of `error`, `skip`/,
    );
  });
});
