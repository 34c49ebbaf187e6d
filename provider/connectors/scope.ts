/**
 * The scope of a source: which containers and objects a pull reads, from `include` and `exclude`
 * glob patterns over dotted paths.
 *
 * Syntax:
 * - A pattern is a dotted path of segments in the source's own order: `database.schema.table`
 *   (Snowflake, Redshift, Synapse), `catalog.schema.table` (Databricks, Trino),
 *   `project.dataset.table` (BigQuery), `bucket.prefix` (S3).
 * - In a segment, `*` matches any run of characters (none included) and `?` exactly one; every
 *   other character matches itself, case-sensitively, as the platform stores the name (Snowflake
 *   stores unquoted names in upper case: `SALES`, not `sales`). A segment that holds a dot or a
 *   wildcard as text is written in double quotes: `"my.db".*`, with `""` for a quote inside.
 * - A pattern shorter than a path matches everything under it: `SALES` and `SALES.*` both match
 *   every schema and table of the database `SALES`; `main.finance.*` every table of the schema
 *   `finance` of the catalog `main`; `*.*.tmp_*` every table whose name starts with `tmp_`, while
 *   `*.tmp_*` is every schema whose name starts with `tmp_`.
 * - An object is included when some `include` pattern matches it (an empty or absent `include`
 *   includes everything) and no `exclude` pattern matches it. A pattern under `include` that starts
 *   with `!` is an exclusion written inline: `include: [SALES.*, "!*.tmp_*"]`.
 */
import type { Scope } from "./types";

/** A compiled pattern: one matcher per segment. */
type Pattern = RegExp[];

/** A scope pattern that cannot be read, with the reason. */
export class ScopePatternError extends Error {}

/** Splits a pattern into segments, honouring double quotes. */
export function splitPattern(pattern: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let i = 0;
  if (pattern.length === 0) throw new ScopePatternError("a scope pattern must not be empty");
  for (;;) {
    let text = "";
    let quoted = false;
    if (pattern[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= pattern.length) throw new ScopePatternError(`\`${pattern}\` has a quote that is never closed`);
        if (pattern[i] === '"') {
          if (pattern[i + 1] === '"') {
            text += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i++];
      }
      if (i < pattern.length && pattern[i] !== ".")
        throw new ScopePatternError(`\`${pattern}\`: a quoted segment must be followed by \`.\` or end the pattern`);
    } else {
      while (i < pattern.length && pattern[i] !== ".") {
        if (pattern[i] === '"') throw new ScopePatternError(`\`${pattern}\`: quote a whole segment, not part of one`);
        text += pattern[i++];
      }
    }
    if (text === "" && !quoted) throw new ScopePatternError(`\`${pattern}\` has an empty segment (two dots in a row, or a dot at an end)`);
    out.push({ text, quoted });
    if (i >= pattern.length) return out;
    i++; // the dot
    if (i >= pattern.length) throw new ScopePatternError(`\`${pattern}\` ends with a dot`);
  }
}

function segmentMatcher(seg: { text: string; quoted: boolean }): RegExp {
  if (seg.quoted) return new RegExp(`^${seg.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "s");
  const body = [...seg.text].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "s");
}

/** One segment's glob (`*`, `?`), as a whole-text matcher. */
export const segmentGlob = (text: string): RegExp => segmentMatcher({ text, quoted: false });

/** Compiles one pattern (without its `!`). */
export function compilePattern(pattern: string): Pattern {
  return splitPattern(pattern).map(segmentMatcher);
}

/** The pattern matches `path` or a container of it: every segment of the pattern matches. */
const covers = (p: Pattern, path: readonly string[]) => p.length <= path.length && p.every((re, i) => re.test(path[i]!));
/** Something under `path` (or `path` itself) may match: the segments both have agree. */
const mayReach = (p: Pattern, path: readonly string[]) => p.every((re, i) => i >= path.length || re.test(path[i]!));

/**
 * Compiles include and exclude patterns into a Scope. Throws ScopePatternError naming the pattern
 * when one cannot be read.
 */
export function compileScope(include: readonly string[] = [], exclude: readonly string[] = []): Scope {
  const inc: Pattern[] = [];
  const exc: Pattern[] = [];
  for (const p of include) {
    if (p.startsWith("!")) exc.push(compilePattern(p.slice(1)));
    else inc.push(compilePattern(p));
  }
  for (const p of exclude) exc.push(compilePattern(p.startsWith("!") ? p.slice(1) : p));
  const excluded = (path: readonly string[]) => exc.some((p) => covers(p, path));
  return {
    container: (path) => !excluded(path) && (inc.length === 0 || inc.some((p) => mayReach(p, path))),
    object: (path) => !excluded(path) && (inc.length === 0 || inc.some((p) => covers(p, path))),
  };
}

/** The problem of each pattern that cannot be read, for validation (empty when all are fine). */
export function scopeProblems(patterns: readonly string[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  patterns.forEach((p, index) => {
    try {
      compilePattern(p.startsWith("!") ? p.slice(1) : p);
    } catch (e) {
      out.push({ index, message: (e as Error).message });
    }
  });
  return out;
}
