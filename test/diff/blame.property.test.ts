/**
 * The diff blames what caused a change: adding an estate's guardrails loses or downgrades access, and
 * every such change names the guardrails (active, selecting the data source, failed by the user), never
 * the grant policies, which did not change.
 */
import fc from "fast-check";
import { buildPlan } from "../../provider/plan/build";
import { diffPlans } from "../../provider/plan/diff";
import type { Estate } from "../../provider/model/estate";
import { NOW, estateArb, oracleAdmits, oracleSelects } from "../support/arbitrary";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const nowIso = new Date(NOW).toISOString();

const withoutGuardrails = (e: Estate): Estate => ({ ...e, policies: e.policies.filter((p) => p.kind !== "guardrail") });

describe("diff blame", () => {
  test("access lost or downgraded when guardrails come into force is blamed on those guardrails", () => {
    fc.assert(
      fc.property(
        estateArb.filter((e) => e.policies.some((p) => p.kind === "guardrail" && p.state === "active")),
        (estate) => {
          const d = diffPlans(buildPlan(withoutGuardrails(estate), nowIso), buildPlan(estate, nowIso));
          const { users, dataSources } = estate.inventory;
          for (const c of d.access) {
            expect(c.kind).not.toBe("gained");
            expect(c.responsible.length).toBeGreaterThan(0);
            expect(c.guardrails?.length).toBeGreaterThan(0);
            for (const name of c.responsible) {
              const g = estate.policies.find((p) => p.name === name)!;
              expect([g.kind, g.state]).toEqual(["guardrail", "active"]);
              expect(
                oracleSelects(
                  g,
                  dataSources.find((x) => x.id === c.dataSource)!,
                ),
              ).toBe(true);
              expect(
                oracleAdmits(
                  g,
                  users.find((u) => u.id === c.user)!,
                  users,
                  NOW,
                ),
              ).toBe(false);
            }
            expect(c.responsible).toEqual([...new Set(c.guardrails!.map((g) => g.guardrail))].sort());
          }
        },
      ),
      // Few random estates lose anything to their guardrails: draw more of them.
      { numRuns: RUNS * 3 },
    );
  });
});
