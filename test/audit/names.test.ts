/**
 * Names read from a platform against the plan's and the inventory's, per platform rule: a name that
 * differs only in case matches where the platform does not distinguish case, and does not where it
 * does. Pure table first, then through the comparison with the plan.
 */
import { compareWithPlan } from "../../provider/audit/compare";
import { type NameKind, nameKey, stored } from "../../provider/audit/names";
import type { LiveState } from "../../provider/audit/types";
import type { Platform } from "../../provider/model/schema";
import { buildPlan } from "../../provider/plan/build";
import { mustLoad, NOW } from "../support/estate";

/** [platform, kind, the name as the inventory or plan writes it, the name as read live, same name?] */
const CASES: [Platform, NameKind, string, string, boolean][] = [
  // Snowflake: unquoted names are stored in upper case; a quoted name keeps its case and is another name.
  ["snowflake", "user", "ann", "ANN", true],
  ["snowflake", "user", "Ann", "ANN", true],
  ["snowflake", "user", "ann", "ann", false],
  ["snowflake", "user", '"Ann"', "Ann", true],
  ["snowflake", "user", '"Ann"', "ANN", false],
  ["snowflake", "principal", "AP_FIN", "AP_FIN", true],
  ["snowflake", "principal", "AP_FIN", "ap_fin", false],
  ["snowflake", "object", "sales", "SALES", true],
  ["snowflake", "object", '"Sales"', "SALES", false],
  // Databricks: user names (e-mails) and securables without regard to case; group names exactly.
  ["databricks-unity-catalog", "user", "ann@example.com", "Ann@Example.com", true],
  ["databricks-spark", "user", "ann@example.com", "ANN@EXAMPLE.COM", true],
  ["databricks-unity-catalog", "principal", "ap-finance", "ap-finance", true],
  ["databricks-unity-catalog", "principal", "ap-finance", "AP-Finance", false],
  ["databricks-spark", "principal", "Analysts", "analysts", false],
  ["databricks-unity-catalog", "object", "Main", "main", true],
  // BigQuery: IAM matches member e-mails without regard to case; table names are case-sensitive.
  ["bigquery", "user", "user:ann@x.io", "user:Ann@X.io", true],
  ["bigquery", "user", "serviceAccount:etl@p.iam.gserviceaccount.com", "serviceAccount:ETL@p.iam.gserviceaccount.com", true],
  ["bigquery", "principal", "group:fin@x.io", "group:Fin@x.io", true],
  ["bigquery", "user", "user:ann@x.io", "user:bob@x.io", false],
  ["bigquery", "object", "Orders", "orders", false],
  // S3: IAM role names are unique without regard to case; the rest of the ARN and S3 keys are exact.
  ["s3", "principal", "arn:aws:iam::111111111111:role/Analysts", "arn:aws:iam::111111111111:role/analysts", true],
  ["s3", "user", "arn:aws:iam::111111111111:role/team/Ann", "arn:aws:iam::111111111111:role/team/ANN", true],
  ["s3", "principal", "arn:aws:iam::111111111111:role/Team/ann", "arn:aws:iam::111111111111:role/team/ann", false],
  ["s3", "principal", "arn:aws:iam::111111111111:role/ann", "arn:aws:iam::222222222222:role/ann", false],
  ["s3", "object", "Finance/", "finance/", false],
];

test.each(CASES)("%s %s: `%s` written, `%s` read: same name %s", (platform, kind, written, live, same) => {
  const plan = kind === "principal" ? written : stored(platform, kind, written);
  expect(nameKey(platform, kind, plan) === nameKey(platform, kind, live)).toBe(same);
});

// Through the comparison: a planned principal with one member, read back with names in other cases.
const estateOf = (platform: Platform, identity: string, location: string, objectType: string) =>
  mustLoad({
    policies: { "p.yaml": "name: fin\naccess: read\nsubscribers: { when: { group: g } }\ndataSources: { tags: { anyOf: [t] } }\n" },
    inventory: {
      "i.yaml": `users:\n  - { id: ann, groups: [g], identities: { ${identity} } }\ngroups: [ { id: g } ]\ndataSources:\n  - { id: a, platform: ${platform}, objectType: ${objectType}, location: ${location}, tags: [t] }\n`,
    },
  });
const SF = ["snowflake", "snowflake: ann", "{ database: d, schema: s, table: a }", "BASE TABLE"] as const;
const DBX = ["databricks-unity-catalog", "databricks: ann@example.com", "{ catalog: c, schema: s, table: a }", "MANAGED"] as const;

/** [case, estate, the principal's name as read (from the plan's), its member as read, the membership entries: section principal users unknown detail] */
const LIVE: [string, typeof SF | typeof DBX, (name: string) => string, string, string[]][] = [
  ["snowflake: the inventory's `ann` is the stored `ANN`", SF, (n) => n, "ANN", []],
  [
    "snowflake: a quoted lower-case user is another user",
    SF,
    (n) => n,
    "ann",
    ["drifted AP_FIN ann  member `ANN` in the plan, not a member", "drifted AP_FIN  ann member `ann` added outside the plan"],
  ],
  [
    "snowflake: a quoted lower-case role is another role",
    SF,
    (n) => n.toLowerCase(),
    "ANN",
    [
      "missing AP_FIN ann  member `ANN` of a principal not created yet",
      "drifted ap_fin ann  member `ANN` of a principal named like accessplane's, not in the plan",
    ],
  ],
  ["databricks: a user name in other case is the same user", DBX, (n) => n, "Ann@Example.COM", []],
  [
    "databricks: a group name in other case is another group",
    DBX,
    (n) => n.toUpperCase(),
    "ann@example.com",
    [
      "missing ap-fin ann  member `ann@example.com` of a principal not created yet",
      "drifted AP-FIN ann  member `ann@example.com` of a principal named like accessplane's, not in the plan",
    ],
  ],
];

test.each(LIVE)("%s", (_, [platform, identity, location, objectType], liveName, member, expected) => {
  const estate = estateOf(platform, identity, location, objectType);
  const plan = buildPlan(estate, NOW);
  const kind = platform === "snowflake" ? "role" : "group";
  const name = liveName(plan.principals[0]!.name);
  const state: LiveState = {
    platform,
    source: "s",
    readFrom: "test",
    readAt: NOW,
    principals: [{ kind, name }],
    grants: [],
    memberships: [{ platform, parent: { kind, name }, member: { kind: "user", name: member } }],
  };
  const report = compareWithPlan(plan, estate.inventory, estate.config, [state]);
  expect(
    report.entries
      .filter((e) => e.kind === "membership")
      .map((e) => `${e.section} ${e.principal.name} ${e.users.join(",")} ${e.unknown.join(",")} ${e.detail}`),
  ).toEqual(expected);
});
