/**
 * The stewardship rules as resolution, validation and the renderers apply them: owners and stewards
 * as approvers, domain rules, self-approval and `maxDuration` (such approvals grant nothing), and
 * pending requests, which grant nothing and are shown with who may approve each.
 */
import { parseEstate } from "../../provider/model/load";
import { approversOf, durationMs, latestExpiry, stewardshipContext } from "../../provider/model/stewardship";
import { buildPlan } from "../../provider/plan/build";
import { explain } from "../../provider/plan/explain";
import { explainJson, explainText } from "../../provider/plan/render/explain";
import { planJson, planMarkdown, planText } from "../../provider/plan/render/plan";

const NOW = "2026-11-25T00:00:00Z";
const INVENTORY = `users:
  - { id: ann, groups: [analysts], identities: { snowflake: ANN } }
  - { id: dan, groups: [], identities: { snowflake: DAN } }
  - { id: eve, groups: [fin-stewards], identities: { snowflake: EVE } }
  - { id: fay, groups: [analysts], identities: { snowflake: FAY } }
groups:
  - { id: analysts }
  - { id: fin-stewards }
domains:
  - { id: fin, stewards: { groups: [fin-stewards] } }
dataSources:
  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: FIN, schema: S, table: T1 }, owners: [dan] }
  - { id: t2, platform: snowflake, objectType: BASE TABLE, location: { database: OPS, schema: S, table: T2 }, owners: [dan] }
`;
const CONFIG = "stewardship:\n  domainRules:\n    - { domain: fin, platform: snowflake, database: FIN }\n";

function load(policy: string) {
  const r = parseEstate({
    policies: [{ path: "policies/p.yaml", content: policy }],
    inventory: [{ path: "inventory.yaml", content: INVENTORY }],
    config: { path: "accessplane.yaml", content: CONFIG },
  });
  return r;
}

const approvalPolicy = (approvers: string, names: string, extra = "") => `name: p
access: read
${extra}subscribers:
  approval:
    approvers: ${approvers}
    approvals:
      - { user: ann, approvedBy: eve, approvedAt: 2026-11-01T00:00:00Z, expiresAt: 2027-01-01T00:00:00Z }
      - { user: fay, approvedBy: dan, approvedAt: 2026-11-01T00:00:00Z, expiresAt: 2027-01-01T00:00:00Z }
dataSources:
  names: [${names}]
`;

test("durations and the latest allowed expiry", () => {
  expect(durationMs("P90D")).toBe(90 * 86_400_000);
  expect(durationMs("P2W")).toBe(14 * 86_400_000);
  expect(durationMs("PT12H")).toBe(12 * 3_600_000);
  expect(latestExpiry("2026-11-01T09:30:00Z", "P1DT12H")).toBe("2026-11-02T21:30:00Z");
});

test("stewards of a domain placed by a rule, and owners of every selected data source, may approve", () => {
  const r = load(approvalPolicy("{ stewards: true, owners: true }", "t1", "domain: fin\n"));
  expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
  const plan = buildPlan(r.estate!, NOW);
  expect(plan.access.map((e) => [e.user, e.dataSource])).toEqual([
    ["ann", "t1"],
    ["fay", "t1"],
  ]);
  expect(approversOf(r.estate!.policies[0]!, stewardshipContext(r.estate!.inventory, r.estate!.config))).toEqual(["dan", "eve"]);
});

test("a global policy across domains: a steward of one domain may not approve for data of another", () => {
  const r = load(approvalPolicy("{ stewards: true }", "t1, t2"));
  expect(r.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.message])).toEqual([
    ["approval-by-non-approver", "`eve` approved `ann` but is not an approver of policy `p`"],
    ["approval-by-non-approver", "`dan` approved `fay` but is not an approver of policy `p`"],
  ]);
});

test("a self-approval grants nothing unless the policy allows it", () => {
  const self = (allow: string) => `name: p
access: read
subscribers:
  approval:
    approvers: { users: [dan] }
${allow}    approvals:
      - { user: dan, approvedBy: dan, approvedAt: 2026-11-01T00:00:00Z, expiresAt: 2027-01-01T00:00:00Z }
dataSources:
  names: [t1]
`;
  expect(
    load(self(""))
      .issues.filter((i) => i.severity === "error")
      .map((i) => i.code),
  ).toEqual(["self-approval"]);
  const allowed = load(self("    allowSelfApproval: true\n"));
  expect(allowed.issues.filter((i) => i.severity === "error")).toEqual([]);
  expect(buildPlan(allowed.estate!, NOW).access.map((e) => e.user)).toEqual(["dan"]);
});

test("pending requests grant nothing and are shown in plan text, markdown and JSON, and in explain", () => {
  const r = load(`name: p
access: read
subscribers:
  approval:
    approvers: { stewards: true }
    requests:
      - { user: fay, requestedAt: 2026-11-20T09:00:00Z, until: 2027-01-01T00:00:00Z, reason: quarterly close }
      - { user: eve, requestedAt: 2026-11-21T09:00:00Z }
dataSources:
  names: [t1]
`);
  expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
  const plan = buildPlan(r.estate!, NOW);
  expect(plan.access).toEqual([]);
  expect(plan.requests).toEqual([
    { policy: "p", user: "eve", requestedAt: "2026-11-21T09:00:00Z", approvers: [] },
    {
      policy: "p",
      user: "fay",
      requestedAt: "2026-11-20T09:00:00Z",
      until: "2027-01-01T00:00:00Z",
      reason: "quarterly close",
      approvers: ["eve"],
    },
  ]);
  expect(planText(plan)).toContain(
    "Pending requests (grant nothing until approved)\n  eve  p  requested 2026-11-21T09:00:00Z; nobody may approve it\n  fay  p  requested 2026-11-20T09:00:00Z until 2027-01-01T00:00:00Z (quarterly close); may approve: eve\n",
  );
  expect(planMarkdown(plan)).toContain(
    "**Pending requests** (2, grant nothing until approved)\n\n- eve → `p`: requested 2026-11-21T09:00:00Z; nobody may approve it\n",
  );
  expect(JSON.parse(planJson(plan)).requests).toEqual(plan.requests);
  const e = explain(r.estate!, "fay", "t1", NOW);
  expect(explainText(e)).toContain(
    "requested on 2026-11-20T09:00:00Z until 2027-01-01 (quarterly close), pending (grants nothing); may approve: `eve`",
  );
  expect(JSON.parse(explainJson(e)).grants[0].restriction.requests).toEqual([
    { requestedAt: "2026-11-20T09:00:00Z", until: "2027-01-01T00:00:00Z", reason: "quarterly close", approvers: ["eve"] },
  ]);
});

test("removing a steward or approver from the inventory is a warning, never an error", () => {
  const r = parseEstate({
    policies: [{ path: "policies/p.yaml", content: approvalPolicy("{ users: [zed], stewards: true }", "t1", "domain: fin\n") }],
    inventory: [
      {
        path: "inventory.yaml",
        content: INVENTORY.replace("stewards: { groups: [fin-stewards] }", "stewards: { users: [zoe], groups: [fin-stewards] }"),
      },
    ],
    config: { path: "accessplane.yaml", content: CONFIG },
  });
  expect(r.issues.filter((i) => i.severity === "error").map((i) => i.code)).toEqual(["approval-by-non-approver"]);
  expect(r.issues.filter((i) => i.code === "user-not-in-inventory").map((i) => i.path)).toEqual([
    "domains[0].stewards.users[0]",
    "subscribers.approval.approvers.users[0]",
  ]);
});
