/** The blast radius is shown first and prominently in text and markdown, and carried in JSON. */
import { buildPlan } from "../../provider/plan/build";
import { blastRadiusMarkdown, blastRadiusText, planJson } from "../../provider/plan/render/plan";
import { mustLoad } from "../support/estate";

const shared = "arn:aws:iam::111111111111:role/data-platform";
const estate = mustLoad({
  policies: {
    "p.yaml":
      "name: lake-readers\naccess: read\nacknowledgeSharedRole: true\nsubscribers: { users: [ann] }\ndataSources: { names: [lake] }\n",
  },
  inventory: {
    "inv.yaml": `users:\n  - { id: ann, identities: { iamRole: "${shared}" } }\n  - { id: ben, identities: { iamRole: "${shared}" } }\n  - { id: cat }\ngroups: []\ndataSources:\n  - { id: lake, platform: s3, objectType: BUCKET, location: { bucket: acme-lake }, principalMode: shared-iam-role }\nsharedRoles:\n  - { arn: "${shared}", members: [ann, ben, cat] }\n  - { arn: "arn:aws:iam::111111111111:role/unused", members: [] }\n`,
  },
  config: 's3:\n  accountId: "111111111111"\n',
});

test("text", () => {
  const plan = buildPlan(estate, "2026-06-01T00:00:00Z");
  expect(blastRadiusText(plan)).toEqual([
    "Blast radius: 1 grant to IAM principals reach people no policy names",
    `  lake via lake-readers -> ${shared}`,
    "    everyone behind it: ann, ben, cat",
    "    over-provisioned: ben, cat",
    "    anyone who joins this role later gains this access without approval",
    "",
  ]);
});

test("markdown and json", () => {
  const plan = buildPlan(estate, "2026-06-01T00:00:00Z");
  expect(blastRadiusMarkdown(plan)).toEqual([
    "> [!WARNING]",
    "> **Blast radius**: 1 grant to IAM principals reach people no policy names",
    "",
    "| data source | policy | principal | everyone behind it | over-provisioned | future members bypass approval |",
    "|---|---|---|---|---|---|",
    `| lake | lake-readers | \`${shared}\` | ann, ben, cat | ben, cat | yes |`,
    "",
  ]);
  expect(JSON.parse(planJson(plan)).blastRadius).toEqual([
    {
      platform: "s3",
      principal: shared,
      dataSource: "lake",
      policy: "lake-readers",
      users: ["ann", "ben", "cat"],
      overProvisioned: ["ben", "cat"],
      futureMembersBypassApproval: true,
    },
  ]);
});
