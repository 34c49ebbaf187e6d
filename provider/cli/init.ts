/**
 * `accessplane init`: scaffolds a policy repository that depends on accessplane. It writes nothing
 * when any file it would write exists already (an existing package.json is kept, and named).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Platform, PLATFORMS } from "../model/schema";
import { ProjectError } from "../project";
import { initFiles } from "./templates";

/** Options of `init`. */
export interface InitOptions {
  /** Comma-separated platforms to scaffold (default: all). */
  platforms?: string | undefined;
  /** accessplane's version, for the dependency range. */
  version: string;
  /** accessplane's peer dependencies, which the project depends on. */
  peers: Record<string, string>;
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

/** Writes the scaffold into `dir`; throws ProjectError, having written nothing, when a file exists. */
export function initProject(dir: string, o: InitOptions): InitResult {
  const platforms = parsePlatforms(o.platforms);
  const files = initFiles({ platforms, version: o.version, peers: o.peers, name: path.basename(dir) });
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
    "  README.md lists what each platform's deploying identity needs before `pulumi up`",
  );
  return { files: planned, report: lines.join("\n") + "\n" };
}
