/**
 * A seeded synthetic estate generator for the benchmark: users with groups, attributes and
 * identities; data sources over every platform and object type; policies of every restriction level.
 *
 * Every fraction below is of the estate's own size, so an estate 16 times larger has the same shape
 * (a policy reaches the same share of users and data sources). Output is a function of the sizes and
 * the seed only: the same call always yields the same estate, byte for byte once serialised.
 */
import { stringify } from "yaml";
import type { Estate, EstateSources, SourceFile } from "../provider/model/estate";
import {
  Config,
  OBJECT_TYPES,
  PLATFORMS,
  type Approval,
  type Condition,
  type DataSource,
  type DataSourceSelection,
  type Group,
  type Platform,
  type Policy,
  type Restriction,
  type User,
} from "../provider/model/schema";

/** How many users, data sources and policies to generate. */
export interface Sizes {
  users: number;
  dataSources: number;
  policies: number;
}

/** The headline size of the performance targets. */
export const HEADLINE: Sizes = { users: 10_000, dataSources: 50_000, policies: 500 };
/** The base of the scaling table: 16 times this is the headline size. */
export const BASE: Sizes = { users: 625, dataSources: 3_125, policies: 31 };

/** The instant every benchmark plan is computed at. */
export const NOW = "2026-06-01T00:00:00Z";
const NOW_MS = Date.parse(NOW);
const DAY = 86_400_000;

/**
 * How an estate larger than the headline grows. `audiences` (the default) keeps the headline's
 * vocabulary: 10 teams per department, 1,000 product tags, named users and approvals as a share of
 * users, so each policy's audience grows with the users and its selection with the data sources
 * (4x the headline has about 56x its entries). `organisation` grows the vocabulary instead, as a
 * larger company has more teams and data products of the same size: teams per department with the
 * users, product tags and the open tags' sources with the data sources, and named users and
 * approvals as many as at the headline; audiences by department, region or level still grow with
 * the users. Up to the headline size both give the same estate.
 */
export type Growth = "audiences" | "organisation";

/** The vocabulary an estate is drawn from (see `Growth`). */
interface Shape {
  teamsPerDepartment: number;
  productTags: number;
  openTagShare: number;
  /** Multiplies the shares of `SELECTIVITY.namedUsers` and `.approvals`. */
  userShare: number;
}

function shapeOf(sizes: Sizes, growth: Growth): Shape {
  const u = growth === "organisation" ? Math.max(1, sizes.users / HEADLINE.users) : 1;
  const d = growth === "organisation" ? Math.max(1, sizes.dataSources / HEADLINE.dataSources) : 1;
  return {
    teamsPerDepartment: Math.round(TEAMS_PER_DEPARTMENT * u),
    productTags: Math.round(PRODUCT_TAGS * d),
    openTagShare: OPEN_TAG_SHARE / d,
    userShare: 1 / u,
  };
}

/** Multiplies every size by `k`. */
export function scale(s: Sizes, k: number): Sizes {
  return { users: s.users * k, dataSources: s.dataSources * k, policies: Math.round(s.policies * k) };
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed always yields the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one PRNG stream. */
class Rng {
  constructor(readonly next: () => number) {}
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** An index drawn with the given weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
  /** `n` distinct items (fewer when `xs` is shorter). */
  sample<T>(xs: readonly T[], n: number): T[] {
    if (n >= xs.length) return [...xs];
    const seen = new Set<number>();
    const out: T[] = [];
    while (out.length < n) {
      const i = Math.floor(this.next() * xs.length);
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(xs[i]!);
    }
    return out;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Departments: the `department` attribute and the domain tag of data sources (5% each). */
export const DEPARTMENTS = [
  "finance",
  "sales",
  "marketing",
  "hr",
  "engineering",
  "operations",
  "legal",
  "risk",
  "product",
  "support",
  "supply-chain",
  "procurement",
  "research",
  "data",
  "security",
  "it",
  "strategy",
  "compliance",
  "treasury",
  "logistics",
] as const;
/** Subjects: the second tag of every data source (2% each). */
export const SUBJECTS = [
  "orders",
  "customers",
  "ledger",
  "invoices",
  "payroll",
  "employees",
  "campaigns",
  "leads",
  "tickets",
  "contracts",
  "shipments",
  "inventory",
  "suppliers",
  "products",
  "prices",
  "forecasts",
  "budgets",
  "claims",
  "payments",
  "refunds",
  "sessions",
  "clicks",
  "events",
  "devices",
  "accounts",
  "transactions",
  "audits",
  "incidents",
  "assets",
  "vendors",
  "returns",
  "reviews",
  "surveys",
  "trainings",
  "benefits",
  "expenses",
  "travel",
  "projects",
  "experiments",
  "models",
  "features",
  "labels",
  "metrics",
  "reports",
  "alerts",
  "logs",
  "policies",
  "controls",
  "risks",
  "positions",
] as const;
const REGIONS = ["emea", "amer", "apac", "latam", "anz"] as const;
const REGION_WEIGHTS = [30, 35, 20, 10, 5];
const LEVELS = ["ic1", "ic2", "ic3", "ic4", "ic5", "manager", "director"] as const;
const LEVEL_WEIGHTS = [10, 20, 25, 20, 10, 12, 3];
const ROLES = ["analyst", "engineer", "scientist", "manager", "contractor", "steward"] as const;
const ROLE_WEIGHTS = [30, 30, 15, 15, 8, 2];
/** Teams: about 0.5% of users each. */
const TEAMS_PER_DEPARTMENT = 10;
/** Product tags: about 0.1% of data sources each; policies select by them. */
export const PRODUCT_TAGS = 1_000;
/** Sensitivity tags; guardrails select by them. */
const SENSITIVITY = ["internal", "confidential", "pii", "restricted"] as const;
const SENSITIVITY_WEIGHTS = [60, 20, 15, 5];
/** Tags of small sets that `anyone` policies reach (about 0.03% of data sources each). */
export const OPEN_TAGS = ["public-reference", "company-metrics"] as const;
const OPEN_TAG_SHARE = 0.0003;

/** Share of data sources per platform (each platform gets at least one of every object type). */
const PLATFORM_WEIGHTS: Record<Platform, number> = {
  snowflake: 25,
  "databricks-unity-catalog": 20,
  "databricks-spark": 5,
  trino: 10,
  redshift: 10,
  synapse: 5,
  bigquery: 15,
  s3: 10,
};
/** The first object type of each platform is the common case (tables); the rest share 40%. */
const FIRST_TYPE_SHARE = 0.6;
/** Objects consumed from an incoming share (Snowflake, Unity Catalog): they take no grants. */
const SHARED_OBJECT_SHARE = 0.01;
/** S3 data sources whose grants go to one IAM role per user (a product the platform forces). */
const S3_IAM_ROLE_SHARE = 0.05;
/** Tables per schema and schemas per database: parents are shared the way real catalogs share them. */
const TABLES_PER_SCHEMA = 50;
const SCHEMAS_PER_DATABASE = 20;
/** AWS accounts that hold the users' IAM roles (4 x 2,500 at the headline size). */
const AWS_ACCOUNTS = 4;
/** Users missing one platform identity (a warning in the plan, as in real directories). */
const MISSING_IDENTITY_SHARE = 0.02;

/** How selective policies are; tuned so the headline estate has low millions of entries. */
export const SELECTIVITY = {
  /** Product tags a tag-selected policy names (each ~0.1% of data sources). */
  productTags: [1, 1] as const,
  /** Named users of a `users` policy, as a share of users. */
  namedUsers: [0.002, 0.008] as const,
  /** Recorded approvals of an `approval` policy, as a share of users. */
  approvals: [0.004, 0.015] as const,
};

/** Restriction mix of grant policies after the two `anyone` policies. */
const LEVEL_MIX = { conditions: 50, approval: 28, users: 22 };
const WRITE_SHARE = 0.3;
const GUARDRAIL_SHARE = 0.03;
const STAGED_SHARE = 0.04;

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const width = (n: number) => Math.max(3, String(n - 1).length);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

// ---------------------------------------------------------------------------------------------
// Users and groups

interface Directory {
  users: User[];
  groups: Group[];
  teams: string[];
  /** Members of the `data-stewards` group (they approve requests). */
  stewards: string[];
}

/** Every platform identity of a user, derived from the id. */
function identitiesOf(id: string, i: number): User["identities"] {
  const email = `${id}@example.com`;
  // IAM roles live in several AWS accounts: one account holds at most 5,000 roles.
  const account = `11111111110${i % AWS_ACCOUNTS}`;
  return {
    snowflake: id.toUpperCase(),
    databricks: email,
    identityCenter: `9067a1b2c3-${id}`,
    iamRole: `arn:aws:iam::${account}:role/${id}`,
    trino: id,
    redshift: id,
    synapse: email,
    bigquery: `user:${email}`,
  };
}

/** Where the identity provider provisions a group, derived from its id. */
function syncedIdentitiesOf(id: string): NonNullable<Group["identities"]> {
  return {
    snowflake: id.toUpperCase().replace(/-/g, "_"),
    databricks: id,
    identityCenter: `9067a1b2c3-group-${id}`,
    trino: id,
    bigquery: `group:${id}@example.com`,
  };
}

function teamName(dept: string, i: number): string {
  return `team-${dept}-${pad(i, 2)}`;
}

function generateUsers(n: number, rng: Rng, shape: Shape): Directory {
  const w = width(n);
  const perDepartment = shape.teamsPerDepartment;
  const teams = DEPARTMENTS.flatMap((d) => Array.from({ length: perDepartment }, (_, i) => teamName(d, i)));
  const users: User[] = [];
  const stewards: string[] = [];
  const identityKeys = ["snowflake", "databricks", "trino", "redshift", "synapse", "bigquery"] as const;
  for (let i = 0; i < n; i++) {
    const id = `u${pad(i, w)}`;
    const email = `${id}@example.com`;
    const dept = rng.pick(DEPARTMENTS);
    const role = ROLES[rng.weighted(ROLE_WEIGHTS)]!;
    const groups = new Set<string>([`role-${role}`, teamName(dept, rng.int(0, perDepartment - 1))]);
    if (rng.chance(0.2)) groups.add(rng.pick(teams));
    if (rng.chance(0.6)) groups.add("pii-cleared");
    // Stewards approve; the first user is always one so that every size has an approver.
    if (role === "steward" || i === 0) {
      groups.add("data-stewards");
      stewards.push(id);
    }
    const identities = identitiesOf(id, i);
    if (i > 0 && rng.chance(MISSING_IDENTITY_SHARE)) delete identities[rng.pick(identityKeys)];
    const attributes: Record<string, string[]> = {
      department: [dept],
      region: [REGIONS[rng.weighted(REGION_WEIGHTS)]!],
      level: [LEVELS[rng.weighted(LEVEL_WEIGHTS)]!],
    };
    users.push({ id, email, groups: [...groups].sort(), attributes, identities });
  }
  const groupIds = [...teams, ...ROLES.map((r) => `role-${r}`), "pii-cleared", "data-stewards"].sort();
  // Every group is provisioned by the identity provider to the platforms that nest groups (SCIM
  // roles, account groups, directory groups, Google groups), as a company's groups usually are.
  const groups: Group[] = groupIds.map((id) => ({ id, description: "", identities: syncedIdentitiesOf(id) }));
  return { users, groups, teams, stewards };
}

// ---------------------------------------------------------------------------------------------
// Data sources

const PLATFORM_PREFIX: Record<Platform, string> = {
  snowflake: "sf",
  "databricks-unity-catalog": "uc",
  "databricks-spark": "spark",
  trino: "trino",
  redshift: "rs",
  synapse: "syn",
  bigquery: "bq",
  s3: "s3",
};

function dataSource(platform: Platform, k: number, objectType: string, tags: string[], rng: Rng): DataSource {
  const s = Math.floor(k / TABLES_PER_SCHEMA);
  const db = `db${pad(Math.floor(s / SCHEMAS_PER_DATABASE), 3)}`;
  const schema = `s${pad(s % SCHEMAS_PER_DATABASE, 2)}`;
  const table = `t${pad(k, 6)}`;
  const id = `${PLATFORM_PREFIX[platform]}.${db}.${schema}.${table}`;
  const base = { id, tags, owners: [] as string[], description: "" };
  const dbLoc = { database: db.toUpperCase(), schema: schema.toUpperCase(), table: table.toUpperCase() };
  const catLoc = { catalog: db, schema, table };
  switch (platform) {
    case "snowflake":
    case "databricks-unity-catalog":
      return {
        ...base,
        platform,
        objectType,
        location: platform === "snowflake" ? dbLoc : catLoc,
        incomingShare: rng.chance(SHARED_OBJECT_SHARE),
      } as DataSource;
    case "databricks-spark":
    case "trino":
      return { ...base, platform, objectType, location: catLoc } as DataSource;
    case "redshift":
    case "synapse":
      return { ...base, platform, objectType, location: dbLoc } as DataSource;
    case "bigquery":
      return {
        ...base,
        platform,
        objectType,
        location: { project: `proj-${db}`, dataset: schema, table, location: "EU" },
        bigLake: true,
      } as DataSource;
    case "s3": {
      const bucket = `bkt-${db}-${schema}`;
      const location =
        objectType === "BUCKET"
          ? { bucket }
          : objectType === "PREFIX"
            ? { bucket, prefix: `${table}/` }
            : { bucket, object: `${table}/part-0000.parquet` };
      const iamRole = rng.chance(S3_IAM_ROLE_SHARE);
      return {
        ...base,
        platform,
        objectType,
        location,
        ...(iamRole ? { principalMode: "iam-role-per-user" as const } : {}),
        acknowledgeSharedRole: false,
      } as DataSource;
    }
  }
}

function generateDataSources(n: number, rng: Rng, shape: Shape): DataSource[] {
  const weights = PLATFORMS.map((p) => PLATFORM_WEIGHTS[p]);
  const counters = new Map<Platform, number>();
  const openEvery = Math.max(1, Math.round(1 / shape.openTagShare));
  const productWidth = Math.max(4, String(shape.productTags - 1).length);
  const out: DataSource[] = [];
  for (let i = 0; i < n; i++) {
    // The first sources cover every (platform, object type), so even tiny estates use them all.
    let platform: Platform;
    let objectType: string;
    const all = PLATFORMS.flatMap((p) => OBJECT_TYPES[p].map((t) => [p, t] as const));
    if (i < all.length) [platform, objectType] = all[i]!;
    else {
      platform = PLATFORMS[rng.weighted(weights)]!;
      const types = OBJECT_TYPES[platform];
      objectType = rng.chance(FIRST_TYPE_SHARE) ? types[0] : types[1 + Math.floor(rng.next() * (types.length - 1))]!;
    }
    const k = counters.get(platform) ?? 0;
    counters.set(platform, k + 1);
    const tags = new Set<string>([
      rng.pick(DEPARTMENTS),
      rng.pick(SUBJECTS),
      `product-${pad(rng.int(0, shape.productTags - 1), productWidth)}`,
      // Every sensitivity tag is carried at least once: guardrails select by them.
      i < SENSITIVITY.length ? SENSITIVITY[i]! : SENSITIVITY[rng.weighted(SENSITIVITY_WEIGHTS)]!,
    ]);
    // Open tags on a small fixed share of sources, at least one each whatever the size.
    OPEN_TAGS.forEach((t, j) => {
      if (i === j || (i > OPEN_TAGS.length && rng.next() < 1 / openEvery)) tags.add(t);
    });
    out.push(dataSource(platform, k, objectType, [...tags].sort(), rng));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Policies

type Level = Restriction["level"];

/** An ABAC condition reaching roughly 1-5% of users, nested the way real conditions are. */
function condition(dir: Directory, rng: Rng): Condition {
  const dept = () => rng.pick(DEPARTMENTS);
  const team = () => rng.pick(dir.teams);
  switch (rng.int(0, 5)) {
    case 0:
      return { anyOf: rng.sample(dir.teams, rng.int(2, 4)).map((group) => ({ group })) };
    case 1:
      return {
        allOf: [
          { attribute: "department", values: [dept()] },
          { attribute: "region", values: rng.sample(REGIONS, 2) },
        ],
      };
    case 2:
      return {
        allOf: [
          { group: `role-${rng.pick(["analyst", "engineer", "scientist"])}` },
          { anyOf: [{ attribute: "department", values: [dept()] }, { group: team() }] },
        ],
      };
    case 3:
      return {
        anyOf: [
          {
            allOf: [
              { attribute: "department", values: [dept()] },
              { attribute: "level", values: ["manager", "director"] },
            ],
          },
          { group: team() },
        ],
      };
    case 4:
      return {
        allOf: [
          { attribute: "department", values: [dept()] },
          { attribute: "level", values: ["ic3", "ic4", "ic5"] },
        ],
      };
    default:
      return {
        anyOf: [
          { group: team() },
          { allOf: [{ group: team() }, { anyOf: [{ attribute: "region", values: ["emea"] }, { group: "pii-cleared" }] }] },
        ],
      };
  }
}

function restriction(level: Level, dir: Directory, rng: Rng, shape: Shape): Restriction {
  const n = dir.users.length * shape.userShare;
  const share = ([lo, hi]: readonly [number, number]) => Math.max(1, Math.round(n * (lo + rng.next() * (hi - lo))));
  switch (level) {
    case "anyone":
      return { level };
    case "conditions":
      return { level, when: condition(dir, rng) };
    case "users":
      return {
        level,
        users: rng
          .sample(dir.users, share(SELECTIVITY.namedUsers))
          .map((u) => {
            const r = rng.next();
            // Some selections end in the future, a few already ended.
            const expiresAt = r < 0.2 ? iso(NOW_MS + rng.int(1, 180) * DAY) : r < 0.3 ? iso(NOW_MS - rng.int(1, 180) * DAY) : undefined;
            return { user: u.id, expiresAt };
          })
          .sort((a, b) => (a.user < b.user ? -1 : 1)),
      };
    case "approval": {
      const named = rng.sample(dir.stewards, Math.min(2, dir.stewards.length));
      const approvals: Approval[] = rng
        .sample(dir.users, share(SELECTIVITY.approvals))
        .map((u) => {
          const approvedAt = NOW_MS - rng.int(1, 400) * DAY;
          const r = rng.next();
          // Nobody approves their own request (self-approval grants nothing): a steward asking is
          // approved by the next steward, without a further draw, so the rest of the estate stays the same.
          const picked = rng.pick(dir.stewards);
          const approvedBy =
            picked === u.id && dir.stewards.length > 1 ? dir.stewards[(dir.stewards.indexOf(picked) + 1) % dir.stewards.length]! : picked;
          const a: Approval = { user: u.id, approvedBy, approvedAt: iso(approvedAt) };
          // 30% expired, 30% expiring later, 40% open-ended.
          if (r < 0.3) a.expiresAt = iso(approvedAt + rng.int(1, Math.max(1, Math.floor((NOW_MS - approvedAt) / DAY) - 1)) * DAY);
          else if (r < 0.6) a.expiresAt = iso(NOW_MS + rng.int(1, 365) * DAY);
          return a;
        })
        .sort((a, b) => (a.user < b.user ? -1 : 1));
      return { level, approvers: { users: named.sort(), groups: ["data-stewards"] }, approvals };
    }
  }
}

interface SourceVocabulary {
  products: string[];
  ids: string[];
  sources: DataSource[];
}

const DEPARTMENT_SET: ReadonlySet<string> = new Set(DEPARTMENTS);
const SUBJECT_SET: ReadonlySet<string> = new Set(SUBJECTS);

/** A (department, subject) pair some data source carries, so a selection by both is never empty. */
function carriedPair(vocab: SourceVocabulary, rng: Rng): [string, string] {
  const d = rng.pick(vocab.sources);
  return [d.tags.find((t) => DEPARTMENT_SET.has(t))!, d.tags.find((t) => SUBJECT_SET.has(t))!];
}

function selection(vocab: SourceVocabulary, rng: Rng): DataSourceSelection {
  const products = () => rng.sample(vocab.products, rng.int(...SELECTIVITY.productTags)).sort();
  const r = rng.next();
  if (r < 0.5) return { tags: { anyOf: products() } };
  if (r < 0.75) return { tags: { allOf: carriedPair(vocab, rng) } };
  if (r < 0.9) return { names: rng.sample(vocab.ids, rng.int(5, 20)).sort(), tags: { anyOf: [rng.pick(vocab.products)] } };
  return { tags: { anyOf: rng.sample(vocab.products, 2).sort() }, platforms: rng.sample(PLATFORMS, rng.int(3, 5)).sort() };
}

function generatePolicies(n: number, dir: Directory, sources: DataSource[], rng: Rng, shape: Shape): Policy[] {
  const used = new Set(sources.flatMap((d) => d.tags));
  const vocab: SourceVocabulary = {
    products: [...used].filter((t) => t.startsWith("product-")).sort(),
    ids: sources.map((d) => d.id),
    sources,
  };
  const nGuard = Math.max(1, Math.round(n * GUARDRAIL_SHARE));
  const nAnyone = Math.min(OPEN_TAGS.length, Math.max(0, n - nGuard));
  const nRest = Math.max(0, n - nGuard - nAnyone);
  const nStaged = Math.max(1, Math.round(n * STAGED_SHARE));
  // Levels of the remaining grants: every level at least once, then in proportion.
  const rest: Level[] = [];
  const mix = Object.entries(LEVEL_MIX) as [Level, number][];
  const total = mix.reduce((a, [, w]) => a + w, 0);
  for (const [level] of mix) if (rest.length < nRest) rest.push(level);
  let acc = 0;
  for (const [level, w] of mix) {
    acc += w;
    while (rest.length < Math.min(nRest, Math.round((nRest * acc) / total))) rest.push(level);
  }
  while (rest.length < nRest) rest.push("conditions");
  rng.shuffle(rest);

  const w = width(n);
  const policies: Policy[] = [];
  const make = (i: number, p: Omit<Policy, "name" | "description" | "acknowledgeSharedRole" | "file">, topic: string) => {
    policies.push({
      name: `${topic}-${p.restriction.level}-${p.access}-${pad(i, w)}`,
      description: "",
      acknowledgeSharedRole: false,
      file: "",
      ...p,
    });
  };
  let i = 0;
  OPEN_TAGS.slice(0, nAnyone).forEach((tag, j) => {
    make(
      i++,
      {
        kind: "grant",
        access: j === 0 ? "read" : "write",
        state: "active",
        restriction: { level: "anyone" },
        dataSources: { tags: { anyOf: [tag] } },
      },
      tag,
    );
  });
  for (let g = 0; g < nGuard; g++) {
    // Read guardrails on sensitive tags; write guardrails on a domain (they downgrade write to read).
    const read = g % 3 !== 2;
    const tag = read ? (g % 2 === 0 ? "pii" : "restricted") : carriedPair(vocab, rng)[0];
    const when: Condition = read
      ? tag === "pii"
        ? { group: "pii-cleared" }
        : { anyOf: [{ group: "pii-cleared" }, { attribute: "level", values: ["manager", "director"] }] }
      : { anyOf: [{ group: "role-engineer" }, { attribute: "department", values: [tag] }] };
    const dataSources: DataSourceSelection =
      g < 2 ? { tags: { anyOf: [tag] } } : { tags: { anyOf: [tag] }, platforms: rng.sample(PLATFORMS, rng.int(1, 3)).sort() };
    make(
      i++,
      { kind: "guardrail", access: read ? "read" : "write", state: "active", restriction: { level: "conditions", when }, dataSources },
      `guard-${tag}`,
    );
  }
  rest.forEach((level, j) => {
    make(
      i++,
      {
        kind: "grant",
        access: rng.chance(WRITE_SHARE) ? "write" : "read",
        state: j < nStaged ? "staged" : "active",
        restriction: restriction(level, dir, rng, shape),
        dataSources: selection(vocab, rng),
      },
      rng.pick(DEPARTMENTS),
    );
  });
  return policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// The estate, its YAML sources and a perturbed copy

/** Items per inventory file, far below the loader's 16 MiB limit per file. */
const ITEMS_PER_FILE = 5_000;
/** Policies per policy file. */
const POLICIES_PER_FILE = 100;

const policyFile = (i: number) => `policies/policies-${pad(Math.floor(i / POLICIES_PER_FILE), 3)}.yaml`;

/**
 * The platform configuration as `accessplane.yaml` writes it: the S3 Access Grants instance's account
 * and identity store; users without an identity on a platform (MISSING_IDENTITY_SHARE) are left out
 * there with a warning, as an estate mid-onboarding would configure it.
 */
const CONFIG_INPUT = {
  identities: { onMissing: "skip" as const },
  s3: { identityStoreId: "d-9067a1b2c3", accountId: "406321587214" },
};

/** Generates an estate: the same sizes, seed and growth always give the same estate. */
export function generateEstate(sizes: Sizes, seed = 1, growth: Growth = "audiences"): Estate {
  const shape = shapeOf(sizes, growth);
  const rng = new Rng(mulberry32(seed));
  const dir = generateUsers(sizes.users, new Rng(mulberry32(seed * 7919 + 1)), shape);
  const dataSources = generateDataSources(sizes.dataSources, new Rng(mulberry32(seed * 7919 + 2)), shape);
  const policies = generatePolicies(sizes.policies, dir, dataSources, rng, shape);
  policies.forEach((p, i) => (p.file = policyFile(i)));
  assignOwners(dataSources, dir.stewards);
  dataSources.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    policies,
    inventory: { users: dir.users, groups: dir.groups, dataSources, sharedRoles: [] },
    config: Config.parse(CONFIG_INPUT),
  };
}

/**
 * Gives each database (the first two segments of a data source id) one owner among the data
 * stewards, without drawing from any random stream: the rest of the estate is unchanged by it.
 */
function assignOwners(dataSources: DataSource[], stewards: readonly string[]): void {
  if (stewards.length === 0) return;
  for (const d of dataSources) {
    const db = d.id.split(".").slice(0, 2).join(".");
    let h = 0;
    for (let i = 0; i < db.length; i++) h = (Math.imul(h, 31) + db.charCodeAt(i)) >>> 0;
    d.owners = [stewards[h % stewards.length]!];
  }
}

/** A policy as a policy file writes it (the restriction level back under `subscribers`). */
function policyInput(p: Policy): Record<string, unknown> {
  const r = p.restriction;
  const subscribers =
    r.level === "anyone"
      ? { anyone: true }
      : r.level === "conditions"
        ? { when: r.when }
        : r.level === "users"
          ? { users: r.users.map((u) => (u.expiresAt ? { user: u.user, expiresAt: u.expiresAt } : u.user)) }
          : { approval: { approvers: r.approvers, approvals: r.approvals } };
  return {
    name: p.name,
    ...(p.kind !== "grant" ? { kind: p.kind } : {}),
    access: p.access,
    ...(p.state !== "active" ? { state: p.state } : {}),
    subscribers,
    dataSources: p.dataSources,
  };
}

/** Drops fields equal to the loader's defaults, as a person writing the file would. */
function compactItem(x: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    if (v === false || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });

/** The estate as YAML files (in memory), split so no file comes near the loader's size limit. */
export function toSources(estate: Estate): EstateSources {
  const chunks = <T>(xs: T[], size: number) =>
    Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
  const inventory: SourceFile[] = [
    { path: "inventory/groups.yaml", content: yaml({ groups: estate.inventory.groups.map((g) => compactItem(g)) }) },
    ...chunks(estate.inventory.users, ITEMS_PER_FILE).map((users, i) => ({
      path: `inventory/users-${pad(i, 3)}.yaml`,
      content: yaml({ users: users.map((u) => compactItem(u)) }),
    })),
    ...chunks(estate.inventory.dataSources, ITEMS_PER_FILE).map((dataSources, i) => ({
      path: `inventory/data-sources-${pad(i, 3)}.yaml`,
      content: yaml({ dataSources: dataSources.map((d) => compactItem(d)) }),
    })),
  ];
  const byFile = new Map<string, Policy[]>();
  for (const p of estate.policies) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const policies: SourceFile[] = [...byFile].map(([path, ps]) => ({ path, content: yaml({ policies: ps.map(policyInput) }) }));
  return { policies, inventory, config: { path: "accessplane.yaml", content: yaml(CONFIG_INPUT) } };
}

/**
 * A copy of `estate` that differs by about `fraction` of each part: users moved to another team,
 * data sources retagged, policies with a changed access type or audience, and a few new users.
 */
export function perturb(estate: Estate, fraction = 0.01, seed = 2): Estate {
  const rng = new Rng(mulberry32(seed));
  const next: Estate = structuredClone(estate);
  const { users, dataSources, groups } = next.inventory;
  const teams = groups.map((g) => g.id).filter((g) => g.startsWith("team-"));
  const count = (n: number) => Math.max(1, Math.round(n * fraction));
  for (const u of rng.sample(users, count(users.length))) {
    const old = u.groups.find((g) => g.startsWith("team-"));
    u.groups = [...new Set([...u.groups.filter((g) => g !== old), rng.pick(teams)])].sort();
  }
  // Retag data sources with another product, never taking a tag from its last carrier (policies name it).
  const carriers = new Map<string, number>();
  for (const d of dataSources) for (const t of d.tags) if (t.startsWith("product-")) carriers.set(t, (carriers.get(t) ?? 0) + 1);
  const products = [...carriers.keys()].sort();
  for (const d of rng.sample(dataSources, count(dataSources.length))) {
    const old = d.tags.find((t) => t.startsWith("product-"));
    if (old === undefined || carriers.get(old)! < 2) continue;
    const next = rng.pick(products);
    carriers.set(old, carriers.get(old)! - 1);
    carriers.set(next, carriers.get(next)! + 1);
    d.tags = [...new Set([...d.tags.filter((t) => t !== old), next])].sort();
  }
  for (const p of rng.sample(
    next.policies.filter((x) => x.kind === "grant"),
    count(next.policies.length),
  )) {
    const r = p.restriction;
    if (r.level === "users") r.users = r.users.slice(0, Math.max(1, r.users.length - 2));
    else if (r.level === "approval") r.approvals = r.approvals.slice(1);
    else p.access = p.access === "read" ? "write" : "read";
  }
  const w = width(users.length);
  const added = count(users.length) / 2;
  for (let i = 0; i < added; i++) {
    const template = users[i]!;
    const id = `v${pad(i, w)}`;
    users.push({ ...structuredClone(template), id, email: `${id}@example.com`, identities: identitiesOf(id, users.length + i) });
  }
  return next;
}

/** The policy mix for the report: grants by restriction level, then staged policies and guardrails. */
export function describeEstate(estate: Estate): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of estate.policies) {
    const k = p.kind === "guardrail" ? "guardrail" : p.state === "staged" ? "staged" : `${p.restriction.level}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
