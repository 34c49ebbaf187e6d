/**
 * The block path (yaml-block.ts) reads plain block YAML by lines. Whenever it answers for a file, the
 * reference path (the `yaml` package) reads the same values and reports no issue; whatever it
 * declines, the loader reports exactly what the reference path reports. Generated texts are block
 * documents as `inventory pull` writes them, with scalars of every kind the two could disagree on,
 * and random edits (comments, markers, block scalars, tabs, CRs, indicators, deep indentation).
 */
import fc from "fast-check";
import { MAX_DEPTH } from "../../provider/model/limits";
import { lexicalDepth, parseYamlFile } from "../../provider/model/yaml";
import { blockValues } from "../../provider/model/yaml-block";
import { parseWithYaml } from "../../provider/model/yaml-reference";
import { applyEdits, type YamlEdit } from "../support/yaml-edits";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

/** Scalars as written: text the block path reads, and text it must decline or read exactly. */
const SCALARS = [
  "u0001",
  "x@example.com",
  "arn:aws:iam::1:role/x",
  "s3://bucket/prefix/",
  "a b",
  "a  b",
  "é ü",
  "a\u00a0",
  "\u00a0nbsp",
  "a#b",
  "a #c",
  "a:b",
  "a: b",
  "a:",
  "-x",
  "- x",
  "-",
  "?x",
  "? x",
  ":x",
  "*alias",
  "&anchor v",
  "!tag v",
  "!!str 1",
  "%pct",
  "@at",
  "`tick",
  "|",
  ">-",
  "a,b",
  "a]",
  "[a, b]",
  "{a: 1}",
  "~",
  "null",
  "Null",
  "NULL",
  "nUll",
  "true",
  "True",
  "TRUE",
  "tRue",
  "false",
  "yes",
  "on",
  "0",
  "-0",
  "12",
  "+7",
  "007",
  "0o17",
  "0x1F",
  "0b101",
  "1.5",
  "-.5",
  ".5",
  "1e3",
  ".inf",
  "-.Inf",
  ".NaN",
  "1_000",
  "2026-01-01",
  "2026-01-01T00:00:00Z",
  "12:30",
  "99999999999999999999999",
  "'single'",
  "'it''s'",
  "'a''",
  "''",
  "'a #b'",
  "'x' y",
  '"quoted"',
  '"a: b"',
  '""',
  '"esc \\" q"',
  '"tab \\t"',
  '"a" b',
  '"open',
  "'open",
];
const KEYS = [
  "id",
  "tags",
  "platform",
  "a",
  "b-c",
  "x_y",
  "k.v",
  "path/to",
  "null",
  "True",
  "0",
  "1.5",
  '"q k"',
  "__proto__",
  "~",
  "on",
  "-k",
  "a b",
];
/** The scalars and keys pulled files are made of: the block path reads each of them. */
const READABLE = [
  "u0001",
  "x@example.com",
  "arn:aws:iam::1:role/x",
  "a b",
  "é ü",
  "a#b",
  "a:b",
  "-x",
  "~",
  "null",
  "true",
  "False",
  "yes",
  "2026-01-01",
  "12:30",
  "'single'",
  "'it''s'",
  "''",
  '"quoted"',
  '"a: b"',
  '""',
  "a,b",
];
const PLAIN_KEYS = ["id", "tags", "platform", "a", "b-c", "x_y", "k.v", "path/to"];
const scalar = fc.oneof({ arbitrary: fc.constantFrom(...READABLE), weight: 8 }, { arbitrary: fc.constantFrom(...SCALARS), weight: 1 });
const key = fc.oneof({ arbitrary: fc.constantFrom(...PLAIN_KEYS), weight: 12 }, { arbitrary: fc.constantFrom(...KEYS), weight: 1 });

type Tree = string | Tree[] | { [k: string]: Tree };
const tree: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, { arbitrary: scalar, weight: 3 }, tie("map"), tie("seq")),
  map: fc.dictionary(key, tie("node"), { minKeys: 1, maxKeys: 4 }),
  seq: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
})).node as fc.Arbitrary<Tree>;

/** Block style, `step` spaces per level, a sequence at a key indented or at the key's column. */
function write(t: Tree, indent: number, step: number, seqAtKey: boolean): string[] {
  const pad = " ".repeat(indent);
  if (typeof t === "string") return [`${pad}${t}`];
  if (Array.isArray(t)) {
    return t.flatMap((item) => {
      if (typeof item === "string") return [`${pad}- ${item}`];
      const inner = write(item, indent + 2, step, seqAtKey);
      return [`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  return Object.entries(t).flatMap(([k, v]) => {
    if (typeof v === "string") return [`${pad}${k}:${v === "" ? "" : ` ${v}`}`];
    const nested = Array.isArray(v) && seqAtKey ? indent : indent + step;
    return [`${pad}${k}:`, ...write(v, nested, step, seqAtKey)];
  });
}

const LINES = [
  "# comment",
  "  # indented comment",
  "",
  "   ",
  "---",
  "...",
  "- ",
  "-",
  "k: |",
  "  text",
  "k: v # c",
  "\tk: v",
  "%YAML 1.2",
  "k: &a v",
];
const edit = fc.oneof(
  fc.tuple(fc.constant("line" as const), fc.nat(), fc.constantFrom(...LINES)),
  fc.tuple(
    fc.constant("char" as const),
    fc.nat(),
    fc.constantFrom(" ", "  ", ":", "#", "'", '"', "-", "[", "{", "\r", "\t", "\n", "\u0085", "\ufeff"),
  ),
);

function text(t: Tree, step: number, seqAtKey: boolean, edits: readonly YamlEdit[], crlf: boolean): string {
  return applyEdits(write(t, 0, step, seqAtKey).join("\n") + "\n", edits, crlf);
}

describe("the block YAML path", () => {
  beforeAll(() => jest.spyOn(process, "emitWarning").mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  test("reads the reference path's values whenever it answers, and the loader matches the reference path always", () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 4 }), fc.array(tree, { minLength: 1, maxLength: 3 })),
        fc.constantFrom(2, 2, 4),
        fc.boolean(),
        fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }), weight: 2 }),
        fc.boolean(),
        (t, step, seqAtKey, edits, crlf) => {
          const s = text(t, step, seqAtKey, edits, crlf);
          // The loader drops a leading BOM before either path reads the text.
          const ref = parseWithYaml("f.yaml", s.replace(/^\uFEFF/, ""));
          const loaded = parseYamlFile({ path: "f.yaml", content: s });
          expect({ text: s, issues: loaded.issues }).toEqual({ text: s, issues: ref.issues });
          expect({ text: s, values: loaded.docs.map((d) => d.value) }).toEqual({ text: s, values: ref.values });
          const block = blockValues(s);
          if (block === undefined) return;
          answered++;
          expect({ text: s, issues: ref.issues }).toEqual({ text: s, issues: [] });
          expect({ text: s, values: block.filter((v) => v !== null) }).toEqual({ text: s, values: ref.values });
        },
      ),
      { numRuns: RUNS },
    );
    // The generator must exercise the block path, not only files it declines.
    expect(answered).toBeGreaterThan(RUNS / 5);
  });

  test("reads a pulled inventory file, and declines numbers, escapes, flow collections and markers", () => {
    const pulled = [
      "# generated by accessplane inventory pull (source: sf); edit the hand-written files instead",
      "dataSources:",
      "  - id: snowflake.db.sales.orders",
      "    platform: snowflake",
      "    objectType: table",
      "    location: 'db.sales.\"Orders''s\"'",
      "    tags:",
      "    - pii",
      "    - accessplane:new",
      "    owner:",
      "    incomingShare: true",
      "",
    ].join("\r\n");
    expect(blockValues(pulled)).toEqual([
      {
        dataSources: [
          {
            id: "snowflake.db.sales.orders",
            platform: "snowflake",
            objectType: "table",
            location: `db.sales."Orders's"`,
            tags: ["pii", "accessplane:new"],
            owner: null,
            incomingShare: true,
          },
        ],
      },
    ]);
    for (const s of [
      "a: 12\n",
      'a: "x\\ty"\n',
      "a: [x]\n",
      "---\na: b\n",
      "a: b\n---\nc: d\n",
      "a: b # c\n",
      "a: |\n  x\n",
      "a: x\n  y\n",
      "a: b\na: c\n",
      "__proto__: x\n",
    ])
      expect({ s, v: blockValues(s) }).toEqual({ s, v: undefined });
  });

  test("declines whatever the depth guard refuses, so the guard's verdict never changes", () => {
    // Four spaces per level: the lexical estimate (two columns a level) passes MAX_DEPTH first.
    const levels = Math.ceil(MAX_DEPTH / 2) + 2;
    const lines = Array.from({ length: levels }, (_, i) => `${" ".repeat(4 * i)}k${i}:`);
    const s = [...lines, `${" ".repeat(4 * levels)}v: x`].join("\n") + "\n";
    expect(lexicalDepth(s).depth).toBeGreaterThan(MAX_DEPTH);
    expect(blockValues(s)).toBeUndefined();
    expect(parseYamlFile({ path: "f.yaml", content: s }).issues.map((i) => i.code)).toEqual(["too-deep"]);
  });
});
