/**
 * Renderers of a plan: text for terminals, markdown for pull requests, JSON for tooling.
 */
import { formatIssue, type Issue } from "../../model/issues";
import type { AccessEntry, Plan, PlanRequest } from "../types";
import { columns, issueSources, plain, type Style } from "./table";
import { expiresPhrase } from "./time";
import { append } from "../../model/arrays";

/** Output formats every command accepts. */
export type Format = "text" | "markdown" | "json";

/** The JSON document of a plan (contract version 1, with extensions after the contract fields). */
export function planJson(plan: Plan, extra: Record<string, unknown> = {}): string {
  const doc = {
    version: plan.version,
    access: plan.access,
    issues: plan.issues,
    now: plan.now,
    staged: plan.staged,
    expirations: plan.expirations,
    blastRadius: plan.blastRadius,
    principals: plan.principals,
    ...(plan.requests?.length ? { requests: plan.requests } : {}),
    ...extra,
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

const summary = (plan: Plan) => {
  const users = new Set(plan.access.map((e) => e.user)).size;
  const sources = new Set(plan.access.map((e) => e.dataSource)).size;
  const errors = plan.issues.filter((i) => i.severity === "error").length;
  const warnings = plan.issues.length - errors;
  return { users, sources, errors, warnings };
};

/** An entry's privileges as the platform names them, then any platform access level or operations in brackets. */
export function privs(e: AccessEntry): string {
  const extra = Array.isArray(e.operations)
    ? ` [${(e.operations as string[]).join(",")}]`
    : typeof e.accessLevel === "string"
      ? ` [${e.accessLevel}]`
      : "";
  return e.privileges.join(", ") + extra;
}

/** Options of the text renderings. */
export interface TextOptions {
  /** Data sources an issue names before counting the rest (terminals); all of them when absent. */
  sourcesCap?: number;
}

/** Renders issues as lines, errors first; an issue about several data sources names them below it. */
export function issuesText(issues: readonly Issue[], s: Style = plain, o: TextOptions = {}): string[] {
  return issues.map((i) => {
    const sources = issueSources(i, o.sourcesCap);
    const line = formatIssue(i) + (sources ? `\n    ${sources}` : "");
    return i.severity === "error" ? s.red(line) : s.yellow(line);
  });
}

/** Each user's access entries under the user's name, aligned (entries sorted by user). */
export function accessPerUserLines(access: readonly AccessEntry[], s: Style = plain): string[] {
  const out: string[] = [];
  let last = "";
  let rows: string[][] = [];
  const flush = () => {
    if (rows.length) append(out, columns(rows, "    "));
    rows = [];
  };
  for (const e of access) {
    if (e.user !== last) {
      flush();
      out.push(`  ${s.cyan(e.user)}`);
      last = e.user;
    }
    rows.push([
      e.dataSource,
      e.access === "write" ? s.yellow("write") : s.green("read"),
      privs(e),
      s.dim(`via ${e.policies.join(", ")}${e.expiresAt ? ` until ${e.expiresAt}` : ""}`),
    ]);
  }
  flush();
  if (access.length === 0) out.push(s.dim("  nobody has access"));
  return out;
}

/** Each data source's holders under its id, platform, object type and native object name. */
export function accessPerDataSourceLines(access: readonly AccessEntry[], s: Style = plain): string[] {
  const out: string[] = [];
  const byDs = new Map<string, AccessEntry[]>();
  for (const e of access) {
    const l = byDs.get(e.dataSource);
    if (l) l.push(e);
    else byDs.set(e.dataSource, [e]);
  }
  for (const ds of [...byDs.keys()].sort()) {
    const list = byDs.get(ds)!;
    out.push(`  ${s.cyan(ds)} ${s.dim(`(${list[0]!.platform} ${list[0]!.objectType}, ${list[0]!.object})`)}`);
    out.push(
      ...columns(
        list.map((e) => [e.user, e.access === "write" ? s.yellow("write") : s.green("read"), privs(e)]),
        "    ",
      ),
    );
  }
  return out;
}

/** The staged policies, each with the entries its activation would grant (a blank line first; none when nothing is staged). */
export function stagedLines(plan: Plan, s: Style = plain): string[] {
  if (!plan.staged.length) return [];
  const out = ["", s.bold("Staged policies (grant nothing yet)")];
  // Each policy's preview entries under it: what activating it would grant, as the plan would show it.
  for (const p of plan.staged) {
    out.push(
      `  ${s.cyan(p.policy)}  ${p.access}, would reach ${count(p.users.length, "user")} on ${count(p.dataSources.length, "data source")}`,
    );
    const others = (e: AccessEntry) => e.policies.filter((x) => x !== p.policy);
    const rows = p.entries.map((e) => [
      e.user,
      e.dataSource,
      e.access === "write" ? s.yellow("write") : s.green("read"),
      privs(e),
      s.dim(others(e).length ? `also via ${others(e).join(", ")}` : ""),
    ]);
    append(out, columns(rows, "    "));
  }
  return out;
}

/** The pending requests and who may approve each (a blank line first; none without any). */
export function requestLines(plan: Plan, s: Style = plain): string[] {
  if (!plan.requests?.length) return [];
  return [
    "",
    s.bold("Pending requests (grant nothing until approved)"),
    ...columns(
      plan.requests.map((q) => [s.cyan(q.user), q.policy, requestText(q)]),
      "  ",
    ),
  ];
}

/** The subscriptions that end after the plan's instant, soonest first (a blank line first; none without any). */
export function expirationLines(plan: Plan, s: Style = plain): string[] {
  if (!plan.expirations.length) return [];
  return [
    "",
    s.bold("Upcoming expirations"),
    ...columns(
      plan.expirations.map((x) => [x.expiresAt, x.user, s.dim(`via ${x.policy}`), expiresPhrase(plan.now, x.expiresAt)]),
      "  ",
    ),
  ];
}

/** The plan's issues under a heading (a blank line first; none without any). */
export function issueLines(plan: Plan, s: Style = plain, o: TextOptions = {}): string[] {
  if (!plan.issues.length) return [];
  return ["", s.bold("Issues"), ...issuesText(plan.issues, s, o).map((l) => "  " + l.replace(/\n/g, "\n  "))];
}

/** `0 errors, 4 warnings`. */
export function countsLine(plan: Plan): string {
  const sm = summary(plan);
  return `${sm.errors} error${sm.errors === 1 ? "" : "s"}, ${sm.warnings} warning${sm.warnings === 1 ? "" : "s"}`;
}

/** A readable terminal summary, per user and per data source. */
export function planText(plan: Plan, s: Style = plain, o: TextOptions = {}): string {
  const out: string[] = [];
  const sm = summary(plan);
  out.push(
    s.bold(`accessplane plan at ${plan.now}`) +
      s.dim(`  ${plan.access.length} grants · ${sm.users} users · ${sm.sources} data sources · ${plan.principals.length} principals`),
  );
  out.push("");
  append(out, blastRadiusText(plan, s));
  out.push(s.bold("Access per user"));
  append(out, accessPerUserLines(plan.access, s));
  out.push("");
  out.push(s.bold("Access per data source"));
  append(out, accessPerDataSourceLines(plan.access, s));
  append(out, stagedLines(plan, s));
  append(out, requestLines(plan, s));
  append(out, expirationLines(plan, s));
  append(out, issueLines(plan, s, o));
  out.push("");
  out.push(countsLine(plan));
  return out.join("\n") + "\n";
}

/** "requested 2026-11-20T09:00:00Z until 2027-01-01T00:00:00Z (quarterly close); may approve: dan, eve". */
export function requestText(q: PlanRequest): string {
  const until = q.until !== undefined ? ` until ${q.until}` : "";
  const reason = q.reason !== undefined ? ` (${q.reason})` : "";
  return `requested ${q.requestedAt}${until}${reason}; ${q.approvers.length ? `may approve: ${q.approvers.join(", ")}` : "nobody may approve it"}`;
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

const md = (s: string) => s.replace(/\|/g, "\\|");

/** Grants to IAM principals that reach more people than the policy names: shown first, never collapsed. */
export function blastRadiusText(plan: Plan, s: Style = plain): string[] {
  const wide = plan.blastRadius.filter((b) => b.overProvisioned.length > 0 || b.futureMembersBypassApproval);
  if (wide.length === 0) return [];
  const out = [
    s.bold(s.red(`Blast radius: ${wide.length} grant${wide.length === 1 ? "" : "s"} to IAM principals reach people no policy names`)),
  ];
  for (const b of wide) {
    out.push(`  ${s.cyan(b.dataSource)} via ${b.policy} -> ${b.principal}`);
    out.push(`    everyone behind it: ${b.users.join(", ") || "(no known user)"}`);
    if (b.overProvisioned.length) out.push(s.red(`    over-provisioned: ${b.overProvisioned.join(", ")}`));
    if (b.futureMembersBypassApproval) out.push(s.yellow("    anyone who joins this role later gains this access without approval"));
  }
  out.push("");
  return out;
}

/** The blast-radius block of a pull-request comment. */
export function blastRadiusMarkdown(plan: Plan): string[] {
  const wide = plan.blastRadius.filter((b) => b.overProvisioned.length > 0 || b.futureMembersBypassApproval);
  if (wide.length === 0) return [];
  const out = [
    `> [!WARNING]`,
    `> **Blast radius**: ${wide.length} grant${wide.length === 1 ? "" : "s"} to IAM principals reach people no policy names`,
    "",
  ];
  out.push("| data source | policy | principal | everyone behind it | over-provisioned | future members bypass approval |");
  out.push("|---|---|---|---|---|---|");
  for (const b of wide)
    out.push(
      `| ${md(b.dataSource)} | ${md(b.policy)} | \`${b.principal}\` | ${md(b.users.join(", "))} | ${md(b.overProvisioned.join(", "))} | ${b.futureMembersBypassApproval ? "yes" : "no"} |`,
    );
  out.push("");
  return out;
}

/** A markdown rendering for pull requests: summary first, details collapsed. */
export function planMarkdown(plan: Plan): string {
  const sm = summary(plan);
  const out: string[] = [];
  out.push(
    `**accessplane plan**: ${plan.access.length} grants to ${sm.users} users on ${sm.sources} data sources · ${sm.errors} errors · ${sm.warnings} warnings`,
  );
  out.push("");
  append(out, blastRadiusMarkdown(plan));
  out.push("<details><summary>Access per user</summary>");
  out.push("");
  out.push("| user | data source | access | privileges | via |");
  out.push("|---|---|---|---|---|");
  for (const e of plan.access)
    out.push(`| ${md(e.user)} | ${md(e.dataSource)} | ${e.access} | ${md(privs(e))} | ${md(e.policies.join(", "))} |`);
  out.push("");
  out.push("</details>");
  if (plan.staged.length) {
    out.push("");
    out.push(
      "**Staged policies** (grant nothing yet): " +
        plan.staged.map((p) => `\`${p.policy}\` (${p.users.length} users, ${p.dataSources.length} data sources)`).join(", "),
    );
  }
  if (plan.requests?.length) {
    out.push("");
    out.push(`**Pending requests** (${plan.requests.length}, grant nothing until approved)`);
    out.push("");
    for (const q of plan.requests) out.push(`- ${md(q.user)} → \`${q.policy}\`: ${md(requestText(q))}`);
  }
  if (plan.expirations.length) {
    out.push("");
    out.push(
      "**Upcoming expirations**: " +
        plan.expirations
          .map((x) => `\`${x.user}\` via \`${x.policy}\` at ${x.expiresAt} (${expiresPhrase(plan.now, x.expiresAt)})`)
          .join(", "),
    );
  }
  if (plan.issues.length) {
    out.push("");
    out.push("<details><summary>Issues</summary>");
    out.push("");
    for (const i of plan.issues) {
      const sources = issueSources(i);
      out.push(
        `- **${i.severity}** \`${i.code}\` ${md(i.message)}${i.file ? ` (${i.file}${i.line ? `:${i.line}` : ""})` : ""}${i.help ? `: ${md(i.help)}` : ""}${sources ? `; ${md(sources)}` : ""}`,
      );
    }
    out.push("");
    out.push("</details>");
  }
  return out.join("\n") + "\n";
}
