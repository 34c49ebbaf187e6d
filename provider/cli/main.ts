/**
 * The `accessplane` command line: offline plans, diffs and explanations over the same core the
 * Pulumi program runs.
 * Exit codes: 0 success (warnings allowed), 1 input errors, 2 usage errors, 3 access widens
 * without acknowledgement (`diff --fail-on-widen` without `--ack`).
 */
import type { CapturedResource } from "../pulumi/capture";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { hasErrors, type Issue } from "../model/issues";
import { type Estate, loadEstate, type LoadResult, parseEstate, suggest } from "../model/load";
import { planFromResolution } from "../plan/build";
import { diffPlans, diffResources } from "../plan/diff";
import { explain, UnknownNameError } from "../plan/explain";
import { diffJson, diffMarkdown, diffText } from "../plan/render/diff";
import { explainJson, explainText } from "../plan/render/explain";
import { type Format, issuesText, planJson, planMarkdown, planText } from "../plan/render/plan";
import { colour, plain, type Style, TTY_SOURCES } from "../plan/render/table";
import type { Plan } from "../plan/types";
import { resolve } from "../resolve/resolve";
import { initProject } from "./init";
import { inventoryCommand } from "./inventory";
import { Progress, yieldToTimers } from "./progress";
import { type EstateFlags, packageManifest, packageRoot, packageVersion, ProjectError, projectLine, projectPaths, type ProjectPaths } from "../project";
import { type RepoPaths, type Revision, readRevision, repoPath, repoRoot, revision, revisionLabel, UsageError } from "./sources";

/** Exit codes of every command. */
export const EXIT = { ok: 0, inputErrors: 1, usage: 2, widens: 3 } as const;

/** Where the CLI writes; injectable for tests. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  style: Style;
  /** Show a progress line on stderr for slow runs (stderr is a terminal). */
  progress?: boolean;
  /** Standard output is a terminal: long lists of data sources in issues are capped with a count. */
  tty?: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function chooseStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return stream.isTTY && !env.NO_COLOR ? colour : plain;
}

function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    style: chooseStyle(process.stdout, process.env),
    progress: !!process.stderr.isTTY,
    tty: !!process.stdout.isTTY,
  };
}

/** Options naming an estate on disk; each overrides one entry of the project file. */
type EstateOpts = EstateFlags;

function estateOptions(cmd: Command): Command {
  return cmd
    .option("--policies <path>", "policy files: a directory or one file (default: `policies` of accessplane.yaml)")
    .option("--inventory <path>", "inventory file or directory (default: `inventory` of accessplane.yaml)")
    .option("--config <file>", "platform configuration file (default: accessplane.yaml itself, or its `config`)")
    .option("--example", "read the bundled example estate (a checkout of the accessplane repository only)");
}

/**
 * The estate's paths: the nearest accessplane.yaml from the working directory, each entry
 * overridden by its flag. Never the bundled example unless `--example` asks for it.
 */
export function resolveProject(o: EstateOpts, cwd = process.cwd()): ProjectPaths {
  try {
    return projectPaths(o, cwd, packageRoot());
  } catch (e) {
    if (e instanceof ProjectError) usage(e.message);
    throw e;
  }
}

/** The paths `loadEstate` reads, relative to the working directory as issues name files. */
export function estatePaths(o: EstateOpts, cwd = process.cwd()) {
  return loadPaths(resolveProject(o, cwd), cwd);
}

function loadPaths(p: ProjectPaths, cwd: string) {
  const rel = (f: string) => path.relative(cwd, f) || ".";
  return { policies: rel(p.policies), inventory: rel(p.inventory), config: p.config === undefined ? undefined : rel(p.config) };
}

/** Loads the estate a project names. */
function loadProject(p: ProjectPaths): LoadResult {
  return loadEstate(loadPaths(p, process.cwd()));
}

/** A command-line mistake: reported as `error: ...`, exit code 2. */
function usage(message: string): never {
  throw new CommanderError(EXIT.usage, "accessplane.usage", message);
}

function parseNow(s: string | undefined, flag = "--now"): Date {
  if (s === undefined) return new Date();
  const t = Date.parse(s);
  if (Number.isNaN(t)) usage(`${flag}: \`${s}\` is not an ISO 8601 instant such as 2026-01-31T00:00:00Z`);
  return new Date(t);
}

const manifest = () => {
  const m = packageManifest();
  return { version: m.version, peers: m.peerDependencies };
};

/** The line naming the project file and the paths read, first in every text output. */
const header = (p: ProjectPaths) => projectLine(p, process.cwd()) + "\n";

function reportLoadErrors(res: LoadResult, io: Io, format: string, project: ProjectPaths): number {
  if (format === "json") {
    io.out(JSON.stringify({ version: 1, access: [], issues: res.issues }, null, 2) + "\n");
  } else {
    if (format === "text") io.out(header(project));
    io.err(issuesText(res.issues, io.style).join("\n") + "\n");
    const n = res.issues.filter((i) => i.severity === "error").length;
    io.err(`${n} error${n === 1 ? "" : "s"}: nothing was planned\n`);
  }
  return EXIT.inputErrors;
}

const formatOption = (choices = ["text", "markdown", "json"]) =>
  new Option("--format <format>", "output format").choices(choices).default("text");
const nowOption = () => new Option("--now <instant>", "evaluate expiry at this ISO 8601 instant (default: the current time)");

/** Loads and plans in stages, so the progress line can follow. */
async function planStages(estate: Estate, now: Date, progress: Progress, what = ""): Promise<Plan> {
  progress.step(`resolving${what}`);
  await yieldToTimers();
  const resolution = resolve(estate, now);
  progress.step(`planning${what}`);
  await yieldToTimers();
  return planFromResolution(estate, resolution);
}

/** The label GitHub workflows set to acknowledge widening (see examples/github-actions). */
export const ACK_LABEL = "access-widening-approved";

/** Builds the command tree; `io` is injectable for tests. */
export function program(io: Io, setCode: (c: number) => void): Command {
  const prog = new Command("accessplane")
    .description("Subscription policies as code: who may read or write which data sources, on every platform")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();
  const progress = () => new Progress(io.err, !!io.progress);

  estateOptions(
    prog
      .command("plan")
      .description("show the access the estate grants, per user and per data source (offline, no credentials)")
      .addOption(nowOption())
      .addOption(formatOption())
      .option("--no-resources", "with --format json: skip the Pulumi resources the components would register"),
  ).action(async (o: EstateOpts & { now?: string; format: Format; resources: boolean }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const p = progress();
    try {
      p.step("loading");
      const res = loadProject(project);
      if (!res.estate) {
        p.stop();
        return setCode(reportLoadErrors(res, io, o.format, project));
      }
      const plan = await planStages(res.estate, now, p);
      plan.issues = mergeIssues(res.issues, plan.issues);
      if (o.format === "json" && o.resources && !hasErrors(plan.issues)) {
        p.step("registering resources under mocks");
        const resources = await captureResources(res.estate, now);
        p.stop();
        io.out(planJson(plan, { resources }));
        return setCode(EXIT.ok);
      }
      p.stop();
      if (o.format === "json") io.out(planJson(plan));
      else if (o.format === "markdown") io.out(planMarkdown(plan));
      else io.out(header(project) + planText(plan, io.style, io.tty ? { sourcesCap: TTY_SOURCES } : {}));
      setCode(hasErrors(plan.issues) ? EXIT.inputErrors : EXIT.ok);
    } finally {
      p.stop();
    }
  });

  estateOptions(
    prog
      .command("validate")
      .description("check policies, inventory and configuration; print every error and warning (exit 1 on errors)")
      .addOption(nowOption())
      .addOption(formatOption()),
  ).action(async (o: EstateOpts & { now?: string; format: Format }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const p = progress();
    let issues: Issue[];
    try {
      p.step("loading");
      const res = loadProject(project);
      issues = res.issues;
      // Planning finds what loading cannot (missing identities, platform warnings).
      if (res.estate) issues = mergeIssues(issues, (await planStages(res.estate, now, p)).issues);
    } finally {
      p.stop();
    }
    if (o.format === "json") io.out(JSON.stringify({ version: 1, issues }, null, 2) + "\n");
    else {
      io.out(header(project));
      if (issues.length) io.out(issuesText(issues, io.style).join("\n") + "\n");
      const e = issues.filter((i) => i.severity === "error").length;
      io.out(`${e} error${e === 1 ? "" : "s"}, ${issues.length - e} warning${issues.length - e === 1 ? "" : "s"}\n`);
    }
    setCode(hasErrors(issues) ? EXIT.inputErrors : EXIT.ok);
  });

  estateOptions(
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
      .option("--no-resources", "skip the Pulumi resources to create, update and delete (faster)"),
  ).action(async (o: EstateOpts & { base: string; head?: string; now?: string; baseNow?: string; format: Format; failOnWiden?: boolean; ack?: boolean; resources: boolean }) => {
    const now = parseNow(o.now);
    const baseNow = o.baseNow !== undefined ? parseNow(o.baseNow, "--base-now") : now;
    const p = progress();
    try {
      setCode(await runDiff(o, now, baseNow, p));
    } finally {
      p.stop();
    }
  });

  async function runDiff(
    o: EstateOpts & { base: string; head?: string; format: Format; failOnWiden?: boolean; ack?: boolean; resources?: boolean },
    now: Date,
    baseNow: Date,
    p: Progress,
  ): Promise<number> {
    const cwd = process.cwd();
    let base: Revision, head: Revision, paths: RepoPaths;
    // The working tree's project file names the paths on both sides; each side's own copy of the
    // configuration (inline in the project file, or its `config`) is read from that side.
    const project = resolveProject(o, cwd);
    try {
      p.step("reading git");
      [base, head] = await Promise.all([revision(o.base, cwd), revision(o.head, cwd)]);
      const root = (await repoRoot(cwd)) ?? cwd;
      paths = {
        policies: repoPath(project.policies, root),
        inventory: repoPath(project.inventory, root),
        ...(project.config !== undefined ? { config: { path: repoPath(project.config, root), explicit: project.configExplicit } } : {}),
      };
    } catch (e) {
      if (e instanceof UsageError) usage(e.message);
      throw e;
    }
    const labels = { base: revisionLabel(base), head: revisionLabel(head) };
    p.step("reading estates");
    const [b, h] = await Promise.all([readRevision(base, paths, true), readRevision(head, paths, false)]);
    const sides: { label: string; rev: typeof b; now: Date }[] = [
      { label: labels.base, rev: b, now: baseNow },
      { label: labels.head, rev: h, now },
    ];
    const plans: Plan[] = [];
    const estates: Estate[] = [];
    for (const [i, side] of sides.entries()) {
      p.step(`loading ${side.label}`);
      await yieldToTimers();
      const res = parseEstate(side.rev.sources);
      const issues = [...side.rev.issues, ...res.issues];
      if (!res.estate || hasErrors(issues)) {
        p.stop();
        if (o.format === "json") io.out(JSON.stringify({ version: 1, side: i === 0 ? "base" : "head", label: side.label, issues }, null, 2) + "\n");
        else {
          io.err(`${side.label}: the estate does not load\n`);
          io.err(issuesText(issues, io.style).join("\n") + "\n");
          const n = issues.filter((x) => x.severity === "error").length;
          io.err(`${n} error${n === 1 ? "" : "s"} in ${side.label}: nothing was compared\n`);
        }
        return EXIT.inputErrors;
      }
      const plan = await planStages(res.estate, side.now, p, ` ${side.label}`);
      plan.issues = mergeIssues(issues, plan.issues);
      plans.push(plan);
      estates.push(res.estate);
    }
    p.step("comparing");
    const diff = diffPlans(plans[0]!, plans[1]!);
    if (o.resources !== false && !hasErrors(plans[0]!.issues) && !hasErrors(plans[1]!.issues)) {
      p.step("registering resources under mocks");
      const before = await captureResources(estates[0]!, sides[0]!.now);
      const after = await captureResources(estates[1]!, sides[1]!.now);
      diff.resources = diffResources(before, after);
    }
    p.stop();
    for (const note of [...b.notes, ...h.notes]) io.err(`note: ${note}\n`);
    const shown = { ...labels, acknowledged: !!o.ack };
    if (o.format === "json") io.out(diffJson(diff, shown));
    else if (o.format === "markdown") io.out(diffMarkdown(diff, shown));
    else io.out(header(project) + diffText(diff, shown, io.style, io.tty ? { sourcesCap: TTY_SOURCES } : {}));
    if (hasErrors(plans[1]!.issues)) return EXIT.inputErrors;
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

  estateOptions(
    prog
      .command("explain")
      .description("explain why a user has or lacks access: policies, conditions, approvals, guardrails, identities, expiry")
      .argument("<user>", "the user's id")
      .argument("[dataSource]", "a data source id (default: every data source)")
      .addOption(nowOption())
      .addOption(formatOption(["text", "json"])),
  ).action(async (user: string, dataSource: string | undefined, o: EstateOpts & { now?: string; format: "text" | "json" }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const res = loadProject(project);
    if (!res.estate) return setCode(reportLoadErrors(res, io, o.format, project));
    try {
      const e = explain(res.estate, user, dataSource, now);
      io.out(o.format === "json" ? explainJson(e) : header(project) + explainText(e, io.style));
      setCode(EXIT.ok);
    } catch (err) {
      if (!(err instanceof UnknownNameError)) throw err;
      const s = suggest(err.value, err.known);
      usage(`${err.message}${s ? `: did you mean \`${s}\`?` : ""}`);
    }
  });

  prog
    .command("init")
    .description("scaffold a policy repository: package.json, Pulumi program, accessplane.yaml, example policies and inventory, CI workflow")
    .argument("[dir]", "where to write (default: the working directory)", ".")
    .option("--platforms <list>", "only these platforms, comma-separated (e.g. snowflake,s3)")
    .action((dir: string, o: { platforms?: string }) => {
      try {
        const r = initProject(path.resolve(process.cwd(), dir), { platforms: o.platforms, ...manifest() });
        io.out(r.report);
        setCode(EXIT.ok);
      } catch (e) {
        if (e instanceof ProjectError) usage(e.message);
        throw e;
      }
    });

  inventoryCommand(prog, io, setCode);
  return prog;
}

function mergeIssues(a: Issue[], b: Issue[]): Issue[] {
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const i of [...a, ...b]) {
    const k = JSON.stringify(i);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(i);
    }
  }
  return out;
}

/** Registers the estate under Pulumi mocks; loaded on demand so `validate` and text plans stay fast. */
async function captureResources(estate: Estate, now: Date): Promise<CapturedResource[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { captureResources: capture } = require("../pulumi/capture") as typeof import("../pulumi/capture");
  return capture(estate, now);
}

/** Runs the CLI; resolves to the exit code. Never throws, never prints a stack trace. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let code: number = EXIT.ok;
  const prog = program(io, (c) => (code = c));
  try {
    await prog.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return EXIT.ok;
      if (e.code === "accessplane.usage") io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    io.err(`internal error: ${(e as Error).message}\nplease report this with the command you ran\n`);
    return 70;
  }
}
