/** Reading an estate from disk: files and directories of YAML, as sources for `parseEstate`. */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EstatePaths, EstateSources, LoadResult, SourceFile } from "./estate";
import type { Issue } from "./issues";
import { fileTooLarge, MAX_FILE_BYTES } from "./limits";
import { parseEstate } from "./load";

const isYaml = (f: string) => /\.ya?ml$/i.test(f);

function listYaml(p: string, issues: Issue[], what: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    issues.push({
      severity: "error",
      code: "path-not-found",
      message: `${what} path \`${p}\` does not exist`,
      help: `create it, or pass another path with --${what}`,
    });
    return [];
  }
  if (st.isFile()) return [p];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && isYaml(e.name)) out.push(full);
    }
  };
  walk(p);
  return out;
}

function readSource(file: string, issues: Issue[]): SourceFile | undefined {
  const rel = path.relative(process.cwd(), file) || file;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      issues.push(fileTooLarge(rel, size));
      return undefined;
    }
    return { path: rel, content: fs.readFileSync(file) };
  } catch (e) {
    issues.push({
      severity: "error",
      code: "file-unreadable",
      message: `cannot read \`${rel}\`: ${(e as NodeJS.ErrnoException).code ?? "unknown error"}`,
      file: rel,
      help: "check that the file exists and is readable",
    });
    return undefined;
  }
}

/** Reads an estate's files from disk. Problems reading them are issues, not exceptions. */
export function readEstateSources(paths: EstatePaths): { sources: EstateSources; issues: Issue[] } {
  const issues: Issue[] = [];
  const read = (files: string[]) => files.map((f) => readSource(f, issues)).filter((s): s is SourceFile => s !== undefined);
  const sources: EstateSources = {
    policies: read(listYaml(paths.policies, issues, "policies")),
    inventory: read(listYaml(paths.inventory, issues, "inventory")),
  };
  if (paths.config !== undefined) {
    const [c] = read(listYaml(paths.config, issues, "config"));
    if (c) sources.config = c;
  }
  return { sources, issues };
}

/** Reads and loads an estate from disk. */
export function loadEstate(paths: EstatePaths): LoadResult {
  const { sources, issues } = readEstateSources(paths);
  const res = parseEstate(sources);
  return {
    estate: issues.length > 0 && issues.some((i) => i.severity === "error") ? undefined : res.estate,
    issues: [...issues, ...res.issues],
  };
}
