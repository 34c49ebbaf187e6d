/**
 * `accessplane stacks`: the Pulumi stacks (platform x shard; both Databricks platforms together)
 * that keep every stack under a resource limit, their resource counts, and a GitHub Actions
 * `strategy.matrix` of them; with `--changed --base REF`, only the stacks whose slice of the
 * estate changed since REF.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { hasErrors } from "../../model/issues";
import type { Estate } from "../../model/estate";
import type { Plan } from "../../plan/types";
import type { EstateFlags } from "../../project";
import type { StackCounts } from "../../model/schema";
import * as stacks from "../../pulumi/stacks";
import type { KeyedResource, StackLayout, StackRef, StackSpec } from "../../pulumi/stacks";
import {
  type Context,
  estateOptions,
  formatOption,
  header,
  type Loaded,
  loadOrReport,
  nowOption,
  parseNow,
  planStages,
  type RegisterCommand,
  resolveProject,
  usage,
} from "../context";
import { EXIT } from "../exit";
import { projectRepoPaths, readRevision, revision, revisionLabel, UsageError } from "../sources";

type StacksOpts = EstateFlags & {
  now?: string;
  format: "text" | "json";
  maxResources?: string;
  write?: boolean;
  check?: boolean;
  changed?: boolean;
  base?: string;
};

/** The most resources registered under mocks at once (each holds tens of KB in the SDK). */
const CHUNK = 25_000;

/**
 * Registers every custom resource of an estate under mocks, with its platform and shard key, a
 * chunk at a time: each stack family as shard slices of about `chunk` resources (a family's shards are
 * disjoint and together the family), keeping only the keys and a digest of each resource's inputs.
 * Memory then holds one chunk's registration, whatever the estate's size.
 */
export async function keyed(estate: Estate, plan: Plan, now: Date, chunk = CHUNK): Promise<KeyedResource[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { captureKeyed } = require("../../pulumi/capture") as typeof import("../../pulumi/capture");
  // An upper estimate of each platform's resources: principals, memberships, grants and objects.
  const estimate = new Map<string, number>();
  const add = (platform: string, n: number) => estimate.set(platform, (estimate.get(platform) ?? 0) + n);
  for (const p of plan.principals) add(p.platform, 1 + p.members.length + (p.groups?.length ?? 0) + 2 * p.grants.length);
  for (const d of estate.inventory.dataSources) add(d.platform, 2);
  const out: KeyedResource[] = [];
  // A family at a time (both Databricks platforms together: they share account groups).
  for (const { platforms } of stacks.FAMILIES) {
    const size = platforms.reduce((a, p) => a + (estimate.get(p) ?? 0), 0);
    const count = Math.max(1, Math.ceil(size / chunk));
    for (let index = 0; index < count; index++) {
      const slice = count === 1 ? { platforms } : { platforms, shard: { count, index } };
      const { resources, keys } = await captureKeyed(estate, now, { slice });
      const inputs = new Map(resources.map((r) => [`${r.type}::${r.name}`, digestOf(r.inputs)]));
      for (const k of keys)
        if (k.platform !== undefined && !k.type.startsWith("accessplane:"))
          out.push({
            platform: k.platform,
            key: k.key,
            type: k.type,
            name: k.name,
            digest: inputs.get(`${k.type}::${k.name}`) ?? "",
            ...(k.member !== undefined ? { member: k.member } : {}),
          });
    }
  }
  return out;
}

/** A digest of a resource's inputs: equal inputs, equal digests. */
const digestOf = (inputs: unknown) => createHash("sha256").update(JSON.stringify(inputs)).digest("base64");

/** Registers `stacks`. */
export const stacksCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    prog
      .command("stacks")
      .description(
        "list the Pulumi stacks (platform x shard, Databricks platforms together) that keep every stack under a resource limit, as text or a GitHub Actions matrix",
      )
      .option("--max-resources <n>", "the most resources one stack may hold (default: `stacks.maxResources` of the configuration, 5000)")
      .option("--write", "lay the stacks out afresh and record their counts in the configuration (`stacks.layout`)")
      .addOption(formatOption(["text", "json"]))
      .addOption(nowOption())
      .option("--check", "exit 1 when a stack exceeds --max-resources (one principal or object larger than the limit)")
      .option("--changed", "only the stacks whose resources differ from --base")
      .option("--base <ref|dir>", "with --changed: the estate before (a git ref such as origin/main, or a checkout directory)"),
  ).action(async (o: StacksOpts) => {
    if (o.maxResources !== undefined && !(Number.isInteger(Number(o.maxResources)) && Number(o.maxResources) >= 1))
      usage(`--max-resources must be a positive integer, got \`${o.maxResources}\``);
    if (o.changed && o.base === undefined) usage("--changed needs --base <ref|dir>: the estate to compare with");
    if (o.write && o.changed) usage("--write records a fresh layout of the whole estate: drop --changed");
    const now = parseNow(o.now);
    const p = ctx.progress();
    try {
      const project = resolveProject(o);
      p.step("loading");
      const loaded = loadOrReport(ctx, { project }, o.format, p);
      if (!loaded) return;
      const plan = await planStages(loaded, now, p);
      if (hasErrors(plan.issues)) {
        p.stop();
        ctx.io.err("the estate has errors: run `accessplane validate`\n");
        return ctx.setCode(EXIT.inputErrors);
      }
      const config = loaded.estate.config.stacks;
      const max = o.maxResources === undefined ? config.maxResources : Number(o.maxResources);
      if (o.changed && !o.write && config.layout !== undefined) {
        // A recorded layout names every stack: the stacks a change touches follow from the plans alone.
        const before = await baseEstate(ctx, o, p);
        if (!before) return;
        const touched = stacks.fromPlans(before.loaded.estate, await planStages(before.loaded, now, p), loaded.estate, plan, config.layout);
        if (touched) {
          p.stop();
          return printTouched(ctx, o.format, project, max, before.label, touched);
        }
      }
      p.step("registering resources under mocks");
      const head = await keyed(loaded.estate, plan, now);
      const l = stacks.layout(head, max, o.write ? {} : (config.layout ?? {}));
      let written: string | undefined;
      if (o.write) {
        if (project.config === undefined)
          usage("--write records the layout in the configuration, and this project has none: add accessplane.yaml");
        recordLayout(project.config, stacks.recordedCounts(l), o.maxResources === undefined ? undefined : max);
        written = path.relative(process.cwd(), project.config) || project.config;
      }
      let shown: StackSpec[] = l.stacks;
      let base: string | undefined;
      if (o.changed) {
        const before = await baseEstate(ctx, o, p);
        if (!before) return;
        base = before.label;
        p.step(`registering ${before.label} under mocks`);
        shown = stacks.changedStacks(l, await keyed(before.loaded.estate, await planStages(before.loaded, now, p), now), head);
      }
      p.stop();
      if (o.format === "json") {
        ctx.io.out(
          stacksJson(max, base, shown, {
            over: l.over,
            recorded: o.write ? "written" : config.layout !== undefined,
            ...(l.unrecorded.length ? { unrecorded: l.unrecorded } : {}),
          }),
        );
      } else ctx.io.out(header(project) + stacksText(l, shown, base) + recordText(l, config.layout !== undefined, written));
      ctx.setCode(o.check && l.over.length > 0 ? EXIT.inputErrors : EXIT.ok);
    } finally {
      p.stop();
    }
  });
};

/** Loads the estate at `--base` (the working tree's project file names its paths). */
async function baseEstate(
  ctx: Context,
  o: StacksOpts,
  p: ReturnType<Context["progress"]>,
): Promise<{ loaded: Loaded; label: string } | undefined> {
  const cwd = process.cwd();
  const project = resolveProject(o, cwd);
  try {
    p.step("reading git");
    const rev = await revision(o.base, cwd);
    const paths = await projectRepoPaths(project, cwd);
    const label = revisionLabel(rev);
    const sources = await readRevision(rev, paths, true);
    const loaded = loadOrReport(ctx, { side: "base", label, rev: sources }, o.format, p);
    return loaded ? { loaded, label } : undefined;
  } catch (e) {
    if (e instanceof UsageError) usage(e.message);
    throw e;
  }
}

/** The layout as text: one line per stack, the total, and the stacks over the limit. */
export function stacksText(l: StackLayout, shown: readonly StackSpec[], base?: string): string {
  const width = Math.max(5, ...shown.map((s) => s.name.length));
  const total = l.stacks.reduce((a, s) => a + s.resources, 0);
  const lines = [
    base === undefined
      ? `${l.stacks.length} stack${l.stacks.length === 1 ? "" : "s"}, ${total} resources, at most ${l.maxResources} per stack`
      : `${shown.length} of ${l.stacks.length} stacks changed since ${base}`,
    ...shown.map((s) => `  ${s.name.padEnd(width)}  ${String(s.resources).padStart(7)}`),
  ];
  if (l.stacks.some((s) => s.part === "members"))
    lines.push("members stacks apply after the principals stacks (their roles) and are revoked before them");
  for (const name of l.over) lines.push(`over the limit: ${name} (one principal or object holds more than ${l.maxResources} resources)`);
  return lines.join("\n") + "\n";
}

/**
 * Records a layout's counts as `stacks.layout` (and the limit it was made for, when given, as
 * `stacks.maxResources`) in a configuration file, keeping the rest of it
 * (comments included) as written; the file is replaced in one rename.
 */
export function recordLayout(file: string, counts: Record<string, StackCounts>, maxResources?: number): void {
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  if (doc.errors.length > 0) usage(`${file}: ${doc.errors[0]!.message}; help: fix the file, then run \`accessplane stacks --write\` again`);
  // The limit the layout was made for, so later runs and `--check` hold it to the same one.
  if (maxResources !== undefined) doc.setIn(["stacks", "maxResources"], maxResources);
  doc.setIn(["stacks", "layout"], doc.createNode(counts));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, doc.toString());
  fs.renameSync(tmp, file);
}

/** Whether the layout is recorded, and what to do when the estate outgrew it. */
function recordText(l: StackLayout, recorded: boolean, written: string | undefined): string {
  if (written !== undefined)
    return `layout recorded in ${written} (stacks.layout): commit it, so stack names stay put as the estate grows\n`;
  const lines: string[] = [];
  if (!recorded) lines.push("layout not recorded: `accessplane stacks --write` records these counts in the configuration");
  if (l.unrecorded.length > 0)
    lines.push(`not in stacks.layout, laid out afresh: ${l.unrecorded.join(", ")} (\`accessplane stacks --write\` records them)`);
  if (recorded && l.over.length > 0)
    lines.push(
      "help: the estate outgrew the recorded layout: `accessplane stacks --write` records a new one; resources whose stack changes then move with `pulumi state move`",
    );
  return lines.map((x) => x + "\n").join("");
}

/**
 * The JSON of `accessplane stacks`: the stacks shown, with `extra` (over, recorded...), a matrix of
 * them for previews, and the two deployment waves (members stacks create after every other stack
 * created its principals, and revoke before them).
 */
function stacksJson(max: number, base: string | undefined, shown: readonly StackRef[], extra: Record<string, unknown>): string {
  const out = {
    version: 1,
    maxResources: max,
    ...(base ? { base } : {}),
    stacks: shown,
    ...extra,
    matrix: stacks.matrix(shown),
    deploy: {
      first: stacks.matrix(shown.filter((s) => s.part !== "members")),
      members: stacks.matrix(shown.filter((s) => s.part === "members")),
    },
  };
  return JSON.stringify(out, null, 2) + "\n";
}

/** Prints the stacks a change touches, as `accessplane stacks --changed` does, without resource counts. */
function printTouched(
  ctx: Context,
  format: "text" | "json",
  project: ReturnType<typeof resolveProject>,
  max: number,
  base: string,
  shown: StackRef[],
): void {
  if (format === "json") {
    ctx.io.out(stacksJson(max, base, shown, { over: [], recorded: true, fromPlans: true }));
  } else {
    const lines = [`${shown.length} stack${shown.length === 1 ? "" : "s"} of the recorded layout changed since ${base} (from the plans)`];
    for (const s of shown) lines.push(`  ${s.name}`);
    ctx.io.out(header(project) + lines.join("\n") + "\n");
  }
  ctx.setCode(EXIT.ok);
}
