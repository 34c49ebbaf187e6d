/**
 * Renderers of an access diff: aligned text for terminals, markdown for a pull-request comment
 * (one-line summary, then collapsible sections), JSON for tooling.
 */
import { formatIssue, type Issue } from "../../model/issues";
import type { AccessChange, PlanDiff, PrincipalChange } from "../diff";
import type { PlanApproval } from "../types";
import { columns, issueSources, plain, type Style } from "./table";
import { requestText } from "./plan";
import { expiresPhrase, relativeDays, shortInstant } from "./time";
import { append } from "../../model/arrays";

/** What the two sides of a diff are, for headings. */
export interface DiffLabels {
  base: string;
  head: string;
  /** Widening was acknowledged (e.g. by a pull-request label): say so next to the warning. */
  acknowledged?: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `+3 grants, -1 revoke, 2 changed · 1 new warning`: the summary line shared by every format. */
export function diffSummary(d: PlanDiff): string {
  const s = d.summary;
  const parts = [`+${plural(s.gained, "grant")}, -${plural(s.lost, "revoke")}, ${s.changed} changed`];
  if (s.newWarnings) parts.push(plural(s.newWarnings, "new warning"));
  if (s.newErrors) parts.push(plural(s.newErrors, "new error"));
  return parts.join(" · ");
}

const sign = (c: AccessChange) => (c.kind === "gained" ? "+" : c.kind === "lost" ? "-" : "~");

/** The cells of one access change: access, privileges, via, note. */
function cells(c: AccessChange, now: string) {
  const e = (c.after ?? c.before)!;
  const access = c.access ? `${c.access.from} → ${c.access.to}` : e.access;
  const delta = [...c.privileges.added.map((p) => `+${p}`), ...c.privileges.removed.map((p) => `-${p}`)];
  const privileges = c.kind === "changed" && delta.length ? delta.join(", ") : e.privileges.join(", ");
  const policyDelta = [...c.policies.added.map((p) => `+${p}`), ...c.policies.removed.map((p) => `-${p}`)];
  // A change is held via the head's policies; the delta and the guardrails say what changed it.
  const held = c.kind === "changed" ? c.after!.policies : c.kind === "lost" ? c.before!.policies : c.responsible;
  const by = (effect: "blocked" | "downgraded") => [
    ...new Set((c.guardrails ?? []).filter((g) => g.effect === effect).map((g) => g.guardrail)),
  ];
  const blocked = by("blocked");
  const downgraded = by("downgraded");
  const causes = [
    ...(blocked.length ? [`blocked by ${blocked.join(", ")}`] : []),
    ...(downgraded.length ? [`downgraded to read by ${downgraded.join(", ")}`] : []),
  ];
  let via: string;
  if (c.kind === "lost" && blocked.length) {
    // Lost to a guardrail: name it first; the policies that granted it in the base come after.
    const removedBy = c.responsible.filter((r) => !blocked.includes(r));
    via = `${causes.join("; ")} (was via ${held.join(", ")})${removedBy.length ? `; via ${removedBy.join(", ")}` : ""}`;
  } else {
    const delta = [...(c.kind === "changed" && policyDelta.length ? [policyDelta.join(", ")] : []), ...causes];
    via = `via ${held.join(", ")}${delta.length ? ` (${delta.join("; ")})` : ""}`;
  }
  let note = "";
  if (c.expired) note = `expired ${shortInstant(c.before!.expiresAt!)}`;
  else if (c.expiry) {
    const was = c.expiry.from ? shortInstant(c.expiry.from) : "never";
    note = c.expiry.to
      ? `until ${shortInstant(c.expiry.to)}, ${expiresPhrase(now, c.expiry.to)} (was ${was})`
      : `no longer expires (was ${was})`;
  } else if (c.kind !== "lost" && c.after?.expiresAt)
    note = `until ${shortInstant(c.after.expiresAt)}, ${expiresPhrase(now, c.after.expiresAt)}`;
  // Access a new approval gives: who approved it, when, and until when.
  const approvals = (c.approvals ?? []).map((a) => approvalPhrase(a, now));
  if (approvals.length) note = [...approvals, ...(c.expiry || c.expired ? [note] : [])].join("; ");
  // Access through a synced group follows the identity provider's membership, between deploys.
  const groups = [...new Set((c.syncedGroups ?? []).map((g) => g.group))];
  if (groups.length) note = [`through synced group ${groups.join(", ")}`, ...(note ? [note] : [])].join("; ");
  return { access, privileges, via, note };
}

/** "approved by dan on 2026-11-20, never expires" / "…, until 2026-12-01, expires in 8 days". */
function approvalPhrase(a: PlanApproval, now: string): string {
  const until = a.expiresAt ? `until ${shortInstant(a.expiresAt)}, ${expiresPhrase(now, a.expiresAt)}` : "never expires";
  return `approved by ${a.approvedBy} on ${shortInstant(a.approvedAt)}, ${until}`;
}

/** Requests opened and closed, as rows: sign, policy, user, what. */
function requestRows(d: PlanDiff): string[][] {
  return [
    ...(d.requests?.added ?? []).map((q) => ["+", q.policy, q.user, requestText(q)]),
    ...(d.requests?.removed ?? []).map((q) => ["-", q.policy, q.user, `no longer pending (approved or withdrawn); was ${requestText(q)}`]),
  ];
}

/** Approvals added and removed, as rows: sign, policy, user, what. */
function approvalRows(d: PlanDiff): string[][] {
  const gone = (a: PlanApproval) =>
    a.expiresAt !== undefined && Date.parse(a.expiresAt) <= Date.parse(d.now)
      ? `expired ${shortInstant(a.expiresAt)}`
      : "no longer in force";
  return [
    ...d.approvals.added.map((a) => ["+", a.policy, a.user, approvalPhrase(a, d.now)]),
    ...d.approvals.removed.map((a) => ["-", a.policy, a.user, `approved by ${a.approvedBy} on ${shortInstant(a.approvedAt)}, ${gone(a)}`]),
  ];
}

const DETAIL_ITEMS = 12;

function principalDetail(p: PrincipalChange): string {
  const groups = (n: number) => (n ? `, ${plural(n, "synced group")}` : "");
  if (p.kind === "created")
    return `${plural(p.members.added.length, "member")}${groups(p.groups?.added.length ?? 0)}, ${plural(p.grants.added.length, "grant")}`;
  if (p.kind === "deleted")
    return `${plural(p.members.removed.length, "member")}${groups(p.groups?.removed.length ?? 0)}, ${plural(p.grants.removed.length, "grant")}`;
  const out: string[] = [];
  if (p.renamed) out.push(`renamed from ${p.renamed.from}`);
  for (const m of p.members.added) out.push(`+member ${m.identity}`);
  for (const m of p.members.removed) out.push(`-member ${m.identity}`);
  for (const g of p.groups?.added ?? []) out.push(`+synced group ${g.identity}`);
  for (const g of p.groups?.removed ?? []) out.push(`-synced group ${g.identity}`);
  for (const g of p.grants.added) out.push(`+grant ${g.dataSource}`);
  for (const g of p.grants.changed) {
    const delta = [...g.privileges.added.map((x) => `+${x}`), ...g.privileges.removed.map((x) => `-${x}`)];
    out.push(`~grant ${g.dataSource}${delta.length ? ` (${delta.join(", ")})` : ""}`);
  }
  for (const g of p.grants.removed) out.push(`-grant ${g.dataSource}`);
  // One principal can gain thousands of members: name a few, count the rest.
  return out.length > DETAIL_ITEMS ? `${out.slice(0, DETAIL_ITEMS).join(", ")}, … ${out.length - DETAIL_ITEMS} more` : out.join(", ");
}

const principalSign = (p: PrincipalChange) => (p.kind === "created" ? "+" : p.kind === "deleted" ? "-" : "~");

function stagedRows(d: PlanDiff): string[][] {
  const reach = (s: { access: string; users: string[]; dataSources: string[] }) =>
    `${s.access}, would reach ${plural(s.users.length, "user")} on ${plural(s.dataSources.length, "data source")}`;
  return [
    ...d.staged.added.map((s) => ["+", s.policy, `staged: ${reach(s)}`]),
    ...d.staged.changed.map((s) => [
      "~",
      s.policy,
      `staged: ${reach(s.after)} (was ${plural(s.before.users.length, "user")} on ${plural(s.before.dataSources.length, "data source")})`,
    ]),
    ...d.staged.removed.map((s) => ["-", s.policy, "no longer staged"]),
  ];
}

function blastLines(d: PlanDiff): string[] {
  const b = d.blastRadius;
  const out: string[] = [];
  if (b.users.length)
    out.push(
      `access widens for ${plural(b.users.length, "user")} on ${plural(b.dataSources.length, "data source")}: ${b.users.join(", ")}`,
    );
  for (const r of b.principals) {
    const fresh = r.newlyReached.length && r.newlyReached.length < r.users.length ? ` (new: ${r.newlyReached.join(", ")})` : "";
    out.push(`${r.dataSource} via ${r.policy} -> ${r.principal} reaches ${plural(r.users.length, "user")}: ${r.users.join(", ")}${fresh}`);
    if (r.overProvisioned.length) out.push(`  over-provisioned, justified by no policy: ${r.overProvisioned.join(", ")}`);
    if (r.futureMembersBypassApproval) out.push("  anyone who joins this role later gains this access without approval");
  }
  return out;
}

/** A readable terminal rendering: aligned tables, colour when `s` is the colour style. */
export function diffText(d: PlanDiff, labels: DiffLabels, s: Style = plain, o: { sourcesCap?: number } = {}): string {
  const out: string[] = [];
  const at = d.baseNow === d.now ? `at ${shortInstant(d.now)}` : `at ${shortInstant(d.baseNow)} → ${shortInstant(d.now)}`;
  out.push(s.bold(`accessplane diff ${labels.base} → ${labels.head}`) + s.dim(`  ${at}`));
  const widen = d.summary.widens ? (labels.acknowledged ? s.yellow(" · access widens (acknowledged)") : s.red(" · access widens")) : "";
  out.push(diffSummary(d) + widen);

  if (d.access.length) {
    const paint = (c: AccessChange, t: string) => (c.kind === "gained" ? s.green(t) : c.kind === "lost" ? s.red(t) : s.yellow(t));
    const rows = d.access.map((c) => {
      const x = cells(c, d.now);
      return [paint(c, sign(c)), s.cyan(c.user), c.dataSource, x.access, x.privileges, s.dim(x.via), x.note];
    });
    const lines = columns(rows, "  ");
    const titles = { gained: "Access gained", changed: "Access changed", lost: "Access lost" } as const;
    let last = "";
    d.access.forEach((c, i) => {
      if (c.kind !== last) {
        out.push("", s.bold(titles[c.kind]));
        last = c.kind;
      }
      out.push(lines[i]!);
    });
  } else {
    out.push("", s.dim("no access changes"));
  }

  const blast = blastLines(d);
  if (blast.length) {
    out.push("", s.bold("Blast radius"));
    append(
      out,
      blast.map((l) => `  ${l.startsWith("  ") ? s.yellow(l) : l}`),
    );
  }
  const approvals = approvalRows(d);
  if (approvals.length) {
    out.push("", s.bold("Approvals"));
    out.push(
      ...columns(
        approvals.map(([sg, p, u, t]) => [sg === "+" ? s.green(sg) : s.red(sg!), p!, s.cyan(u!), t!]),
        "  ",
      ),
    );
  }
  const requests = requestRows(d);
  if (requests.length) {
    out.push("", s.bold("Pending requests (grant nothing until approved)"));
    out.push(
      ...columns(
        requests.map(([sg, p, u, t]) => [sg === "+" ? s.green(sg) : s.red(sg!), p!, s.cyan(u!), t!]),
        "  ",
      ),
    );
  }
  const staged = stagedRows(d);
  if (staged.length) {
    out.push("", s.bold("Staged policies (grant nothing yet)"));
    append(out, columns(staged, "  "));
  }
  if (d.expirations.length) {
    out.push("", s.bold("Upcoming expirations"));
    out.push(
      ...columns(
        d.expirations.map((x) => [
          shortInstant(x.expiresAt),
          s.cyan(x.user),
          s.dim(`via ${x.policy}`),
          expiresPhrase(d.now, x.expiresAt),
          x.new ? s.yellow("new") : "",
        ]),
        "  ",
      ),
    );
  }
  if (d.newIssues.length) {
    out.push("", s.bold("New issues"));
    append(out, issueLines(d.newIssues, s, o.sourcesCap));
  }
  if (d.resolvedIssues.length) {
    out.push("", s.bold("Resolved issues"));
    append(out, issueLines(d.resolvedIssues, { ...s, red: s.dim, yellow: s.dim }, o.sourcesCap));
  }
  const r = d.estimatedResources;
  if (d.resources && d.resources.create.length + d.resources.update.length + d.resources.delete.length > 0) {
    const x = d.resources;
    out.push(
      "",
      s.bold("Pulumi resources") + s.dim(`  +${x.create.length} create  ~${x.update.length} update  -${x.delete.length} delete`),
    );
    out.push(
      ...columns(
        [...x.create.map((n) => [s.green("+"), n]), ...x.update.map((n) => [s.yellow("~"), n]), ...x.delete.map((n) => [s.red("-"), n])],
        "  ",
      ),
    );
  }
  if (d.principals.length) {
    out.push(
      "",
      s.bold("Resources") +
        s.dim(` (estimated: principals, object grants, memberships)  +${r.create} create  ~${r.update} update  -${r.delete} delete`),
    );
    out.push(
      ...columns(
        d.principals.map((p) => [principalSign(p), p.id, p.name, principalDetail(p)]),
        "  ",
      ),
    );
  }
  return out.join("\n") + "\n";
}

function issueLines(issues: readonly Issue[], s: Style, cap?: number): string[] {
  return issues.map((i) => {
    const sources = issueSources(i, cap);
    const line = "  " + (formatIssue(i) + (sources ? `\n    ${sources}` : "")).replace(/\n/g, "\n  ");
    return i.severity === "error" ? s.red(line) : s.yellow(line);
  });
}

const md = (t: string) => t.replace(/\|/g, "\\|").replace(/</g, "&lt;");
const code = (t: string) => "`" + t.replace(/`/g, "'") + "`";

function details(title: string, body: string[], open: boolean): string[] {
  return [`<details${open ? " open" : ""}><summary>${title}</summary>`, "", ...body, "", "</details>"];
}

/** Rows shown open in a PR comment; longer lists start collapsed. */
const OPEN_ROWS = 20;
/** Rows of one table at most: GitHub rejects comments over 65,536 characters. */
export const MAX_MD_ROWS = 250;

/** The first MAX_MD_ROWS rows, and a line saying how many were left out. */
function capped<T>(items: readonly T[], row: (t: T) => string, what: string): string[] {
  const out = items.slice(0, MAX_MD_ROWS).map(row);
  const more = items.length - MAX_MD_ROWS;
  if (more > 0) out.push("", `… and ${more} more ${what}: run \`accessplane diff\` locally, or use \`--format json\`, for the full list`);
  return out;
}

/** A pull-request comment: the summary line first, then sections that collapse when long. */
export function diffMarkdown(d: PlanDiff, labels: DiffLabels): string {
  const out: string[] = [];
  const b = d.blastRadius;
  const widen = d.summary.widens
    ? ` · ⚠️ **access widens** for ${plural(b.users.length, "user")} on ${plural(b.dataSources.length, "data source")}${labels.acknowledged ? " (acknowledged)" : ""}`
    : "";
  out.push(`**accessplane**: ${diffSummary(d)}${widen}`);
  const at = d.baseNow === d.now ? `at ${shortInstant(d.now)}` : `at ${shortInstant(d.baseNow)} → ${shortInstant(d.now)}`;
  out.push("");
  out.push(`${code(labels.base)} → ${code(labels.head)}, ${at}`);

  if (d.access.length) {
    const rows = ["| | user | data source | access | privileges | via | |", "|---|---|---|---|---|---|---|"];
    rows.push(
      ...capped(
        d.access,
        (c) => {
          const x = cells(c, d.now);
          return `| ${sign(c) === "-" ? "−" : sign(c)} | ${md(c.user)} | ${md(c.dataSource)} | ${x.access} | ${md(x.privileges)} | ${md(x.via.replace(/^via /, ""))} | ${md(x.note)} |`;
        },
        "access changes",
      ),
    );
    out.push("", ...details(`Access changes (${d.access.length})`, rows, d.access.length <= OPEN_ROWS));
  }
  const blast = blastLines(d);
  if (b.principals.length) {
    out.push("", "**Blast radius**", "", ...blast.map((l) => (l.startsWith("  ") ? `  - ${md(l.trim())}` : `- ${md(l)}`)));
  }
  if (d.newIssues.length) {
    out.push("", `**New issues** (${d.newIssues.length})`, "", ...d.newIssues.map(mdIssue));
  }
  const approvals = approvalRows(d);
  if (approvals.length) {
    out.push(
      "",
      `**Approvals** (${approvals.length})`,
      "",
      ...approvals.map(([sg, p, u, t]) => `- ${sg === "-" ? "−" : sg} ${code(p!)} ${md(u!)}: ${md(t!)}`),
    );
  }
  const requests = requestRows(d);
  if (requests.length) {
    out.push(
      "",
      `**Pending requests** (${requests.length}, grant nothing until approved)`,
      "",
      ...requests.map(([sg, p, u, t]) => `- ${sg === "-" ? "−" : sg} ${code(p!)} ${md(u!)}: ${md(t!)}`),
    );
  }
  const staged = stagedRows(d);
  if (staged.length) {
    out.push(
      "",
      ...details(
        `Staged policies (${staged.length})`,
        staged.map(([sg, p, t]) => `- ${sg === "-" ? "−" : sg} ${code(p!)} ${md(t!)}`),
        true,
      ),
    );
  }
  if (d.expirations.length) {
    const rows = ["| expires | user | via | |", "|---|---|---|---|"];
    rows.push(
      ...capped(
        d.expirations,
        (x) =>
          `| ${shortInstant(x.expiresAt)} (${relativeDays(d.now, x.expiresAt)}) | ${md(x.user)} | ${md(x.policy)} | ${x.new ? "new" : ""} |`,
        "expirations",
      ),
    );
    out.push("", ...details(`Upcoming expirations (${d.expirations.length})`, rows, d.expirations.length <= 10));
  }
  if (d.resolvedIssues.length) {
    out.push("", ...details(`Resolved issues (${d.resolvedIssues.length})`, d.resolvedIssues.map(mdIssue), false));
  }
  if (d.resources && d.resources.create.length + d.resources.update.length + d.resources.delete.length > 0) {
    const x = d.resources;
    const rows = ["| | resource |", "|---|---|"];
    const all = [
      ...x.create.map((n) => `| + | \`${n}\` |`),
      ...x.update.map((n) => `| ~ | \`${n}\` |`),
      ...x.delete.map((n) => `| − | \`${n}\` |`),
    ];
    append(
      rows,
      capped(all, (l) => l, "resources"),
    );
    out.push(
      "",
      ...details(`Pulumi resources: +${x.create.length} create, ~${x.update.length} update, −${x.delete.length} delete`, rows, false),
    );
  }
  if (d.principals.length) {
    const r = d.estimatedResources;
    const rows = ["| | principal | name | change |", "|---|---|---|---|"];
    rows.push(
      ...capped(
        d.principals,
        (p) => `| ${principalSign(p) === "-" ? "−" : principalSign(p)} | ${md(p.id)} | ${md(p.name)} | ${md(principalDetail(p))} |`,
        "principal changes",
      ),
    );
    out.push("", ...details(`Resources (estimated): +${r.create} create, ~${r.update} update, −${r.delete} delete`, rows, false));
  }
  return out.join("\n") + "\n";
}

function mdIssue(i: Issue): string {
  const where = i.file ? ` (${i.file}${i.line ? `:${i.line}` : ""})` : "";
  const sources = issueSources(i);
  return `- **${i.severity}** ${code(i.code)} ${md(i.message)}${where}${i.help ? `: ${md(i.help)}` : ""}${sources ? `; ${md(sources)}` : ""}`;
}

/** The JSON document of a diff. */
export function diffJson(d: PlanDiff, labels: DiffLabels): string {
  return JSON.stringify({ ...d, base: labels.base, head: labels.head, acknowledged: !!labels.acknowledged }, null, 2) + "\n";
}
