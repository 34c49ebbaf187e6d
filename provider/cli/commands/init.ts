/** `accessplane init`: scaffolds a policy repository. */
import * as path from "node:path";
import { packageManifest, ProjectError } from "../../project";
import { type RegisterCommand, usage } from "../context";
import { EXIT } from "../exit";
import { initProject } from "../init";

/** Registers `init`; a file in the way is a usage error, and nothing is written then. */
export const initCommand: RegisterCommand = (prog, ctx) => {
  prog
    .command("init")
    .description(
      "scaffold a policy repository: package.json, Pulumi program, accessplane.yaml, example policies and inventory, CI workflows, CODEOWNERS",
    )
    .argument("[dir]", "where to write (default: the working directory)", ".")
    .option("--platforms <list>", "only these platforms, comma-separated (e.g. snowflake,s3)")
    .option("--sharded", "deploy as sharded stacks (`accessplane stacks`): adds .github/workflows/access-stacks.yml")
    .action((dir: string, o: { platforms?: string; sharded?: boolean }) => {
      try {
        const m = packageManifest();
        const r = initProject(path.resolve(process.cwd(), dir), {
          platforms: o.platforms,
          sharded: o.sharded,
          version: m.version,
          peers: m.peerDependencies,
        });
        ctx.io.out(r.report);
        ctx.setCode(EXIT.ok);
      } catch (e) {
        if (e instanceof ProjectError) usage(e.message);
        throw e;
      }
    });
};
