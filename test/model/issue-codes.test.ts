/**
 * Issue codes: one table (ISSUE_CODES) holds every code with its severity; the reference page is
 * generated from it, every code in it is emitted somewhere, and the corpus reports each code with
 * the severity the table gives.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ISSUE_CODES, type Issue, type IssueCode } from "../../provider/model/issues";
import { ISSUE_CODES_DOC, renderIssueCodes } from "../../scripts/issue-codes";

const ROOT = path.resolve(__dirname, "..", "..");

/** Every file under `dir` whose name ends with `ext`. */
const files = (dir: string, ext: string): string[] =>
  fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));

/** Every object with a `code` and a `severity` inside a JSON value. */
function issuesIn(v: unknown): { code: string; severity: string }[] {
  if (Array.isArray(v)) return v.flatMap(issuesIn);
  if (!v || typeof v !== "object") return [];
  const o = v as Record<string, unknown>;
  const own = typeof o.code === "string" && typeof o.severity === "string" ? [{ code: o.code, severity: o.severity }] : [];
  return [...own, ...Object.values(o).flatMap(issuesIn)];
}

describe("issue codes", () => {
  test(`${ISSUE_CODES_DOC} is up to date (run \`npm run docs:codes\`)`, () => {
    expect(fs.readFileSync(path.join(ROOT, ISSUE_CODES_DOC), "utf8")).toBe(renderIssueCodes());
  });

  test("the page lists every code once", () => {
    const page = renderIssueCodes();
    for (const code of Object.keys(ISSUE_CODES)) expect(page.split(`| \`${code}\` |`).length).toBe(2);
  });

  test("every code of the table is emitted by the source as a string literal", () => {
    const source = files("provider", ".ts")
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    const unused = Object.keys(ISSUE_CODES).filter((code) => !source.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });

  test("the corpus reports every code with the table's severity", () => {
    const seen = files("test/corpus", ".json").flatMap((f) => issuesIn(JSON.parse(fs.readFileSync(f, "utf8"))));
    expect(seen.length).toBeGreaterThan(20);
    const wrong = seen.filter(({ code, severity }) => {
      const info = (ISSUE_CODES as Record<string, { severity: string }>)[code];
      return !info || !info.severity.split("|").includes(severity);
    });
    expect(wrong).toEqual([]);
  });

  test("a misspelt code does not compile", () => {
    // @ts-expect-error `unknown-usr` is not an issue code
    const typo: IssueCode = "unknown-usr";
    const issue: Issue = { severity: "error", code: "unknown-group", message: "unknown group `x`" };
    expect([typo, issue.code]).toEqual(["unknown-usr", "unknown-group"]);
  });
});
