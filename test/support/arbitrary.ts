/**
 * fast-check generators of random but referentially valid estates, and a naive per-user oracle of
 * effective access written independently of the resolver (no cohorts, no memoisation).
 */
import fc from "fast-check";
import type { Estate } from "../../provider/model/estate";
import {
  Config,
  OBJECT_TYPES,
  type Condition,
  type DataSource,
  type Platform,
  type Policy,
  type Restriction,
  type User,
} from "../../provider/model/schema";
import { ADAPTERS } from "../../provider/platforms";
import type { PlatformAdapter } from "../../provider/platforms/types";

/** The instant property tests evaluate at. */
export const NOW = Date.parse("2026-06-01T00:00:00Z");
const GROUPS = ["g0", "g1", "g2", "g3"];
const TAGS = ["t0", "t1", "t2", "t3"];
const DEPTS = ["a", "b", "c"];
const IDENTITY_KEYS = ["snowflake", "databricks", "identityCenter", "iamRole", "trino", "redshift", "synapse", "bigquery"] as const;

const platforms = () => Object.keys(ADAPTERS) as Platform[];

/** An instant within a year either side of NOW, as ISO text. */
const instant = fc.integer({ min: -365, max: 365 }).map((d) => new Date(NOW + d * 86_400_000).toISOString());

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...GROUPS).map((group) => ({ group })),
    fc.record({ attribute: fc.constant("dept"), values: fc.subarray(DEPTS, { minLength: 1 }) }),
    fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
    fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((allOf) => ({ allOf })),
  ),
})).c;

function restriction(userIds: string[]): fc.Arbitrary<Restriction> {
  const user = fc.constantFrom(...userIds);
  return fc.oneof(
    fc.constant<Restriction>({ level: "anyone" }),
    condition.map((when): Restriction => ({ level: "conditions", when })),
    fc
      .array(fc.record({ user, expiresAt: fc.option(instant, { nil: undefined }) }), { maxLength: 4 })
      .map((users): Restriction => ({ level: "users", users })),
    fc
      .record({
        approvers: fc.record({
          users: fc.subarray(userIds, { maxLength: Math.min(2, userIds.length) }),
          groups: fc.subarray(GROUPS, { maxLength: 2 }),
        }),
        approvals: fc.array(fc.record({ user, approvedBy: user, approvedAt: instant, expiresAt: fc.option(instant, { nil: undefined }) }), {
          maxLength: 4,
        }),
      })
      .map((r): Restriction => ({
        level: "approval",
        approvers: r.approvers,
        approvals: r.approvals.map(({ expiresAt, ...a }) => (expiresAt ? { ...a, expiresAt } : a)),
      })),
  );
}

function dataSource(i: number): fc.Arbitrary<DataSource> {
  return fc
    .record({
      platform: fc.constantFrom(...platforms()),
      pick: fc.nat(),
      tags: fc.subarray(TAGS),
      share: fc.boolean(),
    })
    .map(({ platform, pick, tags, share }) => {
      const types = OBJECT_TYPES[platform] as readonly string[];
      const objectType = types[pick % types.length]!;
      const id = `ds${i}`;
      const table = { database: "DB", schema: "S", table: `T${i}` };
      const cat = { catalog: "c", schema: "s", table: `t${i}` };
      const base = { id, tags, owners: [], description: "", objectType };
      switch (platform) {
        case "snowflake":
          return { ...base, platform, location: table, incomingShare: share && pick % 5 === 0 } as DataSource;
        case "databricks-unity-catalog":
          return { ...base, platform, location: cat, incomingShare: share && pick % 5 === 0 } as DataSource;
        case "databricks-spark":
        case "trino":
          return { ...base, platform, location: cat } as DataSource;
        case "redshift":
        case "synapse":
          return { ...base, platform, location: table } as DataSource;
        case "bigquery":
          // Some external tables are not BigLake: they must grant nothing.
          return {
            ...base,
            platform,
            location: { project: "p", dataset: "d", table: `t${i}`, location: "EU" },
            bigLake: pick % 2 === 0,
          } as DataSource;
        case "s3":
          return { ...base, platform, location: { bucket: `acme-b${i}`, prefix: "x/" }, acknowledgeSharedRole: false } as DataSource;
      }
    });
}

/** A random valid estate: 1-8 users, 1-8 data sources, 0-6 policies. */
export const estateArb: fc.Arbitrary<Estate> = fc
  .record({ nUsers: fc.integer({ min: 1, max: 8 }), nSources: fc.integer({ min: 1, max: 8 }) })
  .chain(({ nUsers, nSources }) => {
    const userIds = Array.from({ length: nUsers }, (_, i) => `u${i}`);
    const users = fc.tuple(
      ...userIds.map((id) =>
        fc
          .record({
            groups: fc.subarray(GROUPS),
            dept: fc.subarray(DEPTS),
            missing: fc.subarray([...IDENTITY_KEYS], { maxLength: 2 }),
          })
          .map(({ groups, dept, missing }): User => {
            const identities: User["identities"] = {};
            for (const k of IDENTITY_KEYS) {
              if (missing.includes(k)) continue;
              identities[k] =
                k === "iamRole" ? `arn:aws:iam::111111111111:role/${id}` : k === "bigquery" ? `user:${id}@example.com` : id.toUpperCase();
            }
            return { id, groups, attributes: dept.length ? { dept } : {}, identities };
          }),
      ),
    );
    const sources = fc.tuple(...Array.from({ length: nSources }, (_, i) => dataSource(i)));
    const policy = (i: number) =>
      fc
        .record({
          access: fc.constantFrom("read" as const, "write" as const),
          state: fc.constantFrom("active" as const, "active" as const, "staged" as const),
          kind: fc.constantFrom("grant" as const, "grant" as const, "grant" as const, "guardrail" as const),
          restriction: restriction(userIds),
          names: fc.subarray(
            Array.from({ length: nSources }, (_, j) => `ds${j}`),
            { maxLength: Math.min(3, nSources) },
          ),
          anyOf: fc.subarray(TAGS, { maxLength: 2 }),
          allOf: fc.subarray(TAGS, { maxLength: 1 }),
          platforms: fc.option(fc.subarray(platforms(), { minLength: 1 }), { nil: undefined }),
        })
        .map((p): Policy => ({
          name: `p${i}`,
          description: "",
          kind: p.kind,
          access: p.access,
          state: p.state,
          restriction: p.restriction,
          dataSources: {
            names: p.names,
            tags: { anyOf: p.anyOf, allOf: p.allOf },
            ...(p.platforms ? { platforms: p.platforms } : {}),
          },
          acknowledgeSharedRole: false,
          file: `policies/p${i}.yaml`,
        }));
    const policies = fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policy(i))));
    return fc.record({ users, sources, policies }).map(({ users, sources, policies }): Estate => ({
      policies: [...policies],
      inventory: {
        users: [...users],
        groups: GROUPS.map((id) => ({ id, description: "" })),
        dataSources: [...sources],
        sharedRoles: [],
      },
      // What an estate with S3 data sources must state: the Access Grants instance's account and identity store.
      config: Config.parse({ s3: { accountId: "406321587214", identityStoreId: "d-9067a1b2c3" } }),
    }));
  });

// ------------------------------------------------------------------------------------------------
// The oracle: effective access by brute force over every (user, data source, policy).

function admits(c: Condition, u: User): boolean {
  if ("group" in c) return u.groups.includes(c.group);
  if ("attribute" in c) return (u.attributes[c.attribute] ?? []).some((v) => c.values.includes(v));
  if ("anyOf" in c) return c.anyOf.some((x) => admits(x, u));
  return c.allOf.every((x) => admits(x, u));
}

/** Whether a policy's restriction level admits a user at `now`, evaluated directly. */
export function oracleAdmits(p: Policy, u: User, users: User[], now: number): boolean {
  const r = p.restriction;
  if (r.level === "anyone") return true;
  if (r.level === "conditions") return admits(r.when, u);
  if (r.level === "users") return r.users.some((s) => s.user === u.id && (!s.expiresAt || Date.parse(s.expiresAt) > now));
  return r.approvals.some((a) => {
    if (a.user !== u.id) return false;
    const approver = users.find((x) => x.id === a.approvedBy);
    // Only someone in the inventory approves: an approval by a user who has left grants nothing.
    const mayApprove =
      !!approver && (r.approvers.users.includes(a.approvedBy) || approver.groups.some((g) => r.approvers.groups.includes(g)));
    // A self-approval grants nothing unless the policy allows it.
    const notSelf = a.approvedBy !== a.user || !!r.allowSelfApproval;
    return mayApprove && notSelf && Date.parse(a.approvedAt) <= now && (!a.expiresAt || Date.parse(a.expiresAt) > now);
  });
}

/** Whether a policy's selection reaches a data source, evaluated directly. */
export function oracleSelects(p: Policy, d: DataSource): boolean {
  const s = p.dataSources;
  const named = (s.names ?? []).includes(d.id);
  const any = s.tags?.anyOf ?? [];
  const all = s.tags?.allOf ?? [];
  const tagged =
    (any.length > 0 || all.length > 0) && (any.length === 0 || any.some((t) => d.tags.includes(t))) && all.every((t) => d.tags.includes(t));
  return (named || tagged) && (!s.platforms || s.platforms.length === 0 || s.platforms.includes(d.platform));
}

/** One oracle entry: (user, data source) -> privileges and justifying policies. */
export interface OracleEntry {
  privileges: string[];
  policies: string[];
}

/** Effective access by naive per-user expansion; keys are `user\u0000dataSource`. */
export function oracleAccess(estate: Estate, now: number): Map<string, OracleEntry> {
  const out = new Map<string, OracleEntry>();
  const { users, dataSources } = estate.inventory;
  const active = estate.policies.filter((p) => p.state === "active");
  const grants = active.filter((p) => p.kind === "grant");
  const guards = active.filter((p) => p.kind === "guardrail");
  for (const u of users) {
    for (const d of dataSources) {
      const a = ADAPTERS[d.platform] as PlatformAdapter<typeof d.platform>;
      if (!u.identities[a.identityKey(estate.config, d as never)]) continue;
      let privileges: readonly string[] | undefined;
      const policies: string[] = [];
      for (const p of grants) {
        if (!oracleSelects(p, d) || !oracleAdmits(p, u, users, now)) continue;
        const gates = guards.filter((g) => oracleSelects(g, d));
        if (gates.some((g) => g.access === "read" && !oracleAdmits(g, u, users, now))) continue;
        let got = a.privileges(d as never, p.access, estate.config).privileges;
        if (p.access === "write" && gates.some((g) => g.access === "write" && !oracleAdmits(g, u, users, now))) {
          // Downgraded to read: only the read privileges that write's privileges already cover.
          const covered = got.flatMap((x) => a.implied(x));
          got = a.privileges(d as never, "read", estate.config).privileges.filter((x) => a.implied(x).every((y) => covered.includes(y)));
        }
        if (got.length === 0) continue;
        privileges = privileges ? a.merge(privileges, got) : got;
        policies.push(p.name);
      }
      if (privileges) out.set(`${u.id}\u0000${d.id}`, { privileges: [...privileges], policies: policies.sort() });
    }
  }
  return out;
}
