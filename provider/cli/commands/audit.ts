/**
 * `accessplane audit`: reads the live grants of the project's sources and reports, against the
 * plan, the access no policy justifies (unmanaged), what the next `pulumi up` adds (missing), what
 * was changed by hand (drifted, conflicting), and administrative access. It never revokes anything.
 */
import { Option } from "commander";
import { compareWithPlan } from "../../audit/compare";
import { auditJson, auditMarkdown, auditText } from "../../audit/render";
import { readLiveGrants, type SourceEntry } from "../../audit/run";
import { hasErrors } from "../../model/issues";
import type { EstateFlags, ProjectPaths } from "../../project";
import { sourceEntries } from "../../connectors/pull-sources";
import { issuesText } from "../../plan/render/plan";
import {
  type Context,
  estateOptions,
  formatOption,
  header,
  loadOrReport,
  planStages,
  type RegisterCommand,
  resolveProject,
  usage,
} from "../context";
import { EXIT } from "../exit";

/**
 * The `inventory.sources` entries of the project file (usage errors when it has none or `--source`
 * names another); undefined when an entry is invalid: its issues are printed in `format`, exit code 1.
 */
export function projectSources(
  ctx: Context,
  project: ProjectPaths,
  names: readonly string[] | undefined,
  format = "text",
): SourceEntry[] | undefined {
  if (!project.file) usage("no accessplane.yaml found: `audit` reads the sources declared under `inventory.sources` of the project file");
  const read = sourceEntries(project.file);
  if (hasErrors(read.issues)) {
    const { io } = ctx;
    if (format === "json") io.out(JSON.stringify({ version: 1, issues: read.issues }, null, 2) + "\n");
    else io.err(issuesText(read.issues, io.style).join("\n") + "\n");
    ctx.setCode(EXIT.inputErrors);
    return undefined;
  }
  const all = read.entries.map((e) => e.entry);
  if (all.length === 0)
    usage(
      `${project.file} declares no sources: add \`inventory: { path: ..., sources: [...] }\` (see README "Auditing access outside policy")`,
    );
  if (!names || names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length > 0)
    usage(`--source: no source named ${unknown.map((n) => `\`${n}\``).join(", ")}; sources: ${all.map((e) => `\`${e.name}\``).join(", ")}`);
  return all.filter((e) => names.includes(e.name));
}

/** Registers `audit`. */
export const auditCommand: RegisterCommand = (prog, ctx) => {
  const { io } = ctx;
  estateOptions(
    prog
      .command("audit")
      .description("read the live grants of the project's sources and report access outside policy (reads only; never revokes)")
      .addOption(new Option("--source <name...>", "read only these sources (default: every source of `inventory.sources`)"))
      .addOption(formatOption())
      .option("--fail-on-unmanaged", "exit 3 when unmanaged access exists (for a scheduled job)"),
  ).action(async (o: EstateFlags & { source?: string[]; format: "text" | "markdown" | "json"; failOnUnmanaged?: boolean }) => {
    const project = resolveProject(o);
    const entries = projectSources(ctx, project, o.source, o.format);
    if (!entries) return;
    const now = new Date();
    const p = ctx.progress();
    try {
      p.step("loading");
      const loaded = loadOrReport(ctx, { project }, o.format, p);
      if (!loaded) return;
      const plan = await planStages(loaded, now, p);
      if (hasErrors(plan.issues)) {
        p.stop();
        io.err("the estate has errors: run `accessplane plan` to see them; nothing was audited\n");
        return ctx.setCode(EXIT.inputErrors);
      }
      p.step("reading live grants");
      const read = await readLiveGrants(entries, loaded.estate.config, process.env, now);
      const report = compareWithPlan(plan, loaded.estate.inventory, loaded.estate.config, read.states, { grantors: read.grantors });
      p.stop();
      if (o.format === "json") io.out(auditJson(report));
      else if (o.format === "markdown") io.out(auditMarkdown(report));
      else io.out(header(project) + auditText(report));
      for (const f of read.failures) io.err(`error: ${f.message}${f.help ? `\n  help: ${f.help}` : ""}\n`);
      if (read.failures.length > 0) return ctx.setCode(EXIT.sourceFailed);
      ctx.setCode(o.failOnUnmanaged && report.summary.unmanaged > 0 ? EXIT.widens : EXIT.ok);
    } finally {
      p.stop();
    }
  });
};
