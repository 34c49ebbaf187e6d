/**
 * The fast YAML path: plain data read with `js-yaml`, without building the syntax tree of the `yaml`
 * package. It answers only for files that both parsers read the same way; it declines everything
 * else, which the reference path (yaml-reference.ts) then decides and reports.
 */
import * as jsyaml from "js-yaml";
import { MAX_DEPTH } from "./limits";

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
      s[1] === "o" ? parseInt(s.substring(2), 8) : s[1] === "x" ? parseInt(s.substring(2), 16) : parseInt(s, 10),
    ),
    scalarType(
      `${TAG}float`,
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (s) =>
        /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(s)
          ? s.slice(-3).toLowerCase() === "nan"
            ? NaN
            : s[0] === "-"
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY
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
export function fastValues(text: string): unknown[] | undefined {
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
