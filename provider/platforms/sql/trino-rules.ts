/**
 * Trino / Starburst file mode: the system-level file-based access-control `rules.json` that
 * accessplane writes for a cluster (Trino docs, "File-based access control"), generated from each
 * policy's subjects and table privileges. The document's types are the rule format's; the
 * TrinoAccessRules provider checks a document against its zod schema (pulumi/dynamic/trino-schemas.ts),
 * which is kept equal to these types at compile time.
 */
import { TRINO_PRIVILEGES, type TrinoPrivilege, type TrinoTable, sortTrinoPrivileges, trinoTableKey } from "./trino";

/** Who a rule applies to: Java regular expressions over the user, role and group names. */
export interface TrinoRuleSubject {
  user?: string;
  role?: string;
  group?: string;
}

/** A catalog rule: coarse access to a catalog (`all`, `read-only`, `none`; booleans are legacy). */
export interface TrinoCatalogRule extends TrinoRuleSubject {
  catalog?: string;
  allow: "all" | "read-only" | "none" | boolean;
}

/** A schema rule: whether matching users own matching schemas. */
export interface TrinoSchemaRule extends TrinoRuleSubject {
  catalog?: string;
  schema?: string;
  owner: boolean;
}

/** A column constraint inside a table rule. */
export interface TrinoColumnConstraint {
  name: string;
  allow?: boolean;
  mask?: string;
  mask_environment?: { user?: string };
}

/** A table rule: the privileges matching users hold on matching tables. */
export interface TrinoTableRule extends TrinoRuleSubject {
  catalog?: string;
  schema?: string;
  table?: string;
  privileges: TrinoPrivilege[];
  columns?: TrinoColumnConstraint[];
  filter?: string;
  filter_environment?: { user?: string };
}

/**
 * The catalog, schema and table sections of a `rules.json`. Sections accessplane does not write
 * (functions, procedures, queries, impersonation, session properties...) are not part of it.
 */
export interface TrinoRulesDocument {
  catalogs?: TrinoCatalogRule[];
  schemas?: TrinoSchemaRule[];
  tables?: TrinoTableRule[];
}

/** Users, groups and roles, by name. */
export interface TrinoPrincipals {
  users?: readonly string[];
  groups?: readonly string[];
  roles?: readonly string[];
}

/** What the rules file is generated from: each policy's subjects and its table privileges. */
export interface TrinoRulesInput {
  /** Principals with every privilege everywhere (the service account that runs accessplane). */
  admins?: TrinoPrincipals;
  policies: readonly {
    policyKey: string;
    users?: readonly string[];
    groups?: readonly string[];
    grants: readonly (TrinoTable & { privileges: readonly TrinoPrivilege[] })[];
  }[];
  /**
   * What everyone may do on objects that are not data sources (`trinoUnregisteredRules` of
   * `trino.cluster.allowedNonDataSourceOperations`); null or absent denies everything unregistered.
   */
  unregistered?: { privileges: readonly TrinoPrivilege[]; schemaOwner: boolean } | null;
  /**
   * The users of each policy group, when known (synced groups, as of the inventory). Rules are
   * first-match, so a user matching rules with privilege sets that no one of them contains would
   * get only the first: with the members known, such a user gets a rule of their own with the union.
   */
  groupMembers?: ReadonlyMap<string, readonly string[]>;
  /**
   * Every registered data source, granted or not: each gets its closing empty-privilege rule, so a
   * data source no policy grants is closed rather than left to the rules of unregistered objects.
   */
  dataSources?: readonly TrinoTable[];
}

/** A generated rules document plus the warnings found while generating it. */
export interface TrinoRulesResult {
  document: TrinoRulesDocument;
  warnings: string[];
}

/**
 * Escapes a name for a Java regular expression. Trino matches rule regexes against the whole name
 * (`Matcher.matches`), so no anchors are needed; every ASCII non-word character is backslashed,
 * which Java allows before any non-alphabetic character.
 */
export function trinoRegexEscape(value: string): string {
  if (value.includes("\u0000")) throw new Error("a name holds a NUL character, which rules.json cannot match");
  return value.replace(/[\u0000-\u007f]/g, (c) => (/[A-Za-z0-9_]/.test(c) ? c : `\\${c}`));
}

function alternation(names: readonly string[]): string {
  const sorted = [...new Set(names)].sort();
  return sorted.length === 1 ? trinoRegexEscape(sorted[0]!) : `(${sorted.map(trinoRegexEscape).join("|")})`;
}

type Kind = "user" | "group";

/**
 * Generates the `rules.json` for a set of policies. Every section is first-match and denies when no
 * rule matches (Trino docs, "File-based access control"), so each section is written in three
 * parts, in this order:
 * 1. the administrators: all catalogs, every schema owned, every table privilege (GRANT_SELECT
 *    included, so views they own can be read by whoever may select the view);
 * 2. the data sources: catalogs that hold one are open to everyone (table rules decide; a user
 *    needs catalog access for table rules to apply at all), schemas that hold one are owned by
 *    nobody else, and each table gets its subscribers' rules then an empty-privilege rule, so
 *    nothing later (not even the catch-all) grants on it;
 * 3. objects that are not data sources: the catch-all of `unregistered`, or nothing (deny).
 * Privileges are merged per table and per user (and per group) before writing: a user in two
 * policies gets one rule with the union.
 */
export function trinoRulesDocument(input: TrinoRulesInput): TrinoRulesResult {
  checkNames(input);
  const warnings: string[] = [];
  type Table = TrinoTable & { subjects: Map<string, Set<TrinoPrivilege>> };
  const tables = new Map<string, Table>();
  for (const p of input.policies) {
    for (const g of p.grants) {
      const k = trinoTableKey(g);
      const t = tables.get(k) ?? { catalog: g.catalog, schema: g.schema, table: g.table, subjects: new Map() };
      tables.set(k, t);
      const subjects: [Kind, string][] = [
        ...(p.users ?? []).map((u): [Kind, string] => ["user", u]),
        ...(p.groups ?? []).map((gr): [Kind, string] => ["group", gr]),
      ];
      for (const [kind, who] of subjects) {
        const sk = JSON.stringify([kind, who]);
        const set = t.subjects.get(sk) ?? new Set<TrinoPrivilege>();
        for (const priv of g.privileges) set.add(priv);
        t.subjects.set(sk, set);
      }
    }
  }

  for (const g of input.dataSources ?? []) {
    const k = trinoTableKey(g);
    if (!tables.has(k)) tables.set(k, { catalog: g.catalog, schema: g.schema, table: g.table, subjects: new Map() });
  }
  if (input.groupMembers) for (const t of tables.values()) unionRules(t.subjects, input.groupMembers);

  const { users = [], groups: adminGroups = [], roles = [] } = input.admins ?? {};
  const adminSubjects: TrinoRuleSubject[] = [
    ...(users.length ? [{ user: alternation(users) }] : []),
    ...(adminGroups.length ? [{ group: alternation(adminGroups) }] : []),
    ...(roles.length ? [{ role: alternation(roles) }] : []),
  ];

  const catalogs: TrinoCatalogRule[] = adminSubjects.map((s) => ({ ...s, allow: "all" }));
  const schemas: TrinoSchemaRule[] = adminSubjects.map((s) => ({ ...s, owner: true }));
  const rules: TrinoTableRule[] = adminSubjects.map((s) => ({ ...s, privileges: [...TRINO_PRIVILEGES] }));

  const managedCatalogs = new Set<string>();
  const managedSchemas = new Map<string, { catalog: string; schema: string }>();
  const sortedTables = [...tables.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  for (const t of sortedTables) {
    managedCatalogs.add(t.catalog);
    managedSchemas.set(JSON.stringify([t.catalog, t.schema]), { catalog: t.catalog, schema: t.schema });
    const where = {
      catalog: trinoRegexEscape(t.catalog),
      schema: trinoRegexEscape(t.schema),
      table: trinoRegexEscape(t.table),
    };
    // Group subjects of one kind holding the same privilege set into one rule.
    const groups = new Map<string, { kind: Kind; privileges: TrinoPrivilege[]; names: string[] }>();
    for (const [sk, privs] of t.subjects) {
      const [kind, who] = JSON.parse(sk) as [Kind, string];
      const privileges = sortTrinoPrivileges(privs);
      if (privileges.length === 0) continue;
      const gk = JSON.stringify([kind, privileges]);
      const entry = groups.get(gk) ?? { kind, privileges, names: [] };
      entry.names.push(who);
      groups.set(gk, entry);
    }
    // Larger privilege sets first: a user matching a user rule and a group rule gets the larger.
    const ordered = [...groups.values()].sort(
      (a, b) =>
        b.privileges.length - a.privileges.length ||
        (a.kind === b.kind ? 0 : a.kind === "user" ? -1 : 1) ||
        alternation(a.names).localeCompare(alternation(b.names)),
    );
    for (const a of ordered) {
      for (const b of ordered) {
        if (a.kind !== "user" || b.kind !== "group") continue;
        const aSet = new Set(a.privileges);
        const bSet = new Set(b.privileges);
        const nested = a.privileges.every((p) => bSet.has(p)) || b.privileges.every((p) => aSet.has(p));
        // With the groups' members known, everyone in two such rules has a union rule of their own.
        if (!nested && !input.groupMembers) {
          warnings.push(
            `on \`${t.catalog}.${t.schema}.${t.table}\` users \`${a.names.sort().join(", ")}\` and groups ` +
              `\`${b.names.sort().join(", ")}\` hold different privileges; a user in both gets only the first ` +
              `matching rule (${a.privileges.length >= b.privileges.length ? a.privileges.join(", ") : b.privileges.join(", ")})`,
          );
        }
      }
    }
    for (const g of ordered) rules.push({ [g.kind]: alternation(g.names), ...where, privileges: g.privileges });
    rules.push({ ...where, privileges: [] });
  }

  for (const c of [...managedCatalogs].sort()) catalogs.push({ catalog: trinoRegexEscape(c), allow: "all" });
  // Schema ownership allows DROP SCHEMA and lists every table name: never on a schema with data sources.
  for (const k of [...managedSchemas.keys()].sort()) {
    const m = managedSchemas.get(k)!;
    schemas.push({ catalog: trinoRegexEscape(m.catalog), schema: trinoRegexEscape(m.schema), owner: false });
  }
  const unregistered = input.unregistered ?? null;
  if (unregistered && (unregistered.privileges.length > 0 || unregistered.schemaOwner)) {
    const writes = unregistered.privileges.some((p) => p !== "SELECT" && p !== "GRANT_SELECT");
    catalogs.push({ allow: writes || unregistered.schemaOwner ? "all" : "read-only" });
    if (unregistered.schemaOwner) schemas.push({ owner: true });
    if (unregistered.privileges.length > 0) rules.push({ privileges: sortTrinoPrivileges(unregistered.privileges) });
  }
  // `schemas` is always written: an absent section would make every user own every schema.
  return { document: { catalogs, schemas, tables: rules }, warnings };
}

/**
 * Gives each user whose rules on one table hold privilege sets that no one of them contains a user
 * rule with the union. Rules are ordered by size, users first on a tie, so that rule (a superset of
 * each of the user's other sets) is the first the user matches.
 */
function unionRules(subjects: Map<string, Set<TrinoPrivilege>>, groupMembers: ReadonlyMap<string, readonly string[]>): void {
  const sets = new Map<string, Set<TrinoPrivilege>[]>();
  for (const [sk, privs] of subjects) {
    const [kind, who] = JSON.parse(sk) as [Kind, string];
    for (const user of kind === "user" ? [who] : (groupMembers.get(who) ?? [])) {
      const list = sets.get(user);
      if (list) list.push(privs);
      else sets.set(user, [privs]);
    }
  }
  for (const [user, list] of sets) {
    if (list.length < 2) continue;
    const union = new Set(list.flatMap((s) => [...s]));
    if (list.some((s) => s.size === union.size)) continue; // one rule already holds everything
    subjects.set(JSON.stringify(["user", user]), union);
  }
}

// The keys of each rule, in the order they are written.
const SUBJECT_KEYS = ["user", "role", "group"] as const;
const CATALOG_RULE_KEYS = [...SUBJECT_KEYS, "catalog", "allow"] as const;
const SCHEMA_RULE_KEYS = [...SUBJECT_KEYS, "catalog", "schema", "owner"] as const;
const TABLE_RULE_KEYS = [...SUBJECT_KEYS, "catalog", "schema", "table", "privileges", "columns", "filter", "filter_environment"] as const;
const COLUMN_KEYS = ["name", "allow", "mask", "mask_environment"] as const;

/** The keys of `o` that `keys` lists, in that order (a key present with `undefined` is kept, JSON drops it). */
function ordered<T extends object>(o: T, keys: readonly (keyof T)[]): T {
  const out: Partial<T> = {};
  for (const k of keys) if (k in o) out[k] = o[k];
  return out as T;
}

/**
 * Serialises a rules document the way the provider writes it: stable, two-space JSON, final
 * newline, each rule's keys in the documented order whatever order the document holds them in.
 */
export function renderTrinoRules(document: TrinoRulesDocument): string {
  const doc: TrinoRulesDocument = {};
  if ("catalogs" in document) doc.catalogs = document.catalogs?.map((r) => ordered(r, CATALOG_RULE_KEYS));
  if ("schemas" in document) doc.schemas = document.schemas?.map((r) => ordered(r, SCHEMA_RULE_KEYS));
  if ("tables" in document) {
    doc.tables = document.tables?.map((r) => {
      const rule = ordered(r, TABLE_RULE_KEYS);
      if (rule.columns) rule.columns = rule.columns.map((c) => ordered(c, COLUMN_KEYS));
      return rule;
    });
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Refuses empty names: a rule matching the empty name would match nobody, silently. */
function checkNames(input: TrinoRulesInput): void {
  const check = (names: readonly string[] | undefined, what: string) => {
    if (names?.some((n) => n.length === 0)) throw new Error(`rules.json input: a ${what} name is empty`);
  };
  const { users, groups, roles } = input.admins ?? {};
  check(users, "user");
  check(groups, "group");
  check(roles, "role");
  for (const p of input.policies) {
    check([p.policyKey], "policy");
    check(p.users, "user");
    check(p.groups, "group");
    for (const g of p.grants) check([g.catalog, g.schema, g.table], "table");
  }
}
