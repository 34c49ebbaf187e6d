/**
 * Reads an estate from a git revision, a checkout directory or the working tree into in-memory
 * sources for `parseEstate`. Git runs through execFile with argument arrays: no shell, ever.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Issue } from "../model/issues";
import type { EstateSources, SourceFile } from "../model/estate";
import { MAX_FILE_BYTES } from "../model/limits";
import { readEstateSources } from "../model/read";
import type { ProjectPaths } from "../project";

/** Paths of an estate relative to the repository root. */
export interface RepoPaths {
  policies: string;
  inventory: string;
  /** The configuration file; `explicit` when the user named it (then it must exist). */
  config?: { path: string; explicit: boolean };
}

/** Where one side of a diff comes from. */
export type Revision =
  | { kind: "worktree"; root: string }
  | { kind: "dir"; root: string; arg: string }
  | { kind: "git"; root: string; ref: string; commit: string };

/** A problem with the command line (unknown ref, path outside the repository): exit code 2. */
export class UsageError extends Error {}

/** Runs git in `cwd`; resolves to stdout, rejects with git's first stderr line. */
function git(cwd: string, args: string[], maxBuffer = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, encoding: "buffer", maxBuffer, windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(new Error(String(stderr).split("\n")[0] || err.message));
      else resolve(stdout);
    });
  });
}

/** The top of the git checkout containing `cwd`, or undefined outside one. */
export async function repoRoot(cwd: string): Promise<string | undefined> {
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).toString("utf8").trim();
  } catch {
    return undefined;
  }
}

/** Interprets `--base`/`--head`: an existing directory is a checkout root, anything else a git ref. */
export async function revision(arg: string | undefined, cwd: string): Promise<Revision> {
  const root = await repoRoot(cwd);
  if (arg === undefined) return { kind: "worktree", root: root ?? cwd };
  const dir = path.resolve(cwd, arg);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return { kind: "dir", root: dir, arg };
  if (!root) throw new UsageError(`\`${arg}\` is neither a directory nor a git ref: ${cwd} is not inside a git repository`);
  if (arg.startsWith("-")) throw new UsageError(`\`${arg}\` is not a git ref`);
  let commit: string;
  try {
    commit = (await git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${arg}^{commit}`])).toString("utf8").trim();
  } catch {
    commit = "";
  }
  if (!commit)
    throw new UsageError(
      `\`${arg}\` is neither a directory nor a git ref known to this repository (fetch it first, e.g. \`git fetch origin ${arg.replace(/^origin\//, "")}\`)`,
    );
  return { kind: "git", root, ref: arg, commit };
}

/** How a revision is named in headings. */
export function revisionLabel(r: Revision): string {
  return r.kind === "worktree" ? "working tree" : r.kind === "dir" ? r.arg : r.ref;
}

/** A repository-relative, forward-slash path without `./` or a trailing slash. */
export function repoPath(p: string, root: string): string {
  const rel = path.isAbsolute(p) ? path.relative(root, p) : p;
  const n = path.posix.normalize(rel.split(path.sep).join("/")).replace(/\/+$/, "");
  if (n === ".." || n.startsWith("../")) throw new UsageError(`\`${p}\` is outside the repository root ${root}`);
  return n === "." ? "" : n;
}

/** A project's paths relative to the repository root, for reading them from any revision. */
export function repoPaths(project: ProjectPaths, root: string): RepoPaths {
  return {
    policies: repoPath(project.policies, root),
    inventory: repoPath(project.inventory, root),
    ...(project.config !== undefined ? { config: { path: repoPath(project.config, root), explicit: project.configExplicit } } : {}),
  };
}

/** The project's paths relative to the root of the repository holding the working directory (or to it). */
export async function projectRepoPaths(project: ProjectPaths, cwd: string): Promise<RepoPaths> {
  return repoPaths(project, (await repoRoot(cwd)) ?? cwd);
}

const isYaml = (f: string) => /\.ya?ml$/i.test(f);

/** Runs `f` over `items` with at most `n` in flight, keeping order. */
async function pool<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** The estate read from one revision; for a base, a missing path means "nothing there yet". */
export interface RevisionSources {
  sources: EstateSources;
  issues: Issue[];
  /** Things worth saying that are not problems (a base without policies). */
  notes: string[];
}

const missing = (what: string, p: string, where: string): Issue => ({
  severity: "error",
  code: "path-not-found",
  message: `${what} path \`${p}\` does not exist in ${where}`,
  help: `commit it, or pass another path with --${what}`,
});

async function fromGit(r: Extract<Revision, { kind: "git" }>, paths: RepoPaths, isBase: boolean): Promise<RevisionSources> {
  const issues: Issue[] = [];
  const notes: string[] = [];
  const sizes = new Map<string, number>();
  const list = async (p: string): Promise<string[]> => {
    // `--long` adds each blob's size: `<mode> <type> <object> <size>\t<path>`.
    const out = await git(r.root, ["ls-tree", "-r", "-z", "--long", r.commit, "--", p === "" ? "." : p]);
    const files: string[] = [];
    for (const rec of out.toString("utf8").split("\0")) {
      const m = /^\d+ blob [0-9a-f]+ +(\d+)\t(.*)$/s.exec(rec);
      if (!m) continue;
      sizes.set(m[2]!, Number(m[1]));
      files.push(m[2]!);
    }
    // A path naming one file is taken whatever its extension, as on disk.
    return files.length === 1 && files[0] === p ? files : files.filter(isYaml).sort();
  };
  const read = async (file: string): Promise<SourceFile | undefined> => {
    const name = `${r.ref}:${file}`;
    const size = sizes.get(file) ?? 0;
    if (size > MAX_FILE_BYTES) {
      issues.push({
        severity: "error",
        code: "file-too-large",
        message: `file is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
        file: name,
        help: "split it into several files in the same directory",
      });
      return undefined;
    }
    // `cat-file blob` gives the committed bytes exactly, like `git show <ref>:<path>` without filters.
    return { path: name, content: await git(r.root, ["cat-file", "blob", `${r.commit}:${file}`]) };
  };
  const readAll = async (what: "policies" | "inventory", p: string) => {
    const files = await list(p);
    if (files.length === 0) {
      if (isBase) notes.push(`${r.ref} has no ${what} at \`${p}\`: everything there is new`);
      else issues.push(missing(what, p, r.ref));
    }
    return (await pool(files, 8, read)).filter((s): s is SourceFile => s !== undefined);
  };
  const sources: EstateSources = {
    policies: await readAll("policies", paths.policies),
    inventory: await readAll("inventory", paths.inventory),
  };
  if (paths.config) {
    const files = await list(paths.config.path);
    const [c] = files.length ? (await pool(files.slice(0, 1), 1, read)).filter((s): s is SourceFile => s !== undefined) : [];
    if (c) sources.config = c;
    else if (files.length === 0 && paths.config.explicit) {
      if (isBase) notes.push(`${r.ref} has no configuration at \`${paths.config.path}\`: defaults apply there`);
      else issues.push(missing("config", paths.config.path, r.ref));
    }
  }
  return { sources, issues, notes };
}

function fromDir(root: string, label: string, paths: RepoPaths, isBase: boolean): RevisionSources {
  const abs = (p: string) => path.join(root, p);
  const config = paths.config && (paths.config.explicit || fs.existsSync(abs(paths.config.path))) ? abs(paths.config.path) : undefined;
  const { sources, issues } = readEstateSources({ policies: abs(paths.policies), inventory: abs(paths.inventory), config });
  if (!isBase) return { sources, issues, notes: [] };
  const notes = issues
    .filter((i) => i.code === "path-not-found")
    .map((i) => `${label} has no ${i.message.split(" ")[0]} at the path given: everything there is new`);
  return { sources, issues: issues.filter((i) => i.code !== "path-not-found"), notes };
}

/** Reads the estate sources of a revision. */
export async function readRevision(r: Revision, paths: RepoPaths, isBase: boolean): Promise<RevisionSources> {
  if (r.kind === "git") return fromGit(r, paths, isBase);
  return fromDir(r.root, revisionLabel(r), paths, isBase);
}
