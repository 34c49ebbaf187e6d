/**
 * Line location: turns a dotted path inside a parsed file into the line where it was written, and
 * quotes a scalar exactly as written. Files read on the fast path keep only their text: their
 * `yaml` documents are built on the first lookup in that file, so valid files never build an AST.
 */
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Document, type Node } from "yaml";
import type { Locator, SourceText } from "./estate";
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

/** Where things are in one parsed file: its text, and its `yaml` documents (given, or parsed on first need). */
export class FileLines {
  private parsed: YamlDocument[] | undefined;
  /**
   * @param text the file's text, for quoting values as written
   * @param documents the file's `yaml` documents; `"lazy"` to parse `text` when a line is first needed
   */
  constructor(
    readonly text: string,
    documents: YamlDocument[] | "lazy",
  ) {
    if (documents !== "lazy") this.parsed = documents;
  }
  /** The file's documents, in order. */
  documents(): YamlDocument[] {
    return (this.parsed ??= documentsForLines(this.text));
  }
}

/** Line location over every file of an estate. */
export class SourceIndex {
  /** Per file, in the order they were added (a file given twice keeps both). */
  private files = new Map<string, FileLines[]>();
  /** Per file, the documents of all its FileLines, once a lookup needed them. */
  private entries = new Map<string, YamlDocument[]>();
  /** Records where things are in `file`. */
  add(file: string, lines: FileLines): void {
    const list = this.files.get(file);
    if (list) list.push(lines);
    else this.files.set(file, [lines]);
    this.entries.delete(file);
  }
  private entriesOf(file: string): YamlDocument[] | undefined {
    let e = this.entries.get(file);
    if (!e) {
      const list = this.files.get(file);
      if (!list) return undefined;
      this.entries.set(file, (e = list.flatMap((f) => f.documents())));
    }
    return e;
  }
  /** The deepest node of `p` in `file` that exists, and where its key (or item) starts. */
  private find(file: string, p: readonly (string | number)[]): { node: unknown; pos: number | undefined; lc: LineCounter; exact: boolean } | undefined {
    const entries = this.entriesOf(file);
    if (!entries || entries.length === 0) return undefined;
    const [head, ...rest] = p;
    const { doc, lc } =
      entries.length > 1 && typeof head === "number" && entries[head] ? entries[head]! : entries[0]!;
    const segs = entries.length > 1 && typeof head === "number" ? rest : p;
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
    return { node, pos, lc, exact };
  }
  /** The line of `p` in `file` (document index is the first path segment for multi-document files). */
  locate: Locator = (file, p) => {
    const f = this.find(file, p);
    return f?.pos === undefined ? undefined : f.lc.linePos(f.pos).line;
  };
  /** The text of the plain scalar at `p` in `file`, exactly as written. */
  source: SourceText = (file, p) => {
    const f = this.find(file, p);
    const text = this.files.get(file)?.at(-1)?.text;
    if (!f?.exact || !isScalar(f.node) || !f.node.range || text === undefined) return undefined;
    return text.slice(f.node.range[0], f.node.range[1]).trimEnd();
  };
}
