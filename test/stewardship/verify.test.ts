/**
 * `verify-approvals` against recorded GitHub shapes: the `pull_request_review` event payload and
 * the REST list of reviews (https://docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request),
 * served with pagination and throttling by a local server; the estates come from a real git repository.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parseEstate } from "../../provider/model/load";
import { approvers, fetchReviews, fromEvent, fromReviewList, nextLink } from "../../provider/stewardship/github";
import { verifyApprovals } from "../../provider/stewardship/verify";
import { git, runBinary, tempDir, writeFiles } from "../cli/support";

const FIX = path.join(__dirname, "fixtures");
const fixture = (f: string) => JSON.parse(fs.readFileSync(path.join(FIX, f), "utf8")) as unknown;
const HEAD_SHA = "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091";

const INVENTORY = `users:
  - { id: dan, groups: [stewards], identities: { snowflake: DAN, github: dan-gh } }
  - { id: ben, groups: [engineers], identities: { snowflake: BEN, github: ben-gh } }
  - { id: fay, groups: [analysts], identities: { snowflake: FAY, github: fay-gh } }
groups:
  - { id: stewards }
  - { id: engineers }
  - { id: analysts }
dataSources:
  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 } }
`;
const policy = (approvals: string) => `# Read access to t1, approved by a steward.
name: p
access: read
subscribers:
  approval:
    approvers: { groups: [stewards] }
${approvals}dataSources:
  names: [t1]
`;
const BY_DAN =
  "    approvals:\n      - { user: fay, approvedBy: dan, approvedAt: 2026-11-20T09:00:00Z, expiresAt: 2027-01-01T00:00:00Z }\n";
const BY_BEN =
  "    approvals:\n      - { user: fay, approvedBy: ben, approvedAt: 2026-11-20T09:00:00Z, expiresAt: 2027-01-01T00:00:00Z }\n";

const estate = (approvals: string) => {
  const r = parseEstate({
    policies: [{ path: "policies/p.yaml", content: policy(approvals) }],
    inventory: [{ path: "inventory.yaml", content: INVENTORY }],
  });
  if (!r.estate) throw new Error(JSON.stringify(r.issues));
  return r.estate;
};
const locate = () => ({ line: 8, path: ["subscribers", "approval", "approvals", 0] });

describe("reading GitHub's shapes", () => {
  test("the pull_request_review event gives the pull request, its author, head and the review (state in lower case)", () => {
    expect(fromEvent(fixture("event-pull-request-review-submitted.json"))).toEqual({
      pr: { repository: "example-org/policies", number: 12, author: "fay-gh", headSha: HEAD_SHA },
      review: { login: "dan-gh", state: "APPROVED", commitId: HEAD_SHA, submittedAt: "2026-11-20T10:00:00Z" },
    });
  });

  test("a reviewer's latest review that is not a comment stands; a dismissed or stale approval does not approve", () => {
    expect(approvers(fromReviewList(fixture("reviews-approved-by-dan.json")), HEAD_SHA)).toEqual(["dan-gh"]);
    expect(approvers(fromReviewList(fixture("reviews-dismissed.json")), HEAD_SHA)).toEqual([]);
    expect(approvers(fromReviewList(fixture("reviews-stale.json")), HEAD_SHA)).toEqual([]);
  });

  test("Link headers give the next page", () => {
    expect(
      nextLink(
        '<https://api.github.com/repositories/5/pulls/12/reviews?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/5/pulls/12/reviews?per_page=100&page=2>; rel="last"',
      ),
    ).toBe("https://api.github.com/repositories/5/pulls/12/reviews?per_page=100&page=2");
    expect(nextLink('<https://x/?page=1>; rel="prev", <https://x/?page=1>; rel="first"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe("verifyApprovals", () => {
  const base = estate("");
  const pr = { repository: "example-org/policies", number: 12, author: "fay-gh", headSha: HEAD_SHA };

  test("an approval by the actual reviewer passes", () => {
    const v = verifyApprovals(base, estate(BY_DAN), pr, fromReviewList(fixture("reviews-approved-by-dan.json")), locate);
    expect(v.checked.map((c) => [c.policy.name, c.approval.user, c.approval.approvedBy])).toEqual([["p", "fay", "dan"]]);
    expect(v.failures).toEqual([]);
  });

  test("an approval the author wrote for someone who did not review fails, naming who approved", () => {
    const v = verifyApprovals(base, estate(BY_DAN), pr, fromReviewList(fixture("reviews-approved-by-ben.json")), locate);
    expect(v.failures).toEqual([
      {
        severity: "error",
        code: "approval-unverified",
        message: "approval of `fay` by `dan` (policy `p`) is not backed by a review: @dan-gh has not approved this pull request",
        file: "policies/p.yaml",
        line: 8,
        path: "subscribers.approval.approvals[0]",
        help: "ask @dan-gh to approve the pull request, or record the approval by one who did; approved by: @ben-gh (user `ben`)",
      },
    ]);
  });

  test("a dismissed review fails", () => {
    const v = verifyApprovals(base, estate(BY_DAN), pr, fromReviewList(fixture("reviews-dismissed.json")), locate);
    expect(v.failures.map((f) => f.message)).toEqual([
      "approval of `fay` by `dan` (policy `p`) is not backed by a review: @dan-gh's review was dismissed",
    ]);
  });

  test("an approval of an earlier commit fails", () => {
    const v = verifyApprovals(base, estate(BY_DAN), pr, fromReviewList(fixture("reviews-stale.json")), locate);
    expect(v.failures.map((f) => f.message)).toEqual([
      "approval of `fay` by `dan` (policy `p`) is not backed by a review: @dan-gh approved an earlier commit, not the head",
    ]);
  });

  test("the author cannot be the approver, even with an approving review", () => {
    const v = verifyApprovals(
      base,
      estate(BY_DAN),
      { ...pr, author: "DAN-gh" },
      fromReviewList(fixture("reviews-approved-by-dan.json")),
      locate,
    );
    expect(v.failures.map((f) => f.message)).toEqual([
      "approval of `fay` by `dan` (policy `p`): the approver `dan` (@dan-gh) is the pull request's author",
    ]);
  });

  test("approvals the base already holds, or that the head shortens, are not checked; a later expiry is", () => {
    const head = estate(BY_DAN);
    expect(verifyApprovals(head, head, pr, [], locate).checked).toEqual([]);
    const shorter = estate(BY_DAN.replace("2027-01-01", "2026-12-01"));
    expect(verifyApprovals(head, shorter, pr, [], locate).checked).toEqual([]);
    expect(verifyApprovals(shorter, head, pr, [], locate).failures.map((f) => f.code)).toEqual(["approval-unverified"]);
  });
});

describe("accessplane verify-approvals on a git repository", () => {
  let repo: string;
  const saved = { ...process.env };
  beforeAll(() => {
    repo = tempDir("accessplane-verify-");
    git(repo, "init", "-q");
    writeFiles(repo, {
      "accessplane.yaml": "policies: policies\ninventory: inventory.yaml\n",
      "inventory.yaml": INVENTORY,
      "policies/p.yaml": policy(""),
    });
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "estate");
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  beforeEach(() => {
    for (const k of ["GITHUB_EVENT_PATH", "GITHUB_TOKEN", "GITHUB_API_URL"]) delete process.env[k];
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  test("without a GitHub context it says so and exits 2", async () => {
    writeFiles(repo, { "policies/p.yaml": policy(BY_DAN) });
    const r = await runBinary(repo, "verify-approvals", "--base", "HEAD");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: no GitHub context: /);
  });

  test("--reviews: the actual reviewer passes; a reviewer who is not the recorded approver fails with file:line", async () => {
    writeFiles(repo, { "policies/p.yaml": policy(BY_DAN) });
    const ok = await runBinary(
      repo,
      "verify-approvals",
      "--base",
      "HEAD",
      "--reviews",
      path.join(FIX, "reviews-approved-by-dan.json"),
      "--author",
      "fay-gh",
    );
    expect(ok).toEqual({ code: 0, out: "1 approval verified against the pull request's reviews\n", err: "" });
    const bad = await runBinary(
      repo,
      "verify-approvals",
      "--base",
      "HEAD",
      "--reviews",
      path.join(FIX, "reviews-approved-by-ben.json"),
      "--author",
      "fay-gh",
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /^policies\/p\.yaml:8: error\[approval-unverified\]: approval of `fay` by `dan` \(policy `p`\) is not backed by a review: @dan-gh has not approved this pull request/,
    );
    expect(bad.err).toMatch(/approved by: @ben-gh \(user `ben`\)/);
  });

  test("a reviewer who is not an approver, recorded as the approver, fails: the head does not load", async () => {
    writeFiles(repo, { "policies/p.yaml": policy(BY_BEN) });
    const r = await runBinary(
      repo,
      "verify-approvals",
      "--base",
      "HEAD",
      "--reviews",
      path.join(FIX, "reviews-approved-by-ben.json"),
      "--author",
      "fay-gh",
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[approval-by-non-approver\]: `ben` approved `fay` but is not an approver of policy `p`/);
  });

  test("the event payload alone, without a token, knows only the review it carries", async () => {
    writeFiles(repo, { "policies/p.yaml": policy(BY_DAN) });
    process.env.GITHUB_EVENT_PATH = path.join(FIX, "event-pull-request-review-submitted.json");
    const r = await runBinary(repo, "verify-approvals", "--base", "HEAD");
    expect(r).toEqual({
      code: 0,
      out: "1 approval verified against the pull request's reviews\n",
      err: "note: GITHUB_TOKEN is not set: only the review in the event payload is known\n",
    });
  });

  test("with GITHUB_TOKEN, reviews are listed through every page, after a 429; the token is sent, never printed", async () => {
    const token = "ghs_TESTTOKEN0123456789abcdef";
    const seen: { url: string; auth?: string }[] = [];
    let throttled = false;
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (!throttled) {
        throttled = true;
        res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        res.end(JSON.stringify({ message: "API rate limit exceeded" }));
        return;
      }
      const page2 = req.url!.includes("page=2");
      res.writeHead(200, {
        "content-type": "application/json",
        ...(page2
          ? {}
          : {
              link: `<${base}/repositories/500/pulls/12/reviews?per_page=100&page=2>; rel="next", <${base}/repositories/500/pulls/12/reviews?per_page=100&page=2>; rel="last"`,
            }),
      });
      res.end(fs.readFileSync(path.join(FIX, page2 ? "reviews-page-2.json" : "reviews-page-1.json")));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      writeFiles(repo, { "policies/p.yaml": policy(BY_DAN) });
      process.env.GITHUB_EVENT_PATH = path.join(FIX, "event-pull-request-review-submitted.json");
      process.env.GITHUB_TOKEN = token;
      process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await runBinary(repo, "verify-approvals", "--base", "HEAD");
      expect(r).toEqual({ code: 0, out: "1 approval verified against the pull request's reviews\n", err: "" });
      expect(seen.map((s) => s.url)).toEqual([
        "/repos/example-org/policies/pulls/12/reviews?per_page=100",
        "/repos/example-org/policies/pulls/12/reviews?per_page=100",
        "/repositories/500/pulls/12/reviews?per_page=100&page=2",
      ]);
      expect(seen.every((s) => s.auth === `Bearer ${token}`)).toBe(true);
      expect(r.out + r.err).not.toContain(token);
    } finally {
      server.close();
    }
  });

  test("a GitHub error names the status and GitHub's message, never the token", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          message: "Not Found",
          documentation_url: "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request",
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const reviews = fetchReviews(
        { repository: "example-org/policies", number: 12 },
        { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: "ghs_SECRET" },
      );
      await expect(reviews).rejects.toThrow(
        "GitHub answered 404 listing the reviews of example-org/policies#12: Not Found (check that GITHUB_TOKEN may read pull requests)",
      );
      await expect(reviews).rejects.not.toThrow(/ghs_SECRET/);
    } finally {
      server.close();
    }
  });
});
