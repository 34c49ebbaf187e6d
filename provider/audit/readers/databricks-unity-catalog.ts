/**
 * Live grants of Databricks Unity Catalog, through the Unity Catalog REST API of the inventory
 * connector's workspace session (provider/connectors/databricks-api.ts):
 * - the tables in the source's scope, listed as `inventory pull` lists them
 *   (provider/connectors/databricks-unity-catalog.ts);
 * - per table, catalog and schema, `GET /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}`
 *   (`privilege_assignments: [{ principal, privileges }]`, paged by `next_page_token` with
 *   `max_results=0`; https://docs.databricks.com/api/uc-grants/v1/get-permissions), which "does
 *   not include inherited permissions": the grants made on each securable;
 * - owners from `GET /api/2.1/unity-catalog/{catalogs|schemas|tables}/{full_name}` (`owner`;
 *   https://docs.databricks.com/api/uc-tables/v1/get-table);
 * - group members through the workspace SCIM API (databricks-common.ts).
 * Privileges inherit downward (a SELECT on a catalog reaches its tables), so a data privilege on a
 * catalog or schema is also reported on each of its tables as `inherited`; USE CATALOG and USE
 * SCHEMA alone give no data access and stay on their securable. The API writes privileges with
 * underscores (`USE_CATALOG`); they are written as the plan writes them (`USE CATALOG`). Names
 * are written as the plan writes them (`` `main`.`finance`.`ledger` ``) and put in URLs encoded.
 */
import { type Counter } from "../../connectors/catalog-common";
import { listAll, workspace, type Workspace } from "../../connectors/databricks-api";
import { pullUnityCatalog, type UnityCatalogConfig } from "../../connectors/databricks-unity-catalog";
import type { PullContext } from "../../connectors/types";
import { dbxQuote } from "../../platforms/databricks-unity-catalog";
import type { LiveState } from "../types";
import { GrantCollector, granteeOf, pulledObjects, readWorkspaceDirectory, step } from "./databricks-common";
import { capped } from "./snowflake";

/** How a Unity Catalog source's grants are read. */
export interface UnityCatalogAuditOptions {
  source: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  now?: Date;
}

/** The privileges on a catalog or schema that reach its tables' data (the others stay on the container). */
export const UC_DATA_PRIVILEGES: ReadonlySet<string> = new Set(["SELECT", "MODIFY", "ALL PRIVILEGES", "MANAGE", "APPLY TAG", "REFRESH"]);

const API = "/api/2.1/unity-catalog";
/** A full name in a URL path: each part percent-encoded (backticks, spaces, slashes, unicode), dots kept. */
export const ucPath = (parts: readonly string[]) => parts.map(encodeURIComponent).join(".");
/** `USE_CATALOG` as the plan writes it: `USE CATALOG`. */
const privilegeName = (p: string) => p.toUpperCase().replace(/_/g, " ");

interface Assignment {
  principal?: string;
  privileges?: string[];
}

async function permissions(ws: Workspace, type: "catalog" | "schema" | "table", parts: readonly string[]): Promise<Assignment[]> {
  return listAll<Assignment>(ws, `${API}/permissions/${type}/${ucPath(parts)}`, {}, "privilege_assignments");
}

async function owner(ws: Workspace, kind: string, parts: readonly string[]): Promise<string | undefined> {
  const res = await ws.http.request(`${ws.host}${API}/${kind}/${ucPath(parts)}`, { method: "GET", headers: ws.headers });
  const o = res.json<{ owner?: unknown }>().owner;
  return typeof o === "string" && o !== "" ? o : undefined;
}

/** Reads a Unity Catalog metastore's live grants on the tables in the source's scope. */
export async function readUnityCatalogGrants(
  config: UnityCatalogConfig,
  ctx: PullContext,
  o: UnityCatalogAuditOptions,
): Promise<LiveState> {
  const now = o.now ?? new Date();
  const notes: string[] = [];
  const counter: Counter = { requests: 0, pages: 0 };
  const token = ctx.credential(config.token);
  const ws = workspace(config.host, token, ctx, counter);
  // The tables only: tags are not needed, so no statement runs on a warehouse.
  const tables = pulledObjects(await pullUnityCatalog({ host: config.host, token: config.token }, ctx), notes);
  const c = new GrantCollector("databricks-unity-catalog");
  const dir = await step(o.source, "reading the workspace's groups", () =>
    readWorkspaceDirectory(ws, token, "databricks-unity-catalog", o.source),
  );
  let deleted = 0;
  /** Records the assignments of one securable: direct there, and its data privileges inherited by the tables `below` it. */
  const record = (assignments: Assignment[], parts: readonly string[], below: readonly (readonly string[])[]) => {
    for (const a of assignments) {
      // A deleted principal keeps its assignment with an empty name (and a principal_id).
      if (!a.principal) {
        deleted++;
        continue;
      }
      const grantee = granteeOf(dir, a.principal);
      const privileges = (a.privileges ?? []).map(privilegeName);
      c.add(grantee, dbxQuote(parts), privileges, "direct", below.length === 0 ? parts : undefined);
      const data = privileges.filter((p) => UC_DATA_PRIVILEGES.has(p));
      for (const t of below) c.add(grantee, dbxQuote(t), data, "inherited", t);
    }
  };
  /** Reads and records one securable's grants and owner. */
  const securable = (type: "catalog" | "schema" | "table", parts: readonly string[], below: readonly (readonly string[])[]) =>
    step(o.source, `reading the grants of ${type} ${parts.join(".")}`, async () => {
      record(await permissions(ws, type, parts), parts, below);
      const name = await owner(ws, `${type}s`, parts);
      if (name) c.add(granteeOf(dir, name), dbxQuote(parts), ["OWNERSHIP"], "ownership", type === "table" ? parts : undefined);
    });
  const paths = tables.map((t) => [t.location.catalog!, t.location.schema!, t.location.table!]);
  const catalogs = [...new Set(paths.map((p) => p[0]!))].sort().map((cat) => [cat]);
  const schemas = [...new Map(paths.map((p) => [`${p[0]}\0${p[1]}`, [p[0]!, p[1]!]])).values()];
  const within = (parent: readonly string[]) => paths.filter((p) => parent.every((x, i) => p[i] === x));
  const cap = o.concurrency ?? 8;
  await capped(catalogs, cap, (cat) => securable("catalog", cat, within(cat)));
  await capped(schemas, cap, (s) => securable("schema", s, within(s)));
  await capped(paths, cap, (t) => securable("table", t, []));
  if (deleted > 0) notes.push(`${deleted} grant${deleted === 1 ? "" : "s"} to deleted principals left out`);
  return c.state(o.source, "Unity Catalog permissions API (grants per table, schema and catalog; owners) and SCIM groups", now, dir, notes);
}
