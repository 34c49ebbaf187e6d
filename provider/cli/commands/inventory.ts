/**
 * `accessplane inventory pull`: reads the project's sources and rewrites `inventory/pulled/`.
 * With `--dry-run` it writes nothing and prints the inventory diff and the effective-access diff
 * the pull would cause (both estates planned in memory).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import { hasErrors, type Issue } from "../../model/issues";
import type { EstateSources } from "../../model/estate";
import { parseEstate } from "../../model/load";
import { readEstateSources } from "../../model/read";
import { diffPlans } from "../../plan/diff";
import { diffJson, diffText } from "../../plan/render/diff";
import { issuesText } from "../../plan/render/plan";
import type { Style } from "../../plan/render/table";
import { inventoryChanges, pull, readSources, type SourceOutcome, writePulled } from "../../connectors/pull";
import { findProject, PROJECT_FILE } from "../../project";
import { type Context, type Loaded, planStages, type RegisterCommand, relativePaths, resolveProject, usage } from "../context";
import { EXIT, type ExitCode } from "../exit";
import type { Io } from "../io";
import type { Progress } from "../progress";

/** Options of `inventory pull`. */
interface PullFlags {
  source?: string[];
  dryRun?: boolean;
  format: "text" | "json";
}

/** Registers `inventory pull` on the program. */
export const inventoryCommand: RegisterCommand = (prog, ctx) => {
  const inv = prog.command("inventory").description("work with the inventory: pull it from the platforms and the identity provider");
  inv
    .command("pull")
    .description("read the sources of accessplane.yaml (`inventory.sources`) and rewrite inventory/pulled/<source>.yaml")
    .option("--source <name...>", "only these sources (repeat or list several)")
    .option("--dry-run", "write nothing: print the inventory diff and the effective-access diff the pull would cause")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (o: PullFlags) => {
      const p = ctx.progress();
      try {
        ctx.setCode(await runPull(ctx, o, p));
      } finally {
        p.stop();
      }
    });
};

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

async function runPull(ctx: Context, o: PullFlags, p: Progress, cwd = process.cwd()): Promise<ExitCode> {
  const { io } = ctx;
  // The pull reads the sources of a project file: flags cannot stand in for it, so the general
  // "pass --policies/--inventory" advice would be wrong here.
  const file =
    findProject(cwd) ??
    usage(
      `\`inventory pull\` reads the sources of ${PROJECT_FILE}; none was found from ${cwd} upwards: run \`accessplane init\` to create one`,
    );
  const paths = resolveProject({}, cwd);
  if (fs.existsSync(paths.inventory) && fs.statSync(paths.inventory).isFile())
    usage(
      `the inventory \`${path.relative(cwd, paths.inventory)}\` is one file; pulled files need a directory: make \`inventory.path\` a directory`,
    );
  const project = readSources(file, paths.inventory, cwd);
  if (hasErrors(project.issues)) {
    report(io, o.format, [], project.issues);
    return EXIT.inputErrors;
  }
  // A project without sources yet (as `init` writes it) has nothing to pull: say how to add one,
  // without failing the scheduled workflow that runs before anyone has.
  if (project.sources.length === 0 && !o.source?.length) {
    io.err(
      `note: ${path.relative(cwd, file) || PROJECT_FILE} declares no sources, so there is nothing to pull: write \`inventory: { path: inventory, sources: [...] }\` with one entry per catalog or identity provider (README: "Pull the inventory from your platforms")\n`,
    );
    return EXIT.ok;
  }
  const unknown = (o.source ?? []).filter((n) => !project.sources.some((s) => s.entry.name === n));
  if (unknown.length > 0)
    usage(
      `--source: no source named ${unknown.map((n) => `\`${n}\``).join(", ")}; ${project.sources.length ? `the sources are ${project.sources.map((s) => `\`${s.entry.name}\``).join(", ")}` : "accessplane.yaml declares none (`inventory.sources`)"}`,
    );
  // The estate on disk, read once: its configuration scopes the pull, and a dry run plans it
  // against the pulled files.
  const disk = readEstateSources(relativePaths(paths, cwd));
  const before = hasErrors(disk.issues) ? undefined : parseEstate(disk.sources);
  const counts = new Map<string, string>();
  p.step("pulling");
  const outcomes = await pull(project, {
    ...(o.source ? { only: o.source } : {}),
    ...(before?.estate ? { config: before.estate.config } : {}),
    cwd,
    progress: (source, n) => {
      counts.set(
        source,
        [
          n.objects !== undefined ? plural(n.objects, "object") : "",
          n.users !== undefined ? plural(n.users, "user") : "",
          n.pages !== undefined ? plural(n.pages, "page") : "",
        ]
          .filter(Boolean)
          .join(", "),
      );
      p.step(`pulling ${[...counts.entries()].map(([k, v]) => `${k}: ${v}`).join(" · ")}`);
    },
  });
  const changes = inventoryChanges(outcomes);
  let accessDiff: string | undefined;
  let accessJson: unknown;
  let written: string[] = [];
  if (o.dryRun) {
    const d = before?.estate
      ? await accessDiffOf({ estate: before.estate, issues: before.issues }, disk.sources, outcomes, cwd, p)
      : undefined;
    if (d) {
      accessDiff = d.text(io.style);
      accessJson = d.json;
    }
  } else written = writePulled(outcomes, cwd);
  p.stop();
  const issues = outcomes.flatMap((x) => x.issues.map((i) => ({ ...i, message: i.message })));
  if (o.format === "json") {
    io.out(
      JSON.stringify(
        {
          version: 1,
          dryRun: !!o.dryRun,
          sources: outcomes.map((x) => ({
            name: x.name,
            kind: x.kind,
            ok: x.ok,
            file: x.file,
            ...x.counts,
            issues: x.issues,
            notes: x.notes,
            seconds: x.seconds,
            requests: x.stats.requests,
            pages: x.stats.pages,
          })),
          changes,
          written,
          ...(accessJson !== undefined ? { access: accessJson } : {}),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    for (const x of outcomes) {
      io.out(
        `${x.ok ? "✓" : "✗"} ${x.name} (${x.kind}): ${plural(x.counts.objects, "object")}, ${plural(x.counts.users, "user")}, ${plural(x.counts.groups, "group")}, ${plural(x.issues.length, "issue")}, ${x.seconds.toFixed(1)}s${x.ok ? "" : ": failed, nothing rewritten"}\n`,
      );
      for (const n of x.notes) io.out(`    note: ${n}\n`);
    }
    for (const c of changes) {
      if (c.status === "unchanged") io.out(`${c.file}: unchanged\n`);
      else
        io.out(
          `${c.file}: ${c.status === "added" ? "new file" : "changed"}: ${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed${o.dryRun ? " (dry run: not written)" : ""}\n`,
        );
      for (const k of c.added) io.out(`  + ${k}\n`);
      for (const k of c.removed) io.out(`  - ${k}\n`);
      for (const k of c.changed) io.out(`  ~ ${k}\n`);
    }
    if (accessDiff !== undefined) io.out("\n" + accessDiff);
    if (issues.length > 0) io.err(issuesText(issues, io.style).join("\n") + "\n");
  }
  return outcomes.some((x) => !x.ok) ? EXIT.sourceFailed : EXIT.ok;
}

function report(io: Io, format: string, outcomes: SourceOutcome[], issues: Issue[]) {
  if (format === "json") io.out(JSON.stringify({ version: 1, sources: outcomes, issues }, null, 2) + "\n");
  else io.err(issuesText(issues, io.style).join("\n") + "\n");
}

/** The effective-access diff of the estate on disk and the same estate with the pulled files, planned in memory. */
async function accessDiffOf(
  before: Loaded,
  sources: EstateSources,
  outcomes: readonly SourceOutcome[],
  cwd: string,
  p: Progress,
): Promise<{ text: (s: Style) => string; json: unknown } | undefined> {
  const inventory = [...sources.inventory];
  for (const o of outcomes) {
    if (!o.ok || o.text === undefined) continue;
    const rel = path.relative(process.cwd(), path.resolve(cwd, o.file));
    const i = inventory.findIndex((f) => f.path === rel);
    if (i >= 0) inventory[i] = { path: rel, content: o.text };
    else inventory.push({ path: rel, content: o.text });
  }
  const after = parseEstate({ ...sources, inventory });
  if (!after.estate) return undefined;
  const now = new Date();
  const labels = { base: "inventory on disk", head: "after pull" };
  const diff = diffPlans(
    await planStages(before, now, p, ` ${labels.base}`),
    await planStages({ estate: after.estate, issues: after.issues }, now, p, ` ${labels.head}`),
  );
  p.step("comparing");
  return { text: (s: Style) => diffText(diff, labels, s), json: JSON.parse(diffJson(diff, labels)) as unknown };
}
