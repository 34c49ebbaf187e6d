/**
 * Resolution by example: every restriction level, union, guardrails, staged policies and expiry
 * at the boundary instant, asserting exact access.
 */
import { buildPlan } from "../../provider/plan/build";
import { resolve } from "../../provider/resolve/resolve";
import type { Estate } from "../../provider/model/estate";
import { mustLoad, SMALL_INVENTORY } from "../support/estate";

const NOW = "2026-06-01T00:00:00.000Z";
const estate = (policies: Record<string, string>) => mustLoad({ policies, inventory: { "inv.yaml": SMALL_INVENTORY } });
const brief = (e: Estate, now = NOW) =>
  buildPlan(e, now).access.map((a) => `${a.user} ${a.dataSource} ${a.access} ${a.privileges.join(",")} via ${a.policies.join("+")}`);

const W = "DELETE,INSERT,SELECT,TRUNCATE,UPDATE";

describe("restriction levels", () => {
  test("anyone subscribes every known user", () => {
    const e = estate({ "p.yaml": "name: p\naccess: read\nsubscribers: { anyone: true }\ndataSources: { names: [t1] }\n" });
    expect(brief(e)).toEqual([
      "ann t1 read SELECT via p",
      "ben t1 read SELECT via p",
      "cat t1 read SELECT via p",
      "dan t1 read SELECT via p",
    ]);
  });

  test("approval: only recorded approvals by approvers, in force at now", () => {
    const e = estate({
      "p.yaml": `name: p
access: read
subscribers:
  approval:
    approvers: { users: [ben], groups: [stewards] }
    approvals:
      - { user: ann, approvedBy: dan, approvedAt: 2026-01-01T00:00:00Z }
      - { user: cat, approvedBy: ben, approvedAt: 2026-01-01T00:00:00Z, expiresAt: 2026-05-01T00:00:00Z }
      - { user: dan, approvedBy: ben, approvedAt: 2026-07-01T00:00:00Z }
dataSources: { names: [t1] }
`,
    });
    // cat's approval expired, dan's is not yet given.
    expect(brief(e)).toEqual(["ann t1 read SELECT via p"]);
  });

  test("groups and attributes: nested any-of / all-of", () => {
    const e = estate({
      "p.yaml": `name: p
access: read
subscribers:
  when:
    anyOf:
      - group: stewards
      - allOf: [ { group: analysts }, { attribute: dept, values: [risk] } ]
dataSources: { names: [t1] }
`,
    });
    expect(brief(e)).toEqual(["cat t1 read SELECT via p", "dan t1 read SELECT via p"]);
  });

  test("individually selected users, with expiry", () => {
    const e = estate({
      "p.yaml":
        "name: p\naccess: write\nsubscribers:\n  users: [ann, { user: ben, expiresAt: 2026-06-01T00:00:00Z }, { user: cat, expiresAt: 2026-06-01T00:00:00.001Z }]\ndataSources: { names: [t1] }\n",
    });
    expect(brief(e)).toEqual([`ann t1 write ${W} via p`, `cat t1 write ${W} via p`]);
  });
});

describe("expiry is exclusive at the boundary instant", () => {
  const e = estate({
    "p.yaml":
      "name: p\naccess: read\nsubscribers:\n  users: [{ user: ann, expiresAt: 2026-06-01T00:00:00Z }]\ndataSources: { names: [t1] }\n",
  });
  test.each([
    ["2026-05-31T23:59:59.999Z", ["ann t1 read SELECT via p"]],
    ["2026-06-01T00:00:00.000Z", []],
    ["2026-06-01T00:00:00.001Z", []],
  ])("at %s", (now, expected) => expect(brief(e, now)).toEqual(expected));

  test("an upcoming expiry is listed, a past one is not", () => {
    expect(resolve(e, "2026-05-01T00:00:00Z").expirations).toEqual([{ policy: "p", user: "ann", expiresAt: "2026-06-01T00:00:00.000Z" }]);
    expect(resolve(e, "2026-06-02T00:00:00Z").expirations).toEqual([]);
    expect(buildPlan(e, "2026-05-01T00:00:00Z").access[0]!.expiresAt).toBe("2026-06-01T00:00:00.000Z");
  });
});

describe("combination", () => {
  test("grant policies combine with OR and the strongest access wins", () => {
    const e = estate({
      "r.yaml": "name: r\naccess: read\nsubscribers: { when: { group: analysts } }\ndataSources: { tags: { anyOf: [fin] } }\n",
      "w.yaml": "name: w\naccess: write\nsubscribers: { users: [ann] }\ndataSources: { names: [t1, v1] }\n",
    });
    expect(brief(e)).toEqual([
      `ann t1 write ${W} via r+w`,
      "ann t2 read SELECT via r",
      "ann v1 read SELECT via r+w",
      "cat t1 read SELECT via r",
      "cat t2 read SELECT via r",
      "cat v1 read SELECT via r",
    ]);
  });

  test("a read guardrail removes access from users who fail it; a write guardrail downgrades write to read", () => {
    const e = estate({
      "w.yaml": "name: w\naccess: write\nsubscribers: { when: { group: analysts } }\ndataSources: { tags: { anyOf: [fin] } }\n",
      "g.yaml":
        "name: pii-cleared\nkind: guardrail\naccess: read\nsubscribers: { when: { group: cleared } }\ndataSources: { tags: { anyOf: [pii] } }\n",
      "h.yaml":
        "name: finance-writes\nkind: guardrail\naccess: write\nsubscribers: { when: { attribute: dept, values: [risk] } }\ndataSources: { names: [t1] }\n",
    });
    expect(brief(e)).toEqual([
      "ann t1 read SELECT via w",
      "ann v1 read SELECT via w",
      `cat t1 write ${W} via w`,
      `cat t2 write ${W} via w`,
      "cat v1 read SELECT via w",
    ]);
    const keys = resolve(e, NOW).cohorts.map(
      (c) =>
        `${c.key.replace(/~[0-9a-f]{8}/, "~H")} ${c.access} [${c.members.map((m) => m.user).join(",")}] [${c.dataSources.map((d) => d.id).join(",")}]`,
    );
    // t1 and t2 carry different guardrails, so they form different cohorts (different hashes).
    expect(keys.sort()).toEqual(["w write [ann,cat] [v1]", "w~H write [cat] [t1]", "w~H write [cat] [t2]", "w~H~read read [ann] [t1]"]);
  });

  test("a write guardrail never widens: downgraded users keep only the read part of what write issues", () => {
    const e = mustLoad({
      policies: {
        "w.yaml": "name: w\naccess: write\nsubscribers: { anyone: true }\ndataSources: { names: [uc-view, t1] }\n",
        "g.yaml": "name: g\nkind: guardrail\naccess: write\nsubscribers: { users: [ann] }\ndataSources: { names: [uc-view, t1] }\n",
      },
      inventory: {
        "inv.yaml": SMALL_INVENTORY.replace(/snowflake: (\w+)/g, "snowflake: $1, databricks: $1"),
        "uc.yaml":
          "dataSources:\n  - { id: uc-view, platform: databricks-unity-catalog, objectType: VIEW, location: { catalog: c, schema: s, table: v } }\n",
      },
    });
    // Write issues nothing on a Unity Catalog view, so nobody (downgraded or not) gets SELECT there.
    expect(brief(e)).toEqual([
      `ann t1 write ${W} via w`,
      "ben t1 read SELECT via w",
      "cat t1 read SELECT via w",
      "dan t1 read SELECT via w",
    ]);
  });

  test("a staged policy grants nothing but the plan shows what it would grant", () => {
    const e = estate({
      "p.yaml": "name: p\naccess: read\nstate: staged\nsubscribers: { anyone: true }\ndataSources: { names: [t1, t2] }\n",
    });
    const plan = buildPlan(e, NOW);
    expect(plan.access).toEqual([]);
    expect(plan.staged).toMatchObject([{ policy: "p", access: "read", users: ["ann", "ben", "cat", "dan"], dataSources: ["t1", "t2"] }]);
    expect(plan.staged[0]!.entries.map((x) => `${x.user} ${x.dataSource} ${x.privileges.join(",")} via ${x.policies.join(",")}`)).toEqual(
      ["ann", "ben", "cat", "dan"].flatMap((u) => [`${u} t1 SELECT via p`, `${u} t2 SELECT via p`]),
    );
    expect(plan.issues).toEqual([
      {
        severity: "warning",
        code: "policy-staged",
        message: "policy `p` is staged: it grants nothing now; active, it would reach 4 users on 2 data sources",
        file: "p.yaml",
        path: "state",
        help: "set `state: active` to enforce it",
      },
    ]);
  });

  test("a staged guardrail narrows nothing", () => {
    const e = estate({
      "p.yaml": "name: p\naccess: read\nsubscribers: { users: [ann] }\ndataSources: { names: [t2] }\n",
      "g.yaml":
        "name: g\nkind: guardrail\nstate: staged\naccess: read\nsubscribers: { when: { group: cleared } }\ndataSources: { tags: { anyOf: [pii] } }\n",
    });
    expect(brief(e)).toEqual(["ann t2 read SELECT via p"]);
  });

  test("an approval by a non-approver grants nothing even when the estate skipped validation", () => {
    const e = estate({
      "p.yaml":
        "name: p\naccess: read\nsubscribers:\n  approval:\n    approvers: { groups: [stewards] }\n    approvals: []\ndataSources: { names: [t1] }\n",
    });
    const forged: Estate = {
      ...e,
      policies: e.policies.map((p) => ({
        ...p,
        restriction: {
          level: "approval",
          approvers: { users: [], groups: ["stewards"] },
          approvals: [{ user: "ann", approvedBy: "ben", approvedAt: "2026-01-01T00:00:00Z" }],
        },
      })),
    };
    expect(brief(forged)).toEqual([]);
  });
});
