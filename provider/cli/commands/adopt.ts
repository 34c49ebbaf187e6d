/**
 * `accessplane adopt --out DIR`: reads the live grants as `audit` does and writes, under DIR,
 * `adopted-policies.yaml` (staged named-user drafts, one per principal granting data access today)
 * and `pulumi-import.json` (for `pulumi import --file`). It changes nothing on any platform.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import { adopt, draftPoliciesYaml } from "../../audit/adopt";
import { compareWithPlan } from "../../audit/compare";
import { readLiveGrants } from "../../audit/run";
import { hasErrors } from "../../model/issues";
import type { EstateFlags } from "../../project";
import { estateOptions, loadOrReport, planStages, type RegisterCommand, resolveProject } from "../context";
import { EXIT } from "../exit";
import { projectSources } from "./audit";

/** Registers `adopt`. */
export const adoptCommand: RegisterCommand = (prog, ctx) => {
  const { io } = ctx;
  estateOptions(
    prog
      .command("adopt")
      .description("draft staged policies reproducing today's access outside policy, and a `pulumi import` file (reads only)")
      .addOption(new Option("--source <name...>", "read only these sources (default: every source of `inventory.sources`)"))
      .requiredOption("--out <dir>", "where to write adopted-policies.yaml and pulumi-import.json")
      .option("--component <name>", "the name of the AccessEstate component in the Pulumi program", "estate"),
  ).action(async (o: EstateFlags & { source?: string[]; out: string; component: string }) => {
    const project = resolveProject(o);
    const entries = projectSources(ctx, project, o.source);
    if (!entries) return;
    const now = new Date();
    const p = ctx.progress();
    try {
      const loaded = loadOrReport(ctx, { project }, "text", p);
      if (!loaded) return;
      const plan = await planStages(loaded, now, p);
      if (hasErrors(plan.issues)) {
        p.stop();
        io.err("the estate has errors: run `accessplane plan` to see them; nothing was adopted\n");
        return ctx.setCode(EXIT.inputErrors);
      }
      p.step("reading live grants");
      const read = await readLiveGrants(entries, loaded.estate.config, process.env, now);
      p.stop();
      for (const f of read.failures) io.err(`error: ${f.message}${f.help ? `\n  help: ${f.help}` : ""}\n`);
      if (read.failures.length > 0) {
        io.err("nothing was written: every source must be read for the drafts to reproduce today's access\n");
        return ctx.setCode(EXIT.sourceFailed);
      }
      const report = compareWithPlan(plan, loaded.estate.inventory, loaded.estate.config, read.states, { grantors: read.grantors });
      const a = adopt(report, plan, read.states, o.component, loaded.estate.config.s3);
      fs.mkdirSync(o.out, { recursive: true });
      fs.writeFileSync(path.join(o.out, "adopted-policies.yaml"), draftPoliciesYaml(a));
      fs.writeFileSync(path.join(o.out, "pulumi-import.json"), JSON.stringify(a.imports, null, 2) + "\n");
      io.out(
        `wrote ${a.policies.length} staged draft polic${a.policies.length === 1 ? "y" : "ies"} to ${path.join(o.out, "adopted-policies.yaml")} and ${a.imports.resources.length} import entr${a.imports.resources.length === 1 ? "y" : "ies"} to ${path.join(o.out, "pulumi-import.json")}\n`,
      );
      ctx.setCode(EXIT.ok);
    } finally {
      p.stop();
    }
  });
};
