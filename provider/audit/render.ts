/**
 * The audit report as text (a terminal), markdown (a pull request or an issue) and JSON (tools).
 * The summary comes first; then one section per kind of finding, each by platform and principal.
 */
import { type AuditEntry, type AuditReport, SECTIONS, type Section } from "./compare";

const TITLES: Record<Section, string> = {
  unmanaged: "Unmanaged: access no policy justifies",
  missing: "Missing: planned access that does not exist yet (the next `pulumi up` adds it)",
  drifted: "Drifted: accessplane principals that differ from the plan",
  conflicting: "Conflicting: principals named like accessplane's, granted by someone else",
  administrative: "Administrative: ownership and administrative roles",
};

const who = (e: AuditEntry) => {
  const reach = [
    ...e.users,
    ...e.unknown.map((u) => `${u} (not in the inventory)`),
    ...(e.unresolved ?? []).map((g) => `the members of \`${g}\` (not readable, not in the inventory)`),
  ];
  return reach.length === 0 ? "nobody" : reach.join(", ");
};

const what = (e: AuditEntry) =>
  e.kind === "membership"
    ? "membership"
    : `${e.privileges.join(", ")} on ${e.object}${e.dataSource ? ` (${e.dataSource})` : ""}${e.kind !== "direct" ? ` [${e.kind}]` : ""}`;

function summaryLines(r: AuditReport): string[] {
  const s = r.summary;
  return [
    `${s.unmanaged} unmanaged, ${s.missing} missing, ${s.drifted} drifted, ${s.conflicting} conflicting, ${s.administrative} administrative`,
    `unmanaged access reaches ${s.users} user${s.users === 1 ? "" : "s"} on ${s.dataSources} data source${s.dataSources === 1 ? "" : "s"}`,
    ...(s.unresolved > 0
      ? [
          `${s.unresolved} finding${s.unresolved === 1 ? " goes" : "s go"} through groups whose members are not readable and not in the inventory: whom ${s.unresolved === 1 ? "it reaches" : "they reach"} is not known`,
        ]
      : []),
    ...r.sources.map(
      (x) =>
        `source \`${x.source}\` (${x.platform}): read from ${x.readFrom} at ${x.readAt}${x.notes.length ? `; ${x.notes.join("; ")}` : ""}`,
    ),
  ];
}

/** The report for a terminal. */
export function auditText(r: AuditReport): string {
  const out = ["Audit of live grants", ...summaryLines(r).map((l) => "  " + l)];
  for (const section of SECTIONS) {
    const es = r.entries.filter((e) => e.section === section);
    if (es.length === 0) continue;
    out.push("", `${TITLES[section]} (${es.length})`);
    for (const e of es)
      out.push(
        `  ${e.platform} ${e.principal.kind} ${e.principal.name}: ${what(e)}; ${e.detail}; reaches ${who(e)}${e.grantor ? `; granted by ${e.grantor}` : ""}`,
      );
  }
  return out.join("\n") + "\n";
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The report as markdown. */
export function auditMarkdown(r: AuditReport): string {
  const out = ["## Audit of live grants", "", ...summaryLines(r).map((l) => `- ${l}`)];
  for (const section of SECTIONS) {
    const es = r.entries.filter((e) => e.section === section);
    if (es.length === 0) continue;
    out.push(
      "",
      `### ${TITLES[section]} (${es.length})`,
      "",
      "| Platform | Principal | Access | Detail | Reaches |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const e of es)
      out.push(
        `| ${e.platform} | ${cell(`${e.principal.kind} \`${e.principal.name}\``)} | ${cell(what(e))} | ${cell(e.detail)} | ${cell(who(e))} |`,
      );
  }
  return out.join("\n") + "\n";
}

/** The report as JSON (version 1). */
export function auditJson(r: AuditReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}
