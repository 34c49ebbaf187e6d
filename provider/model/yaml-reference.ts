/**
 * The reference YAML path: the `yaml` package's documents, with every problem reported at its line.
 * It decides every file that the fast path declines.
 */
import { LineCounter, parseAllDocuments, type Document } from "yaml";
import type { Issue } from "./issues";
import { MAX_DEPTH, tooDeep } from "./limits";

/** The options of every `yaml` parse, so that a lazy re-parse gives the same documents. */
export const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

/** One document parsed by `yaml`, with the line counter of its file. */
export interface YamlDocument {
  doc: Document.Parsed;
  lc: LineCounter;
}

/** What the reference path read from one file. */
export interface ReferenceResult {
  /** The value of every non-empty document that has no problem. */
  values: unknown[];
  /** Every document parsed, for finding lines (none when the file could not be parsed at all). */
  documents: YamlDocument[];
  issues: Issue[];
}

function depthOf(v: unknown, limit: number): number {
  // Iterative so that hostile nesting cannot overflow the stack.
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  const seen = new Set<object>();
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (x && typeof x === "object") {
      if (seen.has(x)) continue;
      seen.add(x);
      for (const c of Object.values(x)) stack.push([c, d + 1]);
    }
  }
  return max;
}

function hasCycle(v: unknown): boolean {
  const onPath = new Set<object>();
  // Aliases make the value a graph: a node shared by several aliases is walked once.
  const done = new Set<object>();
  const visit = (x: unknown): boolean => {
    if (!x || typeof x !== "object" || done.has(x)) return false;
    if (onPath.has(x)) return true;
    onPath.add(x);
    for (const c of Object.values(x)) if (visit(c)) return true;
    onPath.delete(x);
    done.add(x);
    return false;
  };
  return visit(v);
}

/** Parses one file's text with `yaml`, reporting every problem at its line. */
export function parseWithYaml(file: string, text: string): ReferenceResult {
  const issues: Issue[] = [];
  const documents: YamlDocument[] = [];
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, ...YAML_OPTIONS }) as Document.Parsed[];
  } catch (e) {
    issues.push({
      severity: "error",
      code: "yaml-syntax",
      message: `cannot parse YAML: ${String((e as Error).message).split("\n")[0]}`,
      file,
      help: "fix the YAML syntax",
    });
    return { values: [], documents, issues };
  }
  if (!Array.isArray(docs)) docs = [];
  if (docs.some((d) => d.errors.some((e) => /call stack/i.test(e.message)))) {
    issues.push(tooDeep(file));
    return { values: [], documents, issues };
  }
  const values: unknown[] = [];
  for (const doc of docs) {
    documents.push({ doc, lc });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = err.linePos?.[0]?.line ?? (err.pos?.[0] !== undefined ? lc.linePos(err.pos[0]).line : undefined);
        const dup = err.code === "DUPLICATE_KEY";
        issues.push({
          severity: "error",
          code: dup ? "duplicate-key" : "yaml-syntax",
          message: dup
            ? "a key appears twice in the same mapping"
            : `invalid YAML: ${err.message
                .split("\n")[0]!
                .replace(/\.$/, "")
                .replace(/^\w/, (c) => c.toLowerCase())}`,
          file,
          ...(line !== undefined ? { line } : {}),
          help: dup ? "keep one of the two keys" : "fix the YAML syntax at this line",
        });
      }
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      issues.push({
        severity: "error",
        code: "yaml-alias",
        message: `cannot resolve YAML aliases: ${String((e as Error).message).split("\n")[0]}`,
        file,
        help: "remove self-referencing or excessive `*alias` references",
      });
      continue;
    }
    if (value === null || value === undefined) continue; // empty document
    if (hasCycle(value)) {
      issues.push({
        severity: "error",
        code: "condition-cycle",
        message: "a YAML alias refers to a node that contains it, so the document never ends",
        file,
        help: "conditions must be a tree: copy the condition instead of aliasing its parent",
      });
      continue;
    }
    if (depthOf(value, MAX_DEPTH) > MAX_DEPTH) {
      issues.push(tooDeep(file));
      continue;
    }
    values.push(value);
  }
  return { values, documents, issues };
}
