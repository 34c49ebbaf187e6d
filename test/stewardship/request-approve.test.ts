/**
 * `request` then `approve` on a real git repository: each edits the policy file through the YAML
 * document API, so comments and formatting survive, and `diff` shows the pending request, then the
 * approval that replaces it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { git, runBinary, tempDir, writeFiles } from "../cli/support";

const INVENTORY = `users:
  - { id: dan, groups: [stewards], identities: { snowflake: DAN, github: dan-gh } }
  - { id: fay, groups: [analysts], identities: { snowflake: FAY, github: fay-gh } }
groups:
  - { id: stewards }
  - { id: analysts }
dataSources:
  - { id: t1, platform: snowflake, objectType: BASE TABLE, location: { database: DB, schema: S, table: T1 } }
`;
const POLICY = `# Read access to t1: a steward approves each request.
name: p
access: read   # read only
subscribers:
  approval:
    approvers: { groups: [stewards] }  # flow style stays flow style
    maxDuration: P90D

    # Approvals recorded so far.
    approvals: []
dataSources:
  names: [t1]
`;

let repo: string;
beforeAll(() => {
  repo = tempDir("accessplane-request-");
  git(repo, "init", "-q");
  writeFiles(repo, {
    "accessplane.yaml": "policies: policies\ninventory: inventory.yaml\n",
    "inventory.yaml": INVENTORY,
    "policies/p.yaml": POLICY,
  });
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "estate");
});
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

const file = () => fs.readFileSync(path.join(repo, "policies/p.yaml"), "utf8");

test("request, then approve: the file keeps its comments and layout; diff shows the request, then the approval", async () => {
  const req = await runBinary(
    repo,
    "request",
    "--policy",
    "p",
    "--user",
    "fay",
    "--until",
    "2027-01-15T00:00:00Z",
    "--reason",
    "quarterly close",
    "--now",
    "2026-11-20T09:00:00Z",
  );
  expect(req.code).toBe(0);
  expect(req.out).toBe(
    "added a pending request of `fay` to policy `p` (policies/p.yaml:12); it grants nothing until approved\n" +
      "may approve: `dan`\n" +
      "next:\n" +
      "  git switch -c access/p/fay\n" +
      "  git add policies/p.yaml\n" +
      "  git commit -m 'Request read access for fay through p'\n" +
      "  git push -u origin access/p/fay\n" +
      "  gh pr create --title 'Request read access for fay through p' --body 'quarterly close\n\nAn approver records the approval with `accessplane approve --policy p --user fay --by <approver>` and approves this pull request.'\n",
  );
  expect(file()).toBe(
    POLICY.replace(
      "    approvals: []\n",
      "    approvals: []\n    requests:\n      - user: fay\n        requestedAt: 2026-11-20T09:00:00Z\n        until: 2027-01-15T00:00:00Z\n        reason: quarterly close\n",
    ),
  );
  const pending = await runBinary(repo, "diff", "--base", "HEAD", "--now", "2026-11-21T00:00:00Z", "--no-resources");
  expect(pending.code).toBe(0);
  expect(pending.out).toContain(
    "Pending requests (grant nothing until approved)\n  +  p  fay  requested 2026-11-20T09:00:00Z until 2027-01-15T00:00:00Z (quarterly close); may approve: dan\n",
  );
  expect(pending.out).toContain("no access changes");
  git(repo, "commit", "-q", "-am", "request");

  // Self-approval and approvers outside the policy are refused before anything is written.
  const self = await runBinary(repo, "approve", "--policy", "p", "--user", "fay", "--by", "fay");
  expect(self).toEqual({
    code: 2,
    out: "",
    err: "error: `fay` cannot approve their own request: policy `p` does not allow self-approval\n",
  });
  const late = await runBinary(
    repo,
    "approve",
    "--policy",
    "p",
    "--user",
    "fay",
    "--by",
    "dan",
    "--until",
    "2027-06-01T00:00:00Z",
    "--now",
    "2026-11-22T10:00:00Z",
  );
  expect(late.code).toBe(2);
  expect(late.err).toContain("the latest allowed date is `2027-02-20T10:00:00Z`");

  const ok = await runBinary(repo, "approve", "--policy", "p", "--user", "fay", "--by", "dan", "--now", "2026-11-22T10:00:00Z");
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(/^recorded the approval of `fay` by `dan` in policy `p` \(policies\/p\.yaml:11\), until 2027-01-15T00:00:00Z\n/);
  expect(file()).toBe(
    POLICY.replace(
      "    approvals: []\n",
      "    approvals:\n      - user: fay\n        approvedBy: dan\n        approvedAt: 2026-11-22T10:00:00Z\n        expiresAt: 2027-01-15T00:00:00Z\n",
    ),
  );
  const approved = await runBinary(repo, "diff", "--base", "HEAD", "--now", "2026-11-23T00:00:00Z", "--no-resources");
  expect(approved.code).toBe(0);
  expect(approved.out).toContain("+  fay  t1  read  SELECT  via p");
  expect(approved.out).toContain("Approvals\n  +  p  fay  approved by dan on 2026-11-22");
  expect(approved.out).toContain("Pending requests (grant nothing until approved)\n  -  p  fay  no longer pending (approved or withdrawn)");
});

test("a request for an unknown user or a policy that is not an approval policy is a usage error; the file is untouched", async () => {
  const before = file();
  const r = await runBinary(repo, "request", "--policy", "p", "--user", "fey");
  expect(r).toEqual({ code: 2, out: "", err: "error: --user: unknown user `fey`: did you mean `fay`?\n" });
  const q = await runBinary(repo, "request", "--policy", "q", "--user", "fay");
  expect(q).toEqual({ code: 2, out: "", err: "error: unknown policy `q`: did you mean `p`?\n" });
  expect(file()).toBe(before);
});

test("--open-pr without the GitHub CLI prints the commands and exits 2", async () => {
  const env = process.env.PATH;
  process.env.PATH = path.dirname(process.execPath) + path.delimiter + "/usr/bin" + path.delimiter + "/bin";
  try {
    if (fs.existsSync("/usr/bin/gh") || fs.existsSync("/bin/gh")) return;
    git(repo, "checkout", "-q", "--", ".");
    const r = await runBinary(repo, "request", "--policy", "p", "--user", "dan", "--now", "2026-11-20T09:00:00Z", "--open-pr");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error: --open-pr needs the GitHub CLI \(`gh`\), which is not installed; open the pull request with:\n  git switch -c access\/p\/dan\n/,
    );
  } finally {
    process.env.PATH = env;
  }
});
