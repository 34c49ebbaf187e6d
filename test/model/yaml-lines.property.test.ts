/**
 * Line location on the fast path: files in plain block YAML are located by reading their lines
 * (yaml-lines.ts `blockDocument`) instead of building the `yaml` syntax tree. For generated block
 * documents, and for edits that make them anything else, every path's line and scalar text must be
 * what the `yaml` tree gives.
 */
import fc from "fast-check";
import { FileLines, SourceIndex, blockDocument } from "../../provider/model/yaml-lines";
import { parseWithYaml } from "../../provider/model/yaml-reference";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

type Tree = string | Tree[] | { [k: string]: Tree };

const keyArb = fc.oneof(
  { arbitrary: fc.constantFrom("id", "tags", "platform", "location", "a", "b-c", "x_y", "k.v", "path/to"), weight: 20 },
  { arbitrary: fc.constantFrom("null", "True", "0"), weight: 1 },
);
const scalarArb = fc.constantFrom(
  "u0001",
  "x@example.com",
  '"quoted: yes"',
  "'single'",
  "12",
  "true",
  "-5",
  "a b",
  "arn:aws:iam::1:role/x",
  "",
  "~",
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, { arbitrary: scalarArb, weight: 3 }, tie("map"), tie("seq")),
  map: fc.dictionary(keyArb, tie("node"), { minKeys: 1, maxKeys: 4 }),
  seq: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
})).map as unknown as fc.Arbitrary<Tree>;

/** Writes a tree as `inventory pull` does: block style, two spaces per level, sequences indented or not. */
function write(t: Tree, indent: number, seqAtKey: boolean): string[] {
  const pad = " ".repeat(indent);
  if (typeof t === "string") return [`${pad}${t}`];
  if (Array.isArray(t)) {
    return t.flatMap((item) => {
      if (typeof item === "string") return [`${pad}- ${item}`];
      const inner = write(item, indent + 2, seqAtKey);
      return [`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  return Object.entries(t).flatMap(([k, v]) => {
    if (typeof v === "string") return [`${pad}${k}:${v === "" ? "" : ` ${v}`}`];
    const nested = Array.isArray(v) && seqAtKey ? indent : indent + 2;
    return [`${pad}${k}:`, ...write(v, nested, seqAtKey)];
  });
}

/** Every path of a tree, and a missing child of each. */
function paths(t: Tree, p: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [p, [...p, "missing"], [...p, 99]];
  if (Array.isArray(t)) t.forEach((c, i) => out.push(...paths(c, [...p, i])));
  else if (typeof t === "object") for (const [k, v] of Object.entries(t)) out.push(...paths(v, [...p, k]));
  return out;
}

const edits = fc.array(
  fc.tuple(fc.nat(), fc.constantFrom("# comment", "", "  ", "---", "[a, b]", "key: {x: 1}", "- ", "  text", "k: v # c", "k: |", "\tk: v")),
  { maxLength: 1 },
);

describe("block-YAML line location", () => {
  test("every path: the line and the scalar text of the yaml syntax tree", () => {
    let byLines = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.dictionary(keyArb, treeArb, { minKeys: 1, maxKeys: 4 }), fc.array(treeArb, { minLength: 1, maxLength: 3 })),
        fc.boolean(),
        fc.oneof({ arbitrary: fc.constant([] as [number, string][]), weight: 2 }, { arbitrary: edits, weight: 1 }),
        fc.boolean(),
        (tree, seqAtKey, edit, crlf) => {
          const lines = write(tree, 0, seqAtKey);
          for (const [at, line] of edit) lines.splice(at % (lines.length + 1), 0, line);
          const text = lines.join(crlf ? "\r\n" : "\n") + "\n";
          const ref = parseWithYaml("f.yaml", text);
          // Only files the `yaml` package reads without an issue take the fast path at all.
          if (ref.issues.length > 0 || ref.documents.length !== 1) return;
          if (blockDocument(text)) byLines++;
          const fast = new SourceIndex();
          fast.add("f.yaml", new FileLines(text, "lazy"));
          const slow = new SourceIndex();
          slow.add("f.yaml", new FileLines(text, ref.documents));
          for (const p of paths(tree)) {
            expect([p, fast.locate("f.yaml", p)]).toEqual([p, slow.locate("f.yaml", p)]);
            expect([p, fast.source("f.yaml", p)]).toEqual([p, slow.source("f.yaml", p)]);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // The generator must reach the line reader, not only the syntax tree it falls back to.
    expect(byLines).toBeGreaterThan(RUNS / 10);
  });

  test("pulled files are read by lines; other YAML is left to the syntax tree", () => {
    expect(blockDocument("users:\n  - id: u1\n    groups:\n    - g\n")).toBeDefined();
    for (const text of ["a: [1, 2]\n", "a: |\n  x\n", "a: 1\n---\nb: 2\n", "a: b # c\n", '"q": 1\n', "a:\n  b\n  c\n"]) {
      expect(blockDocument(text)).toBeUndefined();
    }
  });
});
