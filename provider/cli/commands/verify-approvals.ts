/**
 * `accessplane verify-approvals`: every approval a pull request adds must be backed by its
 * approver's approving review. Exit 0 when all are, 1 when one is not (or the head does not load),
 * 2 without a GitHub context.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Estate } from "../../model/estate";
import { hasErrors } from "../../model/issues";
import { parseEstate } from "../../model/load";
import { issuesText } from "../../plan/render/plan";
import type { EstateFlags } from "../../project";
import { fetchReviews, fromEvent, fromReviewList, GithubContextError, type PullRequest, type Review } from "../../stewardship/github";
import { approvalLocation } from "../../stewardship/policy-edit";
import { verifyApprovals } from "../../stewardship/verify";
import { type Context, estateOptions, loadOrReport, type RegisterCommand, resolveProject, usage } from "../context";
import { EXIT } from "../exit";
import { projectRepoPaths, readRevision, revision, UsageError } from "../sources";

type Opts = EstateFlags & { base: string; githubEvent?: string; reviews?: string; author?: string; headSha?: string };

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    usage(`${what} \`${file}\` cannot be read as JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** The pull request and its reviews, from the flags and the environment (GITHUB_EVENT_PATH, GITHUB_TOKEN, GITHUB_API_URL). */
async function githubContext(ctx: Context, o: Opts, env: NodeJS.ProcessEnv): Promise<{ pr: PullRequest; reviews: Review[] } | undefined> {
  const eventFile = o.githubEvent ?? env.GITHUB_EVENT_PATH;
  if (eventFile === undefined && o.reviews === undefined) {
    ctx.io.err(
      "error: no GitHub context: approvals can only be verified against a pull request's reviews; pass --github-event FILE (GitHub Actions sets GITHUB_EVENT_PATH) or --reviews FILE with --author LOGIN\n",
    );
    ctx.setCode(EXIT.usage);
    return undefined;
  }
  let pr: PullRequest = {};
  let fromPayload: Review | undefined;
  if (eventFile !== undefined) {
    const e = fromEvent(readJson(eventFile, "the event payload"));
    pr = e.pr;
    fromPayload = e.review;
  }
  if (o.author !== undefined) pr = { ...pr, author: o.author };
  if (o.headSha !== undefined) pr = { ...pr, headSha: o.headSha };
  let reviews: Review[];
  if (o.reviews !== undefined) reviews = fromReviewList(readJson(o.reviews, "the reviews file"));
  else if (env.GITHUB_TOKEN && pr.repository && pr.number !== undefined)
    reviews = await fetchReviews(
      { repository: pr.repository, number: pr.number },
      { apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", token: env.GITHUB_TOKEN },
    );
  else if (fromPayload) {
    // Without a token, only the review that triggered the event is known.
    reviews = [fromPayload];
    ctx.io.err("note: GITHUB_TOKEN is not set: only the review in the event payload is known\n");
  } else {
    ctx.io.err("error: no GitHub context: the event carries no review and GITHUB_TOKEN is not set to list the pull request's reviews\n");
    ctx.setCode(EXIT.usage);
    return undefined;
  }
  if (pr.author === undefined) usage("the pull request's author is unknown: pass --github-event FILE or --author LOGIN");
  return { pr, reviews };
}

/** Registers `verify-approvals`. */
export const verifyApprovalsCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    prog
      .command("verify-approvals")
      .description("check that every approval a pull request adds is by an approver who approved the pull request (not its author)")
      .requiredOption("--base <ref>", "the estate before the pull request: a git ref (e.g. origin/main)")
      .option(
        "--github-event <file>",
        "the workflow's event payload (default: $GITHUB_EVENT_PATH); reviews come from the REST API with $GITHUB_TOKEN",
      )
      .option("--reviews <file>", "the pull request's reviews as `GET /repos/{owner}/{repo}/pulls/{n}/reviews` returns them")
      .option("--author <login>", "the pull request author's GitHub login (default: from the event payload)")
      .option("--head-sha <sha>", "the pull request's head commit (default: from the event payload)"),
  ).action(async (o: Opts) => {
    const { io } = ctx;
    let gh: Awaited<ReturnType<typeof githubContext>>;
    try {
      gh = await githubContext(ctx, o, process.env);
    } catch (e) {
      if (e instanceof GithubContextError) {
        io.err(`error: ${e.message}\n`);
        return ctx.setCode(EXIT.usage);
      }
      throw e;
    }
    if (!gh) return;
    const project = resolveProject(o);
    const head = loadOrReport(ctx, { project }, "text");
    if (!head) return;
    let base: Estate | undefined;
    try {
      const cwd = process.cwd();
      const rev = await readRevision(await revision(o.base, cwd), await projectRepoPaths(project, cwd), true);
      const res = parseEstate(rev.sources);
      // A base that does not load holds no approval that counts: every approval of the head is checked.
      base = hasErrors(res.issues) ? undefined : res.estate;
    } catch (e) {
      if (e instanceof UsageError) usage(e.message);
      throw e;
    }
    const texts = new Map<string, string>();
    const text = (file: string) => {
      if (!texts.has(file)) texts.set(file, fs.readFileSync(path.resolve(process.cwd(), file), "utf8"));
      return texts.get(file)!;
    };
    const v = verifyApprovals(base, head.estate, gh.pr, gh.reviews, (p, i) => approvalLocation(text(p.file), p.name, i));
    if (v.failures.length > 0) {
      io.err(issuesText(v.failures, io.style).join("\n") + "\n");
      io.err(`${v.failures.length} of ${v.checked.length} approval${v.checked.length === 1 ? "" : "s"} not verified\n`);
      return ctx.setCode(EXIT.inputErrors);
    }
    io.out(
      v.checked.length === 0
        ? "no approval added or changed\n"
        : `${v.checked.length} approval${v.checked.length === 1 ? "" : "s"} verified against the pull request's reviews\n`,
    );
    ctx.setCode(EXIT.ok);
  });
};
