/** `accessplane explain`: why a user has or lacks access. */
import { suggest } from "../../model/suggest";
import { explain, UnknownNameError } from "../../plan/explain";
import { explainJson, explainText } from "../../plan/render/explain";
import type { EstateFlags } from "../../project";
import {
  estateOptions,
  formatOption,
  header,
  loadOrReport,
  nowOption,
  parseNow,
  type RegisterCommand,
  resolveProject,
  usage,
} from "../context";
import { EXIT } from "../exit";

/** Registers `explain`; an unknown user or data source is a usage error with a suggestion. */
export const explainCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    prog
      .command("explain")
      .description("explain why a user has or lacks access: policies, conditions, approvals, guardrails, identities, expiry")
      .argument("<user>", "the user's id")
      .argument("[dataSource]", "a data source id (default: every data source)")
      .addOption(nowOption())
      .addOption(formatOption(["text", "json"])),
  ).action(async (user: string, dataSource: string | undefined, o: EstateFlags & { now?: string; format: "text" | "json" }) => {
    const now = parseNow(o.now);
    const project = resolveProject(o);
    const loaded = loadOrReport(ctx, { project }, o.format);
    if (!loaded) return;
    try {
      const e = explain(loaded.estate, user, dataSource, now);
      ctx.io.out(o.format === "json" ? explainJson(e) : header(project) + explainText(e, ctx.io.style));
      ctx.setCode(EXIT.ok);
    } catch (err) {
      if (!(err instanceof UnknownNameError)) throw err;
      const s = suggest(err.value, err.known);
      usage(`${err.message}${s ? `: did you mean \`${s}\`?` : ""}`);
    }
  });
};
