/** `accessplane validate`: every error and warning of the estate, whether or not it loads. */
import { hasErrors, type Issue } from "../../model/issues";
import { type Format, issuesText } from "../../plan/render/plan";
import type { EstateFlags } from "../../project";
import {
  estateOptions,
  formatOption,
  header,
  load,
  mergeIssues,
  nowOption,
  parseNow,
  planStages,
  type RegisterCommand,
  resolveProject,
} from "../context";
import { EXIT } from "../exit";

/** Registers `validate`. Load errors are its output, so it loads with `load`, not `loadOrReport`. */
export const validateCommand: RegisterCommand = (prog, ctx) => {
  const { io } = ctx;
  estateOptions(
    prog
      .command("validate")
      .description("check policies, inventory and configuration; print every error and warning (exit 1 on errors)")
      .addOption(nowOption())
      .addOption(formatOption()),
  ).action(async (o: EstateFlags & { now?: string; format: Format }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const p = ctx.progress();
    let issues: Issue[];
    try {
      p.step("loading");
      const res = load({ project });
      issues = res.issues;
      // Planning finds what loading cannot (missing identities, platform warnings).
      if (res.estate) issues = mergeIssues(issues, (await planStages({ estate: res.estate, issues }, now, p)).issues);
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
    ctx.setCode(hasErrors(issues) ? EXIT.inputErrors : EXIT.ok);
  });
};
