/**
 * Loading: YAML sources -> validated estate. Every problem is collected with file:line, a dotted
 * path and a hint; loading never stops at the first one and never throws on bad input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as jsyaml from "js-yaml";
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Document, type Node } from "yaml";
import { type Issue, dottedPath, sortIssues } from "./issues";
import { z } from "zod";
import {
  Config,
  DataSource,
  Domain,
  Group,
  PolicyInput,
  SharedRole,
  User,
  ProjectFile,
  type Inventory,
  type Policy,
  type Restriction,
} from "./schema";
import { suggest } from "./suggest";
import { emptyRejected, validateEstate, type Rejected } from "./validate";

export { suggest } from "./suggest";

/** The largest input file accepted; larger files are rejected before parsing. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** The deepest nesting accepted in any input document (conditions nest; nothing else needs depth). */
export const MAX_DEPTH = 64;

/** One input file's bytes, named by a path relative to the working directory. */
export interface SourceFile {
  path: string;
  content: Buffer | string;
}

/** The raw inputs of an estate, as read from disk or from a git revision. */
export interface EstateSources {
  policies: SourceFile[];
  inventory: SourceFile[];
  config?: SourceFile;
}

/** A loaded estate: validated, normalised and sorted, so results never depend on file order. */
export interface Estate {
  policies: Policy[];
  inventory: Inventory;
  config: Config;
  /**
   * Where inventory items were written, for issues found after loading. Set by the loader as a
   * non-enumerable property; estates built in code, or copied with a spread, have none.
   */
  readonly origins?: EstateOrigins;
}

/** Where something was written: file, 1-based line and dotted path. */
export interface SourceLocation {
  file: string;
  line?: number;
  path: string;
}

/** Looks up where inventory items were written. */
export interface EstateOrigins {
  /** Where the user with this id is defined (its first definition). */
  user(id: string): SourceLocation | undefined;
}

/** Finds the line of a dotted path inside one parsed file. */
export type Locator = (file: string, path: readonly (string | number)[]) => number | undefined;
/** The source text of the scalar at a dotted path inside one parsed file, as written. */
export type SourceText = (file: string, path: readonly (string | number)[]) => string | undefined;

/** Where to read an estate from; every path is a file or a directory of `.yaml`/`.yml` files. */
export interface EstatePaths {
  policies: string;
  inventory: string;
  config?: string | undefined;
}

/** The result of loading: the estate when there are no errors, and every issue found. */
export interface LoadResult {
  estate: Estate | undefined;
  issues: Issue[];
}

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
      issues.push(tooLarge(rel, size));
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

const tooLarge = (file: string, size: number): Issue => ({
  severity: "error",
  code: "file-too-large",
  message: `file is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
  file,
  help: "split it into several files in the same directory",
});

/** Reads an estate's files from disk. Problems reading them are issues, not exceptions. */
export function readEstateSources(paths: EstatePaths): { sources: EstateSources; issues: Issue[] } {
  const issues: Issue[] = [];
  const read = (files: string[]) =>
    files.map((f) => readSource(f, issues)).filter((s): s is SourceFile => s !== undefined);
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
  return { estate: issues.length > 0 && issues.some((i) => i.severity === "error") ? undefined : res.estate, issues: [...issues, ...res.issues] };
}

interface ParsedDoc {
  file: string;
  value: unknown;
}

interface IndexEntry {
  doc: Document.Parsed;
  lc: LineCounter;
}

/** The options of every `yaml` parse, so that a lazy re-parse gives the same documents. */
const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

/** A fast-path file's `yaml` documents, for its lines only (the fast path has already read its values). */
function documentsForLines(text: string, lc: LineCounter): Document.Parsed[] {
  try {
    const docs = parseAllDocuments(text, { lineCounter: lc, ...YAML_OPTIONS }) as Document.Parsed[];
    return Array.isArray(docs) ? docs : [];
  } catch {
    return [];
  }
}

/**
 * Turns paths into lines. Files read on the fast path keep only their text: their `yaml` documents
 * and line counter are built on the first `locate` in that file, so valid files never build an AST.
 */
class SourceIndex {
  /** Per file, in the order they were added: parsed documents, or text still to parse. */
  private files = new Map<string, { entries: IndexEntry[]; pending: (string | IndexEntry)[] }>();
  /** Each file's text, for quoting values as written (one text per file: multi-document files share it). */
  private texts = new Map<string, string>();
  /** Records the text of a file. */
  addSource(file: string, text: string) {
    this.texts.set(file, text);
  }
  private slot(file: string) {
    let s = this.files.get(file);
    if (!s) this.files.set(file, (s = { entries: [], pending: [] }));
    return s;
  }
  /** A document parsed by the `yaml` path. */
  add(file: string, doc: Document.Parsed, lc: LineCounter) {
    this.slot(file).pending.push({ doc, lc });
  }
  /** A file read by the fast path: its documents are parsed with `yaml` only when a line is needed. */
  addText(file: string, text: string) {
    this.slot(file).pending.push(text);
  }
  private entriesOf(file: string): IndexEntry[] | undefined {
    const s = this.files.get(file);
    if (!s) return undefined;
    for (const p of s.pending) {
      if (typeof p !== "string") s.entries.push(p);
      else {
        const lc = new LineCounter();
        for (const doc of documentsForLines(p, lc)) s.entries.push({ doc, lc });
      }
    }
    s.pending = [];
    return s.entries;
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
    const text = this.texts.get(file);
    if (!f?.exact || !isScalar(f.node) || !f.node.range || text === undefined) return undefined;
    return text.slice(f.node.range[0], f.node.range[1]).trimEnd();
  };
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

const tooDeep = (file: string): Issue => ({
  severity: "error",
  code: "too-deep",
  message: `nesting is deeper than ${MAX_DEPTH} levels`,
  file,
  help: "flatten nested `anyOf`/`allOf` conditions: nesting of the same operator can be merged",
});

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

/**
 * The fast path reads values with `js-yaml`, under the YAML 1.2 core schema exactly as the `yaml`
 * package resolves plain scalars. js-yaml's own CORE_SCHEMA differs: it reads `0b101`, `-0x1F` and
 * `+0o7` as numbers (yaml: text), `-.5` as text (yaml: a number) and integers too long for a double
 * as text (yaml: Infinity). Both keep timestamps and `yes`/`no` as text. Every explicit tag is
 * refused, so a tagged node never resolves differently on the two paths.
 */
const scalarType = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(tag, { kind: "scalar", resolve: (s: unknown) => typeof s === "string" && test.test(s), construct });
const refuse = (tag: string, kind: "scalar" | "sequence" | "mapping") => new jsyaml.Type(tag, { kind, resolve: () => false });
const TAG = "tag:yaml.org,2002:";
const YAML_CORE = new jsyaml.Schema({
  implicit: [
    scalarType(`${TAG}null`, /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalarType(`${TAG}bool`, /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === "t" || s[0] === "T"),
    scalarType(`${TAG}int`, /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
      s[1] === "o" ? parseInt(s.substring(2), 8) : s[1] === "x" ? parseInt(s.substring(2), 16) : parseInt(s, 10)),
    scalarType(
      `${TAG}float`,
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (s) =>
        /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(s)
          ? s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
          : parseFloat(s),
    ),
  ],
  explicit: [
    ...["str", "null", "bool", "int", "float"].map((t) => refuse(`${TAG}${t}`, "scalar")),
    refuse(`${TAG}seq`, "sequence"),
    refuse(`${TAG}map`, "mapping"),
  ],
});

/** The implicit-key limit of the `yaml` package: a line this long could hold a key it refuses. */
const MAX_FAST_LINE = 1000;

function hasLongLine(text: string): boolean {
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    if (end - start > MAX_FAST_LINE) return true;
    if (nl === -1) return false;
    start = nl + 1;
  }
}

/**
 * Text on which the two parsers differ, or that the fast path does not check for; each was found by
 * comparing both on generated documents. A tag or an anchor (js-yaml drops the properties of an
 * empty node followed by `---`; anchors mean aliases, which the yaml path counts); a tab (yaml
 * refuses some that js-yaml reads as spaces); a lone CR (a line break for js-yaml, text for yaml); a
 * BOM past the start; NEL, LS or PS (line ends for these regular expressions); a directive; `---`
 * followed by content; a document end `...`; a block scalar's indentation or keep indicator; a comment
 * right after a quoted scalar or a flow collection (yaml refuses it); an empty sequence entry (js-yaml
 * then accepts a less indented next entry). Text that merely looks like one of these (` !` in prose)
 * only costs the slower path.
 */
const UNUSUAL =
  /(?:^|[\s[{,:])(?:!|&[^\s[\]{},])|\t|\r(?!\n)|[\uFEFF\u0085\u2028\u2029]|^%|^---(?![ ]*\r?$)|^\.\.\.|[|>][-+]?[0-9]|[|>]\+|["'\]}]#|(?:^|[ ])-[ ]*(?:#.*)?\r?$/m;

/**
 * Every document's value read with `js-yaml`, or undefined whenever the file is anything but plain
 * data that both parsers read the same way: a syntax error or duplicate key (js-yaml throws), an
 * anchor or alias, a tag, a directive, a key that is a collection or null, a line long enough to hold
 * an over-long key, or nesting deeper than MAX_DEPTH. The `yaml` path then decides and reports.
 */
function fastValues(text: string): unknown[] | undefined {
  if (UNUSUAL.test(text) || hasLongLine(text)) return undefined;
  let declined = false;
  const collections = new Set<object>();
  const opened: number[] = [];
  const listener = (event: jsyaml.EventType, state: jsyaml.State) => {
    if (event === "open") {
      opened.push(state.position);
      return;
    }
    const start = opened.pop()!;
    if (declined) return;
    const { anchor, tag, kind, position } = state as jsyaml.State & { anchor: string | null; tag: string | null };
    // Tags and anchors are declined by UNUSUAL already; this catches any that slipped through.
    if (anchor !== null || tag === "!") {
      declined = true;
      return;
    }
    // js-yaml accepts flow collections and quoted scalars whose later lines yaml finds under-indented:
    // decline any that spans lines (from where the node opened, so a few on one line are declined too).
    const input = state.input;
    const endChar = input.charCodeAt(position - 1);
    const flowOrQuoted =
      kind === "scalar" ? endChar === 0x22 /* " */ || endChar === 0x27 /* ' */ : endChar === 0x5d /* ] */ || endChar === 0x7d; /* } */
    if (flowOrQuoted) {
      const nl = input.indexOf("\n", start);
      if (nl !== -1 && nl < position) declined = true;
    }
    if (kind === "mapping" || kind === "sequence") collections.add(state.result as object);
  };
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, null, { schema: YAML_CORE, listener });
  } catch {
    return undefined;
  }
  if (declined) return undefined;
  // Without anchors the values are trees. Every collection js-yaml read must be in them: one used
  // as a key would have become a string (yaml writes such keys differently). A pair in a flow
  // sequence (`[a: b]`) is the one collection js-yaml makes without reading it as a node.
  let seen = 0;
  const stack: [unknown, number][] = docs.map((d) => [d, 0]);
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    if (collections.has(x)) seen++;
    if (d >= MAX_DEPTH) return undefined;
    if (Array.isArray(x)) for (const c of x) stack.push([c, d + 1]);
    else
      for (const k of Object.keys(x)) {
        if (k === "null" || k === "__proto__") return undefined;
        stack.push([(x as Record<string, unknown>)[k], d + 1]);
      }
  }
  return seen === collections.size ? docs : undefined;
}

function parseYaml(src: SourceFile, index: SourceIndex, issues: Issue[]): ParsedDoc[] {
  const file = src.path;
  const size = typeof src.content === "string" ? Buffer.byteLength(src.content) : src.content.length;
  if (size > MAX_FILE_BYTES) {
    issues.push(tooLarge(file, size));
    return [];
  }
  let text: string;
  if (typeof src.content === "string") text = src.content;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(src.content);
    } catch {
      issues.push({
        severity: "error",
        code: "not-utf8",
        message: "file is not valid UTF-8",
        file,
        help: "save the file as UTF-8",
      });
      return [];
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  index.addSource(file, text);
  // The YAML parser recurses per nesting level: refuse hostile depth before it can exhaust the stack.
  const deep = lexicalDepth(text);
  if (deep.depth > MAX_DEPTH) {
    issues.push({ ...tooDeep(file), line: deep.line });
    return [];
  }
  const fast = fastValues(text);
  if (fast) {
    index.addText(file, text);
    return fast.filter((value) => value !== null && value !== undefined).map((value) => ({ file, value }));
  }
  return parseWithYaml(file, text, index, issues);
}

/**
 * The reference path: the `yaml` package's documents, with every problem reported at its line. It
 * decides every file that the fast path declines.
 */
function parseWithYaml(file: string, text: string, index: SourceIndex, issues: Issue[]): ParsedDoc[] {
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
    return [];
  }
  if (!Array.isArray(docs)) docs = [];
  if (docs.some((d) => d.errors.some((e) => /call stack/i.test(e.message)))) {
    issues.push(tooDeep(file));
    return [];
  }
  const out: ParsedDoc[] = [];
  for (const doc of docs) {
    index.add(file, doc, lc);
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = err.linePos?.[0]?.line ?? (err.pos?.[0] !== undefined ? lc.linePos(err.pos[0]).line : undefined);
        const dup = err.code === "DUPLICATE_KEY";
        issues.push({
          severity: "error",
          code: dup ? "duplicate-key" : "yaml-syntax",
          message: dup
            ? "a key appears twice in the same mapping"
            : `invalid YAML: ${err.message.split("\n")[0]!.replace(/\.$/, "").replace(/^\w/, (c) => c.toLowerCase())}`,
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
    out.push({ file, value });
  }
  return out;
}

/** Every key that any input schema accepts, for "did you mean" hints. */
const KNOWN_KEYS = [
  "name", "description", "kind", "access", "state", "subscribers", "dataSources", "acknowledgeSharedRole",
  "anyone", "approval", "approvers", "approvals", "when", "users", "groups", "user", "approvedBy", "approvedAt",
  "expiresAt", "group", "attribute", "values", "anyOf", "allOf", "names", "tags", "platforms", "id", "email",
  "attributes", "identities", "snowflake", "databricks", "identityCenter", "iamRole", "trino", "redshift", "synapse",
  "bigquery", "platform", "objectType", "location", "database", "schema", "table", "catalog", "project", "dataset",
  "bucket", "prefix", "object", "owners", "incomingShare", "principalMode", "sharedRoles", "arn", "members",
  "naming", "snowflakeRolePrefix", "groupPrefix", "mode", "admins", "roles", "accessGrantMapping", "cluster",
  "allowedDataSourceOperations", "allowedNonDataSourceOperations", "s3", "identityCenterGrantee", "identityStoreId",
  "accountId", "accessGrantsLocationId", "maxRolesPerAccount", "identityCenterArn", "locations", "scope", "iamRoleArn", "manageInstance", "viewBased", "managedSchema", "bigqueryDatasetSuffix", "synapseSchemaOwner", "bigLake",
  "policies", "$schema", "warehouse", "onMissing",
  "domain", "domains", "stewards", "requests", "requestedAt", "until", "reason", "allowSelfApproval", "maxDuration",
  "github", "stewardship", "governance", "domainRules",
];

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text \`${v.length > 40 ? v.slice(0, 40) + "…" : v}\``;
  return `${typeof v} \`${String(v)}\``;
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of p) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  boolean: "`true` or `false`",
  array: "a list",
  object: "a mapping",
};

/** Converts zod issues to accessplane issues, located in their file. */
export function fromZod(
  error: z.ZodError,
  root: unknown,
  file: string,
  base: (string | number)[],
  locate: Locator,
  what: string,
  source?: SourceText,
): Issue[] {
  const out: Issue[] = [];
  const at = (p: (string | number)[], issue: Omit<Issue, "file" | "line" | "path" | "severity">) => {
    const full = [...base, ...p];
    const line = locate(file, full);
    out.push({ severity: "error", ...issue, file, ...(line !== undefined ? { line } : {}), path: dottedPath(full) });
  };
  const visit = (zi: z.core.$ZodIssue, prefix: (string | number)[]) => {
    const p = [...prefix, ...(zi.path as (string | number)[])];
    const actual = valueAt(root, p);
    const key = String(p[p.length - 1] ?? what);
    if (actual === undefined && zi.code !== "unrecognized_keys" && zi.code !== "invalid_union") {
      at(p, { code: "missing-field", message: `missing \`${key}\``, help: `add \`${key}\`${zi.code === "invalid_value" ? ` (one of ${zi.values.map((v) => `\`${String(v)}\``).join(", ")})` : "expected" in zi && typeof zi.expected === "string" ? ` (${EXPECTED[zi.expected] ?? zi.expected})` : ""}` });
      return;
    }
    switch (zi.code) {
      case "unrecognized_keys":
        for (const key of zi.keys) {
          // A key valid elsewhere (e.g. `groups` under `subscribers`) is no typo: suggest nothing then.
          const s = KNOWN_KEYS.includes(key) ? undefined : suggest(key, KNOWN_KEYS);
          at([...p, key], {
            code: "unknown-key",
            message: `unknown key \`${key}\` in ${what}`,
            help: s ? `did you mean \`${s}\`?` : "remove it; see the JSON Schema in schema/ for the keys allowed here",
          });
        }
        return;
      case "invalid_type": {
        // YAML reads `accountId: 222233334444` or `id: 007` as a number: quoting keeps the text.
        const quote =
          zi.expected === "string" && (typeof actual === "number" || typeof actual === "boolean" || actual === null)
            ? `quote it so that YAML reads it as text: \`${key}: "${source?.(file, [...base, ...p]) ?? String(actual)}"\``
            : zi.expected === "array" && (typeof actual === "string" || typeof actual === "number")
              ? `write a list: \`${key}: [${String(actual)}]\``
              : undefined;
        at(p, {
          code: "invalid-type",
          message: `\`${key}\` must be ${EXPECTED[zi.expected] ?? zi.expected}, got ${describe(actual)}`,
          help: quote ?? `write ${EXPECTED[zi.expected] ?? zi.expected} here`,
        });
        return;
      }
      case "invalid_value": {
        const same = typeof actual === "string" ? zi.values.find((v) => String(v).toLowerCase() === actual.toLowerCase()) : undefined;
        at(p, {
          code: "invalid-value",
          message: `\`${key}\` cannot be ${describe(actual)}`,
          help: `${same !== undefined ? `did you mean \`${String(same)}\`? (it differs only in case); ` : ""}use one of ${zi.values.map((v) => `\`${String(v)}\``).join(", ")}`,
        });
        return;
      }
      case "invalid_union": {
        if (zi.errors.length === 0) {
          const d = (zi as { discriminator?: string; options?: unknown[] }).options;
          at(p, {
            code: "invalid-value",
            message: `\`${key}\` cannot be ${describe(actual)}`,
            help: d ? `use one of ${d.map((v) => `\`${String(v)}\``).join(", ")}` : "see the JSON Schema for the accepted forms",
          });
          return;
        }
        // The branch with the fewest problems is the one the author most likely meant; a branch of
        // another kind than the value written (text where a mapping is) is the least likely.
        const score = (errs: z.core.$ZodIssue[]) =>
          errs.length + (errs.some((e) => e.code === "invalid_type" && e.path.length === 0) ? 1000 : 0);
        const best = [...zi.errors].sort((a, b) => score(a) - score(b))[0]!;
        for (const sub of best) visit(sub, p);
        return;
      }
      case "too_small":
        if (Array.isArray(actual) && (key === "anyOf" || key === "allOf")) {
          at(p, {
            code: "condition-empty",
            message: `\`${key}\` lists no condition`,
            help: `add at least one condition under \`${key}\`, or remove it`,
          });
          return;
        }
        return generic();
      default:
        return generic();
    }
    function generic() {
      const scalar = actual === null || typeof actual !== "object";
      at(p, {
        code: "invalid-value",
        message: `\`${key}\` ${zi.message.replace(/^Invalid input: /, "").replace(/\.$/, "")}${scalar ? ` (got ${describe(actual)})` : ""}`,
        help: (zi as { params?: { help?: string } }).params?.help ?? "see the JSON Schema in schema/ for what is accepted here",
      });
    }
  };
  for (const zi of error.issues) visit(zi, []);
  return out;
}

function normaliseRestriction(s: PolicyInput["subscribers"]): Restriction | undefined {
  if (s.anyone) return { level: "anyone" };
  if (s.approval) {
    const a = s.approval;
    return {
      level: "approval",
      approvers: a.approvers,
      approvals: a.approvals,
      ...(a.requests.length > 0 ? { requests: a.requests } : {}),
      ...(a.allowSelfApproval ? { allowSelfApproval: true } : {}),
      ...(a.maxDuration !== undefined ? { maxDuration: a.maxDuration } : {}),
    };
  }
  if (s.when) return { level: "conditions", when: s.when };
  if (s.users) return { level: "users", users: s.users.map((u) => ({ user: u.user, expiresAt: u.expiresAt })) };
  return undefined;
}

const INVENTORY_KINDS = ["users", "groups", "dataSources", "sharedRoles", "domains"] as const;
const INVENTORY_ITEMS = { users: User, groups: Group, dataSources: DataSource, sharedRoles: SharedRole, domains: Domain } as const;
const INVENTORY_WHAT = { users: "a user", groups: "a group", dataSources: "a data source", sharedRoles: "a shared role", domains: "a domain" } as const;

/** An inventory file's outline: which lists it holds; the items are checked one by one. */
const InventoryShell = z.strictObject({
  $schema: z.string().optional(),
  users: z.array(z.unknown()).optional(),
  groups: z.array(z.unknown()).optional(),
  dataSources: z.array(z.unknown()).optional(),
  sharedRoles: z.array(z.unknown()).optional(),
  domains: z.array(z.unknown()).optional(),
});

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const idOf = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

/** Records what can be read of an item left out, so that issues it alone causes are not reported. */
function noteRejected(rejected: Rejected, kind: (typeof INVENTORY_KINDS)[number], raw: unknown, idText: () => string | undefined): void {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return;
  const r = raw as Record<string, unknown>;
  // An id YAML read as a number (`id: 007`) is referred to as written (`"007"`).
  const id = typeof r.id === "number" ? (idText() ?? String(r.id)) : idOf(r.id);
  if (kind === "users" && id !== undefined) {
    const attributes: Record<string, string[]> = {};
    if (r.attributes && typeof r.attributes === "object" && !Array.isArray(r.attributes)) {
      for (const [k, vals] of Object.entries(r.attributes)) attributes[k] = typeof vals === "string" ? [vals] : strings(vals);
    }
    rejected.users.set(id, { groups: strings(r.groups), attributes });
  } else if (kind === "groups" && id !== undefined) rejected.groups.add(id);
  else if (kind === "dataSources") {
    rejected.dataSources.push({ ...(id !== undefined ? { id } : {}), tags: strings(r.tags), ...(typeof r.platform === "string" ? { platform: r.platform } : {}) });
  }
}

/** Validates and normalises an estate from in-memory sources (files from disk or from git). */
export function parseEstate(sources: EstateSources): LoadResult {
  const issues: Issue[] = [];
  const index = new SourceIndex();
  const policies: Policy[] = [];
  const policyOrigin = new Map<Policy, { file: string; path: (string | number)[] }>();

  for (const src of sources.policies) {
    const docs = parseYaml(src, index, issues);
    docs.forEach((d, di) => {
      const docBase: (string | number)[] = docs.length > 1 ? [di] : [];
      const v = d.value as Record<string, unknown>;
      const entries: [unknown, (string | number)[]][] =
        v && typeof v === "object" && !Array.isArray(v) && "policies" in v
          ? Array.isArray(v.policies)
            ? v.policies.map((p, i) => [p, [...docBase, "policies", i]])
            : []
          : [[v, docBase]];
      if (v && typeof v === "object" && "policies" in v && !Array.isArray(v.policies)) {
        issues.push(...fromZod(
          PolicyInput.array().safeParse(v.policies).error!,
          v.policies, d.file, [...docBase, "policies"], index.locate, "a policy file"));
      }
      for (const [raw, p] of entries) {
        const r = PolicyInput.safeParse(raw);
        if (!r.success) {
          issues.push(...fromZod(r.error, raw, d.file, p, index.locate, "a policy", index.source));
          continue;
        }
        const { subscribers, $schema: _s, ...rest } = r.data;
        const levels = (["anyone", "approval", "when", "users"] as const).filter((k) => subscribers[k] !== undefined);
        const line = index.locate(d.file, [...p, "subscribers"]);
        const where = { file: d.file, ...(line !== undefined ? { line } : {}), path: dottedPath([...p, "subscribers"]) };
        if (levels.length === 0) {
          issues.push({
            severity: "error",
            code: "restriction-missing",
            message: `policy \`${rest.name}\` names no restriction level`,
            ...where,
            help: "set exactly one of `anyone: true`, `approval`, `when` or `users` under `subscribers`",
          });
          continue;
        }
        if (levels.length > 1) {
          issues.push({
            severity: "error",
            code: "restriction-conflict",
            message: `policy \`${rest.name}\` sets ${levels.length} restriction levels: ${levels.map((l) => `\`${l}\``).join(", ")}`,
            ...where,
            help: "keep exactly one restriction level; write a second policy for another audience (grants combine with OR)",
          });
          continue;
        }
        const policy: Policy = { ...rest, restriction: normaliseRestriction(subscribers)!, file: d.file };
        policies.push(policy);
        policyOrigin.set(policy, { file: d.file, path: p });
      }
    });
  }

  const inventory: Inventory = { users: [], groups: [], dataSources: [], sharedRoles: [] };
  const invOrigin = new Map<object, { file: string; path: (string | number)[] }>();
  const rejected = emptyRejected();
  for (const src of sources.inventory) {
    const docs = parseYaml(src, index, issues);
    docs.forEach((d, di) => {
      const docBase: (string | number)[] = docs.length > 1 ? [di] : [];
      const v = d.value;
      // The file's shape first (a mapping of lists), then each item on its own: a bad item is
      // reported and left out, and the rest of the file still loads.
      const shell = InventoryShell.safeParse(v);
      if (!shell.success) issues.push(...fromZod(shell.error, v, d.file, docBase, index.locate, "an inventory file", index.source));
      if (!v || typeof v !== "object" || Array.isArray(v)) return;
      for (const k of INVENTORY_KINDS) {
        const list = (v as Record<string, unknown>)[k];
        if (!Array.isArray(list)) continue;
        list.forEach((raw, i) => {
          const p = [...docBase, k, i];
          const r = INVENTORY_ITEMS[k].safeParse(raw);
          if (!r.success) {
            issues.push(...fromZod(r.error, raw, d.file, p, index.locate, INVENTORY_WHAT[k], index.source));
            noteRejected(rejected, k, raw, () => index.source(d.file, [...p, "id"]));
            return;
          }
          // Domains are listed only when some file declares one, so estates without any are unchanged.
          if (k === "domains") (inventory.domains ??= []).push(r.data as Domain);
          else (inventory[k] as object[]).push(r.data);
          invOrigin.set(r.data, { file: d.file, path: p });
        });
      }
    });
  }

  let config: Config = Config.parse({});
  if (sources.config) {
    const docs = parseYaml(sources.config, index, issues);
    const d = docs[0];
    if (d) {
      // A project file is also a configuration file: its path keys are read by the CLI, not here.
      const r = ProjectFile.safeParse(d.value);
      if (r.success) {
        const { policies: _p, inventory: _i, config: _c, ...rest } = r.data;
        config = rest;
      }
      else issues.push(...fromZod(r.error, d.value, d.file, [], index.locate, "the configuration", index.source));
    }
  }

  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  inventory.users.sort(byId);
  inventory.groups.sort(byId);
  inventory.dataSources.sort(byId);
  inventory.sharedRoles.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  inventory.domains?.sort(byId);

  const userOrigin = new Map<string, { file: string; path: (string | number)[] }>();
  for (const u of inventory.users) if (!userOrigin.has(u.id)) userOrigin.set(u.id, invOrigin.get(u)!);
  const estate: Estate = { policies, inventory, config };
  // Where things were written is not part of the estate's value: non-enumerable, so estates compare,
  // spread and serialise as before. Lines are looked up only when an issue needs one, so valid files
  // are never parsed twice.
  const origins: EstateOrigins = {
    user: (id) => {
      const o = userOrigin.get(id);
      if (!o) return undefined;
      const line = index.locate(o.file, o.path);
      return { file: o.file, path: dottedPath(o.path), ...(line !== undefined ? { line } : {}) };
    },
  };
  Object.defineProperty(estate, "origins", { value: origins, enumerable: false });
  issues.push(
    ...validateEstate(estate, {
      policy: (p, sub) => {
        const o = policyOrigin.get(p);
        return o ? { file: o.file, path: [...o.path, ...sub] } : undefined;
      },
      item: (x, sub) => {
        const o = invOrigin.get(x);
        return o ? { file: o.file, path: [...o.path, ...sub] } : undefined;
      },
      config: (sub) => (sources.config ? { file: sources.config.path, path: sub } : undefined),
      locate: index.locate,
    }, rejected),
  );
  return { estate: issues.some((i) => i.severity === "error") ? undefined : estate, issues: sortIssues(issues) };
}
