/**
 * Adopting an existing account: draft policies that reproduce the access that exists today outside
 * policy, so a team can move to policies without an access gap, and a `pulumi import` file for
 * existing objects that match what the components would create.
 * - One named-user policy per principal (role, group, or a user's direct grants) that grants data
 *   access: its current members (the inventory users it reaches) and the data sources it reaches;
 *   `state: staged`, so nothing changes until someone activates it; its description says where it
 *   came from. Access it reaches on objects that are no data source, and people the inventory does
 *   not know, cannot be written as policy: they are listed in the description instead.
 * - Import entries (`pulumi import --file`: `{ resources: [{ type, name, id }] }`) for planned
 *   Snowflake roles that already exist, and for the Identity Center groups of planned S3 principals.
 */
import { stringify } from "yaml";
import type { Config, Platform } from "../model/schema";
import type { Plan } from "../plan/types";
import type { AuditEntry, AuditReport } from "./compare";
import { normName } from "./compare";
import type { LiveState } from "./types";

/** Privileges that modify data: a principal holding one gets a write draft. */
const WRITE_PRIVILEGES = new Set([
  "INSERT",
  "UPDATE",
  "DELETE",
  "TRUNCATE",
  "MODIFY",
  "WRITE",
  "WRITE_VOLUME",
  "WRITE_FILES",
  "READWRITE",
  "ROLES/BIGQUERY.DATAEDITOR",
  "WRITER",
  "ALTER",
]);

/** The access a set of privileges amounts to. */
export const accessOf = (privileges: readonly string[]) =>
  privileges.some((p) => WRITE_PRIVILEGES.has(p.toUpperCase())) ? "write" : "read";

/** One draft policy, as written to the policies file. */
export interface DraftPolicy {
  name: string;
  description: string;
  access: "read" | "write";
  state: "staged";
  subscribers: { users: string[] };
  dataSources: { names: string[]; platforms: Platform[] };
}

/** One `pulumi import` entry. */
export interface ImportEntry {
  type: string;
  name: string;
  id: string;
}

/** What `adopt` writes. */
export interface Adoption {
  policies: DraftPolicy[];
  imports: { resources: ImportEntry[] };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "") || "x";

/** Drafts policies from an audit report's unmanaged entries, and import entries from the live states. */
export function adopt(
  report: AuditReport,
  plan: Plan,
  states: readonly LiveState[],
  componentName = "estate",
  s3: Partial<Pick<Config["s3"], "identityStoreId" | "identityCenterGrantee">> = {},
): Adoption {
  const groups = new Map<string, AuditEntry[]>();
  for (const e of report.entries) {
    if (e.section !== "unmanaged" || e.principal.kind === "share") continue;
    const k = `${e.platform}\0${e.principal.kind}\0${e.principal.name}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const policies: DraftPolicy[] = [];
  const used = new Set<string>();
  for (const es of groups.values()) {
    const first = es[0]!;
    const withDs = es.filter((e) => e.dataSource !== undefined && e.kind !== "future");
    const users = [...new Set(withDs.flatMap((e) => e.users))].sort();
    const names = [...new Set(withDs.map((e) => e.dataSource!))].sort();
    if (users.length === 0 || names.length === 0) continue;
    const source = report.sources.find((s) => s.platform === first.platform);
    const left = es
      .filter((e) => e.dataSource === undefined || e.kind === "future")
      .map((e) => `${e.privileges.join(", ")} on ${e.object}${e.kind === "future" ? " (future)" : ""}`);
    const unknown = [...new Set(es.flatMap((e) => e.unknown))].sort();
    let name = slug(`adopted-${first.platform}-${first.principal.kind === "user" ? "user-" : ""}${first.principal.name}`);
    for (let i = 2; used.has(name); i++) name = `${name}-${i}`;
    used.add(name);
    policies.push({
      name,
      description: [
        `Adopted from the ${first.platform} ${first.principal.kind} \`${first.principal.name}\`${source ? ` (source \`${source.source}\`, read from ${source.readFrom} at ${source.readAt})` : ""}.`,
        ...(left.length ? [`Not expressible as data sources: ${left.join("; ")}.`] : []),
        ...(unknown.length ? [`Members unknown to the inventory: ${unknown.join(", ")}.`] : []),
      ].join(" "),
      access: accessOf(withDs.flatMap((e) => e.privileges)),
      state: "staged",
      subscribers: { users },
      dataSources: { names, platforms: [first.platform] },
    });
  }
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const resources: ImportEntry[] = [];
  for (const s of states) {
    if (s.platform !== "snowflake") continue;
    const existing = new Set((s.principals ?? []).map((g) => normName("snowflake", g.name)));
    for (const p of plan.principals)
      if (p.platform === "snowflake" && existing.has(normName("snowflake", p.name)))
        resources.push({ type: "snowflake:index/accountRole:AccountRole", name: `${componentName}/${p.id}/role`, id: p.name });
  }
  // Planned S3 principals granted as Identity Center groups: the component creates
  // `aws.identitystore.Group` `<component>/<principal id>/group`, which imports by
  // `identity_store_id/group_id` (Pulumi AWS provider, identitystore.Group, "Import"); the reader
  // knows a group's id when it resolved the group by its display name in the identity store.
  if (s3.identityCenterGrantee === "group" && s3.identityStoreId !== undefined)
    for (const s of states) {
      if (s.platform !== "s3") continue;
      const ids = new Map((s.principals ?? []).filter((g) => g.kind === "group" && g.id).map((g) => [g.name, g.id!]));
      for (const p of plan.principals) {
        const id = p.platform === "s3" ? ids.get(p.name) : undefined;
        if (id !== undefined)
          resources.push({
            type: "aws:identitystore/group:Group",
            name: `${componentName}/${p.id}/group`,
            id: `${s3.identityStoreId}/${id}`,
          });
      }
    }
  return { policies, imports: { resources } };
}

/** The draft policies as a policies file. */
export function draftPoliciesYaml(a: Adoption): string {
  return (
    "# Drafts written by `accessplane adopt`: each reproduces access that exists outside policy today.\n" +
    "# They are staged: nothing changes until a reviewer sets `state: active`.\n" +
    stringify({ policies: a.policies }, { lineWidth: 0 })
  );
}
