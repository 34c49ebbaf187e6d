/**
 * Live grants of BigQuery, through the REST API v2 with the inventory connector's access token
 * (provider/connectors/bigquery.ts) over the pull's HTTP client (429 is retried there):
 * - dataset access: `datasets.list`, then `datasets.get` for each dataset's `access[]` entries
 *   (`role` with one of `userByEmail`, `groupByEmail`, `domain`, `specialGroup`, `iamMember`,
 *   `view`; https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#Dataset.FIELDS.access).
 *   A dataset role reaches every table of the dataset: such grants are `inherited`;
 * - table and view IAM: `tables.list`, then per table in scope `tables.getIamPolicy`
 *   (`POST .../tables/{t}:getIamPolicy`, `bindings[{role, members}]`;
 *   https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/getIamPolicy).
 *
 * Grantees are IAM members as users' `bigquery` identities write them (`user:alice@example.com`,
 * `serviceAccount:…`, `group:…`): a user or service account is a `user`, a group, domain or special
 * group (`allUsers`, `allAuthenticatedUsers`, `projectReaders`…) a `group`. The plan's privilege is
 * `SELECT` (an IAM binding of `roles/bigquery.dataViewer` on the managed view), so that role and the
 * basic dataset role READER read as `SELECT`; other roles keep their IAM name. Owner and admin
 * roles are administrative. An authorized view on a dataset reaches whoever may query the view:
 * it is a `share`, except accessplane's own (views of a mirrored dataset); so is an authorized
 * routine or dataset. Only reads run.
 */
import { type BigQueryApi, type BigQueryConfig, pages } from "../../connectors/bigquery";
import { failureIssue, trimSlash } from "../../connectors/catalog-common";
import { type HttpClient, type PullContext, SourceError } from "../../connectors/types";
import type { Grantee, LiveGrant, LiveState } from "../types";

/** The roles whose holders administer a dataset or a table. */
export const BIGQUERY_ADMIN_ROLES = new Set(["OWNER", "roles/bigquery.dataOwner", "roles/bigquery.admin", "roles/owner", "roles/editor"]);
/** The roles that read a table's rows: the plan's SELECT. */
const SELECT_ROLES = new Set(["READER", "roles/bigquery.dataViewer"]);

/** Where a BigQuery source's grants are read. */
export interface BigQueryAuditInput {
  source: string;
  projects: readonly string[];
  /** The API root, e.g. `https://bigquery.googleapis.com/bigquery/v2`. */
  root: string;
  headers: Record<string, string>;
  http: HttpClient;
  scope: PullContext["scope"];
  /** The suffix of accessplane's mirrored datasets (`viewBased.bigqueryDatasetSuffix`). */
  mirroredSuffix: string;
  now?: Date;
}

interface AccessEntry {
  role?: string;
  userByEmail?: string;
  groupByEmail?: string;
  domain?: string;
  specialGroup?: string;
  iamMember?: string;
  view?: { projectId?: string; datasetId?: string; tableId?: string };
  routine?: { projectId?: string; datasetId?: string; routineId?: string };
  dataset?: { dataset?: { projectId?: string; datasetId?: string } };
}
interface Binding {
  role?: string;
  members?: string[];
}

/** An IAM member as a grantee; special members are groups, with a note. */
export function memberGrantee(member: string): Grantee {
  if (member.startsWith("user:") || member.startsWith("serviceAccount:")) return { kind: "user", name: member };
  return { kind: "group", name: member };
}

/** A dataset access entry's grantee, as an IAM member. */
function entryGrantee(a: AccessEntry): Grantee | undefined {
  // Dataset access lists service accounts under userByEmail; IAM (and the inventory) names them serviceAccount:.
  if (a.userByEmail) return memberGrantee(`${a.userByEmail.endsWith(".gserviceaccount.com") ? "serviceAccount" : "user"}:${a.userByEmail}`);
  if (a.groupByEmail) return { kind: "group", name: `group:${a.groupByEmail}` };
  if (a.domain) return { kind: "group", name: `domain:${a.domain}` };
  if (a.specialGroup) return { kind: "group", name: a.specialGroup };
  if (a.iamMember) return memberGrantee(a.iamMember);
  return undefined;
}

const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);
const seg = encodeURIComponent;
/** A BigQuery path as the plan quotes it (one pair of backticks around the dotted path). */
const quote = (path: readonly string[]) => `\`${path.join(".")}\``;

/** Reads a BigQuery source's live grants; a failure names the source and what was read, never the token. */
export async function readBigQueryGrants(input: BigQueryAuditInput): Promise<LiveState> {
  try {
    return await read(input);
  } catch (e) {
    const i = failureIssue(input, e, "reading the grants failed");
    throw new SourceError(
      i.code,
      i.message,
      i.help ?? 'the audit needs bigquery.datasets.get and bigquery.tables.getIamPolicy; see README "Auditing access outside policy"',
    );
  }
}

async function read(input: BigQueryAuditInput): Promise<LiveState> {
  const api: BigQueryApi = { root: input.root, headers: input.headers, http: input.http, counter: { requests: 0, pages: 0 } };
  const grants = new Map<string, LiveGrant>();
  const publicSeen = new Set<string>();
  const add = (grantee: Grantee, path: string[], role: string, inherited: boolean) => {
    const admin = BIGQUERY_ADMIN_ROLES.has(role);
    const kind: LiveGrant["kind"] = admin ? "admin" : inherited ? "inherited" : "direct";
    const privilege = SELECT_ROLES.has(role) ? "SELECT" : role;
    const object = quote(path);
    if (PUBLIC_MEMBERS.has(grantee.name)) publicSeen.add(`${grantee.name} on ${object}`);
    const k = `${grantee.kind}\0${grantee.name}\0${object}\0${kind}`;
    let g = grants.get(k);
    if (!g) grants.set(k, (g = { platform: "bigquery", grantee, object, privileges: [], kind, path }));
    if (!g.privileges.includes(privilege)) g.privileges.push(privilege);
  };
  for (const project of [...new Set(input.projects)].sort()) {
    if (!input.scope.container([project])) continue;
    const datasets = await pages<{ datasetReference?: { datasetId?: string } }>(api, `/projects/${seg(project)}/datasets`, "datasets");
    for (const d of datasets) {
      const dataset = d.datasetReference?.datasetId ?? "";
      if (!dataset || !input.scope.container([project, dataset])) continue;
      const base = `/projects/${seg(project)}/datasets/${seg(dataset)}`;
      const full = (await input.http.request(`${input.root}${base}`, { method: "GET", headers: input.headers })).json<{
        access?: AccessEntry[];
      }>();
      for (const a of full.access ?? []) {
        if (a.view) {
          // accessplane authorizes its managed views (in the mirrored dataset) on their source dataset.
          if ((a.view.datasetId ?? "").endsWith(input.mirroredSuffix) && input.mirroredSuffix !== "") continue;
          const name = [a.view.projectId, a.view.datasetId, a.view.tableId].filter(Boolean).join(".");
          add({ kind: "share", name: `view:${name}` }, [project, dataset], "authorized view", true);
          continue;
        }
        // An authorized routine or dataset reads the dataset on behalf of whoever may run or query it.
        if (a.routine || a.dataset) {
          const r = a.routine;
          const d = a.dataset?.dataset;
          const name = r
            ? `routine:${[r.projectId, r.datasetId, r.routineId].filter(Boolean).join(".")}`
            : `dataset:${[d?.projectId, d?.datasetId].filter(Boolean).join(".")}`;
          add({ kind: "share", name }, [project, dataset], r ? "authorized routine" : "authorized dataset", true);
          continue;
        }
        const grantee = entryGrantee(a);
        if (grantee && a.role) add(grantee, [project, dataset], a.role, true);
      }
      const tables = await pages<{ tableReference?: { tableId?: string } }>(api, `${base}/tables`, "tables");
      for (const t of tables) {
        const table = t.tableReference?.tableId ?? "";
        const path = [project, dataset, table];
        if (!table || !input.scope.object(path)) continue;
        const policy = (
          await input.http.request(`${input.root}${base}/tables/${seg(table)}:getIamPolicy`, {
            method: "POST",
            headers: input.headers,
            json: { options: { requestedPolicyVersion: 1 } },
          })
        ).json<{ bindings?: Binding[] }>();
        for (const b of policy.bindings ?? []) {
          if (!b.role) continue;
          for (const m of b.members ?? []) add(memberGrantee(m), path, b.role, false);
        }
      }
    }
  }
  for (const g of grants.values()) g.privileges.sort();
  return {
    platform: "bigquery",
    source: input.source,
    grants: [...grants.values()],
    memberships: [],
    readFrom: "BigQuery datasets.get access entries and tables.getIamPolicy",
    readAt: (input.now ?? new Date()).toISOString(),
    notes: [...publicSeen].sort().map((s) => `public access: ${s}`),
  };
}

/** Reads a BigQuery source's grants with its access token, in the source's scope. */
export function readBigQuerySource(config: BigQueryConfig, ctx: PullContext, mirroredSuffix: string, now: Date): Promise<LiveState> {
  return readBigQueryGrants({
    source: ctx.source,
    projects: config.projects,
    root: `${trimSlash(config.endpoint)}/bigquery/v2`,
    headers: { authorization: `Bearer ${ctx.credential(config.accessToken)}`, accept: "application/json" },
    http: ctx.http,
    scope: ctx.scope,
    mirroredSuffix,
    now,
  });
}
