/**
 * Since when a policy has existed, from git: the commit that first added each policy file. One
 * `git log` for all files (argument arrays, no shell). Outside a repository, or for a file git does
 * not track, there is no date and the review falls back to the approval's own `approvedAt`.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

/** Parses `git log --diff-filter=A --format=%x00%cI --name-only` output: each file's oldest adding commit. */
export function parseFirstCommits(out: string): Map<string, string> {
  const first = new Map<string, string>();
  let date: string | undefined;
  for (const line of out.split("\n")) {
    if (line.startsWith("\0")) date = line.slice(1).trim();
    else if (line.trim() !== "" && date !== undefined) first.set(line.trim(), date); // newest first: the last seen is the oldest
  }
  return first;
}

/**
 * The first commit date (ISO, committer time) of each of `files` (paths relative to `cwd`, as the
 * plan's issues and policies name them), keyed by those paths. Empty when git is unavailable.
 */
export async function firstCommits(files: readonly string[], cwd: string): Promise<Map<string, string>> {
  if (files.length === 0) return new Map();
  const run = (args: string[]) =>
    new Promise<string | undefined>((resolve) =>
      execFile("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (err, stdout) =>
        resolve(err ? undefined : stdout),
      ),
    );
  const top = (await run(["rev-parse", "--show-toplevel"]))?.trim();
  if (!top) return new Map();
  const out = await run([
    "log",
    "--diff-filter=A",
    "--format=%x00%cI",
    "--name-only",
    "--no-renames",
    "--",
    ...files.map((f) => path.resolve(cwd, f)),
  ]);
  if (out === undefined) return new Map();
  const byRepoPath = parseFirstCommits(out);
  const result = new Map<string, string>();
  for (const f of files) {
    const rel = path.relative(top, path.resolve(cwd, f)).split(path.sep).join("/");
    const d = byRepoPath.get(rel);
    if (d !== undefined) result.set(f, new Date(Date.parse(d)).toISOString());
  }
  return result;
}
