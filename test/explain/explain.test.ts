/** `explain`: exact output for each reason a user has or lacks access. */
import * as path from "node:path";
import { explain } from "../../provider/plan/explain";
import { explainJson, explainText } from "../../provider/plan/render/explain";
import { baseEstate, inventory, NOW, SHARED_ROLE_POLICY } from "../support/estate";
import { mustLoad } from "../support/estate";
import { expectGolden } from "../support/golden";

/** The diff tests' estate, plus a write guardrail, named writers with expiry, a staged policy and eve without a Snowflake identity. */
const ESTATE = mustLoad(
  baseEstate({
    inventory: inventory().replace("  - { id: dan,", "  - { id: eve, groups: [analysts], identities: {} }\n  - { id: dan,"),
    policies: {
      "policies/exports-read.yaml": SHARED_ROLE_POLICY,
      "policies/fin-editors.yaml": `
name: fin-editors
access: write
subscribers:
  users: [ann, { user: cat, expiresAt: 2027-01-01T00:00:00Z }, { user: dan, expiresAt: 2026-01-01T00:00:00Z }]
dataSources:
  names: [t1]
`,
      "policies/fin-write-cleared.yaml": `
name: fin-write-cleared
kind: guardrail
access: write
subscribers:
  when: { group: cleared }
dataSources:
  tags: { anyOf: [fin] }
`,
      "policies/ops-for-everyone.yaml": `
name: ops-for-everyone
access: read
state: staged
subscribers:
  anyone: true
dataSources:
  names: [t3]
`,
    },
  }),
);

const text = (user: string, ds?: string, now = NOW) => explainText(explain(ESTATE, user, ds, now));

describe("explain", () => {
  test("a grant that a read guardrail blocks", () => {
    expect(text("ann", "t2")).toBe(`accessplane explain ann on t2  at 2026-11-23

ann has no access to t2

Grant policies that select t2
  ✓ fin-analysts  grant read  policies/fin-analysts.yaml
      ✓ any of
        ✓ group \`analysts\`
        ✗ all of
          ✗ group \`engineers\`
          ✓ attribute \`dept\` is one of \`finance\` (ann has \`finance\`)
      → admits ann
      → t2: blocked by pii-cleared, which ann does not pass  guardrails: ✗ pii-cleared

Guardrails on t2
  ✗ fin-write-cleared  guardrail write  policies/fin-write-cleared.yaml
      ✗ group \`cleared\`
      → ann does not pass: it gates write access here
  ✗ pii-cleared  guardrail read  policies/pii-cleared.yaml
      ✗ group \`cleared\`
      → ann does not pass: it gates all access here
`);
  });

  test.each([
    ["write-downgraded", "ann", "t1", NOW],
    ["selected-users-with-expiry", "cat", "t1", NOW],
    ["approval-in-force", "ben", "t3", NOW],
    ["approval-expired", "ben", "t3", "2026-12-02T00:00:00Z"],
    ["no-policy-admits", "dan", "t1", NOW],
    ["missing-identity", "eve", "t1", NOW],
    ["shared-role", "ann", "s3.analytics", NOW],
    ["shared-role-over-provisioned", "ben", "s3.analytics", NOW],
    ["everywhere", "cat", undefined, NOW],
  ] as const)("%s: %s on %s", (name, user, ds, now) => {
    expectGolden(path.join(__dirname, "golden", `${name}.txt`), text(user, ds, now));
  });

  test("a staged policy would grant only what its activation would: guardrails and identities apply", () => {
    const staged = (user: string, ds: string) =>
      explain(ESTATE, user, ds, NOW)
        .grants.find((g) => g.policy === "ops-for-everyone")!
        .outcomes.map((o) => o.result);
    const withPii = mustLoad({
      ...baseEstate({
        policies: {
          "policies/ops-for-everyone.yaml":
            "name: ops-for-everyone\naccess: read\nstate: staged\nsubscribers: { anyone: true }\ndataSources: { names: [t3] }\n",
        },
      }),
      inventory: { "inventory/estate.yaml": inventory({ t3Tags: ["ops", "pii"] }) },
    });
    expect(staged("cat", "t3")).toEqual(["staged"]);
    expect(staged("eve", "t3")).toEqual(["no-identity"]);
    // ann is not cleared: the personal-data guardrail would block her.
    expect(
      explain(withPii, "ann", "t3", NOW)
        .grants.find((g) => g.policy === "ops-for-everyone")!
        .outcomes.map((o) => [o.result, o.gates]),
    ).toEqual([["blocked", [{ guardrail: "pii-cleared", passes: false }]]]);
  });

  test("JSON carries the same verdicts", () => {
    const e = JSON.parse(explainJson(explain(ESTATE, "ann", "t1", NOW)));
    expect(e.version).toBe(1);
    expect(e.access.map((a: { dataSource: string; access: string; policies: string[] }) => [a.dataSource, a.access, a.policies])).toEqual([
      ["t1", "read", ["fin-analysts", "fin-editors"]],
    ]);
    expect(
      e.grants.map((g: { policy: string; admits: boolean; outcomes: { result: string }[] }) => [
        g.policy,
        g.admits,
        g.outcomes.map((o) => o.result),
      ]),
    ).toEqual([
      ["fin-analysts", true, ["granted"]],
      ["fin-editors", true, ["downgraded"]],
    ]);
    expect(e.guardrails.map((g: { policy: string; admits: boolean }) => [g.policy, g.admits])).toEqual([["fin-write-cleared", false]]);
  });

  test("never disagrees with the plan: every granted outcome is an access entry, and back", () => {
    for (const u of ESTATE.inventory.users) {
      const e = explain(ESTATE, u.id, undefined, NOW);
      const granted = new Set(
        e.grants.flatMap((g) => g.outcomes.filter((o) => o.result === "granted" || o.result === "downgraded").map((o) => o.dataSource)),
      );
      expect([u.id, [...granted].sort()]).toEqual([u.id, e.access.map((a) => a.dataSource)]);
    }
  });
});
