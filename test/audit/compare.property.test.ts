/**
 * Properties of the comparison on random estates: a platform state built exactly from the plan
 * reports nothing unmanaged, missing or drifted; removing one planned grant reports exactly that
 * grant as drift; adding one grant through a hand-made role reports exactly that one as unmanaged.
 */
import fc from "fast-check";
import { compareWithPlan } from "../../provider/audit/compare";
import { ENTITLED, type LiveGrant, type LiveMembership, type LiveState, storeObject } from "../../provider/audit/types";
import { planFromResolution } from "../../provider/plan/build";
import type { Plan } from "../../provider/plan/types";
import { resolve } from "../../provider/resolve/resolve";
import { mustLoad } from "../support/estate";

const NOW = "2026-11-23T00:00:00Z";
const GROUPS = ["g1", "g2", "g3"];
const TAGS = ["a", "b", "c"];
const PLATFORMS = ["snowflake", "redshift"] as const;

const arbEstate = fc.record({
  users: fc.array(fc.subarray(GROUPS), { minLength: 1, maxLength: 6 }),
  sources: fc.array(fc.record({ tags: fc.subarray(TAGS), platform: fc.constantFrom(...PLATFORMS) }), { minLength: 1, maxLength: 6 }),
  policies: fc.array(
    fc.record({ group: fc.constantFrom(...GROUPS), tag: fc.constantFrom(...TAGS), access: fc.constantFrom("read", "write") }),
    { minLength: 1, maxLength: 4 },
  ),
  /** The groups provisioned to Snowflake as roles (synced groups). */
  synced: fc.subarray(GROUPS),
});

type RandomEstate = typeof arbEstate extends fc.Arbitrary<infer T> ? T : never;

function build(e: RandomEstate) {
  const estate = mustLoad({
    policies: {
      "p.yaml":
        "policies:\n" +
        e.policies
          .map(
            (p, i) =>
              `  - { name: p${i}, access: ${p.access}, subscribers: { when: { group: ${p.group} } }, dataSources: { tags: { anyOf: [${p.tag}] } } }`,
          )
          .join("\n") +
        "\n",
    },
    inventory: {
      "i.yaml":
        "users:\n" +
        e.users
          .map((g, i) => `  - { id: u${i}, groups: [${g.join(", ")}], identities: { snowflake: U${i}, redshift: u${i} } }`)
          .join("\n") +
        "\ngroups:\n" +
        GROUPS.map((g) =>
          e.synced.includes(g) ? `  - { id: ${g}, identities: { snowflake: SYNC_${g.toUpperCase()} } }` : `  - { id: ${g} }`,
        ).join("\n") +
        "\ndataSources:\n  - { id: every, platform: redshift, objectType: BASE TABLE, location: { database: DB, schema: S, table: EVERY }, tags: [a, b, c] }\n" +
        e.sources
          .map(
            (s, i) =>
              `  - { id: d${i}, platform: ${s.platform}, objectType: BASE TABLE, location: { database: DB, schema: S, table: T${i} }, tags: [${s.tags.join(", ")}] }`,
          )
          .join("\n") +
        "\n",
    },
  });
  return { estate, plan: planFromResolution(estate, resolve(estate, NOW)) };
}

/**
 * The live states a deployment of exactly `plan` leaves, one per platform: a synced group's role is
 * a member of the policy role, and holds the group's members as the identity provider provisions them.
 */
function deployed(plan: Plan): LiveState[] {
  return PLATFORMS.map((platform) => {
    const grants: LiveGrant[] = [];
    const memberships: LiveMembership[] = [];
    const ps = plan.principals.filter((p) => p.platform === platform);
    for (const p of ps) {
      const grantee = { kind: "role" as const, name: p.name };
      const objects = new Map<string, Set<string>>();
      const add = (o: string, privs: readonly string[]) => {
        const s = objects.get(o) ?? new Set<string>();
        for (const x of privs) s.add(x);
        objects.set(o, s);
      };
      for (const g of p.grants) {
        if (platform === "redshift") add(storeObject(g.dataSource), [ENTITLED]);
        else {
          add(g.object, g.privileges);
          for (const par of g.parents) add(par.object, par.privileges);
        }
      }
      for (const [object, s] of objects)
        grants.push({ platform, grantee, object, privileges: [...s].sort(), kind: "direct", grantor: "AP_ADMIN" });
      for (const m of p.members)
        if (m.group === undefined) memberships.push({ platform, parent: grantee, member: { kind: "user", name: m.identity } });
      for (const s of p.groups ?? []) {
        memberships.push({ platform, parent: grantee, member: { kind: "role", name: s.identity } });
        for (const m of p.members)
          if (m.group === s.group)
            memberships.push({ platform, parent: { kind: "role", name: s.identity }, member: { kind: "user", name: m.identity } });
      }
    }
    return {
      platform,
      source: platform,
      grants,
      memberships,
      principals: ps.map((p) => ({ kind: "role" as const, name: p.name })),
      readFrom: "test",
      readAt: NOW,
    };
  });
}

const findings = (r: ReturnType<typeof compareWithPlan>) => r.entries.filter((e) => e.section !== "administrative");

describe("audit properties on random estates", () => {
  test("a state built exactly from the plan reports nothing", () => {
    fc.assert(
      fc.property(arbEstate, (e) => {
        const { estate, plan } = build(e);
        const r = compareWithPlan(plan, estate.inventory, estate.config, deployed(plan), { grantors: { snowflake: "AP_ADMIN" } });
        expect(findings(r)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  test("a synced group that is not a member of its policy role shows as drift of that membership", () => {
    let bitten = 0;
    fc.assert(
      fc.property(arbEstate, fc.nat(), (e, pick) => {
        const { estate, plan } = build(e);
        const states = deployed(plan);
        const sf = states.find((s) => s.platform === "snowflake")!;
        const nested = sf.memberships.filter((m) => m.member.kind === "role");
        if (nested.length === 0) return;
        bitten++;
        const gone = nested[pick % nested.length]!;
        sf.memberships = sf.memberships.filter((m) => m !== gone);
        const r = compareWithPlan(plan, estate.inventory, estate.config, states, { grantors: { snowflake: "AP_ADMIN" } });
        expect(findings(r).map((f) => [f.section, f.kind, f.principal.name, f.detail])).toEqual([
          ["drifted", "membership", gone.parent.name, `synced group \`${gone.member.name}\` in the plan, not a member`],
        ]);
      }),
      { numRuns: 60 },
    );
    expect(bitten).toBeGreaterThan(5);
  });

  test("removing one planned grant reports exactly that grant as drift", () => {
    fc.assert(
      fc.property(arbEstate, fc.nat(), fc.nat(), (e, gi, pi) => {
        const { estate, plan } = build(e);
        const states = deployed(plan);
        const all = states.flatMap((s) => s.grants.map((g) => ({ s, g })));
        fc.pre(all.length > 0);
        const { s, g } = all[gi % all.length]!;
        const privilege = g.privileges[pi % g.privileges.length]!;
        g.privileges = g.privileges.filter((x) => x !== privilege);
        if (g.privileges.length === 0) s.grants = s.grants.filter((x) => x !== g);
        const r = compareWithPlan(plan, estate.inventory, estate.config, states, { grantors: { snowflake: "AP_ADMIN" } });
        const f = findings(r);
        expect(f.map((x) => [x.section, x.principal.name, x.object, x.privileges])).toEqual([
          ["drifted", g.grantee.name, g.object, [privilege]],
        ]);
      }),
      { numRuns: 60 },
    );
  });

  test("adding one grant through a hand-made role reports exactly that one as unmanaged, with the person it reaches", () => {
    fc.assert(
      fc.property(arbEstate, fc.nat(), fc.nat(), fc.constantFrom(...PLATFORMS), (e, di, ui, platform) => {
        const { estate, plan } = build(e);
        const states = deployed(plan);
        const state = states.find((s) => s.platform === platform)!;
        const user = estate.inventory.users[ui % estate.inventory.users.length]!;
        const onPlatform = estate.inventory.dataSources.filter((d) => d.platform === platform);
        fc.pre(onPlatform.length > 0);
        const ds = onPlatform[di % onPlatform.length]!;
        const loc = ds.location as { database: string; schema: string; table: string };
        state.grants.push({
          platform,
          grantee: { kind: "role", name: "HANDMADE" },
          object: `"${loc.database}"."${loc.schema}"."${loc.table}"`,
          path: [loc.database, loc.schema, loc.table],
          privileges: ["SELECT"],
          kind: "direct",
          grantor: "SYSADMIN",
        });
        state.memberships.push({
          platform,
          parent: { kind: "role", name: "HANDMADE" },
          member: { kind: "user", name: platform === "snowflake" ? user.identities.snowflake! : user.identities.redshift! },
        });
        const r = compareWithPlan(plan, estate.inventory, estate.config, states, { grantors: { snowflake: "AP_ADMIN" } });
        expect(findings(r).map((x) => [x.section, x.principal.name, x.dataSource, x.users, x.unknown])).toEqual([
          ["unmanaged", "HANDMADE", ds.id, [user.id], []],
        ]);
      }),
      { numRuns: 60 },
    );
  });
});
