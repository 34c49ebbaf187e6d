/**
 * A test oracle for Trino's system-level file-based access control: it decides (user, object,
 * privilege) from a rules document the way the Trino documentation ("File-based access control")
 * and `FileBasedSystemAccessControl` describe, independently of the generator it checks:
 * - each section (`catalogs`, `schemas`, `tables`) is read top to bottom and the first rule that
 *   matches the user and the object decides; no match denies; an absent section allows all;
 * - `user` is matched against the user name, `role` against any enabled role, `group` against any
 *   group; an absent field matches everything; every regex must match the whole name;
 * - when `catalogs` is present, Trino appends a rule giving everyone `all` on the `system` catalog;
 * - table privileges need catalog access first: `read-only` for SELECT and GRANT_SELECT, `all` for
 *   anything else; schema ownership needs `all` on the catalog;
 * - selecting from a view checks the user's SELECT on the view, then (when the owner is someone
 *   else) the owner's SELECT and GRANT_SELECT, with `all` on the catalog, on everything it reads.
 */
import type { TrinoRulesDocument } from "../../provider/platforms/sql/trino-rules";

/** Who asks. */
export interface Identity {
  user: string;
  groups?: string[];
  roles?: string[];
}

/** A relation, and for views their owner and what they read. */
export interface Relation {
  catalog: string;
  schema: string;
  table: string;
  view?: { owner: string; reads: Relation[] };
}

/** What is asked: a table privilege, schema ownership (CREATE SCHEMA, DROP SCHEMA) or catalog visibility. */
export type Action = "SELECT" | "INSERT" | "DELETE" | "UPDATE" | "OWNERSHIP" | "GRANT_SELECT" | "OWN_SCHEMA";

type Subject = { user?: string; group?: string; role?: string };
type CatalogAccess = "all" | "read-only" | "none";

const full = (regex: string | undefined, value: string) => regex === undefined || new RegExp(`^(?:${regex})$`).test(value);

function subjectMatches(rule: Subject, who: Identity): boolean {
  return (
    full(rule.user, who.user) &&
    (rule.group === undefined || (who.groups ?? []).some((g) => full(rule.group, g))) &&
    (rule.role === undefined || (who.roles ?? []).some((r) => full(rule.role, r)))
  );
}

function catalogAccess(doc: TrinoRulesDocument, who: Identity, catalog: string): CatalogAccess {
  if (doc.catalogs === undefined) return "all";
  const rules = [...doc.catalogs, { catalog: "system", allow: "all" as const }];
  for (const r of rules) {
    if (subjectMatches(r, who) && full(r.catalog, catalog)) {
      return r.allow === true ? "all" : r.allow === false ? "none" : r.allow;
    }
  }
  return "none";
}

const implies = (have: CatalogAccess, need: CatalogAccess) =>
  need === "none" || have === "all" || (have === "read-only" && need === "read-only");

function tablePrivileges(doc: TrinoRulesDocument, who: Identity, o: Relation): readonly string[] | "all" {
  if (doc.tables === undefined) return "all";
  for (const r of doc.tables) {
    if (subjectMatches(r, who) && full(r.catalog, o.catalog) && full(r.schema, o.schema) && full(r.table, o.table)) return r.privileges;
  }
  return [];
}

function hasTablePrivilege(doc: TrinoRulesDocument, who: Identity, o: Relation, privilege: string): boolean {
  const need: CatalogAccess = privilege === "SELECT" || privilege === "GRANT_SELECT" ? "read-only" : "all";
  if (!implies(catalogAccess(doc, who, o.catalog), need)) return false;
  const privileges = tablePrivileges(doc, who, o);
  return privileges === "all" || privileges.includes(privilege);
}

function isSchemaOwner(doc: TrinoRulesDocument, who: Identity, o: Relation): boolean {
  if (!implies(catalogAccess(doc, who, o.catalog), "all")) return false;
  if (doc.schemas === undefined) return true;
  for (const r of doc.schemas) {
    if (subjectMatches(r, who) && full(r.catalog, o.catalog) && full(r.schema, o.schema)) return r.owner;
  }
  return false;
}

/** The owner's check on what a view reads (`checkCanCreateViewWithSelectFromColumns`), recursively. */
function ownerMaySelectThrough(doc: TrinoRulesDocument, owner: Identity, o: Relation): boolean {
  if (!implies(catalogAccess(doc, owner, o.catalog), "all")) return false;
  const privileges = tablePrivileges(doc, owner, o);
  const ok = privileges === "all" || (privileges.includes("SELECT") && privileges.includes("GRANT_SELECT"));
  return ok && (o.view === undefined || o.view.reads.every((r) => ownerMaySelectThrough(doc, { user: o.view!.owner }, r)));
}

/** Whether `who` may perform `action` on `o` under `doc`. */
export function allowed(doc: TrinoRulesDocument, who: Identity, o: Relation, action: Action): boolean {
  if (action === "OWN_SCHEMA") return isSchemaOwner(doc, who, o);
  if (!hasTablePrivilege(doc, who, o, action)) return false;
  if (action !== "SELECT" || o.view === undefined || o.view.owner === who.user) return true;
  const owner = { user: o.view.owner };
  return o.view.reads.every((r) => ownerMaySelectThrough(doc, owner, r));
}
