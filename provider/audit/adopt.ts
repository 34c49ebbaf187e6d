/**
 * Adopting an existing account: draft policies that reproduce the access that exists today outside
 * policy, so a team can move to policies without an access gap, and a `pulumi import` file for
 * existing objects that match what the components would create.
 * - One named-user policy per principal (role, group, or a user's direct grants) that grants data
 *   access: its current members (the inventory users it reaches) and the data sources it reaches;
 *   `state: staged`, so nothing changes until someone activates it; its description says where it
 *   came from. Access it reaches on objects that are no data source, and people the inventory does
 *   not know, cannot be written as policy: they are listed in the description instead.
 * - Import entries (`pulumi import --file`) for planned Snowflake roles that already exist, for the
 *   Identity Center groups of planned S3 principals, and for planned Databricks account groups,
 *   each with the parent chain the components register it under (see `importFile`).
 */
import { stringify } from "yaml";
import type { Config, Platform } from "../model/schema";
import type { Plan, Principal } from "../plan/types";
import { ACCESS_ESTATE_TYPE, policyComponentName, SUBSCRIPTION_POLICY_TYPE } from "../pulumi/tokens";
import type { AuditEntry, AuditReport } from "./compare";
import { nameKey } from "./names";
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

/**
 * One entry of a `pulumi import --file` file, with the field names the CLI reads (pulumi/pulumi,
 * pkg/cmd/pulumi/operations/import.go, `importSpec`): `name` is the resource's name (its
 * `logicalName` defaults to it) and the key other entries name it by; `parent` is the `name` of
 * another entry (or of a `nameTable` entry); `component: true` is a component, which takes no `id`.
 */
export interface ImportEntry {
  type: string;
  name: string;
  id?: string;
  parent?: string;
  component?: true;
}

/** What `adopt` writes. */
export interface Adoption {
  policies: DraftPolicy[];
  imports: { resources: ImportEntry[] };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
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
  policies.sort((a, b) => cmp(a.name, b.name));

  const resources: Omit<ImportEntry, "parent">[] = [];
  const policyOf = new Map<string, string>();
  const add = (p: Principal, type: string, name: string, id: string) => {
    resources.push({ type, name, id });
    policyOf.set(name, p.policy);
  };
  for (const s of states) {
    if (s.platform !== "snowflake") continue;
    const existing = new Set((s.principals ?? []).map((g) => nameKey("snowflake", "principal", g.name)));
    for (const p of plan.principals)
      if (p.platform === "snowflake" && existing.has(nameKey("snowflake", "principal", p.name)))
        add(p, "snowflake:index/accountRole:AccountRole", `${componentName}/${p.id}/role`, p.name);
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
        if (id !== undefined) add(p, "aws:identitystore/group:Group", `${componentName}/${p.id}/group`, `${s3.identityStoreId}/${id}`);
      }
    }
  // Planned Databricks principals whose account group exists: the component creates one
  // `databricks.Group` per principal name (`<component>/databricks/<name>/group`, with the account
  // API), shared by the cohort's Unity Catalog and Spark principals and registered inside the
  // policy that comes first (AccessEstate creates policies in that order). It imports by the
  // group's SCIM id (terraform-provider-databricks, docs/resources/group.md, "Import"), the one the
  // reader listed; a workspace-local group of that name is no account group and is not imported.
  const dbxIds = new Map<string, string>();
  for (const s of states)
    if (s.platform === "databricks-unity-catalog" || s.platform === "databricks-spark")
      for (const g of s.principals ?? []) if (g.kind === "group" && g.level === "account" && g.id) dbxIds.set(g.name, g.id);
  const dbxFirst = new Map<string, Principal>();
  for (const p of plan.principals) {
    if (p.platform !== "databricks-unity-catalog" && p.platform !== "databricks-spark") continue;
    const seen = dbxFirst.get(p.name);
    if (!seen || p.policy.localeCompare(seen.policy) < 0) dbxFirst.set(p.name, p);
  }
  for (const [name, p] of [...dbxFirst].sort(([a], [b]) => cmp(a, b))) {
    const id = dbxIds.get(name);
    if (id !== undefined) add(p, "databricks:index/group:Group", `${componentName}/databricks/${name}/group`, id);
  }
  return { policies, imports: importFile(componentName, resources, policyOf) };
}

/**
 * The import entries with their parents: the component creates every principal's resources inside
 * the SubscriptionPolicy of the principal's policy, inside the AccessEstate, and a URN carries the
 * types of its parents, so an entry imported without them would get a URN `pulumi up` never
 * registers (and the resource would be created again). The components are listed as entries of
 * their own (`component: true`, no id): `pulumi import` creates them when the stack has none yet,
 * and leaves them be when it has (pulumi/pulumi#14467, pkg/resource/deploy/import.go).
 */
function importFile(
  componentName: string,
  resources: readonly Omit<ImportEntry, "parent">[],
  policyOf: ReadonlyMap<string, string>,
): { resources: ImportEntry[] } {
  if (resources.length === 0) return { resources: [] };
  const policies = [...new Set(policyOf.values())].sort(cmp);
  return {
    resources: [
      { type: ACCESS_ESTATE_TYPE, name: componentName, component: true },
      ...policies.map((p) => ({
        type: SUBSCRIPTION_POLICY_TYPE,
        name: policyComponentName(componentName, p),
        parent: componentName,
        component: true as const,
      })),
      ...resources.map((r) => ({ ...r, parent: policyComponentName(componentName, policyOf.get(r.name)!) })),
    ],
  };
}

/** The draft policies as a policies file. */
export function draftPoliciesYaml(a: Adoption): string {
  return (
    "# Drafts written by `accessplane adopt`: each reproduces access that exists outside policy today.\n" +
    "# They are staged: nothing changes until a reviewer sets `state: active`.\n" +
    stringify({ policies: a.policies }, { lineWidth: 0 })
  );
}
