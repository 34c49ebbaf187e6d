/**
 * `accessplane init`: scaffolds a policy repository that depends on accessplane. It writes nothing
 * when any file it would write exists already (an existing package.json is kept, and named).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { SourceFile } from "../model/estate";
import { parseEstate } from "../model/load";
import { Platform, PLATFORMS } from "../model/schema";
import { PROJECT_FILE, ProjectError } from "../project";
import { codeowners } from "../stewardship/codeowners";
import { initFiles } from "./templates";

/** Where the scaffold's CODEOWNERS goes, relative to the target directory (its repository root). */
const CODEOWNERS = ".github/CODEOWNERS";

/** Options of `init`. */
export interface InitOptions {
  /** Comma-separated platforms to scaffold (default: all). */
  platforms?: string | undefined;
  /** accessplane's version, for the dependency range. */
  version: string;
  /** accessplane's peer dependencies, which the project depends on. */
  peers: Record<string, string>;
  /** Deploy as sharded stacks: the stacks workflow beside the review workflow. */
  sharded?: boolean | undefined;
}

/** What `init` wrote, for the report. */
export interface InitResult {
  files: string[];
  report: string;
}

/** Parses `--platforms`: known names only, in the canonical order. */
export function parsePlatforms(list: string | undefined): Platform[] {
  if (list === undefined) return [...PLATFORMS];
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = names.filter((n) => !Platform.safeParse(n).success);
  if (unknown.length > 0 || names.length === 0) {
    throw new ProjectError(
      `--platforms: ${unknown.length ? `unknown platform ${unknown.map((u) => `\`${u}\``).join(", ")}` : "no platform given"}; use some of ${PLATFORMS.join(", ")}`,
    );
  }
  return PLATFORMS.filter((p) => names.includes(p));
}

/**
 * The scaffold's CODEOWNERS, as `accessplane codeowners` writes it when `dir` is the repository
 * root, so the workflow's `codeowners --check` passes on the first pull request.
 */
function scaffoldCodeowners(files: Record<string, string>): string {
  const source = (p: string): SourceFile => ({ path: p, content: Buffer.from(files[p]!) });
  const under = (dir: string) =>
    Object.keys(files)
      .filter((f) => f.startsWith(`${dir}/`) && /\.ya?ml$/.test(f))
      .sort()
      .map(source);
  const inventory = under("inventory");
  const { estate, issues } = parseEstate({ policies: under("policies"), inventory, config: source(PROJECT_FILE) });
  // The templates are tested to load without errors; a failure here is a defect of accessplane.
  if (!estate) throw new Error(`init: the scaffold does not load: ${issues.map((i) => i.message).join("; ")}`);
  return codeowners({
    estate,
    policyPath: (f) => f,
    inventoryFiles: inventory.map((f) => ({ path: f.path, text: files[f.path]! })),
    projectFile: PROJECT_FILE,
    codeownersPath: CODEOWNERS,
  });
}

/** The root of the git work tree holding `dir`, if any (a `.git` entry in it or above it). */
function gitRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Writes the scaffold into `dir`; throws ProjectError, having written nothing, when a file exists. */
export function initProject(dir: string, o: InitOptions): InitResult {
  const platforms = parsePlatforms(o.platforms);
  const files = initFiles({ platforms, version: o.version, peers: o.peers, name: path.basename(dir), sharded: o.sharded === true });
  // CODEOWNERS paths are from the repository root: written only when `dir` is (or will be) the root.
  const root = gitRoot(dir);
  const ownCodeowners = root === undefined || root === path.resolve(dir);
  if (ownCodeowners) files[CODEOWNERS] = scaffoldCodeowners(files);
  const keepPackageJson = fs.existsSync(path.join(dir, "package.json"));
  const planned = Object.keys(files).filter((f) => !(f === "package.json" && keepPackageJson));
  const existing = planned.filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length > 0) {
    throw new ProjectError(
      `init: ${existing.map((f) => `\`${f}\``).join(", ")} already exist${existing.length === 1 ? "s" : ""} in ${dir}; nothing was written (move ${existing.length === 1 ? "it" : "them"} away, or run init in an empty directory)`,
    );
  }
  for (const f of planned) {
    const target = path.join(dir, f);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // `wx`: never replace a file that appeared since the check.
    fs.writeFileSync(target, files[f]!, { flag: "wx" });
  }
  const lines = [`accessplane init: wrote ${planned.length} files in ${dir} for ${platforms.join(", ")}`, ...planned.map((f) => `  ${f}`)];
  if (keepPackageJson) {
    lines.push(
      "kept the existing package.json: it needs accessplane and its peers, e.g.",
      `  npm install accessplane ${Object.keys(o.peers).join(" ")}`,
    );
  }
  lines.push(
    "next:",
    ...(keepPackageJson ? [] : ["  npm install"]),
    "  npx accessplane validate     # every error and warning",
    "  npx accessplane plan         # who gets what, offline",
    ...(ownCodeowners ? [] : [`  npx accessplane codeowners     # ${CODEOWNERS} at the repository root, which the workflow checks`]),
    "  README.md lists what each platform's deploying identity needs before `pulumi up`",
  );
  return { files: planned, report: lines.join("\n") + "\n" };
}
