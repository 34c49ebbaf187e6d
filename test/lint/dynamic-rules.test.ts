/**
 * The lint rules that keep the dynamic providers serialisable by Pulumi (eslint.config.mjs) fire on
 * code that breaks them, with the rule's own message, and stay quiet on code that keeps them.
 * ESLint runs in a child process: its flat config is an ES module, which Jest's CommonJS runtime
 * cannot import.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..");

interface Case {
  name: string;
  /** Path the snippet is linted as (relative to the repository root). */
  file: string;
  code: string;
  /** Each expected problem, in order of appearance: its rule and a fragment of its message; [] for none. */
  expected: [rule: string, fragment: string][];
}

const DYNAMIC = "provider/pulumi/dynamic/example.ts";
const SHARED = "provider/pulumi/dynamic/base.ts";
const SQL = "provider/platforms/sql/example.ts";

const CASES: Case[] = [
  { name: "export const", file: DYNAMIC, code: "export const LIMIT = 3;\n", expected: [["no-restricted-syntax", "No `export const`"]] },
  {
    name: "module-level let",
    file: DYNAMIC,
    code: "let cache: string | undefined;\nexport function f(): string | undefined {\n  return cache;\n}\n",
    expected: [["no-restricted-syntax", "No module-level `let`/`var`"]],
  },
  {
    name: "module-level zod schema from a builder",
    file: DYNAMIC,
    code: 'import { zod } from "./zod";\nconst NAME = zod().string().min(1);\nexport { NAME };\n',
    expected: [["no-restricted-syntax", "No zod schema in a module-level binding"]],
  },
  {
    name: "module-level schema from an xxxSchema() builder",
    file: SQL,
    code: "function nameSchema() {\n  return 1;\n}\nconst NAME = nameSchema();\nexport { NAME };\n",
    expected: [["no-restricted-syntax", "No zod schema in a module-level binding"]],
  },
  {
    name: "module-level Set and Map",
    file: SQL,
    code: 'const A = new Set(["x"]);\nconst B = new Map<string, number>();\nexport { A, B };\n',
    expected: [
      ["no-restricted-syntax", "No module-level `Set` or `Map`"],
      ["no-restricted-syntax", "No module-level `Set` or `Map`"],
    ],
  },
  {
    name: "module-level require",
    file: DYNAMIC,
    // eslint's own no-require-imports fires too: the snippet is linted as a whole.
    code: '// eslint-disable-next-line @typescript-eslint/no-require-imports\nconst pg = require("pg");\nexport { pg };\n',
    expected: [["no-restricted-syntax", "`require` a driver or module inside the function"]],
  },
  {
    name: "value imports of drivers and zod",
    file: DYNAMIC,
    code: 'import { Client } from "pg";\nimport { z } from "zod";\nexport { Client, z };\n',
    expected: [
      ["no-restricted-imports", '`require("pg")` inside the function'],
      ["no-restricted-imports", "Use `zod()`"],
    ],
  },
  {
    name: "program-side schema constants",
    file: DYNAMIC,
    code: 'import { ManagedViewInputsSchema } from "./input-schemas";\nimport { DialectSchema } from "../../platforms/sql/schemas";\nexport { ManagedViewInputsSchema, DialectSchema };\n',
    expected: [
      ["no-restricted-imports", "Program-side schema constants"],
      ["no-restricted-imports", "Program-side schema constants"],
    ],
  },
  {
    name: "platforms/sql importing its schema constants",
    file: SQL,
    code: 'import { DialectSchema } from "./schemas";\nexport { DialectSchema };\n',
    expected: [["no-restricted-imports", "Program-side schema constants"]],
  },
  {
    name: "platforms/sql importing zod, even for types",
    file: SQL,
    code: 'import type { z } from "zod";\nexport type Name = z.infer<z.ZodString>;\n',
    expected: [["no-restricted-imports", "platforms/sql is plain generators"]],
  },
  {
    name: "platforms/sql importing from pulumi/",
    file: SQL,
    code: 'import { zod } from "../../pulumi/dynamic/zod";\nexport function nameSchema(): unknown {\n  return zod().string();\n}\n',
    expected: [["no-restricted-imports", "platforms/sql is plain generators below pulumi/"]],
  },
  {
    name: "plain generator code in platforms/sql",
    file: SQL,
    code: 'import { quoteIdent } from "./dialect";\nimport { initError } from "./closure";\nexport interface Row {\n  name: string;\n}\nexport function col(r: Row): string {\n  return quoteIdent(r.name, "postgres");\n}\nexport { initError };\n',
    expected: [],
  },
  {
    name: "an Error subclass without initError",
    file: DYNAMIC,
    code: "class BadError extends Error {\n  constructor(message: string) {\n    super(message);\n  }\n}\nclass NoCtorError extends Error {}\nexport { BadError, NoCtorError };\n",
    expected: [
      ["no-restricted-syntax", "constructor calls `initError(this, message)` last"],
      ["no-restricted-syntax", "needs a constructor that calls `initError"],
    ],
  },
  {
    name: "@pulumi/pulumi at run time in a provider method",
    file: DYNAMIC,
    code: 'import * as pulumi from "@pulumi/pulumi";\nexport class ThingProvider {\n  async read(): Promise<unknown> {\n    return pulumi.getStack();\n  }\n}\n',
    expected: [["no-restricted-syntax", "A provider method must not use @pulumi/pulumi"]],
  },
  {
    name: "a value import of @pulumi/pulumi in a shared module",
    file: SHARED,
    code: 'import * as pulumi from "@pulumi/pulumi";\nexport function stack(): string {\n  return pulumi.getStack();\n}\n',
    expected: [["no-restricted-imports", "import @pulumi/pulumi for types only"]],
  },
  {
    name: "outside provider code the rules do not apply",
    file: "provider/model/example.ts",
    code: 'import { z } from "zod";\nexport const NAME = z.string();\nexport const SEEN = new Set<string>();\n',
    expected: [],
  },
  {
    name: "program-side modules may build schema constants",
    file: "provider/pulumi/dynamic/input-schemas.ts",
    code: 'import { managedViewInputsSchema } from "./schemas";\nexport const ManagedViewInputsSchema = managedViewInputsSchema();\n',
    expected: [],
  },
  {
    name: "code that keeps every rule",
    file: DYNAMIC,
    code: [
      'import type * as pulumi from "@pulumi/pulumi";',
      'import type { z } from "zod";',
      'import { initError } from "../../platforms/sql/closure";',
      'import { zod } from "./zod";',
      'const KINDS: readonly string[] = ["a", "b"];',
      "const TABLE: Record<string, number> = { a: 1 };",
      "function nameSchema(): z.ZodString {",
      "  const seen = new Set<string>();",
      "  seen.add(KINDS[0]!);",
      "  return zod().string().min(TABLE.a ?? 1);",
      "}",
      "class GoodError extends Error {",
      "  constructor(message: string) {",
      "    super(message);",
      "    initError(this, message);",
      "  }",
      "}",
      "export class ThingProvider {",
      "  async check(): Promise<pulumi.dynamic.CheckResult> {",
      "    // eslint-disable-next-line @typescript-eslint/no-require-imports",
      '    const fs = require("node:fs") as typeof import("node:fs");',
      '    return { inputs: { ok: fs.existsSync("/") && nameSchema().safeParse("x").success } };',
      "  }",
      "}",
      "export { GoodError, KINDS };",
      "",
    ].join("\n"),
    expected: [],
  },
];

// Lints every case in one child process (one config load) and prints each case's messages.
const SCRIPT = `
  const { ESLint } = require("eslint");
  const cases = JSON.parse(process.argv[1]);
  (async () => {
    const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: "eslint.config.mjs" });
    const out = [];
    for (const c of cases) {
      const [result] = await eslint.lintText(c.code, { filePath: c.file });
      out.push(result.messages.map((m) => ({ rule: m.ruleId, message: m.message, line: m.line })));
    }
    process.stdout.write(JSON.stringify(out));
  })().catch((e) => { console.error(e.stack); process.exit(1); });
`;

let results: { rule: string | null; message: string; line: number }[][];

beforeAll(() => {
  const run = spawnSync(process.execPath, ["-e", SCRIPT, JSON.stringify(CASES.map(({ file, code }) => ({ file, code })))], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`eslint failed (${run.status}): ${run.stderr}`);
  results = JSON.parse(run.stdout) as typeof results;
});

describe("closure-serialisation lint rules on provider code", () => {
  test.each(CASES.map((c, i) => [c.name, i] as const))("%s", (_name, i) => {
    const c = CASES[i]!;
    const got = results[i]!;
    expect(got.map((m) => m.rule)).toEqual(c.expected.map(([rule]) => rule));
    c.expected.forEach(([, fragment], j) => expect(got[j]!.message).toContain(fragment));
  });
});
