/**
 * `accessplane report`: the access review of one data owner's data sources (or of all of them), as
 * one self-contained HTML file to open, tick and print, or as CSV for spreadsheets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import { hasErrors } from "../../model/issues";
import { planContext } from "../../plan/filter";
import { issuesText } from "../../plan/render/plan";
import { packageVersion, type EstateFlags } from "../../project";
import { reviewCsv } from "../../report/csv";
import { firstCommits } from "../../report/history";
import { reviewHtml } from "../../report/html";
import { buildReview, OwnerError, reviewDataSources, reviewInputs } from "../../report/rows";
import { estateOptions, loadOrReport, nowOption, parseNow, planStages, type RegisterCommand, resolveProject, usage } from "../context";
import { EXIT } from "../exit";
import { compileOrUsage, type FilterFlags, filterLine, filterOptions, filterSpec } from "../filters";

type ReportOpts = EstateFlags & FilterFlags & { now?: string; format: "html" | "csv"; owner?: string; out: string };

/** Registers `report`. */
export const reportCommand: RegisterCommand = (prog, ctx) => {
  const { io } = ctx;
  estateOptions(
    filterOptions(
      prog
        .command("report")
        .description("write an access review of a data owner's data sources: who has which access, through what, since and until when")
        .addOption(
          new Option("--format <format>", "html: one self-contained page to tick and print; csv: the same rows")
            .choices(["html", "csv"])
            .default("html"),
        )
        .option("--owner <user>", "only the data sources this user owns (`owners` in the inventory; default: every data source)")
        .requiredOption("--out <file>", "where to write the report (`-` for standard output)")
        .addOption(nowOption()),
    ),
  ).action(async (o: ReportOpts) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const p = ctx.progress();
    try {
      p.step("loading");
      const loaded = loadOrReport(ctx, { project }, "text");
      if (!loaded) return;
      const spec = filterSpec(o);
      const pctx = planContext(loaded.estate);
      const f = compileOrUsage(spec, pctx);
      let owned;
      try {
        owned = reviewDataSources(pctx, o.owner, f);
      } catch (e) {
        if (e instanceof OwnerError) usage(e.message);
        throw e;
      }
      const plan = await planStages(loaded, now, p);
      if (hasErrors(plan.issues)) {
        p.stop();
        io.err(
          issuesText(
            plan.issues.filter((i) => i.severity === "error"),
            io.style,
          ).join("\n") + "\n",
        );
        io.err("the estate has errors: no report was written\n");
        return ctx.setCode(EXIT.inputErrors);
      }
      // Since when: each policy file's first commit, for the policies that reach these data sources.
      p.step("reading git history");
      const wanted = new Set(owned.map((d) => d.id));
      const policies = new Set(plan.principals.filter((x) => x.grants.some((g) => wanted.has(g.dataSource))).map((x) => x.policy));
      const files = [...new Set(pctx.policies.filter((x) => policies.has(x.name)).map((x) => x.file))];
      const policySince = await firstCommits(files, process.cwd());
      p.step("writing the report");
      const review = buildReview({
        plan,
        ctx: pctx,
        ...reviewInputs(loaded.estate),
        policySince,
        filter: f,
        ...(o.owner !== undefined ? { owner: o.owner } : {}),
      });
      const filter = filterLine(spec);
      const text =
        o.format === "csv"
          ? reviewCsv(review)
          : reviewHtml(review, {
              generator: `accessplane ${packageVersion()}`,
              estate: path.relative(process.cwd(), project.file ?? project.policies) || ".",
              ...(filter ? { filter } : {}),
            });
      p.stop();
      if (o.out === "-") io.out(text);
      else {
        try {
          fs.writeFileSync(o.out, text);
        } catch (e) {
          usage(`--out: cannot write \`${o.out}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        const users = new Set(review.rows.map((r) => r.user)).size;
        const pairs = new Set(review.rows.map((r) => `${r.user}\n${r.dataSource}`)).size;
        io.err(
          `wrote ${o.out}: ${pairs} grant${pairs === 1 ? "" : "s"} to ${users} user${users === 1 ? "" : "s"} on ${review.dataSources.length} data source${review.dataSources.length === 1 ? "" : "s"} (${review.rows.length} row${review.rows.length === 1 ? "" : "s"}, one per policy and principal)\n`,
        );
      }
      ctx.setCode(EXIT.ok);
    } finally {
      p.stop();
    }
  });
};
