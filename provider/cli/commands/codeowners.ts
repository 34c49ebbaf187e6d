/** `accessplane codeowners`: writes, or with `--check` checks, the CODEOWNERS file of the estate's stewards. */
import * as fs from "node:fs";
import * as path from "node:path";
import { readEstateSources } from "../../model/read";
import type { EstateFlags } from "../../project";
import { codeowners } from "../../stewardship/codeowners";
import { estateOptions, loadOrReport, type RegisterCommand, relativePaths, resolveProject } from "../context";
import { EXIT } from "../exit";
import { repoRoot } from "../sources";

const toRepo = (root: string, file: string) => path.relative(root, path.resolve(process.cwd(), file)).split(path.sep).join("/");

/** Registers `codeowners`. */
export const codeownersCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    prog
      .command("codeowners")
      .description("write CODEOWNERS: policy and inventory files owned by their domain's stewards, the rest by the governance team")
      .option("--output <file>", "where CODEOWNERS is (default: .github/CODEOWNERS at the repository root)")
      .option("--check", "write nothing; exit 1 when the file is missing or stale"),
  ).action(async (o: EstateFlags & { output?: string; check?: boolean }) => {
    const { io } = ctx;
    const project = resolveProject(o);
    const loaded = loadOrReport(ctx, { project }, "text");
    if (!loaded) return;
    const root = (await repoRoot(process.cwd())) ?? process.cwd();
    const out = o.output !== undefined ? path.resolve(process.cwd(), o.output) : path.join(root, ".github", "CODEOWNERS");
    const { sources } = readEstateSources(relativePaths(project));
    const text = codeowners({
      estate: loaded.estate,
      policyPath: (f) => toRepo(root, f),
      inventoryFiles: sources.inventory.map((s) => ({ path: toRepo(root, s.path), text: s.content.toString() })),
      projectFile: project.file !== undefined ? toRepo(root, project.file) : undefined,
      codeownersPath: toRepo(root, out),
    });
    const shown = path.relative(process.cwd(), out) || out;
    if (o.check) {
      const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
      if (current === text) {
        io.out(`${shown} is up to date\n`);
        return ctx.setCode(EXIT.ok);
      }
      io.err(
        `${shown} is ${current === undefined ? "missing" : "stale"}: domains, stewards or GitHub identities changed; run \`accessplane codeowners\` and commit it\n`,
      );
      return ctx.setCode(EXIT.inputErrors);
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    io.out(`wrote ${shown}\n`);
    ctx.setCode(EXIT.ok);
  });
};
