/**
 * `accessplane inventory pull`: reads the project's sources and rewrites `inventory/pulled/`.
 * With `--dry-run` it writes nothing and prints the inventory diff and the effective-access diff
 * the pull would cause (both estates planned in memory).
 */
import * as path from "node:path";
import { Option } from "commander";
import { hasErrors, type Issue } from "../../model/issues";
import { parseEstate } from "../../model/load";
import { loadEstate, readEstateSources } from "../../model/read";
import { planFromResolution } from "../../plan/build";
import { diffPlans } from "../../plan/diff";
import { diffJson, diffText } from "../../plan/render/diff";
import { issuesText } from "../../plan/render/plan";
import type { Style } from "../../plan/render/table";
import { resolve } from "../../resolve/resolve";
import { inventoryChanges, pull, readSources, type SourceOutcome, writePulled } from "../../connectors/pull";
import { packageRoot, ProjectError, projectPaths } from "../../project";
import * as fs from "node:fs";

import type { RegisterCommand } from "../context";
import { EXIT, type ExitCode } from "../exit";
import type { Io } from "../io";

/** Options of `inventory pull`. */
interface PullFlags {
  source?: string[];
  dryRun?: boolean;
  format: "text" | "json";
}

/** Registers `inventory pull` on the program. */
export const inventoryCommand: RegisterCommand = (prog, { io, setCode }) => {
  const inv = prog.command("inventory").description("work with the inventory: pull it from the platforms and the identity provider");
  inv
    .command("pull")
    .description("read the sources of accessplane.yaml (`inventory.sources`) and rewrite inventory/pulled/<source>.yaml")
    .option("--source <name...>", "only these sources (repeat or list several)")
    .option("--dry-run", "write nothing: print the inventory diff and the effective-access diff the pull would cause")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (o: PullFlags) => setCode(await runPull(o, io)));
};

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

async function runPull(o: PullFlags, io: Io, cwd = process.cwd()): Promise<ExitCode> {
  let paths;
  try {
    paths = projectPaths({}, cwd, packageRoot());
  } catch (e) {
    if (e instanceof ProjectError) {
      io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (!paths.file) {
    io.err("error: `inventory pull` reads the sources of accessplane.yaml; none was found\n");
    return EXIT.usage;
  }
  if (fs.existsSync(paths.inventory) && fs.statSync(paths.inventory).isFile()) {
    io.err(
      `error: the inventory \`${path.relative(cwd, paths.inventory)}\` is one file; pulled files need a directory: make \`inventory.path\` a directory\n`,
    );
    return EXIT.usage;
  }
  const project = readSources(paths.file, paths.inventory, cwd);
  if (hasErrors(project.issues)) {
    report(io, o.format, [], project.issues);
    return EXIT.inputErrors;
  }
  const unknown = (o.source ?? []).filter((n) => !project.sources.some((s) => s.entry.name === n));
  if (unknown.length > 0) {
    io.err(
      `error: no source named ${unknown.map((n) => `\`${n}\``).join(", ")}; the sources are ${project.sources.map((s) => `\`${s.entry.name}\``).join(", ") || "none"}\n`,
    );
    return EXIT.usage;
  }
  const rel = (f: string) => path.relative(cwd, f) || ".";
  const estatePaths = {
    policies: rel(paths.policies),
    inventory: rel(paths.inventory),
    config: paths.config === undefined ? undefined : rel(paths.config),
  };
  const before = loadEstate(estatePaths);
  const counts = new Map<string, string>();
  const draw = () => io.err(`\r\u001b[K${[...counts.entries()].map(([k, v]) => `${k}: ${v}`).join(" · ")}`);
  const outcomes = await pull(project, {
    ...(o.source ? { only: o.source } : {}),
    ...(before.estate ? { config: before.estate.config } : {}),
    cwd,
    progress: (source, p) => {
      if (!io.progress) return;
      counts.set(
        source,
        [
          p.objects !== undefined ? plural(p.objects, "object") : "",
          p.users !== undefined ? plural(p.users, "user") : "",
          p.pages !== undefined ? plural(p.pages, "page") : "",
        ]
          .filter(Boolean)
          .join(", "),
      );
      draw();
    },
  });
  if (io.progress && counts.size > 0) io.err("\r\u001b[K");
  const changes = inventoryChanges(outcomes);
  let accessDiff: string | undefined;
  let accessJson: unknown;
  let written: string[] = [];
  if (o.dryRun) {
    const d = accessDiffOf(estatePaths, outcomes, cwd);
    if (d) {
      accessDiff = d.text(io.style);
      accessJson = d.json;
    }
  } else written = writePulled(outcomes, cwd);
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

/** The effective-access diff of the estate before and after the pull, planned in memory. */
function accessDiffOf(
  paths: { policies: string; inventory: string; config?: string | undefined },
  outcomes: readonly SourceOutcome[],
  cwd: string,
) {
  const { sources, issues } = readEstateSources(paths);
  if (hasErrors(issues)) return undefined;
  const after = { ...sources, inventory: [...sources.inventory] };
  for (const o of outcomes) {
    if (!o.ok || o.text === undefined) continue;
    const rel = path.relative(process.cwd(), path.resolve(cwd, o.file));
    const i = after.inventory.findIndex((f) => f.path === rel);
    if (i >= 0) after.inventory[i] = { path: rel, content: o.text };
    else after.inventory.push({ path: rel, content: o.text });
  }
  const a = parseEstate(sources);
  const b = parseEstate(after);
  if (!a.estate || !b.estate) return undefined;
  const now = new Date();
  const plan = (e: NonNullable<typeof a.estate>) => planFromResolution(e, resolve(e, now));
  const diff = diffPlans(plan(a.estate), plan(b.estate));
  const labels = { base: "inventory on disk", head: "after pull" };
  return { text: (s: Style) => diffText(diff, labels, s), json: JSON.parse(diffJson(diff, labels)) as unknown };
}
