/**
 * `npm run bench`: plans a synthetic estate of 10,000 users, 50,000 data sources and 500 policies,
 * prints a readable table with PASS/FAIL per target, and ends with one JSON line.
 *
 *   npm run bench                         headline size, targets, resources, mocks, stacks
 *   npm run bench -- --scaling            the same figures at 1x, 4x and 16x the base size
 *   npm run bench -- --scaling-headline   the same figures at 1x and 4x the headline (16x, 64x the base)
 *   npm run bench -- --scaling-headline --growth organisation
 *                                         the same, growing teams and data products rather than audiences
 *   npm run bench -- --scale 4            one run at 4x the base size (quick look)
 *   npm run bench -- --seed 7             another estate of the same shape
 *   npm run bench -- --capture-scale 4    register under mocks at 4x the base (default 1x)
 *   npm run bench -- --profile            also write CPU profiles of the measured processes to .tmp/bench-profiles
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Platform } from "../provider/model/schema";
import type { ChildRequest } from "./child";
import { BASE, HEADLINE, NOW, describeEstate, generateEstate, type Growth, perturb, scale, toSources, type Sizes } from "./generate";
import { totals, type PlatformResources } from "./measure";

interface Args {
  scaling: boolean;
  /** The multiples of the base `--scaling` measures. */
  scales: number[];
  profile: boolean;
  scale: number | undefined;
  seed: number;
  captureScale: number;
  /** How estates larger than the headline grow (see `Growth` in bench/generate.ts). */
  growth: Growth;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { scaling: false, scales: [1, 4, 16], profile: false, scale: undefined, seed: 1, captureScale: 1, growth: "audiences" };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${k} needs a positive number`);
      return v;
    };
    if (k === "--scaling") a.scaling = true;
    else if (k === "--scaling-headline") Object.assign(a, { scaling: true, scales: [16, 64] });
    else if (k === "--profile") a.profile = true;
    else if (k === "--scale") a.scale = num();
    else if (k === "--seed") a.seed = num();
    else if (k === "--capture-scale") a.captureScale = num();
    else if (k === "--growth") {
      const g = argv[++i];
      if (g !== "audiences" && g !== "organisation")
        throw new Error(`--growth needs \`audiences\` or \`organisation\`, got \`${String(g)}\``);
      a.growth = g;
    } else throw new Error(`unknown option \`${k}\`; see bench/run.ts for the options`);
  }
  return a;
}

/** Writes an estate's YAML files under `dir`. */
function writeEstate(dir: string, sources: ReturnType<typeof toSources>): number {
  let bytes = 0;
  for (const f of [...sources.policies, ...sources.inventory, ...(sources.config ? [sources.config] : [])]) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.content);
    bytes += Buffer.byteLength(f.content);
  }
  return bytes;
}

/** Where `--profile` writes `.cpuprofile` files (open them in Chrome DevTools or speedscope). */
const PROFILE_DIR = path.join(__dirname, "..", ".tmp", "bench-profiles");
let profiling = false;

/** Runs bench/child.ts in a fresh node process and returns its JSON. */
function child(req: ChildRequest): Record<string, unknown> {
  const prof = profiling ? ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR] : [];
  // A heap large enough for 4x the headline (every access entry as an object is measured too).
  const heap = ["--max-old-space-size=16384"];
  const out = execFileSync(process.execPath, [...heap, ...prof, "-r", "tsx/cjs", path.join(__dirname, "child.ts"), JSON.stringify(req)], {
    cwd: path.join(__dirname, ".."),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const last = out.trim().split("\n").pop()!;
  return JSON.parse(last) as Record<string, unknown>;
}

interface PlanFigures {
  readMs: number;
  parseMs: number;
  resolveMs: number;
  planMs: number;
  materialiseMs: number;
  peakRssMiB: number;
  loadRssMiB: number;
  peakRssWithEntriesMiB: number;
  entries: number;
  principals: number;
  cohorts: number;
  issues: { errors: number; warnings: number };
  duplicatePrincipalIds: string[];
  resources: Record<Platform, PlatformResources>;
  /** Memberships by how they are made: through a synced group, or why not. */
  memberships: Record<string, number>;
  diffMs?: number;
  diff?: Record<string, unknown>;
  warm?: { parseMs: number; resolveMs: number; planMs: number; entries: number };
  /** Why the entry objects, the report and the diff were not measured (an estate too large for them). */
  skipped?: string;
  report?: { owner: string | null; ms?: number; dataSources?: number; rows?: number; htmlBytes?: number; csvBytes?: number };
}

interface CaptureFigures {
  planMs: number;
  warmPlanMs: number;
  captureMs: number;
  registered: number;
  custom: number;
  components: number;
  stacks: Record<string, { resources: number; registered: number; ms: number }>;
  emitters: Platform[];
  /** The stack families registered (one stack each), with their platforms. */
  families: { name: string; platforms: Platform[] }[];
  resources: Record<Platform, PlatformResources>;
  peakRssMiB: number;
}

/** Generates, writes and measures one size; `diff` also plans a 1%-different head. */
function measure(
  sizes: Sizes,
  seed: number,
  tmp: string,
  diff: boolean,
  growth: Growth = "audiences",
): { plan: PlanFigures; yamlBytes: number; mix: Record<string, number> } {
  const estate = generateEstate(sizes, seed, growth);
  const dir = path.join(tmp, `estate-${sizes.users}`);
  const yamlBytes = writeEstate(dir, toSources(estate));
  let headDir: string | undefined;
  if (diff) {
    headDir = path.join(tmp, `head-${sizes.users}`);
    writeEstate(headDir, toSources(perturb(estate, 0.01, seed + 1)));
  }
  const mix = describeEstate(estate);
  const plan = child({ mode: "plan", dir, ...(headDir ? { headDir } : {}), now: NOW }) as unknown as PlanFigures;
  return { plan, yamlBytes, mix };
}

function captureAt(sizes: Sizes, seed: number, tmp: string): CaptureFigures {
  const dir = path.join(tmp, `capture-${sizes.users}`);
  writeEstate(dir, toSources(generateEstate(sizes, seed)));
  return child({ mode: "capture", dir, now: NOW }) as unknown as CaptureFigures;
}

// ---------------------------------------------------------------------------------------------
// Output

/** Milliseconds as text; n/a for a figure that was not measured. */
const fmtMs = (v: number | null | undefined) =>
  typeof v !== "number" || Number.isNaN(v) ? "n/a" : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
const fmtN = (v: number) => Math.round(v).toLocaleString("en-US");
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

interface Target {
  name: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean;
  /** value / limit (above 1 fails for "at most" targets, below 1 fails for "at least"). */
  ratio: number;
}

const atMost = (name: string, value: number, limit: number, unit: string): Target => ({
  name,
  value: round(value, 2),
  unit,
  target: `<= ${limit} ${unit}`,
  pass: value <= limit,
  ratio: round(value / limit, 2),
});
const atLeast = (name: string, value: number, limit: number, unit: string): Target => ({
  name,
  value: Math.round(value),
  unit,
  target: `>= ${fmtN(limit)} ${unit}`,
  pass: value >= limit,
  ratio: round(value / limit, 2),
});

function headline(args: Args, tmp: string): Record<string, unknown> {
  const sizes = args.scale ? scale(BASE, args.scale) : HEADLINE;
  const t0 = performance.now();
  const { plan: f, yamlBytes, mix } = measure(sizes, args.seed, tmp, true);
  const captureSizes = scale(BASE, args.captureScale);
  const cap = captureAt(captureSizes, args.seed, tmp);
  const benchMs = performance.now() - t0;

  const planNoLoad = f.resolveMs + f.planMs;
  const planWithLoad = f.parseMs + planNoLoad;
  const entriesPerSecond = f.entries / (planNoLoad / 1000);
  const tot = totals(f.resources);
  const capTot = totals(cap.resources);
  // Mock registration: the capture also plans; that time is not registration.
  const registrationMs = Math.max(0, cap.captureMs - cap.warmPlanMs);
  const registrationMsPerResource = registrationMs / cap.registered;
  // Per stack family: a family's bound is the sum of its platforms' bounds. The linear bound
  // (DESIGN.md: users + objects) counts every membership per user: synced groups lower the bound
  // on platforms that hold members as data of one resource (BigQuery) without lowering what they
  // register, so the target compares with the per-user bound.
  const familyBound = (platforms: Platform[]) => ({
    bound: platforms.reduce((a, p) => a + cap.resources[p].bound, 0),
    perUserWithObjects: platforms.reduce((a, p) => a + cap.resources[p].perUserWithObjects, 0),
  });
  const realVsBound = Object.fromEntries(
    cap.families.map(({ name, platforms }) => {
      const real = cap.stacks[name]?.resources ?? 0;
      const r = familyBound(platforms);
      return [
        name,
        {
          real,
          bound: r.bound,
          perUserWithObjects: r.perUserWithObjects,
          ratio: round(real / Math.max(1, r.bound), 3),
          ratioWithObjects: round(real / Math.max(1, r.perUserWithObjects), 3),
        },
      ];
    }),
  ) as Record<string, { real: number; bound: number; perUserWithObjects: number; ratio: number; ratioWithObjects: number }>;
  const emitted = cap.families.map((f) => f.name);
  const realSum = emitted.reduce((a, p) => a + (cap.stacks[p]?.resources ?? 0), 0);
  const boundSum = cap.families.reduce((a, f) => a + familyBound(f.platforms).bound, 0);
  const worstRatio = Math.max(...Object.values(realVsBound).map((r) => r.ratioWithObjects));
  const worstPlatform = Object.entries(realVsBound).sort((a, b) => b[1].ratioWithObjects - a[1].ratioWithObjects)[0]?.[0] ?? "-";

  const targets: Target[] = [
    atMost("plan without loading (resolve + plan)", planNoLoad / 1000, 1, "s"),
    atMost("load (parse + validate) of pulled YAML", f.parseMs / 1000, 1.5, "s"),
    atMost("plan with loading (parse + resolve + plan)", planWithLoad / 1000, 2.5, "s"),
    atMost("peak RSS of the plan process (Pulumi path)", f.peakRssMiB, 1024, "MiB"),
    atLeast("resolve + privilege mapping", entriesPerSecond, 3_000_000, "entries/s"),
    atMost("diff alone of two estates 1% apart", (f.diffMs ?? NaN) / 1000, 0.3, "s"),
    atMost(`resources / (per-user bound + objects), worst: ${worstPlatform}`, worstRatio, 1.1, "x"),
    atMost("mock registration per resource", registrationMsPerResource, 2, "ms"),
    atMost("report for one owner, from the plan (rows + HTML + CSV)", (f.report?.ms ?? NaN) / 1000, 2, "s"),
    atMost("resources with synced groups / with every membership per user", tot.boundWithObjects / tot.perUserWithObjects, 0.25, "x"),
  ];

  const out: string[] = [];
  out.push(
    `accessplane bench: ${fmtN(sizes.users)} users, ${fmtN(sizes.dataSources)} data sources, ${fmtN(sizes.policies)} policies (seed ${args.seed}, now ${NOW})`,
  );
  out.push(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} at the end (other processes inflate every time below)`,
  );
  out.push(
    `policies: ${Object.entries(mix)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}; YAML ${round(yamlBytes / 1024 / 1024)} MiB`,
  );
  out.push("");
  out.push(
    table(
      [
        ["read YAML files", fmtMs(f.readMs)],
        ["parse + validate (load)", fmtMs(f.parseMs)],
        ["resolve", fmtMs(f.resolveMs)],
        ["plan (privilege mapping)", fmtMs(f.planMs)],
        ["access entries as objects (renderers, diff)", fmtMs(f.materialiseMs)],
        ["plan without loading", fmtMs(planNoLoad)],
        ["plan with loading", fmtMs(planWithLoad)],
        ...(f.warm ? [["warm process: resolve + plan (1% head)", fmtMs(f.warm.resolveMs + f.warm.planMs)]] : []),
        ["peak RSS (plan process)", `${fmtN(f.peakRssMiB)} MiB`],
        ["  of which reached while loading", `${fmtN(f.loadRssMiB)} MiB`],
        ["  with access entries as objects", `${fmtN(f.peakRssWithEntriesMiB)} MiB`],
        ["effective access entries", fmtN(f.entries)],
        ["entries per second", fmtN(entriesPerSecond)],
        ["cohorts / principals", `${fmtN(f.cohorts)} / ${fmtN(f.principals)}`],
        ["plan issues (errors / warnings)", `${f.issues.errors} / ${f.issues.warnings}`],
        ["diff (diffPlans, 1% apart)", f.diffMs !== undefined ? fmtMs(f.diffMs) : "n/a"],
        [
          "report for one owner (rows + HTML + CSV)",
          f.report?.ms !== undefined
            ? `${fmtMs(f.report.ms)}: ${f.report.owner}, ${fmtN(f.report.dataSources ?? 0)} data sources, ${fmtN(f.report.rows ?? 0)} rows, HTML ${round((f.report.htmlBytes ?? 0) / 1024 / 1024)} MiB`
            : "n/a",
        ],
        [
          "diff: gained / changed / lost",
          f.diff ? `${fmtN(f.diff.gained as number)} / ${fmtN(f.diff.changed as number)} / ${fmtN(f.diff.lost as number)}` : "n/a",
        ],
      ],
      ["measure", "value"],
    ),
  );
  out.push("");
  const why = Object.entries(f.memberships).sort((a, b) => b[1] - a[1]);
  out.push(
    `members of principals: ${why.map(([k, n]) => `${fmtN(n)} ${k}`).join(", ")} (every group is synced in this estate; a member keeps a membership of their own unless a synced group reaches them exactly)`,
  );
  out.push("");
  out.push(
    "Pulumi resources per platform (bound = per principal 1 + memberships + grants + distinct parents, a membership per member of its own and per synced group; + objects = DESIGN.md's users + objects):",
  );
  const platforms = Object.keys(f.resources) as Platform[];
  out.push(
    table(
      [
        ...platforms.map((p) => {
          const r = f.resources[p];
          return [
            p,
            fmtN(r.principals),
            fmtN(r.members),
            fmtN(r.grants),
            fmtN(r.parents),
            fmtN(r.bound),
            fmtN(r.objects),
            fmtN(r.boundWithObjects),
            fmtN(r.perUserWithObjects),
            fmtN(r.naive),
            r.forcedProduct ? fmtN(r.forcedProduct) : "-",
          ];
        }),
        [
          "total",
          fmtN(tot.principals),
          fmtN(tot.members),
          fmtN(tot.grants),
          fmtN(tot.parents),
          fmtN(tot.bound),
          fmtN(tot.objects),
          fmtN(tot.boundWithObjects),
          fmtN(tot.perUserWithObjects),
          fmtN(tot.naive),
          fmtN(tot.forcedProduct),
        ],
      ],
      [
        "platform",
        "principals",
        "memberships",
        "grants",
        "parents",
        "bound",
        "objects",
        "bound + objects",
        "per user + objects",
        "naive (user x object)",
        "forced product",
      ],
    ),
  );
  out.push(`users x data sources: ${fmtN(sizes.users * sizes.dataSources)}`);
  if (f.duplicatePrincipalIds.length > 0)
    out.push(`WARNING: ${f.duplicatePrincipalIds.length} principal ids occur twice in the plan (e.g. \`${f.duplicatePrincipalIds[0]}\`)`);
  out.push("");
  out.push(
    `Under Pulumi mocks at ${fmtN(captureSizes.users)} users / ${fmtN(captureSizes.dataSources)} data sources / ${captureSizes.policies} policies (one stack per family: both Databricks platforms together):`,
  );
  out.push(
    table(
      emitted.map((p) => {
        const r = realVsBound[p]!;
        const st = cap.stacks[p]!;
        return [
          p,
          fmtN(r.real),
          fmtN(r.bound),
          `${r.ratio}x`,
          fmtN(r.perUserWithObjects),
          `${r.ratioWithObjects}x`,
          `${round(st.ms / Math.max(1, st.registered), 2)} ms`,
        ];
      }),
      ["stack", "registered", "bound", "ratio", "per user + objects", "ratio", "per resource"],
    ),
  );
  const missing = platforms.filter((p) => !cap.families.some((f) => f.platforms.includes(p)));
  if (missing.length) out.push(`no emitter yet (not registered): ${missing.join(", ")}`);
  out.push(
    `registration: ${fmtN(cap.registered)} resources (${fmtN(cap.components)} components) in ${fmtMs(registrationMs)} = ${round(registrationMsPerResource, 3)} ms per resource`,
  );
  out.push("");
  out.push(
    table(
      targets.map((t) => [t.name, `${t.value} ${t.unit}`, t.target, t.pass ? "PASS" : "FAIL", `${t.ratio}x`]),
      ["target", "measured", "target", "result", "of limit"],
    ),
  );
  out.push("");
  out.push(`bench took ${fmtMs(benchMs)}`);
  console.log(out.join("\n"));

  return {
    sizes,
    seed: args.seed,
    now: NOW,
    policyMix: mix,
    machine: { cores: os.cpus().length, loadAverage: os.loadavg().map((x) => round(x, 2)), node: process.version },
    yamlBytes,
    loadMs: round(f.parseMs),
    readMs: round(f.readMs),
    resolveMs: round(f.resolveMs),
    planMs: round(f.planMs),
    materialiseMs: round(f.materialiseMs),
    planWithoutLoadingMs: round(planNoLoad),
    planWithLoadingMs: round(planWithLoad),
    warm: f.warm,
    peakRssMiB: round(f.peakRssMiB),
    loadRssMiB: round(f.loadRssMiB),
    peakRssWithEntriesMiB: round(f.peakRssWithEntriesMiB),
    entries: f.entries,
    entriesPerSecond: Math.round(entriesPerSecond),
    cohorts: f.cohorts,
    principals: f.principals,
    planIssues: f.issues,
    duplicatePrincipalIds: f.duplicatePrincipalIds.length,
    resources: { perPlatform: f.resources, total: tot },
    memberships: f.memberships,
    naiveResources: tot.naive,
    usersTimesDataSources: sizes.users * sizes.dataSources,
    diffMs: f.diffMs !== undefined ? round(f.diffMs) : null,
    report: f.report ?? null,
    diff: f.diff,
    mocks: {
      sizes: captureSizes,
      registered: cap.registered,
      components: cap.components,
      registrationMs: round(registrationMs),
      msPerResource: round(registrationMsPerResource, 4),
      realVsBound,
      real: realSum,
      bound: boundSum,
      boundAllPlatforms: capTot.bound,
      emitters: emitted,
    },
    stacks: {
      /** Per-platform stacks at the measured size: bound + objects of each platform (registered counts are at the mock size). */
      boundPerPlatform: Object.fromEntries(platforms.map((p) => [p, f.resources[p].boundWithObjects])),
      registeredPerPlatformAtMockSize: cap.stacks,
    },
    targets,
    benchMs: Math.round(benchMs),
  };
}

function scaling(args: Args, tmp: string): Record<string, unknown> {
  const rows: Record<string, unknown>[] = [];
  for (const k of args.scales) {
    const sizes = scale(BASE, k);
    const { plan: f } = measure(sizes, args.seed, tmp, true, args.growth);
    const tot = totals(f.resources);
    rows.push({
      scale: k,
      sizes,
      loadMs: round(f.parseMs),
      resolveMs: round(f.resolveMs),
      planMs: round(f.planMs),
      planWithoutLoadingMs: round(f.resolveMs + f.planMs),
      planWithLoadingMs: round(f.parseMs + f.resolveMs + f.planMs),
      peakRssMiB: round(f.peakRssMiB),
      entries: f.entries,
      entriesPerSecond: Math.round(f.entries / ((f.resolveMs + f.planMs) / 1000)),
      principals: f.principals,
      resourcesBound: tot.bound,
      resourcesBoundWithObjects: tot.boundWithObjects,
      naiveResources: tot.naive,
      diffMs: f.diffMs !== undefined ? round(f.diffMs) : null,
      report: f.report ?? null,
      skipped: f.skipped ?? null,
    });
    fs.rmSync(path.join(tmp, `estate-${sizes.users}`), { recursive: true, force: true });
    fs.rmSync(path.join(tmp, `head-${sizes.users}`), { recursive: true, force: true });
  }
  const r = (x: Record<string, unknown>, k: string) => x[k] as number;
  console.log(
    `accessplane bench --scaling (base ${fmtN(BASE.users)} users / ${fmtN(BASE.dataSources)} data sources / ${BASE.policies} policies, seed ${args.seed}, growth ${args.growth})\n`,
  );
  console.log(
    table(
      rows.map((x) => {
        const s = x.sizes as Sizes;
        return [
          `${r(x, "scale")}x`,
          fmtN(s.users),
          fmtN(s.dataSources),
          fmtN(s.policies),
          fmtMs(r(x, "loadMs")),
          fmtMs(r(x, "resolveMs")),
          fmtMs(r(x, "planMs")),
          fmtN(r(x, "peakRssMiB")),
          fmtN(r(x, "entries")),
          fmtN(r(x, "entriesPerSecond")),
          fmtN(r(x, "resourcesBound")),
          fmtN(r(x, "resourcesBoundWithObjects")),
          fmtN(r(x, "naiveResources")),
          fmtMs(r(x, "diffMs")),
        ];
      }),
      [
        "scale",
        "users",
        "sources",
        "policies",
        "load",
        "resolve",
        "plan",
        "RSS MiB",
        "entries",
        "entries/s",
        "bound",
        "bound + objects",
        "naive",
        "diff",
      ],
    ),
  );
  for (const x of rows) if (x.skipped) console.log(`${r(x, "scale")}x: ${String(x.skipped)}`);
  console.log(
    `\nmachine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  return {
    scaling: rows,
    seed: args.seed,
    growth: args.growth,
    now: NOW,
    machine: { cores: os.cpus().length, loadAverage: os.loadavg().map((x) => round(x, 2)), node: process.version },
  };
}

/**
 * The `inventory pull` and `audit` benches (bench/pull.ts, bench/audit.ts), each in its own process
 * after the headline so that neither's heap or peak RSS counts in the other's: their lines are
 * printed, and their results join this one's under `pull` and `audit`.
 */
function sourceBenches(): { pull: unknown; audit: unknown } {
  const run = (file: string) => {
    const out = execFileSync(process.execPath, ["--expose-gc", "-r", "tsx/cjs", path.join(__dirname, file)], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = out.trimEnd().split("\n");
    console.log(`\n${file}:\n${lines.slice(0, -1).join("\n")}`);
    return JSON.parse(lines[lines.length - 1]!) as unknown;
  };
  return { pull: run("pull.ts"), audit: run("audit.ts") };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  profiling = args.profile;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-bench-"));
  try {
    const result = args.scaling ? scaling(args, tmp) : { ...headline(args, tmp), ...sourceBenches() };
    if (args.profile) console.log(`CPU profiles (timings include profiling overhead): ${path.relative(process.cwd(), PROFILE_DIR)}`);
    // The last line of stdout is the machine-readable result.
    console.log(JSON.stringify(result));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
