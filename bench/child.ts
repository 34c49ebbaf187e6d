/**
 * The measured process of the benchmark. `bench/run.ts` writes an estate as YAML and starts this
 * script in a fresh process, so that peak RSS is the plan's alone (not the generator's) and every
 * timing is cold, as in a CLI run. It prints one JSON object as its last line.
 *
 *   plan mode:    read + parse the YAML, resolve, plan; then plan the 1%-different head and diff
 *   capture mode: register the real Pulumi components under mocks, whole and sliced per platform
 */
import * as path from "node:path";
import { parseEstate } from "../provider/model/load";
import { readEstateSources } from "../provider/model/read";
import type { Estate } from "../provider/model/estate";
import { buildPlan, planFromResolution } from "../provider/plan/build";
import type { Plan } from "../provider/plan/types";
import { captureResources } from "../provider/pulumi/capture";
import { EMITTERS } from "../provider/pulumi/emitters";
import { FAMILIES } from "../provider/pulumi/stacks";
import { resolve } from "../provider/resolve/resolve";
import { duplicatePrincipalIds, membershipReasons, reportFigures, resourceFigures } from "./measure";

/** What the parent asks for. */
export interface ChildRequest {
  mode: "plan" | "capture";
  /** Directory with `policies/` and `inventory/`. */
  dir: string;
  /** For plan mode: the directory of the 1%-different estate to diff against. */
  headDir?: string;
  now: string;
}

const ms = (t0: number) => performance.now() - t0;

/** The slice of `provider/plan/diff.ts` the bench calls (typed here so a clone without it still compiles). */
type DiffPlans = (
  base: Plan,
  head: Plan,
  ctx?: { sharedRoles?: readonly { arn: string; members: readonly string[] }[] },
) => {
  summary: Record<string, unknown>;
  principals: unknown[];
  estimatedResources: unknown;
};

/** The real diff when the core has it; otherwise undefined and the bench reports the diff as n/a. */
function loadDiff(): DiffPlans | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("../provider/plan/diff") as { diffPlans: DiffPlans }).diffPlans;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}
/** The most access entries built as objects in one measured process (about 200 bytes each). */
const MAX_ENTRY_OBJECTS = 30_000_000;
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

function load(dir: string): { estate: Estate; readMs: number; parseMs: number } {
  let t = performance.now();
  const { sources, issues } = readEstateSources({
    policies: path.join(dir, "policies"),
    inventory: path.join(dir, "inventory"),
    config: path.join(dir, "accessplane.yaml"),
  });
  const readMs = ms(t);
  t = performance.now();
  const res = parseEstate(sources);
  const parseMs = ms(t);
  const errors = [...issues, ...res.issues].filter((i) => i.severity === "error");
  if (!res.estate || errors.length > 0) throw new Error(`generated estate has errors: ${JSON.stringify(errors.slice(0, 5))}`);
  return { estate: res.estate, readMs, parseMs };
}

function plan(estate: Estate, now: string): { plan: Plan; resolveMs: number; planMs: number } {
  let t = performance.now();
  const resolution = resolve(estate, now);
  const resolveMs = ms(t);
  t = performance.now();
  const p = planFromResolution(estate, resolution);
  return { plan: p, resolveMs, planMs: ms(t) };
}

function planMode(req: ChildRequest): Record<string, unknown> {
  const base = load(req.dir);
  const loadRssMiB = rssMiB();
  const planned = plan(base.estate, req.now);
  // At this point the high-water mark covers reading, parsing, resolving and planning one estate: the Pulumi
  // path, which never needs access entries as objects.
  const peakRssMiB = rssMiB();
  const entries = planned.plan.accessCount;
  // Renderers and the diff read `plan.access`: the plan builds those objects on first use. Past
  // MAX_ENTRY_OBJECTS (about 200 bytes each on the heap) they are not built, and the report and the
  // diff, which need them, are not measured: the Pulumi path above never builds them.
  const tooMany = entries > MAX_ENTRY_OBJECTS;
  const t = performance.now();
  const materialised = tooMany ? entries : planned.plan.access.length;
  const materialiseMs = tooMany ? undefined : ms(t);
  const peakRssWithEntriesMiB = tooMany ? undefined : rssMiB();
  if (materialised !== entries) throw new Error(`plan.access has ${materialised} entries but accessCount says ${entries}`);
  const figures = resourceFigures(base.estate, planned.plan);
  const out: Record<string, unknown> = {
    readMs: base.readMs,
    parseMs: base.parseMs,
    resolveMs: planned.resolveMs,
    planMs: planned.planMs,
    materialiseMs,
    peakRssMiB,
    loadRssMiB,
    peakRssWithEntriesMiB,
    entries,
    principals: planned.plan.principals.length,
    cohorts: new Set(planned.plan.principals.map((p) => p.cohort)).size,
    issues: {
      errors: planned.plan.issues.filter((i) => i.severity === "error").length,
      warnings: planned.plan.issues.filter((i) => i.severity === "warning").length,
    },
    duplicatePrincipalIds: duplicatePrincipalIds(planned.plan),
    resources: figures,
    memberships: membershipReasons(base.estate, planned.plan),
  };
  if (tooMany) {
    out.skipped = `${entries} entries: more than ${MAX_ENTRY_OBJECTS} entry objects, so no report, diff or warm run`;
    return out;
  }
  out.report = reportFigures(base.estate, planned.plan);
  if (req.headDir) {
    const head = load(req.headDir);
    const headPlanned = plan(head.estate, req.now);
    const diffPlans = loadDiff();
    if (diffPlans) {
      const t = performance.now();
      const diff = diffPlans(planned.plan, headPlanned.plan, { sharedRoles: head.estate.inventory.sharedRoles });
      out.diffMs = ms(t);
      out.diff = { ...diff.summary, principals: diff.principals.length, estimatedResources: diff.estimatedResources };
    }
    // The head is a second estate of the same size in a warm process: its figures show warm cost.
    out.warm = {
      parseMs: head.parseMs,
      resolveMs: headPlanned.resolveMs,
      planMs: headPlanned.planMs,
      entries: headPlanned.plan.access.length,
    };
  }
  return out;
}

async function captureMode(req: ChildRequest): Promise<Record<string, unknown>> {
  const { estate } = load(req.dir);
  let t = performance.now();
  const p = buildPlan(estate, req.now);
  const planMs = ms(t);
  const custom = (type: string) => !type.startsWith("accessplane:") && !type.startsWith("pulumi:");
  // The first capture loads the Pulumi SDKs (seconds): warm up with an empty slice, untimed.
  t = performance.now();
  await captureResources(estate, req.now, { slice: { platforms: [] } });
  const warmUpMs = ms(t);
  // The capture plans too: subtract a warm plan, measured just before, from its time.
  t = performance.now();
  buildPlan(estate, req.now);
  const warmPlanMs = ms(t);
  t = performance.now();
  const all = await captureResources(estate, req.now);
  const captureMs = ms(t);
  const stacks: Record<string, { resources: number; registered: number; ms: number }> = {};
  // One stack per family, as `accessplane stacks` lays them out: both Databricks platforms share
  // their account groups, so neither deploys alone.
  const families = FAMILIES.filter((f) => f.platforms.some((p) => p in EMITTERS));
  for (const { name, platforms } of families) {
    // Every slice plans the whole estate first; that is not registration, so a warm plan is subtracted.
    const tp = performance.now();
    buildPlan(estate, req.now);
    const warmPlanMs = ms(tp);
    const t1 = performance.now();
    const rs = await captureResources(estate, req.now, { slice: { platforms } });
    stacks[name] = { resources: rs.filter((r) => custom(r.type)).length, registered: rs.length, ms: Math.max(0, ms(t1) - warmPlanMs) };
  }
  return {
    planMs,
    warmPlanMs,
    warmUpMs,
    captureMs,
    registered: all.length,
    custom: all.filter((r) => custom(r.type)).length,
    components: all.filter((r) => r.type.startsWith("accessplane:")).length,
    stacks,
    emitters: Object.keys(EMITTERS),
    families,
    resources: resourceFigures(estate, p),
    peakRssMiB: rssMiB(),
  };
}

async function main() {
  const req = JSON.parse(process.argv[2] ?? "{}") as ChildRequest;
  const out = req.mode === "capture" ? await captureMode(req) : planMode(req);
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
