/** Golden tests of the effective-access diff: one per kind of change a reviewer must see. */
import * as path from "node:path";
import { buildPlan } from "../../provider/plan/build";
import { diffPlans, isEmpty, type PlanDiff, widens } from "../../provider/plan/diff";
import { diffJson, diffMarkdown, diffSummary, diffText } from "../../provider/plan/render/diff";
import { colour } from "../../provider/plan/render/table";
import { type InlineEstate, mustLoad } from "../support/estate";
import { expectGolden } from "../support/golden";
import { baseEstate, finPolicy, inventory, NOW, OPS_BY_REQUEST, SHARED_ROLE_POLICY } from "../support/estate";

const LABELS = { base: "main", head: "feature" };

function diff(base: InlineEstate, head: InlineEstate, baseNow = NOW, now = NOW): PlanDiff {
  return diffPlans(buildPlan(mustLoad(base), baseNow), buildPlan(mustLoad(head), now));
}

function goldens(name: string, d: PlanDiff): void {
  const file = (ext: string) => path.join(__dirname, "golden", `${name}.${ext}`);
  expectGolden(file("txt"), diffText(d, LABELS));
  expectGolden(file("md"), diffMarkdown(d, LABELS));
  expectGolden(file("json"), diffJson(d, LABELS));
}

const CASES: { name: string; diff: () => PlanDiff; summary: string; widens: boolean }[] = [
  {
    name: "user-added-to-group",
    diff: () => diff(baseEstate(), baseEstate({ inventory: inventory({ benGroups: ["engineers", "analysts"] }) })),
    summary: "+2 grants, -0 revokes, 0 changed",
    widens: true,
  },
  {
    name: "tag-added-to-table",
    diff: () => diff(baseEstate(), baseEstate({ inventory: inventory({ t3Tags: ["ops", "fin"] }) })),
    summary: "+1 grant, -0 revokes, 1 changed",
    widens: true,
  },
  {
    // t3 becomes personal data: ben, approved but not cleared, loses it to the guardrail, not to his approval.
    name: "guardrail-tag-added-to-table",
    diff: () => diff(baseEstate(), baseEstate({ inventory: inventory({ t3Tags: ["ops", "pii"] }) })),
    summary: "+0 grants, -1 revoke, 0 changed",
    widens: false,
  },
  {
    name: "approval-added",
    diff: () =>
      diff(
        baseEstate(),
        baseEstate({
          policies: {
            "policies/ops-by-request.yaml": OPS_BY_REQUEST.replace(
              "      - { user: cat,",
              "      - { user: ann, approvedBy: dan, approvedAt: 2026-11-20T00:00:00Z }\n      - { user: cat,",
            ),
          },
        }),
      ),
    summary: "+1 grant, -0 revokes, 0 changed",
    widens: true,
  },
  {
    name: "policy-read-to-write",
    diff: () => diff(baseEstate(), baseEstate({ policies: { "policies/fin-analysts.yaml": finPolicy({ access: "write" }) } })),
    summary: "+0 grants, -0 revokes, 3 changed · 1 new warning",
    widens: true,
  },
  {
    name: "policy-staged",
    diff: () => diff(baseEstate(), baseEstate({ policies: { "policies/fin-analysts.yaml": finPolicy({ state: "staged" }) } })),
    summary: "+0 grants, -5 revokes, 0 changed · 1 new warning",
    widens: false,
  },
  {
    name: "approval-expiring",
    diff: () => diff(baseEstate(), baseEstate(), NOW, "2026-12-02T00:00:00Z"),
    summary: "+0 grants, -1 revoke, 0 changed",
    widens: false,
  },
  {
    name: "shared-role-grant-added",
    diff: () => diff(baseEstate(), baseEstate({ policies: { "policies/exports-read.yaml": SHARED_ROLE_POLICY } })),
    summary: "+1 grant, -0 revokes, 0 changed",
    widens: true,
  },
];

describe("diff goldens", () => {
  test.each(CASES)("$name", ({ name, diff: make, summary, widens: w }) => {
    const d = make();
    expect(diffSummary(d)).toBe(summary);
    expect(widens(d)).toBe(w);
    expect(d.summary.widens).toBe(w);
    goldens(name, d);
  });
});

describe("diffPlans", () => {
  test("identical estates give an empty diff that does not widen", () => {
    const d = diff(baseEstate(), baseEstate());
    expect(isEmpty(d)).toBe(true);
    expect(widens(d)).toBe(false);
    expect(d.access).toEqual([]);
    expect(d.principals).toEqual([]);
    expect(d.estimatedResources).toEqual({ create: 0, update: 0, delete: 0 });
    expect(diffText(d, LABELS)).toBe(
      [
        "accessplane diff main → feature  at 2026-11-23",
        "+0 grants, -0 revokes, 0 changed",
        "",
        "no access changes",
        "",
        "Upcoming expirations",
        "  2026-12-01  ben  via ops-by-request  expires in 8 days",
        "",
      ].join("\n"),
    );
  });

  test("adds come before changes, changes before revokes, each by user then data source", () => {
    // ben joins analysts (gains), cat leaves them (loses), the policy becomes write (changes ann's access).
    const head = baseEstate({
      inventory: inventory({ benGroups: ["analysts"] }).replace("groups: [analysts, cleared]", "groups: [cleared]"),
      policies: { "policies/fin-analysts.yaml": finPolicy({ access: "write" }) },
    });
    const d = diff(baseEstate(), head);
    expect(d.access.map((c) => `${c.kind} ${c.id}`)).toEqual([
      "gained ben|t1",
      "gained ben|v1",
      "changed ann|t1",
      "lost cat|t1",
      "lost cat|t2",
      "lost cat|v1",
    ]);
    expect(d.access.find((c) => c.id === "ann|t1")).toMatchObject({
      access: { from: "read", to: "write" },
      privileges: { added: ["DELETE", "INSERT", "TRUNCATE", "UPDATE"], removed: [] },
      responsible: ["fin-analysts"],
      widens: true,
    });
    // A view stays SELECT under write, so ann's access to v1 does not change and is not listed.
    expect(d.access.some((c) => c.id === "ann|v1")).toBe(false);
    expect(d.blastRadius.users).toEqual(["ann", "ben"]);
  });

  test("a later expiry widens; an earlier one does not", () => {
    const later = baseEstate({
      policies: {
        "policies/ops-by-request.yaml": baseEstate().policies!["policies/ops-by-request.yaml"]!.replace("2026-12-01", "2027-12-01"),
      },
    });
    const d = diff(baseEstate(), later);
    expect(d.access).toHaveLength(1);
    expect(d.access[0]).toMatchObject({
      kind: "changed",
      id: "ben|t3",
      expiry: { from: "2026-12-01T00:00:00.000Z", to: "2027-12-01T00:00:00.000Z" },
      widens: true,
    });
    const back = diffPlans(buildPlan(mustLoad(later), NOW), buildPlan(mustLoad(baseEstate()), NOW));
    expect(back.access[0]).toMatchObject({ kind: "changed", widens: false });
    expect(widens(back)).toBe(false);
  });

  test("someone joining a shared role widens access though no policy changed", () => {
    const withPolicy = (inv: string) => baseEstate({ inventory: inv, policies: { "policies/exports-read.yaml": SHARED_ROLE_POLICY } });
    const d = diff(withPolicy(inventory()), withPolicy(inventory().replace("members: [ann, ben, dan]", "members: [ann, ben, cat, dan]")));
    expect(d.access).toEqual([]);
    expect(d.blastRadius.principals.map((r) => [r.dataSource, r.principal, r.users, r.overProvisioned, r.newlyReached])).toEqual([
      ["s3.analytics", "arn:aws:iam::111111111111:role/analytics-shared", ["ann", "ben", "cat", "dan"], ["ben", "cat", "dan"], ["cat"]],
    ]);
    expect(widens(d)).toBe(true);
    expect(d.blastRadius.users).toEqual(["cat"]);
    expect(diffText(d, LABELS).split("\n").slice(0, 9)).toEqual([
      "accessplane diff main → feature  at 2026-11-23",
      "+0 grants, -0 revokes, 0 changed · access widens",
      "",
      "no access changes",
      "",
      "Blast radius",
      "  access widens for 1 user on 1 data source: cat",
      "  s3.analytics via exports-read -> arn:aws:iam::111111111111:role/analytics-shared reaches 4 users: ann, ben, cat, dan (new: cat)",
      "    over-provisioned, justified by no policy: ben, cat, dan",
    ]);
  });

  test("a staged preview that reaches the same users and data sources with other entries has changed", () => {
    const staged = { "policies/fin-analysts.yaml": finPolicy({ state: "staged" }) };
    // t1 becomes personal data: ann, not cleared, would no longer reach it; cat still would.
    const head = baseEstate({
      inventory: inventory().replace("table: T1 }, tags: [fin]", "table: T1 }, tags: [fin, pii]"),
      policies: staged,
    });
    const d = diff(baseEstate({ policies: staged }), head);
    expect(d.staged.changed.map((c) => [c.policy, c.before.users, c.after.users, c.before.dataSources, c.after.dataSources])).toEqual([
      ["fin-analysts", ["ann", "cat"], ["ann", "cat"], ["t1", "t2", "v1"], ["t1", "t2", "v1"]],
    ]);
    const keys = (l: { user: string; dataSource: string }[]) => l.map((e) => `${e.user}|${e.dataSource}`);
    expect(keys(d.staged.changed[0]!.before.entries)).toEqual(["ann|t1", "ann|v1", "cat|t1", "cat|t2", "cat|v1"]);
    expect(keys(d.staged.changed[0]!.after.entries)).toEqual(["ann|v1", "cat|t1", "cat|t2", "cat|v1"]);
  });

  test("a write guardrail coming into force is named as what downgrades write to read", () => {
    const writers = baseEstate({ policies: { "policies/fin-analysts.yaml": finPolicy({ access: "write" }) } });
    const guard =
      "name: fin-write-risk\nkind: guardrail\naccess: write\nsubscribers: { when: { attribute: dept, values: [risk] } }\ndataSources: { names: [t1] }\n";
    const d = diff(writers, { ...writers, policies: { ...writers.policies, "policies/fin-write-risk.yaml": guard } });
    expect(d.access.map((c) => [c.id, c.access, c.responsible, c.guardrails])).toEqual([
      [
        "ann|t1",
        { from: "write", to: "read" },
        ["fin-write-risk"],
        [{ guardrail: "fin-write-risk", effect: "downgraded", policy: "fin-analysts" }],
      ],
    ]);
    expect(diffText(d, LABELS)).toContain(
      "\n  ~  ann  t1  write → read  -DELETE, -INSERT, -TRUNCATE, -UPDATE  via fin-analysts (downgraded to read by fin-write-risk)\n",
    );
  });

  test("an added approval shows who approved it, when, and until when", () => {
    const head = baseEstate({
      policies: {
        "policies/ops-by-request.yaml": OPS_BY_REQUEST.replace(
          "      - { user: cat,",
          "      - { user: ann, approvedBy: dan, approvedAt: 2026-11-20T00:00:00Z, expiresAt: 2027-01-01T00:00:00Z }\n      - { user: cat,",
        ),
      },
    });
    const d = diff(baseEstate(), head);
    const approval = {
      policy: "ops-by-request",
      user: "ann",
      approvedBy: "dan",
      approvedAt: "2026-11-20T00:00:00.000Z",
      expiresAt: "2027-01-01T00:00:00.000Z",
    };
    expect(d.approvals).toEqual({ added: [approval], removed: [] });
    expect(d.access.map((c) => [c.id, c.kind, c.approvals])).toEqual([["ann|t3", "gained", [approval]]]);
    const text = diffText(d, LABELS);
    expect(text).toContain(
      "\n  +  ann  t3  read  SELECT  via ops-by-request  approved by dan on 2026-11-20, until 2027-01-01, expires in 39 days\n",
    );
    expect(text).toContain("\nApprovals\n  +  ops-by-request  ann  approved by dan on 2026-11-20, until 2027-01-01, expires in 39 days\n");
    expect(diffMarkdown(d, LABELS)).toContain(
      "\n- + `ops-by-request` ann: approved by dan on 2026-11-20, until 2027-01-01, expires in 39 days\n",
    );
    // An approval that grants nothing new still shows, and the diff is not empty.
    expect(isEmpty(diff(head, head))).toBe(true);
  });

  test("text output is coloured only with the colour style", () => {
    const d = CASES[0]!.diff();
    expect(diffText(d, LABELS)).not.toMatch(/\u001b\[/);
    expect(diffText(d, LABELS, colour)).toMatch(/\u001b\[32m\+/);
  });
});

describe("markdown fits a pull-request comment", () => {
  test("long lists are capped and counted, and a big change stays under GitHub's 65,536 characters", () => {
    const users = Array.from(
      { length: 600 },
      (_, i) => `  - { id: u${String(i).padStart(3, "0")}, groups: [analysts], identities: { snowflake: U${i} } }`,
    ).join("\n");
    const head = baseEstate({ inventory: inventory().replace("users:\n", `users:\n${users}\n`) });
    const d = diff(baseEstate(), head);
    expect(d.summary.gained).toBe(1200);
    const md = diffMarkdown(d, LABELS);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain("\n… and 950 more access changes: run `accessplane diff` locally, or use `--format json`, for the full list\n");
    expect(md).toContain("<details><summary>Access changes (1200)</summary>");
    expect(md).toMatch(/\| ~ \| snowflake:fin-analysts \| AP_FIN_ANALYSTS \| \+member U0, \+member U1, [^|]*, … 588 more \|/);
  });
});
