/**
 * Approvals verified against the pull request that adds them: every approval the head adds or
 * widens must be by a user who may approve it, whose GitHub login (`identities.github`) has an
 * approving review standing on the pull request, and who is not its author. Pure: the command
 * reads the estates, the event and the reviews.
 *
 * Only approvals that widen access are checked (new, another approver or instant, a later or no
 * expiry): removing or shortening an approval never needs a review to deploy.
 */
import type { Estate } from "../model/estate";
import { dottedPath, type Issue } from "../model/issues";
import type { Approval, Policy } from "../model/schema";
import { approvalDefects, mayApprove, stewardshipContext } from "../model/stewardship";
import { approvers, type PullRequest, type Review, standingReviews } from "./github";

/** One approval of the head to verify: its policy and its index in the policy's approvals. */
export interface ApprovalToVerify {
  policy: Policy;
  approval: Approval;
  index: number;
}

/** True when the base already has this approval with at least this reach. */
function covered(a: Approval, base: Approval[]): boolean {
  return base.some(
    (b) =>
      b.user === a.user &&
      b.approvedBy === a.approvedBy &&
      b.approvedAt === a.approvedAt &&
      (b.expiresAt === undefined || (a.expiresAt !== undefined && Date.parse(a.expiresAt) <= Date.parse(b.expiresAt))),
  );
}

/** The head's approvals that the base does not already hold (by policy name), in policy order. */
export function approvalsToVerify(base: Estate | undefined, head: Estate): ApprovalToVerify[] {
  const before = new Map<string, Approval[]>();
  for (const p of base?.policies ?? []) if (p.restriction.level === "approval") before.set(p.name, p.restriction.approvals);
  const out: ApprovalToVerify[] = [];
  for (const p of head.policies) {
    if (p.restriction.level !== "approval") continue;
    const prior = before.get(p.name) ?? [];
    p.restriction.approvals.forEach((approval, index) => {
      if (!covered(approval, prior)) out.push({ policy: p, approval, index });
    });
  }
  return out;
}

/** Where an approval is written, for the issue naming it. */
export type ApprovalLocator = (policy: Policy, index: number) => { line?: number; path: (string | number)[] } | undefined;

/** The outcome: how many approvals were checked and every one that fails. */
export interface Verification {
  checked: ApprovalToVerify[];
  failures: Issue[];
  /** Logins with an approving review standing on the pull request. */
  approvedBy: string[];
}

/** Verifies the approvals the head adds against the pull request's reviews. */
export function verifyApprovals(
  base: Estate | undefined,
  head: Estate,
  pr: PullRequest,
  reviews: readonly Review[],
  locate: ApprovalLocator,
): Verification {
  const ctx = stewardshipContext(head.inventory, head.config);
  const byLogin = new Map<string, string>();
  for (const u of head.inventory.users) if (u.identities.github) byLogin.set(u.identities.github.toLowerCase(), u.id);
  const approved = approvers(reviews, pr.headSha);
  const standing = standingReviews(reviews);
  const named = (login: string) => {
    const id = byLogin.get(login.toLowerCase());
    return id ? `@${login} (user \`${id}\`)` : `@${login} (no user has this \`identities.github\`)`;
  };
  const actually = approved.length ? `approved by: ${approved.map(named).join(", ")}` : "nobody has approved this pull request";
  const checked = approvalsToVerify(base, head);
  const failures: Issue[] = [];
  for (const c of checked) {
    const { policy: p, approval: a } = c;
    const where = locate(p, c.index);
    const fail = (message: string, help: string) =>
      failures.push({
        severity: "error",
        code: "approval-unverified",
        message,
        file: p.file,
        ...(where?.line !== undefined ? { line: where.line } : {}),
        ...(where ? { path: dottedPath(where.path) } : {}),
        help,
      });
    const what = `approval of \`${a.user}\` by \`${a.approvedBy}\` (policy \`${p.name}\`)`;
    const user = head.inventory.users.find((u) => u.id === a.approvedBy);
    if (!user) {
      fail(`${what} cannot be verified: \`${a.approvedBy}\` is not in the inventory`, actually);
      continue;
    }
    if (!mayApprove(a.approvedBy, p, ctx) || approvalDefects(p, a).length > 0) {
      fail(
        `${what}: \`${a.approvedBy}\` may not approve this request`,
        `record an approval by an approver of policy \`${p.name}\`; ${actually}`,
      );
      continue;
    }
    const login = user.identities.github;
    if (!login) {
      fail(
        `${what} cannot be verified: user \`${a.approvedBy}\` has no \`identities.github\``,
        `add the approver's GitHub login as \`identities.github\` in the inventory; ${actually}`,
      );
      continue;
    }
    if (pr.author !== undefined && pr.author.toLowerCase() === login.toLowerCase()) {
      fail(
        `${what}: the approver \`${a.approvedBy}\` (@${login}) is the pull request's author`,
        `an approver cannot approve their own pull request: open it as someone else, or have another approver record the approval; ${actually}`,
      );
      continue;
    }
    if (approved.some((l) => l.toLowerCase() === login.toLowerCase())) continue;
    const own = standing.get(login.toLowerCase());
    const why =
      own === undefined
        ? `@${login} has not approved this pull request`
        : own.state === "DISMISSED"
          ? `@${login}'s review was dismissed`
          : own.state === "CHANGES_REQUESTED"
            ? `@${login} requested changes`
            : own.state === "APPROVED"
              ? `@${login} approved an earlier commit, not the head`
              : `@${login}'s review is ${own.state.toLowerCase()}`;
    fail(
      `${what} is not backed by a review: ${why}`,
      `ask @${login} to approve the pull request, or record the approval by one who did; ${actually}`,
    );
  }
  return { checked, failures, approvedBy: approved };
}
