/**
 * Offboarding is fail-safe: removing a user from the inventory (as an identity-provider export does)
 * removes all their access, never blocks the plan with a new error, and never widens anyone's access.
 * The generated user ids (`u0`, `u1`...) are one edit apart, so a removed user's id is always a near
 * miss of a colleague's: the case a typo check must not turn into an error.
 */
import fc from "fast-check";
import type { Estate } from "../../provider/model/estate";
import type { Issue } from "../../provider/model/issues";
import { validateEstate } from "../../provider/model/validate";
import { buildPlan } from "../../provider/plan/build";
import { NOW, estateArb, oracleAccess } from "../support/arbitrary";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const nowIso = new Date(NOW).toISOString();

/** The estate without `id` in its inventory; every policy still names them. */
const without = (e: Estate, id: string): Estate => ({
  ...e,
  inventory: { ...e.inventory, users: e.inventory.users.filter((u) => u.id !== id) },
});

/** An error's identity across the two estates: counts in its message may shrink with the removal. */
const key = (i: Issue) => `${i.code}|${i.file ?? ""}|${i.path ?? ""}|${/`([^`]*)`/.exec(i.message)?.[1] ?? ""}`;
const errors = (e: Estate): Set<string> =>
  new Set([...validateEstate(e), ...buildPlan(e, nowIso).issues].filter((i) => i.severity === "error").map(key));

const FOLLOW_ON = new Set(["policy-admits-nobody", "unknown-attribute", "unknown-attribute-value"]);

describe("offboarding", () => {
  test("removing any user yields a plan with no entry for them, no new error, and no access gained by anyone", () => {
    fc.assert(
      fc.property(estateArb, fc.nat(), (estate, pick) => {
        const users = estate.inventory.users;
        const gone = users[pick % users.length]!.id;
        const after = without(estate, gone);

        const plan = buildPlan(after, nowIso);
        expect(plan.access.filter((e) => e.user === gone)).toEqual([]);
        expect(plan.principals.flatMap((p) => p.members).filter((m) => m.user === gone)).toEqual([]);
        expect(plan.staged.flatMap((s) => s.users).filter((u) => u === gone)).toEqual([]);

        const before = errors(estate);
        expect([...errors(after)].filter((k) => !before.has(k))).toEqual([]);
        // What the removal adds are warnings: references to the removed user, and conditions or
        // policies that only the removed user satisfied.
        const had = new Set(validateEstate(estate).map(key));
        for (const i of validateEstate(after).filter((x) => !had.has(key(x))))
          expect([i.severity, FOLLOW_ON.has(i.code) || i.message.includes(`\`${gone}\``)]).toEqual(["warning", true]);

        // Access only shrinks, and it is exactly the naive evaluation of the smaller estate: an
        // approval recorded by the removed user grants nothing any more.
        const held = new Map(buildPlan(estate, nowIso).access.map((e) => [`${e.user}\u0000${e.dataSource}`, e.privileges]));
        for (const e of plan.access) expect(held.get(`${e.user}\u0000${e.dataSource}`)).toEqual(expect.arrayContaining(e.privileges));
        expect(
          new Map(plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, { privileges: e.privileges, policies: e.policies }])),
        ).toEqual(oracleAccess(after, NOW));
      }),
      { numRuns: RUNS },
    );
  });
});
