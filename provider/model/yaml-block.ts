/**
 * The block path: the values of a file in plain block YAML, as `inventory pull` writes it, read line
 * by line without a YAML parser. It answers only for the grammar `blockDocument` (yaml-lines.ts)
 * locates lines in, and for scalars whose value needs no YAML resolution beyond null, booleans and
 * text; it declines everything else (undefined), which the fast path or the reference path then
 * reads and reports. test/model/yaml-block.property.test.ts holds it to the `yaml` package's values.
 */
import { MAX_DEPTH } from "./limits";

/**
 * A key read as text under the YAML 1.2 core schema: no number, boolean or null, no indicator
 * (shared with `blockDocument`, yaml-lines.ts, which reads the same grammar for lines).
 */
export const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
export const NOT_TEXT_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
/**
 * Characters this path leaves to the parsers: tabs, lone CRs, controls, BOM, NEL, LS, PS; and
 * brackets and braces, which `lexicalDepth` (yaml.ts) counts as nesting wherever they are, so a file
 * this path reads is one the depth guard would have let through.
 */
const DECLINED_CHARS = /[\u0000-\u0008\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF\u2028\u2029[\]{}]|\r(?!\n)/;
/** A plain scalar the core schema reads as a number: left to the parsers, which resolve numbers. */
const NUMBER =
  /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** The implicit-key limit of the `yaml` package: a longer line is left to the parsers. */
const MAX_LINE = 1000;
/** The value of a scalar this path cannot read. */
const DECLINE = Symbol("decline");

/** The first characters a plain scalar cannot start with here (YAML indicators, quotes, space). */
function plainStart(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return !(
    c === 0x2d ||
    c === 0x3f ||
    c === 0x3a ||
    c === 0x2c ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x23 ||
    c === 0x26 ||
    c === 0x2a ||
    c === 0x21 ||
    c === 0x7c ||
    c === 0x3e ||
    c === 0x27 ||
    c === 0x22 ||
    c === 0x25 ||
    c === 0x40 ||
    c === 0x60 ||
    c === 0x20
  );
}

/**
 * The value of one scalar written on one line (`s`: no leading or trailing space), or DECLINE:
 * a single-quoted one closed on the line, a double-quoted one without escapes, or a plain one that
 * holds no ` #` or `: ` and does not end with `:`. Plain scalars resolve as the core schema does:
 * null, booleans, and text; numbers are declined.
 */
function scalar(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 0x27 /* ' */) {
    if (s.length < 2 || s.charCodeAt(s.length - 1) !== 0x27) return DECLINE;
    const inner = s.slice(1, -1);
    // Every quote inside comes in pairs (`''` is one quote).
    for (let i = inner.indexOf("'"); i !== -1; i = inner.indexOf("'", i + 2)) if (inner.charCodeAt(i + 1) !== 0x27) return DECLINE;
    return inner.includes("''") ? inner.split("''").join("'") : inner;
  }
  if (c === 0x22 /* " */) {
    if (s.length < 2 || s.charCodeAt(s.length - 1) !== 0x22) return DECLINE;
    const inner = s.slice(1, -1);
    return inner.includes('"') || inner.includes("\\") ? DECLINE : inner;
  }
  if (!plainStart(c)) {
    // `-x`: a plain scalar may start with a dash followed by anything but a space.
    if (c !== 0x2d || s.length < 2 || s.charCodeAt(1) === 0x20) return DECLINE;
  }
  if (s.includes(" #") || s.includes(": ") || s.charCodeAt(s.length - 1) === 0x3a) return DECLINE;
  switch (s) {
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
  }
  const d = c === 0x2d || c === 0x2b ? s.charCodeAt(1) : c;
  if (((d >= 0x30 && d <= 0x39) || d === 0x2e) && NUMBER.test(s)) return DECLINE;
  return s;
}

/** The index past the last non-space character of `s` before `end`. */
function trimEnd(s: string, from: number, end: number): number {
  while (end > from && s.charCodeAt(end - 1) === 0x20) end--;
  return end;
}

type Container = { col: number; map: Record<string, unknown> | undefined; seq: unknown[] | undefined };

/**
 * The values of `text`'s one document when it is plain block YAML: mappings (`key: value`, `key:`
 * with a nested block or nothing) and sequences (`- ...`) by indentation, one-line scalars, comment
 * lines and blank lines. Undefined for anything else (flow collections, multi-line or block scalars,
 * escapes, numbers, keys that are not plain text, duplicate keys, anchors, tags, several documents,
 * a trailing comment, brackets anywhere, nesting near MAX_DEPTH), and for a file with no content.
 */
export function blockValues(text: string): unknown[] | undefined {
  if (DECLINED_CHARS.test(text)) return undefined;
  const stack: Container[] = [];
  let root: unknown;
  // A `key:` whose value is on the lines below (null when nothing nested follows).
  let pendingMap: Record<string, unknown> | undefined;
  let pendingKey = "";
  let pendingCol = -1;
  // Keys repeat (a pulled file has a few dozen distinct ones): each is checked once per file.
  const plainKeys = new Set<string>();
  /** Reads `key: value` or `key:` at `from`..`end` into `map`; false when the text is anything else. */
  const entry = (map: Record<string, unknown>, raw: string, from: number, end: number, col: number): boolean => {
    const colon = raw.indexOf(":", from);
    if (colon <= from || colon >= end) return false;
    const key = raw.slice(from, colon);
    if (!plainKeys.has(key)) {
      if (!PLAIN_KEY.test(key) || NOT_TEXT_KEY.test(key) || key === "__proto__") return false;
      plainKeys.add(key);
    }
    if (Object.prototype.hasOwnProperty.call(map, key)) return false;
    let v = colon + 1;
    if (v < end && raw.charCodeAt(v) !== 0x20) return false;
    while (v < end && raw.charCodeAt(v) === 0x20) v++;
    if (v === end) {
      map[key] = null;
      pendingMap = map;
      pendingKey = key;
      pendingCol = col;
      return true;
    }
    const value = scalar(raw.slice(v, end));
    if (value === DECLINE) return false;
    map[key] = value;
    return true;
  };
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const lineEnd = nl === -1 ? text.length : nl;
    const from = start;
    start = lineEnd + 1;
    let end = lineEnd;
    if (end > from && text.charCodeAt(end - 1) === 0x0d) end--;
    if (end - from > MAX_LINE) return undefined;
    let i = from;
    while (i < end && text.charCodeAt(i) === 0x20) i++;
    if (i === end) continue;
    // The depth `lexicalDepth` reads from the line's leading spaces and dashes (comments included).
    let lead = i;
    while (lead < end && (text.charCodeAt(lead) === 0x20 || text.charCodeAt(lead) === 0x2d)) lead++;
    if (Math.ceil((lead - from) / 2) > MAX_DEPTH) return undefined;
    if (text.charCodeAt(i) === 0x23 /* # */) continue;
    const col = i - from;
    end = trimEnd(text, i, end);
    const c0 = text.charCodeAt(from);
    // Document markers and directives.
    if (col === 0 && (c0 === 0x25 || text.startsWith("---", from) || text.startsWith("...", from))) return undefined;
    const dashChar = text.charCodeAt(i) === 0x2d;
    if (dashChar && i + 1 === end) return undefined;
    const dash = dashChar && text.charCodeAt(i + 1) === 0x20;
    // A nested block opens under the pending key: a sequence may sit at the key's own column.
    if (pendingMap && ((dash && col >= pendingCol) || (!dash && col > pendingCol))) {
      const node: Container = dash ? { col, map: undefined, seq: [] } : { col, map: {}, seq: undefined };
      pendingMap[pendingKey] = node.seq ?? node.map;
      pendingMap = undefined;
      stack.push(node);
      if (stack.length >= MAX_DEPTH) return undefined;
    } else pendingMap = undefined;
    if (root === undefined) {
      if (col !== 0) return undefined;
      const node: Container = dash ? { col: 0, map: undefined, seq: [] } : { col: 0, map: {}, seq: undefined };
      root = node.seq ?? node.map;
      stack.push(node);
    }
    if (dash) {
      while (stack.length > 0 && stack[stack.length - 1]!.col > col) stack.pop();
      const top = stack[stack.length - 1];
      if (!top || top.col !== col || !top.seq) return undefined;
      let c = i + 2;
      while (c < end && text.charCodeAt(c) === 0x20) c++;
      if (c === end) return undefined;
      const first = text.charCodeAt(c);
      if (first === 0x23 /* # */ || (first === 0x2d && text.charCodeAt(c + 1) === 0x20)) return undefined;
      // `- key: ...` or `- key:` opens a mapping at the key's column; anything else is one scalar.
      const colon = text.indexOf(":", c);
      const isEntry =
        colon > c && colon < end && (colon + 1 === end || text.charCodeAt(colon + 1) === 0x20) && PLAIN_KEY.test(text.slice(c, colon));
      if (!isEntry) {
        const value = scalar(text.slice(c, end));
        if (value === DECLINE) return undefined;
        top.seq.push(value);
        continue;
      }
      const map: Record<string, unknown> = {};
      top.seq.push(map);
      stack.push({ col: c - from, map, seq: undefined });
      if (stack.length >= MAX_DEPTH) return undefined;
      if (!entry(map, text, c, end, c - from)) return undefined;
      continue;
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.col > col || (top.col === col && top.seq && stack.length > 1)) stack.pop();
      else break;
    }
    const top = stack[stack.length - 1];
    if (!top || top.col !== col || !top.map) return undefined;
    if (!entry(top.map, text, i, end, col)) return undefined;
  }
  return root === undefined ? undefined : [root];
}
