/**
 * Memberships through synced groups, as a property: on random estates whose groups are provisioned
 * to random directories, the access the registered resources imply (decoded through the groups'
 * members) equals the plan's, and equals what the same estate deploys with every membership per user.
 */
import fc from "fast-check";
import type { Estate } from "../../provider/model/estate";
import { type Condition, Config, type GroupIdentities } from "../../provider/model/schema";
import { buildPlan } from "../../provider/plan/build";
import { captureResources, type CapturedResource } from "../../provider/pulumi/capture";
import { estateArb, NOW } from "../support/arbitrary";
import { impliedAccess } from "../support/implied";

const AT = new Date(NOW).toISOString();
const KEYS = ["snowflake", "databricks", "identityCenter", "trino", "bigquery"] as const;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 0) || 20;

/** The identity a group `g` has in directory `key`. */
const identityOf = (key: (typeof KEYS)[number], g: string): string =>
  key === "bigquery" ? `group:${g}@example.com` : key === "snowflake" ? `SYNC_${g.toUpperCase()}` : `sync-${g}`;

/** Every identity of a user, as the random estates write them. */
const fullIdentities = (id: string): Estate["inventory"]["users"][number]["identities"] => ({
  snowflake: id.toUpperCase(),
  databricks: id.toUpperCase(),
  identityCenter: id.toUpperCase(),
  iamRole: `arn:aws:iam::111111111111:role/${id}`,
  trino: id.toUpperCase(),
  redshift: id.toUpperCase(),
  synapse: id.toUpperCase(),
  bigquery: `user:${id}@example.com`,
});

/** Whether a member of group `g` with no other group or attribute is admitted (written apart from the planner's). */
function admitsAlone(r: Estate["policies"][number]["restriction"], g: string): boolean {
  const sat = (c: Condition): boolean =>
    "group" in c ? c.group === g : "anyOf" in c ? c.anyOf.some(sat) : "allOf" in c ? c.allOf.every(sat) : false;
  return r.level === "anyone" || (r.level === "conditions" && sat(r.when));
}

const custom = (rs: CapturedResource[]) => rs.filter((r) => !r.type.startsWith("accessplane:") && !r.type.startsWith("pulumi:providers:"));

/** The estate with its groups provisioned as drawn, in the given Trino mode and membership modes. */
function provision(
  raw: Estate,
  synced: readonly (readonly (typeof KEYS)[number][])[],
  trinoMode: "sql" | "file",
  perUser: readonly (typeof KEYS)[number][],
): Estate {
  const groups = raw.inventory.groups.map((g, i) => {
    const keys = synced[i % synced.length] ?? [];
    if (keys.length === 0) return g;
    const identities: GroupIdentities = {};
    for (const k of keys) identities[k] = identityOf(k, g.id);
    return { ...g, identities };
  });
  return {
    ...raw,
    inventory: { ...raw.inventory, groups },
    config: Config.parse({
      s3: { accountId: "406321587214", identityStoreId: "d-9067a1b2c3" },
      trino: { mode: trinoMode },
      identities: { onMissing: "skip" },
      membership: Object.fromEntries(perUser.map((k) => [k, "per-user"])),
    }),
  };
}

/** The plan's access in the resources' terms: Trino resources speak native privileges. */
function expected(estate: Estate): Map<string, string[]> {
  const plan = buildPlan(estate, AT);
  return new Map(
    plan.access.map((e) => [`${e.user}\u0000${e.dataSource}`, e.platform === "trino" ? (e.nativePrivileges as string[]) : e.privileges]),
  );
}

describe("memberships through synced groups", () => {
  test("the access implied by the resources, decoded through group membership, equals the plan and the per-user deployment", async () => {
    // Runs in which some principal had a synced group as a member: the property must have bitten.
    let bitten = 0;
    await fc.assert(
      fc.asyncProperty(
        estateArb,
        fc.array(fc.subarray([...KEYS]), { minLength: 4, maxLength: 4 }),
        fc.constantFrom("sql" as const, "file" as const),
        fc.subarray([...KEYS], { maxLength: 2 }),
        fc.constantFrom("full" as const, "one lacking" as const, "drawn" as const),
        fc.subarray(["g0", "g1", "g2", "g3"], { minLength: 1 }),
        fc.constantFrom("read" as const, "write" as const),
        async (drawn, synced, trinoMode, perUser, complete, disjuncts, access) => {
          // Often every user has every identity (or all but one, who then has an account only on
          // Redshift: a group granted a principal must not give them access), and one more policy
          // whose condition is groups (or groups or an attribute), on every data source: the shapes
          // synced groups apply to.
          const raw: Estate = {
            ...drawn,
            policies: [
              ...drawn.policies,
              {
                name: "synced",
                description: "",
                kind: "grant",
                access,
                state: "active",
                restriction: {
                  level: "conditions",
                  when: {
                    anyOf: [
                      ...disjuncts.map((group) => ({ group })),
                      ...(access === "write" ? [{ attribute: "dept", values: ["a"] }] : []),
                    ],
                  },
                },
                dataSources: { names: drawn.inventory.dataSources.map((d) => d.id), tags: { anyOf: [], allOf: [] } },
                acknowledgeSharedRole: false,
                file: "policies/synced.yaml",
              },
            ],
            // "one lacking": every identity but the first user's in every directory but Redshift's.
            inventory:
              complete === "drawn"
                ? drawn.inventory
                : {
                    ...drawn.inventory,
                    users: drawn.inventory.users.map((u, i) => ({
                      ...u,
                      identities: complete === "one lacking" && i === 0 ? { redshift: u.id.toUpperCase() } : fullIdentities(u.id),
                    })),
                  },
          };
          const estate = provision(raw, synced, trinoMode, perUser);
          const plan = buildPlan(estate, AT);
          if (plan.issues.some((i) => i.severity === "error")) return;
          const want = expected(estate);
          const rs = custom(await captureResources(estate, AT));
          expect(impliedAccess(rs, estate)).toEqual(want);
          // The same estate with every membership per user: the same access.
          const oneByOne = provision(raw, synced, trinoMode, KEYS);
          expect(expected(oneByOne)).toEqual(want);
          expect(impliedAccess(custom(await captureResources(oneByOne, AT)), oneByOne)).toEqual(want);
          // A group is granted a principal only when its membership alone satisfies the policy and
          // every guardrail that shaped the cohort: whoever joins it later is entitled as well.
          if (plan.principals.some((p) => p.groups)) bitten++;
          for (const p of plan.principals)
            for (const s of p.groups ?? []) {
              expect(p.cohort.endsWith("~read")).toBe(false);
              for (const name of [p.policy, ...p.guardrails]) {
                const policy = estate.policies.find((x) => x.name === name)!;
                expect([name, s.group, admitsAlone(policy.restriction, s.group)]).toEqual([name, s.group, true]);
              }
            }
        },
      ),
      { numRuns: RUNS },
    );
    expect(bitten).toBeGreaterThan(RUNS / 10);
  }, 300_000);
});
