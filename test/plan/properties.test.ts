/**
 * Security invariants as properties over random estates: no access without a justifying active
 * policy, cohort compression equals naive expansion, write includes read, order independence.
 */
import fc from "fast-check";
import { buildPlan } from "../../provider/plan/build";
import { planJson } from "../../provider/plan/render/plan";
import { ADAPTERS } from "../../provider/platforms";
import type { PlatformAdapter } from "../../provider/platforms/types";
import type { Estate } from "../../provider/model/estate";
import { NOW, estateArb, oracleAccess, oracleAdmits, oracleSelects } from "../support/arbitrary";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const nowIso = new Date(NOW).toISOString();

describe("plan properties", () => {
  test("every access entry is justified by an active grant policy that admits the user and selects the data source", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const plan = buildPlan(estate, nowIso);
        const users = estate.inventory.users;
        for (const e of plan.access) {
          expect(e.policies.length).toBeGreaterThan(0);
          expect(e.privileges.length).toBeGreaterThan(0);
          for (const name of e.policies) {
            const p = estate.policies.find((x) => x.name === name)!;
            expect(p.state).toBe("active");
            expect(p.kind).toBe("grant");
            expect(
              oracleAdmits(
                p,
                users.find((u) => u.id === e.user)!,
                users,
                NOW,
              ),
            ).toBe(true);
            expect(
              oracleSelects(
                p,
                estate.inventory.dataSources.find((d) => d.id === e.dataSource)!,
              ),
            ).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("compressing into cohorts gives exactly the access of naive per-user expansion", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const plan = buildPlan(estate, nowIso);
        const got = new Map(plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, { privileges: e.privileges, policies: e.policies }]));
        expect(got).toEqual(oracleAccess(estate, NOW));
      }),
      { numRuns: RUNS },
    );
  });

  test("principals materialise exactly the plan's access (members x grants = entries)", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const plan = buildPlan(estate, nowIso);
        const implied = new Map<string, Set<string>>();
        for (const p of plan.principals)
          for (const m of p.members)
            for (const g of p.grants) {
              const k = `${m.user}\u0000${g.dataSource}`;
              const s = implied.get(k) ?? new Set<string>();
              g.privileges.forEach((x) => s.add(x));
              implied.set(k, s);
            }
        const entries = new Map(plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, e]));
        expect([...implied.keys()].sort()).toEqual([...entries.keys()].sort());
        for (const [k, privs] of implied) {
          const e = entries.get(k)!;
          const a = ADAPTERS[e.platform] as PlatformAdapter;
          // Several principals merge like several policies do.
          const merged = [...privs].reduce<readonly string[]>((acc, p) => a.merge(acc, [p]), []);
          expect([...merged].sort()).toEqual(e.privileges);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("write entries carry the read privileges wherever the platform grants write", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const plan = buildPlan(estate, nowIso);
        for (const e of plan.access) {
          const d = estate.inventory.dataSources.find((x) => x.id === e.dataSource)!;
          const a = ADAPTERS[d.platform] as PlatformAdapter<typeof d.platform>;
          const read = a.privileges(d as never, "read", estate.config).privileges.flatMap((p) => a.implied(p));
          const have = e.privileges.flatMap((p) => a.implied(p));
          for (const r of read) expect(have).toContain(r);
          if (!a.supportsWrite) expect(e.access).toBe("read");
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("approvals by non-approvers grant nothing", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const plan = buildPlan(estate, nowIso);
        const users = estate.inventory.users;
        for (const e of plan.access) {
          for (const name of e.policies) {
            const p = estate.policies.find((x) => x.name === name)!;
            if (p.restriction.level !== "approval") continue;
            const r = p.restriction;
            const approvers = (id: string) =>
              r.approvers.users.includes(id) || !!users.find((u) => u.id === id)?.groups.some((g) => r.approvers.groups.includes(g));
            expect(
              r.approvals.some(
                (a) =>
                  a.user === e.user &&
                  approvers(a.approvedBy) &&
                  Date.parse(a.approvedAt) <= NOW &&
                  (!a.expiresAt || Date.parse(a.expiresAt) > NOW),
              ),
            ).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("expiry is honoured at the boundary instant: at expiresAt the subscription grants nothing", () => {
    const instants = (estate: Estate) =>
      estate.policies.flatMap((p) =>
        (p.restriction.level === "users" ? p.restriction.users : p.restriction.level === "approval" ? p.restriction.approvals : []).flatMap(
          (s) => (s.expiresAt ? [s.expiresAt] : []),
        ),
      );
    fc.assert(
      fc.property(
        estateArb.filter((e) => instants(e).length > 0),
        fc.nat(),
        (estate, pick) => {
          const list = instants(estate);
          const at = Date.parse(list[pick % list.length]!);
          const plan = buildPlan(estate, new Date(at).toISOString());
          expect(
            new Map(plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, { privileges: e.privileges, policies: e.policies }])),
          ).toEqual(oracleAccess(estate, at));
          for (const e of plan.access) {
            for (const name of e.policies) {
              const r = estate.policies.find((x) => x.name === name)!.restriction;
              const subs =
                r.level === "users"
                  ? r.users.filter((u) => u.user === e.user)
                  : r.level === "approval"
                    ? r.approvals.filter((a) => a.user === e.user)
                    : [];
              if (r.level === "users" || r.level === "approval")
                expect(subs.some((x) => !x.expiresAt || Date.parse(x.expiresAt) > at)).toBe(true);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("staged policies grant nothing", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const plan = buildPlan(estate, nowIso);
        const staged = new Set(estate.policies.filter((p) => p.state === "staged").map((p) => p.name));
        for (const e of plan.access) for (const p of e.policies) expect(staged.has(p)).toBe(false);
        expect(plan.staged.map((s) => s.policy).sort()).toEqual(
          estate.policies
            .filter((p) => p.state === "staged" && p.kind === "grant")
            .map((p) => p.name)
            .sort(),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test("guardrails only narrow access", () => {
    fc.assert(
      fc.property(estateArb, (estate) => {
        const without: Estate = { ...estate, policies: estate.policies.filter((p) => p.kind === "grant") };
        const narrow = buildPlan(estate, nowIso).access;
        const wide = new Map(buildPlan(without, nowIso).access.map((e) => [`${e.user}\u0000${e.dataSource}`, e]));
        for (const e of narrow) {
          const w = wide.get(`${e.user}\u0000${e.dataSource}`);
          expect(w).toBeDefined();
          const a = ADAPTERS[e.platform] as PlatformAdapter;
          const wideActs = w!.privileges.flatMap((p) => a.implied(p));
          for (const p of e.privileges.flatMap((x) => a.implied(x))) expect(wideActs).toContain(p);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("the plan does not depend on the order of files or list items", () => {
    fc.assert(
      fc.property(estateArb, fc.integer(), (estate, seed) => {
        const shuffle = <T>(xs: readonly T[]): T[] => {
          const out = [...xs];
          let s = seed;
          for (let i = out.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            const j = s % (i + 1);
            [out[i], out[j]] = [out[j]!, out[i]!];
          }
          return out;
        };
        const shuffled: Estate = {
          ...estate,
          policies: shuffle(estate.policies),
          inventory: {
            ...estate.inventory,
            users: shuffle(estate.inventory.users).map((u) => ({ ...u, groups: shuffle(u.groups) })),
            dataSources: shuffle(estate.inventory.dataSources).map((d) => ({ ...d, tags: shuffle(d.tags) })),
          },
        };
        expect(planJson(buildPlan(shuffled, nowIso))).toBe(planJson(buildPlan(estate, nowIso)));
      }),
      { numRuns: RUNS },
    );
  });
});
