/**
 * The `accessplane` command line: offline plans over the same core the Pulumi program runs.
 * Exit codes: 0 success (warnings allowed), 1 input errors, 2 usage errors.
 */
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { hasErrors, type Issue } from "../model/issues";
import { loadEstate, type LoadResult } from "../model/load";
import { buildPlan } from "../plan/build";
import { type Format, issuesText, planJson, planMarkdown, planText } from "../plan/render/plan";
import { colour, plain, type Style } from "../plan/render/table";

/** Where the bundled example estate lives, relative to the package root. */
export const EXAMPLE = {
  policies: "policies",
  inventory: "examples/estate/inventory",
  config: "examples/estate/accessplane.yaml",
};

const ROOT = path.resolve(__dirname, "..", "..");

/** Exit codes of every command. */
export const EXIT = { ok: 0, inputErrors: 1, usage: 2 } as const;

interface Io {
  out(s: string): void;
  err(s: string): void;
  style: Style;
}

function defaultIo(): Io {
  const tty = !!process.stdout.isTTY && !process.env.NO_COLOR;
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    style: tty ? colour : plain,
  };
}

/** Options naming an estate on disk; defaults point at the bundled example. */
interface EstateOpts {
  policies?: string;
  inventory?: string;
  config?: string;
}

function estateOptions(cmd: Command): Command {
  return cmd
    .option("--policies <dir>", "policy files (a directory or one file)")
    .option("--inventory <path>", "inventory file or directory")
    .option("--config <file>", "platform configuration file");
}

/** Resolves estate paths: explicit options, else the bundled example estate. */
export function estatePaths(o: EstateOpts) {
  const def = (p: string) => path.relative(process.cwd(), path.join(ROOT, p)) || ".";
  const anyGiven = o.policies !== undefined || o.inventory !== undefined;
  return {
    policies: o.policies ?? def(EXAMPLE.policies),
    inventory: o.inventory ?? def(EXAMPLE.inventory),
    config: o.config ?? (anyGiven ? undefined : def(EXAMPLE.config)),
  };
}

function parseNow(s: string | undefined): Date {
  if (s === undefined) return new Date();
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new CommanderError(EXIT.usage, "accessplane.now", `--now: \`${s}\` is not an ISO 8601 instant such as 2026-01-31T00:00:00Z`);
  return new Date(t);
}

function reportLoadErrors(res: LoadResult, io: Io, format: Format): number {
  if (format === "json") {
    io.out(JSON.stringify({ version: 1, access: [], issues: res.issues }, null, 2) + "\n");
  } else {
    io.err(issuesText(res.issues, io.style).join("\n") + "\n");
    const n = res.issues.filter((i) => i.severity === "error").length;
    io.err(`${n} error${n === 1 ? "" : "s"}: nothing was planned\n`);
  }
  return EXIT.inputErrors;
}

const formatOption = () => new Option("--format <format>", "output format").choices(["text", "markdown", "json"]).default("text");

/** Builds the command tree; `io` is injectable for tests. */
export function program(io: Io, setCode: (c: number) => void): Command {
  const prog = new Command("accessplane")
    .description("Subscription policies as code: who may read or write which data sources, on every platform")
    .version(require("../../package.json").version)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  estateOptions(
    prog
      .command("plan")
      .description("show the access the estate grants, per user and per data source (offline, no credentials)")
      .option("--now <instant>", "evaluate expiry at this ISO 8601 instant (default: the current time)")
      .addOption(formatOption()),
  ).action((o: EstateOpts & { now?: string; format: Format }) => {
    const now = parseNow(o.now);
    const res = loadEstate(estatePaths(o));
    if (!res.estate) return setCode(reportLoadErrors(res, io, o.format));
    const plan = buildPlan(res.estate, now);
    plan.issues = mergeIssues(res.issues, plan.issues);
    if (o.format === "json") io.out(planJson(plan));
    else if (o.format === "markdown") io.out(planMarkdown(plan));
    else io.out(planText(plan, io.style));
    setCode(hasErrors(plan.issues) ? EXIT.inputErrors : EXIT.ok);
  });

  estateOptions(
    prog
      .command("validate")
      .description("check policies, inventory and configuration; print every error and warning")
      .option("--now <instant>", "evaluate expiry at this ISO 8601 instant")
      .addOption(formatOption()),
  ).action((o: EstateOpts & { now?: string; format: Format }) => {
    const res = loadEstate(estatePaths(o));
    let issues = res.issues;
    if (res.estate) issues = mergeIssues(issues, buildPlan(res.estate, parseNow(o.now)).issues);
    if (o.format === "json") io.out(JSON.stringify({ version: 1, issues }, null, 2) + "\n");
    else {
      if (issues.length) io.out(issuesText(issues, io.style).join("\n") + "\n");
      const e = issues.filter((i) => i.severity === "error").length;
      io.out(`${e} error${e === 1 ? "" : "s"}, ${issues.length - e} warning${issues.length - e === 1 ? "" : "s"}\n`);
    }
    setCode(hasErrors(issues) ? EXIT.inputErrors : EXIT.ok);
  });

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
      if (e.code === "accessplane.now") io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    io.err(`internal error: ${(e as Error).message}\nplease report this with the command you ran\n`);
    return 70;
  }
}
