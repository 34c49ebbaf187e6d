/**
 * Line location: turns a dotted path inside a parsed file into the line where it was written, and
 * quotes a scalar exactly as written. Files read on the fast path keep only their text: their
 * `yaml` documents are built on the first lookup in that file, so valid files never build an AST.
 */
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Document, type Node } from "yaml";
import type { Locator, SourceText } from "./estate";
import { NOT_TEXT_KEY, PLAIN_KEY } from "./yaml-block";
import { YAML_OPTIONS, type YamlDocument } from "./yaml-reference";

/** A fast-path file's `yaml` documents, for its lines only (the fast path has already read its values). */
function documentsForLines(text: string): YamlDocument[] {
  const lc = new LineCounter();
  try {
    const docs = parseAllDocuments(text, { lineCounter: lc, ...YAML_OPTIONS }) as Document.Parsed[];
    return Array.isArray(docs) ? docs.map((doc) => ({ doc, lc })) : [];
  } catch {
    return [];
  }
}

/** What a path inside one document leads to. */
interface Found {
  /** The 1-based line of the deepest key (or item) of the path that exists. */
  line: number | undefined;
  /** True when the whole path exists. */
  exact: boolean;
  /** The text of the scalar the whole path leads to, as written; undefined for a collection. */
  scalar: string | undefined;
}

/** One document of a file, able to find where a path inside it was written. */
interface LineDocument {
  find(segs: readonly (string | number)[]): Found;
}

/** A document of the `yaml` package: walks its syntax tree. */
function yamlLineDocument({ doc, lc }: YamlDocument, text: string): LineDocument {
  return {
    find(segs) {
      // Walk as deep as the path exists; report the deepest node found.
      let node: unknown = doc.contents;
      let pos: number | undefined = (node as Node | null)?.range?.[0];
      let exact = true;
      for (const seg of segs) {
        if (isMap(node)) {
          const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === seg);
          if (!pair) {
            exact = false;
            break;
          }
          pos = (pair.key as Node).range?.[0] ?? pos;
          node = pair.value;
        } else if (isSeq(node) && typeof seg === "number") {
          const item = node.items[seg];
          if (!item) {
            exact = false;
            break;
          }
          node = item;
          pos = (item as Node).range?.[0] ?? pos;
        } else {
          exact = false;
          break;
        }
      }
      const scalar = exact && isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]).trimEnd() : undefined;
      return { line: pos === undefined ? undefined : lc.linePos(pos).line, exact, scalar };
    },
  };
}

/** A node of a block document: a mapping, a sequence, or a scalar as written. */
type BlockNode =
  | { kind: "map"; keys: Map<string, { line: number; value: BlockNode }> }
  | { kind: "seq"; items: { line: number; value: BlockNode }[] }
  | { kind: "scalar"; text: string };

/** A scalar this reader takes as one line: quoted and closed on the line, or plain without indicators. */
const ONE_LINE_SCALAR =
  /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s\-?:,[\]{}#&*!|>'"%@`](?:(?! #)(?!: )[^\r])*(?<!:)|-[^\s](?:(?! #)(?!: )[^\r])*(?<!:))$/;

/**
 * The document of a file in plain block YAML, as `inventory pull` writes it: one document of
 * mappings (`key: value`, `key:` and a nested block) and sequences (`- ...`) by indentation, with
 * one-line scalars, comment lines and blank lines. Any other line (a flow collection, a multi-line or
 * block scalar, a key that is not plain text, a second document, a trailing comment) gives undefined,
 * and the `yaml` syntax tree decides. Read this way, it finds a path's line without that tree.
 */
export function blockDocument(text: string): LineDocument | undefined {
  type Open = { col: number; node: BlockNode };
  const stack: Open[] = [];
  let root: BlockNode | undefined;
  // A `key:` whose value is on the lines below (or null when nothing nested follows).
  let pending: { map: Extract<BlockNode, { kind: "map" }>; key: string; line: number; col: number } | undefined;
  let lineNo = 0;
  let start = 0;
  const closePending = () => {
    if (pending) pending.map.keys.set(pending.key, { line: pending.line, value: { kind: "scalar", text: "" } });
    pending = undefined;
  };
  /** Reads `key: value` or `key:` at `col`; false when the line is anything else. */
  const entry = (map: Extract<BlockNode, { kind: "map" }>, content: string, col: number, line: number): boolean => {
    const colon = content.indexOf(":");
    if (colon <= 0) return false;
    const key = content.slice(0, colon);
    if (!PLAIN_KEY.test(key) || NOT_TEXT_KEY.test(key) || map.keys.has(key)) return false;
    const rest = content.slice(colon + 1);
    if (rest === "" || /^ +$/.test(rest)) {
      pending = { map, key, line, col };
      return true;
    }
    if (rest[0] !== " ") return false;
    const value = rest.trim();
    if (!ONE_LINE_SCALAR.test(value)) return false;
    map.keys.set(key, { line, value: { kind: "scalar", text: value } });
    return true;
  };
  while (start <= text.length) {
    const nl = text.indexOf("\n", start);
    let raw = text.slice(start, nl === -1 ? text.length : nl);
    start = nl === -1 ? text.length + 1 : nl + 1;
    lineNo++;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    let col = 0;
    while (raw.charCodeAt(col) === 0x20) col++;
    if (col === raw.length || raw[col] === "#") continue;
    if (raw.startsWith("---") || raw.startsWith("...") || raw[0] === "%") return undefined;
    const dash = raw[col] === "-" && raw[col + 1] === " ";
    if (raw[col] === "-" && col + 1 === raw.length) return undefined;
    // A nested block opens under the pending key: a sequence may sit at the key's own column.
    let opened: BlockNode | undefined;
    if (pending && ((dash && col >= pending.col) || (!dash && col > pending.col))) {
      opened = dash ? { kind: "seq", items: [] } : { kind: "map", keys: new Map() };
      pending.map.keys.set(pending.key, { line: pending.line, value: opened });
      pending = undefined;
      stack.push({ col, node: opened });
    } else closePending();
    if (!root) {
      if (col !== 0) return undefined;
      root = dash ? { kind: "seq", items: [] } : { kind: "map", keys: new Map() };
      stack.push({ col: 0, node: root });
    }
    if (dash) {
      while (stack.length > 0 && stack[stack.length - 1]!.col > col) stack.pop();
      const top = stack[stack.length - 1];
      if (!top || top.col !== col || top.node.kind !== "seq") return undefined;
      let c = col + 2;
      while (raw.charCodeAt(c) === 0x20) c++;
      const content = raw.slice(c);
      if (content === "" || content[0] === "#" || content.startsWith("- ")) return undefined;
      if (ONE_LINE_SCALAR.test(content) && !/^[A-Za-z_][A-Za-z0-9_./-]*:(?: |$)/.test(content)) {
        top.node.items.push({ line: lineNo, value: { kind: "scalar", text: content } });
        continue;
      }
      const map: Extract<BlockNode, { kind: "map" }> = { kind: "map", keys: new Map() };
      top.node.items.push({ line: lineNo, value: map });
      stack.push({ col: c, node: map });
      if (!entry(map, content, c, lineNo)) return undefined;
      continue;
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.col > col || (top.col === col && top.node.kind === "seq" && stack.length > 1)) stack.pop();
      else break;
    }
    const top = stack[stack.length - 1];
    if (!top || top.col !== col || top.node.kind !== "map") return undefined;
    if (!entry(top.node, raw.slice(col), col, lineNo)) return undefined;
  }
  closePending();
  if (!root) return undefined;
  const top: BlockNode = root;
  const first = top.kind === "map" ? [...top.keys.values()][0]?.line : top.kind === "seq" ? top.items[0]?.line : undefined;
  return {
    find(segs) {
      let node: BlockNode = top;
      let line = first;
      let exact = true;
      for (const seg of segs) {
        const next: { line: number; value: BlockNode } | undefined =
          node.kind === "map"
            ? typeof seg === "string"
              ? node.keys.get(seg)
              : undefined
            : node.kind === "seq" && typeof seg === "number"
              ? node.items[seg]
              : undefined;
        if (!next) {
          exact = false;
          break;
        }
        line = next.line;
        node = next.value;
      }
      return { line, exact, scalar: exact && node.kind === "scalar" ? node.text : undefined };
    },
  };
}

/** Where things are in one parsed file: its text, and its documents (given, or read on first need). */
export class FileLines {
  private parsed: LineDocument[] | undefined;
  /**
   * @param text the file's text, for quoting values as written
   * @param documents the file's `yaml` documents; `"lazy"` to read `text` when a line is first needed
   */
  constructor(
    readonly text: string,
    documents: YamlDocument[] | "lazy",
  ) {
    if (documents !== "lazy") this.parsed = documents.map((d) => yamlLineDocument(d, text));
  }
  /** The file's documents, in order: plain block YAML is read by lines, anything else by `yaml`. */
  documents(): LineDocument[] {
    if (!this.parsed) {
      const block = blockDocument(this.text);
      this.parsed = block ? [block] : documentsForLines(this.text).map((d) => yamlLineDocument(d, this.text));
    }
    return this.parsed;
  }
}

/** Line location over every file of an estate. */
export class SourceIndex {
  /** Per file, in the order they were added (a file given twice keeps both). */
  private files = new Map<string, FileLines[]>();
  /** Per file, the documents of all its FileLines, once a lookup needed them. */
  private entries = new Map<string, LineDocument[]>();
  /** Records where things are in `file`. */
  add(file: string, lines: FileLines): void {
    const list = this.files.get(file);
    if (list) list.push(lines);
    else this.files.set(file, [lines]);
    this.entries.delete(file);
  }
  private entriesOf(file: string): LineDocument[] | undefined {
    let e = this.entries.get(file);
    if (!e) {
      const list = this.files.get(file);
      if (!list) return undefined;
      this.entries.set(file, (e = list.flatMap((f) => f.documents())));
    }
    return e;
  }
  /** The deepest key (or item) of `p` in `file` that exists. */
  private find(file: string, p: readonly (string | number)[]): Found | undefined {
    const entries = this.entriesOf(file);
    if (!entries || entries.length === 0) return undefined;
    const [head, ...rest] = p;
    const doc = entries.length > 1 && typeof head === "number" && entries[head] ? entries[head]! : entries[0]!;
    return doc.find(entries.length > 1 && typeof head === "number" ? rest : p);
  }
  /** The line of `p` in `file` (document index is the first path segment for multi-document files). */
  locate: Locator = (file, p) => this.find(file, p)?.line;
  /** The text of the scalar at `p` in `file`, exactly as written. */
  source: SourceText = (file, p) => {
    const f = this.find(file, p);
    return f?.exact ? f.scalar : undefined;
  };
}
