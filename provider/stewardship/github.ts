/**
 * The pull request a check runs for, and its reviews: from the workflow's event payload
 * (`GITHUB_EVENT_PATH`; the `pull_request` and `pull_request_review` webhook payloads,
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review), and from
 * the REST API "List reviews for a pull request", `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews`
 * (https://docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request): chronological,
 * paginated through `Link: <…>; rel="next"` headers. The token is sent, never printed.
 */

/** One review as accessplane reads it. */
export interface Review {
  /** The reviewer's GitHub login. */
  login: string;
  /** `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING` (upper case, as the REST API writes it). */
  state: string;
  /** The commit the review was submitted on, when known. */
  commitId?: string;
  submittedAt?: string;
}

/** The pull request under review. */
export interface PullRequest {
  /** `owner/repo`. */
  repository?: string;
  number?: number;
  author?: string;
  /** The head commit, when known: an approval of an earlier commit does not approve this one. */
  headSha?: string;
}

/** Thrown when the GitHub context cannot be read; the message says what is missing. */
export class GithubContextError extends Error {}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** One review of a REST list or a webhook payload (whose `state` is lower case). */
export function reviewOf(v: unknown): Review | undefined {
  const r = obj(v);
  const login = str(obj(r?.user)?.login);
  const state = str(r?.state);
  if (!r || !login || !state) return undefined;
  const commitId = str(r.commit_id);
  const submittedAt = str(r.submitted_at);
  return { login, state: state.toUpperCase(), ...(commitId ? { commitId } : {}), ...(submittedAt ? { submittedAt } : {}) };
}

/** The pull request of an event payload, and the review it carries (a `pull_request_review` event). */
export function fromEvent(payload: unknown): { pr: PullRequest; review?: Review } {
  const e = obj(payload);
  const pr = obj(e?.pull_request);
  if (!e || !pr)
    throw new GithubContextError(
      "the event payload has no `pull_request`: run the check on `pull_request` or `pull_request_review` events",
    );
  const repository = str(obj(e.repository)?.full_name);
  const author = str(obj(pr.user)?.login);
  const headSha = str(obj(pr.head)?.sha);
  const number = typeof pr.number === "number" ? pr.number : typeof e.number === "number" ? e.number : undefined;
  const review = e.review !== undefined ? reviewOf(e.review) : undefined;
  return {
    pr: {
      ...(repository ? { repository } : {}),
      ...(number !== undefined ? { number } : {}),
      ...(author ? { author } : {}),
      ...(headSha ? { headSha } : {}),
    },
    ...(review ? { review } : {}),
  };
}

/** A REST list of reviews (the body of one page, or several pages concatenated). */
export function fromReviewList(body: unknown): Review[] {
  if (!Array.isArray(body))
    throw new GithubContextError(
      "the reviews file is not a JSON list of reviews (the body of `GET /repos/{owner}/{repo}/pulls/{n}/reviews`)",
    );
  return body.map(reviewOf).filter((r): r is Review => r !== undefined);
}

/** The `rel="next"` URL of a `Link` header. */
export function nextLink(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/** What fetching reviews needs; `fetch` is injectable for tests. */
export interface FetchOptions {
  apiUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch;
  /** Retries after a 429 or a secondary rate limit (403 with `Retry-After`). */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Every review of the pull request, through every page. */
export async function fetchReviews(pr: Required<Pick<PullRequest, "repository" | "number">>, o: FetchOptions): Promise<Review[]> {
  const f = o.fetch ?? fetch;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  let url: string | undefined = `${o.apiUrl.replace(/\/$/, "")}/repos/${pr.repository}/pulls/${pr.number}/reviews?per_page=100`;
  const out: Review[] = [];
  let pages = 0;
  while (url !== undefined) {
    if (++pages > 100) throw new GithubContextError("the review list has more than 100 pages");
    let res: Response | undefined;
    for (let attempt = 0; ; attempt++) {
      res = await f(url, {
        headers: {
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        },
      });
      const retryAfter = res.headers.get("retry-after");
      if ((res.status === 429 || (res.status === 403 && retryAfter !== null)) && attempt < (o.retries ?? 3)) {
        await sleep(Math.min(60, Number(retryAfter ?? "1") || 1) * 1000);
        continue;
      }
      break;
    }
    if (!res.ok) {
      // The body's `message` is GitHub's explanation; the token is never part of it.
      let message = "";
      try {
        message = str(obj(await res.json())?.message) ?? "";
      } catch {
        message = "";
      }
      throw new GithubContextError(
        `GitHub answered ${res.status} listing the reviews of ${pr.repository}#${pr.number}${message ? `: ${message}` : ""}${res.status === 401 || res.status === 403 || res.status === 404 ? " (check that GITHUB_TOKEN may read pull requests)" : ""}`,
      );
    }
    out.push(...fromReviewList(await res.json()));
    url = nextLink(res.headers.get("link"));
  }
  return out;
}

/**
 * Each reviewer's standing review: the latest that is not a comment (a comment after an approval
 * leaves it standing on GitHub). Logins compare case-insensitively, as GitHub's do.
 */
export function standingReviews(reviews: readonly Review[]): Map<string, Review> {
  const out = new Map<string, Review>();
  for (const r of reviews) {
    if (r.state === "COMMENTED" || r.state === "PENDING") continue;
    out.set(r.login.toLowerCase(), r);
  }
  return out;
}

/** Logins whose standing review approves `headSha` (any commit when it is unknown), sorted. */
export function approvers(reviews: readonly Review[], headSha?: string): string[] {
  return [...standingReviews(reviews).values()]
    .filter((r) => r.state === "APPROVED" && (headSha === undefined || r.commitId === undefined || r.commitId === headSha))
    .map((r) => r.login)
    .sort();
}
