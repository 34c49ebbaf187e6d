/** `accessplane plan`: the access the estate grants, summary first, filtered to what is asked. */
import { Option } from "commander";
import { hasErrors } from "../../model/issues";
import type { Estate } from "../../model/estate";
import { uncoveredDataSources } from "../../plan/coverage";
import { filterPlan, narrowContext, planContext, type PlanFilter } from "../../plan/filter";
import { type Format, planJson } from "../../plan/render/plan";
import { planViewJson, planViewMarkdown, planViewText, TTY_USERS, type View, type ViewInput, VIEWS } from "../../plan/render/summary";
import { TTY_SOURCES } from "../../plan/render/table";
import type { Plan } from "../../plan/types";
import { type KeptOff, whyNot } from "../../plan/why-not";
import type { EstateFlags } from "../../project";
import {
  captureResources,
  estateOptions,
  formatOption,
  header,
  loadOrReport,
  nowOption,
  parseNow,
  planStages,
  type RegisterCommand,
  resolveProject,
} from "../context";
import { EXIT } from "../exit";
import { compileOrUsage, type FilterFlags, filterLine, filterOptions, filterSpec } from "../filters";

/** Users whose kept-off data sources `plan --user` lists (each costs one explanation). */
export const WHY_NOT_USERS = 10;

/** The filtered plan and everything its views render besides it. */
export function planView(estate: Estate, plan: Plan, f: PlanFilter, filter: string, now: Date): { plan: Plan; input: ViewInput } {
  const ctx = planContext(estate);
  const uncovered = uncoveredDataSources(estate).filter((u) => f.dataSource(u.dataSource));
  let keptOff: Map<string, KeptOff[]> | undefined;
  if (f.restricts.users && f.users.length <= WHY_NOT_USERS)
    keptOff = new Map(f.users.map((u) => [u, whyNot(estate, u, now).filter((k) => f.dataSource(k.dataSource) && f.policy(k.policy))]));
  const skipped =
    f.restricts.users && f.users.length > WHY_NOT_USERS ? { keptOffSkipped: { users: f.users.length, max: WHY_NOT_USERS } } : {};
  return {
    plan: filterPlan(plan, f, ctx),
    input: { ctx: narrowContext(ctx, f), uncovered, ...(keptOff ? { keptOff } : {}), ...skipped, ...(filter ? { filter } : {}) },
  };
}

/** Registers `plan`. */
export const planCommand: RegisterCommand = (prog, ctx) => {
  const { io } = ctx;
  estateOptions(
    filterOptions(
      prog
        .command("plan")
        .description("show the access the estate grants: a summary per platform, then per user (offline, no credentials)")
        .addOption(nowOption())
        .addOption(formatOption())
        .addOption(new Option("--view <view>", "text: only this section (default: the summary and the per-user section)").choices(VIEWS))
        .option(
          "--no-resources",
          "with --format json: skip the Pulumi resources the components would register (never listed with filters)",
        ),
    ),
  ).action(async (o: EstateFlags & FilterFlags & { now?: string; format: Format; resources: boolean; view?: View }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const p = ctx.progress();
    try {
      p.step("loading");
      const loaded = loadOrReport(ctx, { project }, o.format, p);
      if (!loaded) return;
      const spec = filterSpec(o);
      const f = compileOrUsage(spec, planContext(loaded.estate));
      const full = await planStages(loaded, now, p);
      p.step("summarising");
      const { plan, input } = planView(loaded.estate, full, f, filterLine(spec), now);
      const code = hasErrors(full.issues) ? EXIT.inputErrors : EXIT.ok;
      if (o.format === "json") {
        // Resources are those of the whole estate: a filtered plan does not list them.
        let resources: unknown[] | undefined;
        if (o.resources && !f.active && !hasErrors(full.issues)) {
          p.step("registering resources under mocks");
          resources = await captureResources(loaded.estate, now);
        }
        p.stop();
        io.out(planJson(plan, { ...planViewJson(plan, input), ...(resources ? { resources } : {}) }));
        return ctx.setCode(code);
      }
      p.stop();
      if (o.format === "markdown") io.out(planViewMarkdown(plan, input));
      else
        io.out(
          header(project) +
            planViewText(plan, input, io.style, {
              ...(io.tty ? { sourcesCap: TTY_SOURCES, usersCap: TTY_USERS } : {}),
              ...(o.view ? { view: o.view } : {}),
            }),
        );
      ctx.setCode(code);
    } finally {
      p.stop();
    }
  });
};
