/**
 * S3 principal modes, best first: identity-center (users and groups), iam-role-per-user (one role
 * per user, under the account quota), shared-iam-role (refused unless acknowledged, blast radius).
 */
import { buildPlan } from "../../provider/plan/build";
import { mustLoad } from "../support/estate";

const NOW = "2026-06-01T00:00:00Z";
const role = (n: string) => `arn:aws:iam::111111111111:role/${n}`;

function estate(opts: { mode: string; ack?: boolean; users: string; sharedRoles?: string; grantee?: string }) {
  return mustLoad({
    policies: {
      "p.yaml": `name: lake-readers\naccess: read\n${opts.ack ? "acknowledgeSharedRole: true\n" : ""}subscribers: { users: [ann] }\ndataSources: { names: [lake] }\n`,
    },
    inventory: {
      "inv.yaml": `users:\n${opts.users}\ngroups: []\ndataSources:\n  - { id: lake, platform: s3, objectType: PREFIX, location: { bucket: acme-lake, prefix: raw/ }, principalMode: ${opts.mode} }\nsharedRoles:\n${opts.sharedRoles ?? "  []"}\n`,
    },
    config: `s3:\n  identityCenterGrantee: ${opts.grantee ?? "group"}\n  identityStoreId: d-9067a1b2c3\n  accountId: "111111111111"\n`,
  });
}

describe("identity-center", () => {
  test("grants to the directory group of the policy; no blast radius", () => {
    const e = estate({
      mode: "identity-center",
      users: "  - { id: ann, identities: { identityCenter: idc-ann } }\n  - { id: ben, identities: { identityCenter: idc-ben } }",
    });
    const plan = buildPlan(e, NOW);
    expect(plan.access.map((a) => `${a.user} ${a.dataSource} ${a.accessLevel}`)).toEqual(["ann lake READ"]);
    expect(plan.principals.map((p) => ({ name: p.name, members: p.members }))).toEqual([
      { name: "ap-lake-readers", members: [{ user: "ann", identity: "idc-ann" }] },
    ]);
    expect(plan.blastRadius).toEqual([]);
    expect(plan.issues).toEqual([]);
  });

  test("a subscribed user without an Identity Center identity is an error", () => {
    const e = estate({ mode: "identity-center", users: "  - { id: ann }" });
    expect(buildPlan(e, NOW).issues).toEqual([
      {
        severity: "error",
        code: "missing-identity",
        message: "user `ann` is subscribed to 1 s3 data source (`lake`) but has no `identityCenter` identity, so nothing is granted there",
        file: "inv.yaml",
        line: 2,
        path: "users[0].identities",
        help: "add `identities.identityCenter` to user `ann` in the inventory, or set `identities: { onMissing: skip }` in the configuration to leave such users out with a warning",
        dataSources: ["lake"],
      },
    ]);
  });
});

describe("iam-role-per-user", () => {
  test("grants to the user's own role; the blast radius is that one user", () => {
    const e = estate({
      mode: "iam-role-per-user",
      users: `  - { id: ann, identities: { iamRole: "${role("ann")}" } }\n  - { id: ben, identities: { iamRole: "${role("ben")}" } }`,
    });
    const plan = buildPlan(e, NOW);
    expect(plan.issues).toEqual([]);
    expect(plan.blastRadius).toEqual([
      {
        platform: "s3",
        principal: role("ann"),
        dataSource: "lake",
        policy: "lake-readers",
        users: ["ann"],
        overProvisioned: [],
        futureMembersBypassApproval: false,
      },
    ]);
  });

  test("a role shared by 3 users is an error, and the blast radius lists all 3", () => {
    const shared = role("analysts");
    const users = ["ann", "ben", "cat"].map((u) => `  - { id: ${u}, identities: { iamRole: "${shared}" } }`).join("\n");
    const plan = buildPlan(estate({ mode: "iam-role-per-user", users }), NOW);
    expect(plan.blastRadius).toEqual([
      {
        platform: "s3",
        principal: shared,
        dataSource: "lake",
        policy: "lake-readers",
        users: ["ann", "ben", "cat"],
        overProvisioned: ["ben", "cat"],
        futureMembersBypassApproval: false,
      },
    ]);
    expect(plan.issues).toEqual([
      {
        severity: "error",
        code: "s3-role-shared",
        message: `IAM role \`${shared}\` is used by 3 users (\`ann\`, \`ben\`, \`cat\`), but iam-role-per-user needs a role per user`,
        help: "give each user a role of their own, or switch the data source to identity-center (recommended)",
      },
    ]);
  });

  test("5,001 roles in one account is an error naming the count and the limit", () => {
    const users = Array.from({ length: 5001 }, (_, i) => `  - { id: u${i}, identities: { iamRole: "${role(`u${i}`)}" } }`).join("\n");
    const e = estate({ mode: "iam-role-per-user", users: `  - { id: ann, identities: { iamRole: "${role("ann")}" } }\n${users}` });
    expect(buildPlan(e, NOW).issues).toEqual([
      {
        severity: "error",
        code: "s3-role-limit",
        message: "account `111111111111` needs 5002 IAM roles for iam-role-per-user, over the limit of 5000 roles per account",
        help: "IAM caps roles per account: use identity-center, which needs no role per user",
      },
    ]);
  });

  test("5,000 roles are within the limit", () => {
    const users = Array.from({ length: 4999 }, (_, i) => `  - { id: u${i}, identities: { iamRole: "${role(`u${i}`)}" } }`).join("\n");
    const e = estate({ mode: "iam-role-per-user", users: `  - { id: ann, identities: { iamRole: "${role("ann")}" } }\n${users}` });
    expect(buildPlan(e, NOW).issues).toEqual([]);
  });
});

describe("shared-iam-role", () => {
  const shared = role("data-platform");
  const users = `  - { id: ann, identities: { iamRole: "${shared}" } }\n  - { id: ben, identities: { iamRole: "${shared}" } }`;
  const sharedRoles = `  - { arn: "${shared}", members: [ann, ben, cat] }`;
  const withCat = `${users}\n  - { id: cat }`;

  test("refused unless acknowledged, naming everyone it reaches", () => {
    const plan = buildPlan(estate({ mode: "shared-iam-role", users: withCat, sharedRoles }), NOW);
    expect(plan.issues).toEqual([
      {
        severity: "error",
        code: "s3-shared-role-unacknowledged",
        message: `policy \`lake-readers\` grants \`lake\` to shared IAM role \`${shared}\`, reaching 3 users (\`ann\`, \`ben\`, \`cat\`) and anyone who joins the role later without approval`,
        file: "p.yaml",
        path: "acknowledgeSharedRole",
        help: "prefer identity-center; if the blast radius is intended, set `acknowledgeSharedRole: true` on the policy or the data source",
      },
    ]);
  });

  test("acknowledged: one grant to the role, with its full blast radius", () => {
    const plan = buildPlan(estate({ mode: "shared-iam-role", ack: true, users: withCat, sharedRoles }), NOW);
    expect(plan.issues).toEqual([]);
    expect(plan.principals.map((p) => p.members)).toEqual([[{ user: "ann", identity: shared }]]);
    expect(plan.blastRadius).toEqual([
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
});

describe("one policy over data sources in two principal modes", () => {
  test("gets one principal per identity kind, with distinct stable ids", () => {
    const e = mustLoad({
      policies: { "p.yaml": "name: lake-readers\naccess: read\nsubscribers: { users: [ann] }\ndataSources: { names: [lake, vault] }\n" },
      inventory: {
        "inv.yaml": `users:\n  - { id: ann, identities: { identityCenter: idc-ann, iamRole: "${role("ann")}" } }\ngroups: []\ndataSources:\n  - { id: lake, platform: s3, objectType: BUCKET, location: { bucket: lake } }\n  - { id: vault, platform: s3, objectType: BUCKET, location: { bucket: vault }, principalMode: iam-role-per-user }\n`,
      },
      config: 's3:\n  identityStoreId: d-9067a1b2c3\n  accountId: "111111111111"\n',
    });
    const plan = buildPlan(e, NOW);
    expect(
      plan.principals.map((p) => `${p.id} ${p.members.map((m) => m.identity).join(",")} ${p.grants.map((g) => g.dataSource).join(",")}`),
    ).toEqual(["s3:lake-readers idc-ann lake", `s3:lake-readers#iamRole ${role("ann")} vault`]);
    expect(new Set(plan.principals.map((p) => p.id)).size).toBe(plan.principals.length);
  });
});
