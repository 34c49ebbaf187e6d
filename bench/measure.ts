/**
 * What the benchmark derives from a plan: entries, the linear resource bound of DESIGN.md per
 * platform, the products some platforms force, and the naive one-grant-per-user count.
 */
import type { Estate } from "../provider/model/estate";
import { PLATFORMS, type DataSource, type Platform } from "../provider/model/schema";
import { ADAPTERS } from "../provider/platforms";
import type { PlatformAdapter } from "../provider/platforms/types";
import type { Plan } from "../provider/plan/types";
import { accessTableOf } from "../provider/plan/access-table";
import { directMembers, qualifyingGroups } from "../provider/plan/synced-groups";
import { isDowngradedKey } from "../provider/resolve/resolve";
import { planContext } from "../provider/plan/filter";
import { reviewCsv } from "../provider/report/csv";
import { reviewHtml } from "../provider/report/html";
import { buildReview, reviewInputs } from "../provider/report/rows";

/** Resource figures of one platform. */
export interface PlatformResources {
  principals: number;
  members: number;
  grants: number;
  parents: number;
  /** The brief's linear bound: per principal 1 + members + object grants + distinct parents. */
  bound: number;
  /** Data sources on the platform: estate-scoped resources per object (views, SqlPermissions) grow with these. */
  objects: number;
  /**
   * DESIGN.md's "users + objects": `bound` plus one resource per data source of the platform, for the
   * per-object resources of view-based and estate-scoped platforms (never a product).
   */
  boundWithObjects: number;
  /** One grant resource per (user, object) reached: what a per-user design would register. */
  naive: number;
  /** `boundWithObjects` with every member a membership of its own (`membership: per-user` everywhere). */
  perUserWithObjects: number;
  /**
   * Grants the platform forces per (member, object): S3 principals granted through IAM roles (one
   * role per user) or to directory users instead of a group; counted as members x grants.
   */
  forcedProduct: number;
}

/** Figures of nothing. */
const zero = (): PlatformResources => ({
  principals: 0,
  members: 0,
  grants: 0,
  parents: 0,
  bound: 0,
  objects: 0,
  boundWithObjects: 0,
  naive: 0,
  perUserWithObjects: 0,
  forcedProduct: 0,
});

/** Counts the linear bound and the naive count per platform from a plan. */
export function resourceFigures(estate: Estate, plan: Plan): Record<Platform, PlatformResources> {
  const out = Object.fromEntries(PLATFORMS.map((p) => [p, zero()])) as Record<Platform, PlatformResources>;
  const sources = new Map<string, DataSource>(estate.inventory.dataSources.map((d) => [d.id, d]));
  const { config } = estate;
  for (const pr of plan.principals) {
    const f = out[pr.platform];
    const parents = new Set(pr.grants.flatMap((g) => g.parents.map((x) => `${x.kind}|${x.object}`)));
    // Memberships: one per member of its own and one per synced group (its members need none).
    const members = directMembers(pr).length + (pr.groups?.length ?? 0);
    f.principals++;
    f.members += members;
    f.grants += pr.grants.length;
    f.parents += parents.size;
    f.bound += 1 + members + pr.grants.length + parents.size;
    f.perUserWithObjects += 1 + pr.members.length + pr.grants.length + parents.size;
    // A grantee per user instead of per principal: the grant count multiplies by the members. A
    // synced S3 directory group is a grantee of its own on every object (groups do not nest there).
    const first = pr.grants[0] && sources.get(pr.grants[0].dataSource);
    if (first && perUserGrantee(first, config)) f.forcedProduct += directMembers(pr).length * pr.grants.length;
    if (first?.platform === "s3") f.forcedProduct += (pr.groups?.length ?? 0) * pr.grants.length;
  }
  // Per (user, data source): counted over the access table's columns when the plan has one, so an
  // estate too large for one object per entry is counted too.
  const table = accessTableOf(plan);
  if (table) {
    const { d } = table.columns();
    const ds = table.dataSources;
    for (let i = 0; i < table.length; i++) out[ds[d[i]!]!.platform].naive++;
  } else for (const e of plan.access) out[e.platform].naive++;
  for (const d of estate.inventory.dataSources) out[d.platform].objects++;
  for (const f of Object.values(out)) {
    f.boundWithObjects = f.bound + f.objects;
    f.perUserWithObjects += f.objects;
  }
  return out;
}

/**
 * True when the platform grants to each member rather than to the principal: S3 Access Grants to IAM
 * roles (one per user), or to Identity Center users when the estate is configured that way.
 */
function perUserGrantee(ds: DataSource, config: Estate["config"]): boolean {
  if (ds.platform !== "s3") return false;
  const key = (ADAPTERS.s3 as PlatformAdapter<"s3">).identityKey(config, ds);
  return key === "iamRole" || config.s3.identityCenterGrantee === "user";
}

/** Principal ids that occur more than once in a plan (they must be unique: they key resources). */
export function duplicatePrincipalIds(plan: Plan): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const p of plan.principals) (seen.has(p.id) ? dup : seen).add(p.id);
  return [...dup].sort();
}

/** Sums the figures over platforms. */
export function totals(f: Record<Platform, PlatformResources>): PlatformResources {
  const t = zero();
  for (const p of Object.values(f)) for (const k of Object.keys(t) as (keyof PlatformResources)[]) t[k] += p[k];
  return t;
}

/**
 * `accessplane report` for one owner (the owner of the first data source), from the plan: the
 * review rows, the HTML page and the CSV. Git history is not read (the estate is not a repository).
 */
export function reportFigures(estate: Estate, p: Plan): Record<string, unknown> {
  const owner = estate.inventory.dataSources.find((d) => d.owners.length > 0)?.owners[0];
  if (owner === undefined) return { owner: null };
  const t = performance.now();
  const review = buildReview({ plan: p, ctx: planContext(estate), ...reviewInputs(estate), owner });
  const html = reviewHtml(review);
  const csv = reviewCsv(review);
  return {
    owner,
    ms: performance.now() - t,
    dataSources: review.dataSources.length,
    rows: review.rows.length,
    htmlBytes: Buffer.byteLength(html),
    csvBytes: Buffer.byteLength(csv),
  };
}

/**
 * Why the members of the plan's principals who keep a membership of their own are not reached
 * through a synced group: what bounds the saving of synced groups on an estate.
 */
export function membershipReasons(estate: Estate, plan: Plan): Record<string, number> {
  const policies = new Map(estate.policies.map((p) => [p.name, p]));
  const out: Record<string, number> = { "through a synced group": 0 };
  const add = (k: string, n: number) => (out[k] = (out[k] ?? 0) + n);
  for (const p of plan.principals) {
    const direct = directMembers(p).length;
    add("through a synced group", p.members.length - direct);
    if (direct === 0) continue;
    const r = policies.get(p.policy)?.restriction;
    const downgraded = isDowngradedKey(p.cohort);
    const q = qualifyingGroups({ policy: p.policy, guardrails: p.guardrails, downgraded }, policies);
    const why =
      q === "any"
        ? "anyone, in no group of the cover"
        : downgraded
          ? "downgraded by a write guardrail"
          : r?.level === "approval"
            ? "approval"
            : r?.level === "users"
              ? "named users"
              : q.length === 0
                ? p.guardrails.length > 0
                  ? "cohort narrowed by a guardrail no group satisfies with it"
                  : "condition no group alone satisfies"
                : "in no qualifying group, or the group is not usable here";
    add(why, direct);
  }
  return out;
}
