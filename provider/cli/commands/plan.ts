/** `accessplane plan`: the access the estate grants, per user and per data source. */
import { hasErrors } from "../../model/issues";
import { type Format, planJson, planMarkdown, planText } from "../../plan/render/plan";
import { TTY_SOURCES } from "../../plan/render/table";
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

/** Registers `plan`. */
export const planCommand: RegisterCommand = (prog, ctx) => {
  const { io } = ctx;
  estateOptions(
    prog
      .command("plan")
      .description("show the access the estate grants, per user and per data source (offline, no credentials)")
      .addOption(nowOption())
      .addOption(formatOption())
      .option("--no-resources", "with --format json: skip the Pulumi resources the components would register"),
  ).action(async (o: EstateFlags & { now?: string; format: Format; resources: boolean }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const p = ctx.progress();
    try {
      p.step("loading");
      const loaded = loadOrReport(ctx, { project }, o.format, p);
      if (!loaded) return;
      const plan = await planStages(loaded, now, p);
      if (o.format === "json" && o.resources && !hasErrors(plan.issues)) {
        p.step("registering resources under mocks");
        const resources = await captureResources(loaded.estate, now);
        p.stop();
        io.out(planJson(plan, { resources }));
        return ctx.setCode(EXIT.ok);
      }
      p.stop();
      if (o.format === "json") io.out(planJson(plan));
      else if (o.format === "markdown") io.out(planMarkdown(plan));
      else io.out(header(project) + planText(plan, io.style, io.tty ? { sourcesCap: TTY_SOURCES } : {}));
      ctx.setCode(hasErrors(plan.issues) ? EXIT.inputErrors : EXIT.ok);
    } finally {
      p.stop();
    }
  });
};
