/** `accessplane diff`: who gains, loses or changes access between two estates. */
import { hasErrors } from "../../model/issues";
import { diffPlans, diffResources } from "../../plan/diff";
import { diffJson, diffMarkdown, diffText } from "../../plan/render/diff";
import type { Format } from "../../plan/render/plan";
import { TTY_SOURCES } from "../../plan/render/table";
import type { EstateFlags } from "../../project";
import { yieldToTimers, type Progress } from "../progress";
import {
  captureResources,
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
import { EXIT, type ExitCode } from "../exit";
import { compileOrUsage, type FilterFlags, filterLine, filterOptions, filterSpec, unionContext } from "../filters";
import { filterPlan, planContext } from "../../plan/filter";
import { projectRepoPaths, readRevision, type RepoPaths, type Revision, revision, revisionLabel, UsageError } from "../sources";

/** The label GitHub workflows set to acknowledge widening (see examples/github-actions). */
export const ACK_LABEL = "access-widening-approved";

type DiffOpts = EstateFlags &
  FilterFlags & { base: string; head?: string; format: Format; failOnWiden?: boolean; ack?: boolean; resources?: boolean };

/** Registers `diff`. */
export const diffCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    filterOptions(
      prog
        .command("diff")
        .description("show who gains, loses or changes access between two estates (git refs or checkout directories)")
        .requiredOption("--base <ref|dir>", "the estate before: a git ref (e.g. origin/main) or a checkout directory")
        .option("--head <ref|dir>", "the estate after (default: the working tree)")
        .addOption(nowOption())
        .option("--base-now <instant>", "evaluate the base at this instant (default: --now), e.g. the time of the last deployment")
        .addOption(formatOption())
        .option("--fail-on-widen", "exit 3 when anyone gains access, privileges, write or a later expiry, unless --ack is given")
        .option("--ack", `acknowledge widening (CI: pass it when the pull request has the \`${ACK_LABEL}\` label)`)
        .option("--no-resources", "skip the Pulumi resources to create, update and delete (faster; never listed with filters)"),
    ),
  ).action(async (o: DiffOpts & { now?: string; baseNow?: string }) => {
    const now = parseNow(o.now);
    const baseNow = o.baseNow !== undefined ? parseNow(o.baseNow, "--base-now") : now;
    const p = ctx.progress();
    try {
      const code = await runDiff(ctx, o, now, baseNow, p);
      if (code !== undefined) ctx.setCode(code);
    } finally {
      p.stop();
    }
  });
};

/** Runs one diff; resolves to its exit code, or undefined when a side did not load (reported). */
async function runDiff(ctx: Context, o: DiffOpts, now: Date, baseNow: Date, p: Progress): Promise<ExitCode | undefined> {
  const { io } = ctx;
  const cwd = process.cwd();
  // The working tree's project file names the paths on both sides; each side's own copy of the
  // configuration (inline in the project file, or its `config`) is read from that side.
  const project = resolveProject(o, cwd);
  const spec = filterSpec(o);
  // Widening is judged on the whole estate: a filtered diff could pass while access widens elsewhere.
  if (o.failOnWiden && Object.keys(spec).length > 0)
    usage("--fail-on-widen judges the whole estate: run it without --user, --data-source, --policy, --platform or --tag");
  let base: Revision, head: Revision;
  let paths: RepoPaths;
  try {
    p.step("reading git");
    [base, head] = await Promise.all([revision(o.base, cwd), revision(o.head, cwd)]);
    paths = await projectRepoPaths(project, cwd);
  } catch (e) {
    if (e instanceof UsageError) usage(e.message);
    throw e;
  }
  const labels = { base: revisionLabel(base), head: revisionLabel(head) };
  p.step("reading estates");
  const [b, h] = await Promise.all([readRevision(base, paths, true), readRevision(head, paths, false)]);
  const sides = [
    { side: "base", label: labels.base, rev: b, now: baseNow },
    { side: "head", label: labels.head, rev: h, now },
  ] as const;
  const loaded: Loaded[] = [];
  for (const s of sides) {
    p.step(`loading ${s.label}`);
    await yieldToTimers();
    const l = loadOrReport(ctx, s, o.format, p);
    if (!l) return undefined;
    loaded.push(l);
  }
  const [before, after] = [
    await planStages(loaded[0]!, baseNow, p, ` ${labels.base}`),
    await planStages(loaded[1]!, now, p, ` ${labels.head}`),
  ];
  // Patterns may name what only one side has (a user the head removes): they match against both.
  const [baseCtx, headCtx] = [planContext(loaded[0]!.estate), planContext(loaded[1]!.estate)];
  const f = compileOrUsage(spec, unionContext(baseCtx, headCtx));
  p.step("comparing");
  const compared = diffPlans(filterPlan(before, f, baseCtx), filterPlan(after, f, headCtx));
  // The resources are the whole estate's: a filtered diff does not list them.
  const withResources = o.resources !== false && !f.active && !hasErrors(before.issues) && !hasErrors(after.issues);
  if (withResources) p.step("registering resources under mocks");
  const diff = withResources
    ? {
        ...compared,
        resources: diffResources(await captureResources(loaded[0]!.estate, baseNow), await captureResources(loaded[1]!.estate, now)),
      }
    : compared;
  p.stop();
  for (const note of [...b.notes, ...h.notes]) io.err(`note: ${note}\n`);
  const shown = { ...labels, acknowledged: !!o.ack };
  const filtered = f.active ? `filtered: ${filterLine(spec)}\n` : "";
  if (o.format === "json") io.out(diffJson(diff, shown));
  else if (o.format === "markdown") io.out((filtered ? `Filtered: \`${filterLine(spec)}\`\n\n` : "") + diffMarkdown(diff, shown));
  else io.out(header(project) + filtered + diffText(diff, shown, io.style, io.tty ? { sourcesCap: TTY_SOURCES } : {}));
  if (hasErrors(after.issues)) return EXIT.inputErrors;
  if (o.failOnWiden && diff.summary.widens && !o.ack) {
    const n = diff.blastRadius.users.length;
    io.err(
      `access widens for ${n} user${n === 1 ? "" : "s"} without acknowledgement: review the diff, then pass --ack` +
        ` (in CI: add the \`${ACK_LABEL}\` label to the pull request)\n`,
    );
    return EXIT.widens;
  }
  return EXIT.ok;
}
