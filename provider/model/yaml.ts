/**
 * YAML parsing: one file's bytes to the values of its documents, with every problem as an issue.
 * Plain block YAML is read by lines (yaml-block.ts), other plain data takes the fast path
 * (yaml-fast.ts); anything else, and every file with a problem, the reference path (yaml-reference.ts). Either way the file's lines are kept for locating issues.
 */
import type { SourceFile } from "./estate";
import type { Issue } from "./issues";
import { fileTooLarge, MAX_DEPTH, MAX_FILE_BYTES, tooDeep } from "./limits";
import { blockValues } from "./yaml-block";
import { fastValues } from "./yaml-fast";
import { FileLines } from "./yaml-lines";
import { parseWithYaml } from "./yaml-reference";

/** One non-empty document of a file. */
export interface ParsedDoc {
  file: string;
  value: unknown;
}

/** What parsing one file gave. */
export interface ParsedFile {
  /** The file's non-empty documents that have no problem, in order. */
  docs: ParsedDoc[];
  issues: Issue[];
  /** Where things are in the file; undefined when its bytes could not be read as text. */
  lines?: FileLines;
}

/**
 * An upper bound of a document's nesting, read lexically: flow brackets outside quotes and
 * comments, plus block indentation (one level per two columns). Cheap, and it never recurses.
 */
export function lexicalDepth(text: string): { depth: number; line: number } {
  let depth = 0;
  let max = 0;
  let maxLine = 1;
  let line = 1;
  let quote: string | undefined;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      lineStart = true;
      indent = 0;
      if (quote === "'" || quote === '"') continue;
      continue;
    }
    if (lineStart) {
      if (c === " " || c === "-") {
        indent++;
        continue;
      }
      lineStart = false;
      const blockDepth = depth + Math.ceil(indent / 2);
      if (blockDepth > max) {
        max = blockDepth;
        maxLine = line;
      }
    }
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== "\n") i++;
      i--;
    } else if (c === "[" || c === "{") {
      depth++;
      if (depth + Math.ceil(indent / 2) > max) {
        max = depth + Math.ceil(indent / 2);
        maxLine = line;
      }
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return { depth: max, line: maxLine };
}
/** Parses one YAML file into its documents' values; problems are issues, never exceptions. */
export function parseYamlFile(src: SourceFile): ParsedFile {
  const file = src.path;
  const size = typeof src.content === "string" ? Buffer.byteLength(src.content) : src.content.length;
  if (size > MAX_FILE_BYTES) return { docs: [], issues: [fileTooLarge(file, size)] };
  let text: string;
  if (typeof src.content === "string") text = src.content;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(src.content);
    } catch {
      return {
        docs: [],
        issues: [{ severity: "error", code: "not-utf8", message: "file is not valid UTF-8", file, help: "save the file as UTF-8" }],
      };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Plain block YAML, as `inventory pull` writes it, is read by lines: no parser, no recursion.
  const block = blockValues(text);
  if (block)
    return {
      docs: block.filter((value) => value !== null).map((value) => ({ file, value })),
      issues: [],
      lines: new FileLines(text, "lazy"),
    };
  // The YAML parser recurses per nesting level: refuse hostile depth before it can exhaust the stack.
  const deep = lexicalDepth(text);
  if (deep.depth > MAX_DEPTH) return { docs: [], issues: [{ ...tooDeep(file), line: deep.line }], lines: new FileLines(text, []) };
  const fast = fastValues(text);
  if (fast) {
    const docs = fast.filter((value) => value !== null && value !== undefined).map((value) => ({ file, value }));
    return { docs, issues: [], lines: new FileLines(text, "lazy") };
  }
  const ref = parseWithYaml(file, text);
  return { docs: ref.values.map((value) => ({ file, value })), issues: ref.issues, lines: new FileLines(text, ref.documents) };
}
