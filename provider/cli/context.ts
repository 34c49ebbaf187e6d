/**
 * What every command shares: the context it runs in, the estate options, loading with one report
 * of load errors, planning in stages, and usage errors.
 */
import type { CapturedResource } from "../pulumi/capture";
import * as path from "node:path";
import { type Command, CommanderError, Option } from "commander";
import { hasErrors, type Issue } from "../model/issues";
import type { Estate } from "../model/estate";
import { parseEstate } from "../model/load";
import { loadEstate } from "../model/read";
import { planFromResolution } from "../plan/build";
import { issuesText } from "../plan/render/plan";
import type { Plan } from "../plan/types";
import { resolve } from "../resolve/resolve";
import { type EstateFlags, packageRoot, ProjectError, projectLine, projectPaths, type ProjectPaths } from "../project";
import { EXIT, type ExitCode } from "./exit";
import type { Io } from "./io";
import { Progress, yieldToTimers } from "./progress";
import type { RevisionSources } from "./sources";

/** What a command runs with: where to write, how to set the exit code, a progress line. */
export interface Context {
  io: Io;
  setCode(code: ExitCode): void;
  /** A fresh progress line on stderr (silent unless `io.progress`). */
  progress(): Progress;
}

/** Registers one command on the program; `commands/index.ts` lists every one. */
export type RegisterCommand = (prog: Command, ctx: Context) => void;

/** A command-line mistake: reported as `error: ...`, exit code 2. */
export function usage(message: string): never {
  throw new CommanderError(EXIT.usage, "accessplane.usage", message);
}

/** Parses an instant flag; the current time when absent. */
export function parseNow(s: string | undefined, flag = "--now"): Date {
  if (s === undefined) return new Date();
  const t = Date.parse(s);
  if (Number.isNaN(t)) usage(`${flag}: \`${s}\` is not an ISO 8601 instant such as 2026-01-31T00:00:00Z`);
  return new Date(t);
}

/** Adds the options naming an estate on disk; each overrides one entry of the project file. */
export function estateOptions(cmd: Command): Command {
  return cmd
    .option("--policies <path>", "policy files: a directory or one file (default: `policies` of accessplane.yaml)")
    .option("--inventory <path>", "inventory file or directory (default: `inventory` of accessplane.yaml)")
    .option("--config <file>", "platform configuration file (default: accessplane.yaml itself, or its `config`)")
    .option("--example", "read the bundled example estate (a checkout of the accessplane repository only)");
}

/** `--format`, text by default. */
export const formatOption = (choices = ["text", "markdown", "json"]) =>
  new Option("--format <format>", "output format").choices(choices).default("text");

/** `--now`: the instant expiry is evaluated at. */
export const nowOption = () => new Option("--now <instant>", "evaluate expiry at this ISO 8601 instant (default: the current time)");

/**
 * The estate's paths: the nearest accessplane.yaml from the working directory, each entry
 * overridden by its flag. Never the bundled example unless `--example` asks for it.
 */
export function resolveProject(o: EstateFlags, cwd = process.cwd()): ProjectPaths {
  try {
    return projectPaths(o, cwd, packageRoot());
  } catch (e) {
    if (e instanceof ProjectError) usage(e.message);
    throw e;
  }
}

/** A project's paths relative to `cwd`, as issues name files. */
export function relativePaths(p: ProjectPaths, cwd = process.cwd()) {
  const rel = (f: string) => path.relative(cwd, f) || ".";
  return { policies: rel(p.policies), inventory: rel(p.inventory), config: p.config === undefined ? undefined : rel(p.config) };
}

/** The line naming the project file and the paths read, first in every text output. */
export const header = (p: ProjectPaths) => projectLine(p, process.cwd()) + "\n";

/** An estate that loaded, with every issue found while loading it. */
export interface Loaded {
  estate: Estate;
  issues: Issue[];
}

/** Where `loadOrReport` reads an estate: a project on disk, or one side of a diff. */
export type LoadFrom = { project: ProjectPaths } | { side: "base" | "head"; label: string; rev: RevisionSources };

/** Loads without reporting: the estate (undefined when it does not load) and every issue. */
export function load(from: LoadFrom): { estate: Estate | undefined; issues: Issue[] } {
  if ("project" in from) return loadEstate(relativePaths(from.project));
  const res = parseEstate(from.rev.sources);
  const issues = [...from.rev.issues, ...res.issues];
  return { estate: hasErrors(issues) ? undefined : res.estate, issues };
}

const errorCount = (issues: Issue[]) => {
  const n = issues.filter((i) => i.severity === "error").length;
  return `${n} error${n === 1 ? "" : "s"}`;
};

/**
 * Loads an estate; when it does not load, stops `progress`, prints the issues in `format`, sets exit
 * code 1 and returns undefined, so that the command stops.
 */
export function loadOrReport(ctx: Context, from: LoadFrom, format: string, progress?: Progress): Loaded | undefined {
  const { estate, issues } = load(from);
  if (estate) return { estate, issues };
  progress?.stop();
  const { io } = ctx;
  if ("project" in from) {
    if (format === "json") io.out(JSON.stringify({ version: 1, access: [], issues }, null, 2) + "\n");
    else {
      if (format === "text") io.out(header(from.project));
      io.err(issuesText(issues, io.style).join("\n") + "\n");
      io.err(`${errorCount(issues)}: nothing was planned\n`);
    }
  } else if (format === "json") {
    io.out(JSON.stringify({ version: 1, side: from.side, label: from.label, issues }, null, 2) + "\n");
  } else {
    io.err(`${from.label}: the estate does not load\n`);
    io.err(issuesText(issues, io.style).join("\n") + "\n");
    io.err(`${errorCount(issues)} in ${from.label}: nothing was compared\n`);
  }
  ctx.setCode(EXIT.inputErrors);
  return undefined;
}

/** Issues of both lists, in order, each once. */
export function mergeIssues(a: Issue[], b: Issue[]): Issue[] {
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

/**
 * The plan with `issues` in place of its own. A new object: the plan is never changed, and its
 * access entries stay lazy (the property descriptors are copied, not read).
 */
export function withIssues(plan: Plan, issues: Issue[]): Plan {
  const { issues: _, ...descriptors } = Object.getOwnPropertyDescriptors(plan);
  return Object.defineProperties({}, { ...descriptors, issues: { value: issues, enumerable: true, writable: false } }) as Plan;
}

/** Resolves and plans in stages, so the progress line can follow; the plan carries `loaded.issues` too. */
export async function planStages(loaded: Loaded, now: Date, progress: Progress, what = ""): Promise<Plan> {
  progress.step(`resolving${what}`);
  await yieldToTimers();
  const resolution = resolve(loaded.estate, now);
  progress.step(`planning${what}`);
  await yieldToTimers();
  const plan = planFromResolution(loaded.estate, resolution);
  return withIssues(plan, mergeIssues(loaded.issues, plan.issues));
}

/** Registers the estate under Pulumi mocks; loaded on demand so `validate` and text plans stay fast. */
export async function captureResources(estate: Estate, now: Date): Promise<CapturedResource[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { captureResources: capture } = require("../pulumi/capture") as typeof import("../pulumi/capture");
  return capture(estate, now);
}
