/**
 * The plan as a reviewer reads it: a summary table per platform first, the notation explained once,
 * then one section (per user, per data source, per policy with each platform principal's native
 * name), the data sources no policy covers and, for one user, what the user was kept off and why.
 * Text for terminals, markdown for pull requests, JSON extensions for tooling.
 */
import type { Issue } from "../../model/issues";
import { PLATFORMS, type Platform } from "../../model/schema";
import type { UncoveredDataSource } from "../coverage";
import type { PlanContext } from "../filter";
import type { AccessEntry, Plan } from "../types";
import type { KeptOff } from "../why-not";
import {
  accessPerDataSourceLines,
  accessPerUserLines,
  blastRadiusText,
  countsLine,
  expirationLines,
  issueLines,
  planMarkdown,
  requestLines,
  stagedLines,
  type TextOptions,
} from "./plan";
import { columns, plain, type Style } from "./table";
import { append } from "../../model/arrays";

/** The sections `--view` picks. */
export const VIEWS = ["summary", "users", "data-sources", "policies"] as const;
/** One section of the plan. */
export type View = (typeof VIEWS)[number];

/** Users the per-user section lists on a terminal before counting the rest. */
export const TTY_USERS = 20;

/** Days ahead in which an expiry counts as "expiring soon" in the summary. */
export const EXPIRING_DAYS = 30;
const DAY = 86_400_000;

/** What a platform calls the principal that materialises a cohort. */
export const PRINCIPAL_NOUN: Record<Platform, string> = {
  snowflake: "Snowflake role",
  "databricks-unity-catalog": "Databricks account group",
  "databricks-spark": "Databricks workspace group",
  trino: "Trino role",
  redshift: "Redshift entitlement set (managed views)",
  synapse: "Synapse entitlement set (managed views)",
  bigquery: "BigQuery IAM members of the views",
  s3: "S3 Access Grants grantee (IAM principal)",
};

/** The notation of access lines, explained once per output. */
export const LEGEND =
  "legend: `SELECT, SHOW [READ]` = the platform's native privileges, then in brackets the access type they are granted under (S3 Access Grants level, Trino access-rule operations); `read`/`write` = the policy access";

/** One row of the summary table. */
export interface SummaryRow {
  platform: Platform | "total";
  /** Data sources in the inventory. */
  dataSources: number;
  /** Data sources no active grant policy selects. */
  uncovered: number;
  /** Distinct users holding access. */
  users: number;
  principals: number;
  /** Access entries: (user, data source) pairs. */
  grants: number;
  /** Entries staged policies would add or change. */
  staged: number;
  /** Entries whose access ends within `EXPIRING_DAYS` of the plan's instant. */
  expiring: number;
  warnings: number;
}

/** The data sources an issue concerns: its list, or the ids its message names in backticks. */
function issueDataSources(i: Issue, known: ReadonlyMap<string, Platform>): string[] {
  if (i.dataSources && i.dataSources.length) return i.dataSources;
  const out: string[] = [];
  for (const m of i.message.matchAll(/`([^`]+)`/g)) if (known.has(m[1]!)) out.push(m[1]!);
  return out;
}

/** The summary table: one row per platform with data sources, then a total row. */
export function summaryRows(plan: Plan, ctx: PlanContext, uncovered: readonly UncoveredDataSource[]): SummaryRow[] {
  const platformOf = new Map(ctx.dataSources.map((d) => [d.id, d.platform]));
  const now = Date.parse(plan.now);
  const blank = (platform: SummaryRow["platform"]): SummaryRow => ({
    platform,
    dataSources: 0,
    uncovered: 0,
    users: 0,
    principals: 0,
    grants: 0,
    staged: 0,
    expiring: 0,
    warnings: 0,
  });
  const rows = new Map<Platform, SummaryRow>();
  const row = (p: Platform) => rows.get(p) ?? rows.set(p, blank(p)).get(p)!;
  const users = new Map<Platform, Set<string>>();
  for (const d of ctx.dataSources) row(d.platform).dataSources++;
  for (const u of uncovered) row(u.platform).uncovered++;
  for (const e of plan.access) {
    const r = row(e.platform);
    r.grants++;
    (users.get(e.platform) ?? users.set(e.platform, new Set()).get(e.platform)!).add(e.user);
    if (e.expiresAt !== undefined && Date.parse(e.expiresAt) - now <= EXPIRING_DAYS * DAY) r.expiring++;
  }
  for (const p of plan.principals) row(p.platform).principals++;
  for (const s of plan.staged) for (const e of s.entries) row(e.platform).staged++;
  let warnings = 0;
  for (const i of plan.issues) {
    if (i.severity !== "warning") continue;
    warnings++;
    for (const p of new Set(issueDataSources(i, platformOf).map((d) => platformOf.get(d)!))) row(p).warnings++;
  }
  const out = PLATFORMS.filter((p) => rows.has(p)).map((p) => ({ ...rows.get(p)!, users: users.get(p)?.size ?? 0 }));
  const total = blank("total");
  for (const r of out)
    for (const k of ["dataSources", "uncovered", "principals", "grants", "staged", "expiring"] as const) total[k] += r[k];
  total.users = new Set(plan.access.map((e) => e.user)).size;
  total.warnings = warnings;
  return [...out, total];
}

const HEAD = [
  "platform",
  "data sources",
  "uncovered",
  "users with access",
  "principals",
  "grants",
  "staged",
  `expiring ≤${EXPIRING_DAYS}d`,
  "warnings",
];
const cells = (r: SummaryRow) => [
  r.platform,
  ...[r.dataSources, r.uncovered, r.users, r.principals, r.grants, r.staged, r.expiring, r.warnings].map(String),
];

/** Right-aligns the numeric columns of `rows` (all but the first). */
function numericColumns(rows: string[][], indent: string): string[] {
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join("  ")
        .trimEnd(),
  );
}

/** The summary table as text. */
export function summaryText(rows: readonly SummaryRow[], s: Style = plain): string[] {
  const lines = numericColumns([HEAD, ...rows.map(cells)], "  ");
  return [s.bold("Summary"), s.dim(lines[0]!), ...lines.slice(1, -1), s.bold(lines[lines.length - 1]!)];
}

/** The summary table as markdown. */
export function summaryMarkdown(rows: readonly SummaryRow[]): string[] {
  const md = (r: string[]) => `| ${r.join(" | ")} |`;
  return [
    md(HEAD),
    `|---|${HEAD.slice(1)
      .map(() => "--:")
      .join("|")}|`,
    ...rows.map((r, i) => md(i === rows.length - 1 ? cells(r).map((c) => `**${c}**`) : cells(r))),
  ];
}

/** The uncovered data sources as text (nothing when every data source is covered). */
export function uncoveredText(uncovered: readonly UncoveredDataSource[], s: Style = plain): string[] {
  if (!uncovered.length) return [];
  return [
    "",
    s.bold(`Uncovered: ${uncovered.length} data source${uncovered.length === 1 ? "" : "s"} no active grant policy selects`),
    ...columns(
      uncovered.map((u) => [
        u.dataSource,
        s.dim(`${u.platform} ${u.objectType}`),
        u.owners.length ? `owners: ${u.owners.join(", ")}` : s.dim("no owner"),
        u.stagedPolicies.length ? s.dim(`staged: ${u.stagedPolicies.join(", ")}`) : "",
      ]),
      "  ",
    ),
  ];
}

const mdCell = (s: string) => s.replace(/\|/g, "\\|");

/** The uncovered data sources as markdown (nothing when every data source is covered). */
export function uncoveredMarkdown(uncovered: readonly UncoveredDataSource[]): string[] {
  if (!uncovered.length) return [];
  return [
    "",
    `**Uncovered**: ${uncovered.length} data source${uncovered.length === 1 ? "" : "s"} no active grant policy selects: ` +
      uncovered.map((u) => `\`${mdCell(u.dataSource)}\`${u.owners.length ? ` (owners: ${mdCell(u.owners.join(", "))})` : ""}`).join(", "),
  ];
}

/** What a user was kept off, as text (nothing when nothing was). */
export function keptOffText(user: string, kept: readonly KeptOff[], s: Style = plain): string[] {
  if (!kept.length) return [];
  return [
    "",
    s.bold(`Why not: data sources ${user}'s policies select but ${user} does not hold`),
    ...columns(
      kept.map((k) => [k.dataSource, s.dim(`via ${k.policy}`), s.red(k.detail)]),
      "  ",
    ),
  ];
}

/** Each active grant policy with its platform principals under their native names, members and grants. */
export function policiesText(plan: Plan, ctx: PlanContext, s: Style = plain): string[] {
  const out = [s.bold("Access per policy")];
  const byPolicy = new Map<string, Plan["principals"]>();
  for (const p of plan.principals) (byPolicy.get(p.policy) ?? byPolicy.set(p.policy, []).get(p.policy)!).push(p);
  const info = new Map(ctx.policies.map((p) => [p.name, p]));
  for (const name of [...byPolicy.keys()].sort()) {
    const ps = byPolicy.get(name)!;
    const i = info.get(name);
    out.push(`  ${s.cyan(name)}  ${i ? `${i.access}${i.file ? s.dim(`  ${i.file}`) : ""}` : ""}`);
    out.push(
      ...columns(
        ps.map((p) => [
          PRINCIPAL_NOUN[p.platform],
          p.name,
          `${p.members.length} member${p.members.length === 1 ? "" : "s"}`,
          `${p.grants.length} grant${p.grants.length === 1 ? "" : "s"}`,
          s.dim(p.guardrails.length ? `under ${p.guardrails.join(", ")}` : ""),
        ]),
        "    ",
      ),
    );
    // Access through synced groups changes with the identity provider, between deploys.
    for (const p of ps) {
      if (!p.groups) continue;
      const through = p.members.filter((m) => m.group !== undefined).length;
      out.push(
        s.dim(
          `    ${PRINCIPAL_NOUN[p.platform]} ${p.name}: ${through} of ${p.members.length} through synced group${p.groups.length === 1 ? "" : "s"} ${p.groups.map((g) => `${g.group} (${g.identity})`).join(", ")}; the identity provider manages their membership`,
        ),
      );
    }
  }
  if (byPolicy.size === 0) out.push(s.dim("  no principal"));
  return out;
}

/** Everything a plan view renders besides the plan. */
export interface ViewInput {
  ctx: PlanContext;
  uncovered: readonly UncoveredDataSource[];
  /** With a user filter: each filtered user's kept-off data sources. */
  keptOff?: ReadonlyMap<string, readonly KeptOff[]>;
  /** With a user filter matching too many users for why-not: how many it matched. */
  keptOffSkipped?: { users: number; max: number };
  /** The active filters, described (`--user alice`), for the heading. */
  filter?: string;
}

/** Options of the text views. */
export interface ViewOptions extends TextOptions {
  view?: View;
  /** Users the per-user section lists before a "N more" line (terminals). */
  usersCap?: number;
}

/** The first per-user part of the access entries, at most `cap` users, and how many users are left out. */
function capUsers(access: readonly AccessEntry[], cap: number | undefined): { shown: AccessEntry[]; more: number } {
  if (cap === undefined) return { shown: [...access], more: 0 };
  const users: string[] = [];
  let end = access.length;
  for (let i = 0; i < access.length; i++) {
    const u = access[i]!.user;
    if (users[users.length - 1] !== u) {
      if (users.length === cap) {
        end = i;
        break;
      }
      users.push(u);
    }
  }
  const total = new Set(access.map((e) => e.user)).size;
  return { shown: access.slice(0, end), more: total - users.length };
}

/**
 * The plan as text: summary first, then the chosen view. By default the summary and the per-user
 * section (capped on terminals), then uncovered data sources, staged previews, expirations, why-not
 * and issues.
 */
export function planViewText(plan: Plan, input: ViewInput, s: Style = plain, o: ViewOptions = {}): string {
  const view = o.view;
  const users = new Set(plan.access.map((e) => e.user)).size;
  const sources = new Set(plan.access.map((e) => e.dataSource)).size;
  const out: string[] = [
    s.bold(`accessplane plan at ${plan.now}`) +
      s.dim(`  ${plan.access.length} grants · ${users} users · ${sources} data sources · ${plan.principals.length} principals`),
  ];
  if (input.filter) out.push(s.dim(`filtered: ${input.filter}`));
  if (view !== "summary" && view !== "policies") out.push(s.dim(LEGEND));
  out.push("");
  const why = () => [...(input.keptOff ?? new Map<string, KeptOff[]>()).entries()].flatMap(([u, k]) => keptOffText(u, k, s));
  if (view === undefined || view === "summary") {
    append(out, summaryText(summaryRows(plan, input.ctx, input.uncovered), s));
    out.push("");
    append(out, blastRadiusText(plan, s));
  }
  if (view === undefined || view === "users") {
    out.push(s.bold("Access per user"));
    const { shown, more } = capUsers(plan.access, view === undefined ? o.usersCap : undefined);
    append(out, accessPerUserLines(shown, s));
    if (more > 0) out.push(s.dim(`  … ${more} more user${more === 1 ? "" : "s"}, use --user <id> (globs allowed) or --view users`));
  }
  if (view === "data-sources") {
    out.push(s.bold("Access per data source"));
    append(out, accessPerDataSourceLines(plan.access, s));
  }
  if (view === "policies") {
    append(out, policiesText(plan, input.ctx, s));
    append(out, stagedLines(plan, s));
    append(out, requestLines(plan, s));
  }
  if (view === undefined || view === "summary" || view === "data-sources") append(out, uncoveredText(input.uncovered, s));
  if (view === undefined) {
    append(out, stagedLines(plan, s));
    append(out, requestLines(plan, s));
    append(out, expirationLines(plan, s));
  }
  if (view === undefined || view === "users") {
    append(out, why());
    const k = input.keptOffSkipped;
    if (k)
      out.push(
        "",
        s.dim(`why not: --user matches ${k.users} users; it is listed for at most ${k.max} (\`accessplane explain <user>\` explains one)`),
      );
  }
  if (view === undefined) append(out, issueLines(plan, s, o));
  out.push("");
  out.push(countsLine(plan));
  // Sections open with a blank line; one separates any two.
  return out.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

/** The plan as markdown: the summary table and the uncovered data sources after the headline. */
export function planViewMarkdown(plan: Plan, input: ViewInput): string {
  const [headline, ...rest] = planMarkdown(plan).split("\n");
  const out = [headline!];
  if (input.filter) out.push("", `Filtered: \`${mdCell(input.filter)}\``);
  out.push("", ...summaryMarkdown(summaryRows(plan, input.ctx, input.uncovered)), ...uncoveredMarkdown(input.uncovered));
  for (const [u, kept] of input.keptOff ?? []) {
    if (!kept.length) continue;
    out.push(
      "",
      `**Why not** (${mdCell(u)}): ` + kept.map((k) => `\`${mdCell(k.dataSource)}\` via \`${k.policy}\`: ${mdCell(k.detail)}`).join("; "),
    );
  }
  return [...out, ...rest].join("\n");
}

/** JSON extensions of a plan: the summary rows, uncovered data sources and kept-off sources. */
export function planViewJson(plan: Plan, input: ViewInput): Record<string, unknown> {
  return {
    summary: summaryRows(plan, input.ctx, input.uncovered),
    uncovered: input.uncovered,
    ...(input.keptOff ? { keptOff: [...input.keptOff.values()].flat() } : {}),
  };
}
