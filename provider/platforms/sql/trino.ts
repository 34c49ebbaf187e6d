/**
 * Trino / Starburst: how accessplane's Trino operations become native privileges, in the two forms
 * a cluster can enforce them:
 * - SQL mode: a role per policy, GRANT/REVOKE of table privileges to the role, and role membership
 *   (`trinoRoleDelta`);
 * - file mode: a system-level file-based access-control `rules.json` (`trinoRulesDocument`), checked
 *   against `trinoRulesDocumentSchema()`, the documented rule format.
 *
 * `TRINO_OPERATION_PRIVILEGES` is the one table of what each operation means on each object type:
 * SPEC.md's privilege names (what the plan shows), the privileges of `GRANT ... ON TABLE` (SQL mode)
 * and the table-rule privileges of `rules.json` (file mode). The plan, the SQL generator, the rules
 * generator and the emitter all read it. Vendor rules behind each column (Trino docs, "GRANT
 * privilege" and "File-based access control", table of permissions per SQL command):
 * - READ -> SELECT. SHOW on tables, views and columns needs no privilege of its own: an object is
 *   visible as soon as the user holds any privilege on it.
 * - WRITE -> INSERT, UPDATE, DELETE on tables (MERGE needs the three; TRUNCATE is checked as
 *   DELETE); on materialized views UPDATE only, which is what REFRESH MATERIALIZED VIEW requires;
 *   nothing on plain views (they cannot be written).
 * - OWN -> OWNERSHIP (ALTER, DROP, COMMENT, SET PROPERTIES) in file mode. GRANT accepts only
 *   SELECT, INSERT, DELETE and UPDATE, so SQL mode cannot grant OWN: the plan says so per source.
 */
import type { z } from "zod";
import type { ObjectTypeOf, TrinoOperation } from "../../model/schema";
import { quoteIdent, quoteLiteral, quoteQualified } from "./dialect";
import { zod } from "./closure";

// The built schema constants (`TrinoRulesDocumentSchema`...) are in schemas.ts, for program-side code.

// Enum values, in the order privileges are written.
const PRIVILEGES = ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] as const;
const SQL_PRIVILEGES = ["SELECT", "INSERT", "DELETE", "UPDATE"] as const;

/** Table privileges of the file-based access-control format. */
export function trinoPrivilegeSchema() {
  return zod().enum(PRIVILEGES);
}

/** One file-mode table privilege. */
export type TrinoPrivilege = z.infer<ReturnType<typeof trinoPrivilegeSchema>>;

/** Privileges that `GRANT ... ON TABLE` accepts (SQL mode). */
export function trinoSqlPrivilegeSchema() {
  return zod().enum(SQL_PRIVILEGES);
}

/** One SQL-mode table privilege. */
export type TrinoSqlPrivilege = z.infer<ReturnType<typeof trinoSqlPrivilegeSchema>>;

/** SPEC.md's names for what a Trino operation allows: the vocabulary of the plan's `privileges`. */
export type TrinoSpecPrivilege =
  "SELECT" | "SHOW" | "DELETE" | "INSERT" | "MERGE" | "TRUNCATE" | "UPDATE" | "REFRESH" | "ALTER" | "COMMENT" | "DROP" | "SET PROPERTIES";

/** How grants reach a cluster: SQL GRANT statements, or a file-based `rules.json`. */
export type TrinoMode = "sql" | "file";

/** What one operation means on one object type: SPEC's names, and the native privileges per mode. */
interface OperationRow {
  spec: readonly TrinoSpecPrivilege[];
  sql: readonly TrinoSqlPrivilege[];
  file: readonly TrinoPrivilege[];
}

const NOTHING = { spec: [], sql: [], file: [] } as const;
const READ = { spec: ["SELECT", "SHOW"], sql: ["SELECT"], file: ["SELECT"] } as const;
const OWN_VIEW = { spec: ["ALTER", "COMMENT", "DROP"], sql: [], file: ["OWNERSHIP"] } as const;

/**
 * The Trino privilege table, per object type and operation. Views hold no data to modify, so WRITE
 * yields nothing on them; CREATE applies only to objects that do not exist yet, so it yields nothing
 * on a data source. An empty `sql` list beside a non-empty `spec` list is an operation SQL mode
 * cannot grant.
 */
const TRINO_OPERATION_PRIVILEGES = {
  "BASE TABLE": {
    READ,
    WRITE: {
      spec: ["DELETE", "INSERT", "MERGE", "TRUNCATE", "UPDATE"],
      sql: ["INSERT", "DELETE", "UPDATE"],
      file: ["INSERT", "DELETE", "UPDATE"],
    },
    OWN: { spec: ["ALTER", "COMMENT", "DROP", "SET PROPERTIES"], sql: [], file: ["OWNERSHIP"] },
    CREATE: NOTHING,
  },
  VIEW: { READ, WRITE: NOTHING, OWN: OWN_VIEW, CREATE: NOTHING },
  "MATERIALIZED VIEW": {
    READ,
    WRITE: { spec: ["REFRESH"], sql: ["UPDATE"], file: ["UPDATE"] },
    OWN: OWN_VIEW,
    CREATE: NOTHING,
  },
} as const satisfies Record<ObjectTypeOf<"trino">, Record<TrinoOperation, OperationRow>>;

/**
 * Rule privileges on objects that are not data sources, per allowed operation (file mode). READ adds
 * GRANT_SELECT: everyone may read those objects anyway, and a view's owner needs it on what the view
 * reads (Trino checks `checkCanCreateViewWithSelectFromColumns` for the owner: SELECT and GRANT_SELECT
 * in its first matching rule, and `all` on the catalog; trinodb/trino
 * `lib/trino-plugin-toolkit/.../security/FileBasedSystemAccessControl.java`). CREATE TABLE and
 * CREATE VIEW need OWNERSHIP of the new name, which is also what ALTER and DROP need: the rule format
 * cannot tell CREATE from OWN on tables, so OWNERSHIP is written only when both are allowed (the
 * narrower reading; validation warns about one without the other). CREATE also makes everyone owner
 * of schemas that hold no data source (CREATE SCHEMA needs schema ownership).
 */
const TRINO_UNREGISTERED_PRIVILEGES = {
  READ: ["SELECT", "GRANT_SELECT"],
  WRITE: ["INSERT", "DELETE", "UPDATE"],
  OWN: ["OWNERSHIP"],
  CREATE: ["OWNERSHIP"],
} as const satisfies Record<TrinoOperation, readonly TrinoPrivilege[]>;

/** The securable kind Trino names each object type by. */
const TRINO_OBJECT_KIND = {
  "BASE TABLE": "TABLE",
  VIEW: "VIEW",
  "MATERIALIZED VIEW": "MATERIALIZED VIEW",
} as const satisfies Record<ObjectTypeOf<"trino">, string>;

// The order operations are listed in (alphabetical, as the plan sorts its lists).
const OPERATION_ORDER = ["CREATE", "OWN", "READ", "WRITE"] as const satisfies readonly TrinoOperation[];

const PRIVILEGE_ORDER: readonly TrinoPrivilege[] = PRIVILEGES;

function sortPrivileges<P extends TrinoPrivilege>(ps: Iterable<P>): P[] {
  return [...new Set(ps)].sort((a, b) => PRIVILEGE_ORDER.indexOf(a) - PRIVILEGE_ORDER.indexOf(b));
}

/** Operations the mode cannot grant on this object type although SPEC gives them a meaning there. */
export function trinoOperationsNotInMode(
  objectType: ObjectTypeOf<"trino">,
  operations: readonly TrinoOperation[],
  mode: TrinoMode,
): TrinoOperation[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  return operations.filter((op) => row[op].spec.length > 0 && row[op][mode].length === 0);
}

/** SPEC's privileges of `operations` on an object type, sorted. */
export function trinoSpecPrivileges(objectType: ObjectTypeOf<"trino">, operations: readonly TrinoOperation[]): TrinoSpecPrivilege[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  return [...new Set(operations.flatMap((op) => row[op].spec))].sort();
}

/** The operations whose SPEC privileges `privileges` holds (the inverse of `trinoSpecPrivileges`). */
export function trinoHeldOperations(objectType: ObjectTypeOf<"trino">, privileges: readonly string[]): TrinoOperation[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  const held = new Set(privileges);
  return OPERATION_ORDER.filter((op) => row[op].spec.some((p) => held.has(p)));
}

/** The native privileges `operations` grant on an object type in `mode`, sorted alphabetically. */
export function trinoNativePrivileges(
  objectType: ObjectTypeOf<"trino">,
  operations: readonly TrinoOperation[],
  mode: TrinoMode,
): (TrinoSqlPrivilege | TrinoPrivilege)[] {
  const row = TRINO_OPERATION_PRIVILEGES[objectType];
  return [...new Set(operations.flatMap((op): readonly (TrinoSqlPrivilege | TrinoPrivilege)[] => row[op][mode]))].sort();
}

/** What everyone may do on objects that are not data sources, as rules (file mode). */
export function trinoUnregisteredRules(
  operations: readonly TrinoOperation[],
): { privileges: TrinoPrivilege[]; schemaOwner: boolean } | null {
  if (operations.length === 0) return null;
  const ownership = operations.includes("OWN") && operations.includes("CREATE");
  const privileges = operations.flatMap((op) => TRINO_UNREGISTERED_PRIVILEGES[op]).filter((p) => ownership || p !== "OWNERSHIP");
  return { privileges: sortPrivileges(privileges), schemaOwner: operations.includes("CREATE") };
}

// ---------------------------------------------------------------------------------------------
// SQL mode

function nameSchema() {
  return zod().string().min(1);
}

/** Privileges a role holds on one table (SQL mode). */
export function trinoTableGrantSchema() {
  const z = zod();
  return z.object({
    catalog: nameSchema(),
    schema: nameSchema(),
    table: nameSchema(),
    privileges: z.array(trinoSqlPrivilegeSchema()),
  });
}

/** Privileges a role holds on one table. */
export type TrinoTableGrant = z.infer<ReturnType<typeof trinoTableGrantSchema>>;

/** The full state of one policy role: its grants and its members. */
export function trinoRoleStateSchema() {
  const z = zod();
  return z.object({
    role: nameSchema(),
    /** Catalog whose connector manages the role (`IN catalog`), or null for a system role. */
    roleCatalog: nameSchema().nullable(),
    members: z.array(nameSchema()),
    grants: z.array(trinoTableGrantSchema()),
  });
}

/** The full state of one policy role. */
export type TrinoRoleState = z.infer<ReturnType<typeof trinoRoleStateSchema>>;

function tableKey(g: { catalog: string; schema: string; table: string }): string {
  return JSON.stringify([g.catalog, g.schema, g.table]);
}

function inCatalog(roleCatalog: string | null): string {
  return roleCatalog === null ? "" : ` IN ${quoteIdent(roleCatalog, "trino")}`;
}

function tableName(g: { catalog: string; schema: string; table: string }): string {
  return quoteQualified([g.catalog, g.schema, g.table], "trino");
}

function privilegeMap(grants: readonly TrinoTableGrant[]): Map<string, { grant: TrinoTableGrant; privs: Set<string> }> {
  const out = new Map<string, { grant: TrinoTableGrant; privs: Set<string> }>();
  for (const g of grants) {
    const k = tableKey(g);
    const entry = out.get(k) ?? { grant: g, privs: new Set<string>() };
    for (const p of g.privileges) entry.privs.add(p);
    out.set(k, entry);
  }
  return out;
}

/**
 * The statements that move one policy role from `before` to `after` (either may be null): create
 * the role, grant privileges, add members, then remove members, revoke privileges, drop the role.
 * Trino has no IF NOT EXISTS for roles or grants, so idempotency comes from computing this delta
 * against live state read just before applying it.
 */
export function trinoRoleDelta(before: TrinoRoleState | null, after: TrinoRoleState | null): string[] {
  if (before && after && (before.role !== after.role || before.roleCatalog !== after.roleCatalog)) {
    return [...trinoRoleDelta(null, after), ...trinoRoleDelta(before, null)];
  }
  const state = after ?? before;
  if (!state) return [];
  const role = quoteIdent(state.role, "trino");
  const scope = inCatalog(state.roleCatalog);
  const oldGrants = privilegeMap(before?.grants ?? []);
  const newGrants = privilegeMap(after?.grants ?? []);
  const oldMembers = new Set(before?.members ?? []);
  const newMembers = new Set(after?.members ?? []);
  const out: string[] = [];
  if (!before) out.push(`CREATE ROLE ${role}${scope}`);
  const sortedKeys = (m: Map<string, unknown>) => [...m.keys()].sort();
  for (const k of sortedKeys(newGrants)) {
    const n = newGrants.get(k)!;
    const added = sortPrivileges([...n.privs].filter((p) => !oldGrants.get(k)?.privs.has(p)) as TrinoSqlPrivilege[]);
    if (added.length > 0) out.push(`GRANT ${added.join(", ")} ON TABLE ${tableName(n.grant)} TO ROLE ${role}`);
  }
  const addedMembers = [...newMembers].filter((m) => !oldMembers.has(m)).sort();
  if (addedMembers.length > 0) {
    out.push(`GRANT ${role} TO ${addedMembers.map((m) => `USER ${quoteIdent(m, "trino")}`).join(", ")}${scope}`);
  }
  if (after) {
    const removedMembers = [...oldMembers].filter((m) => !newMembers.has(m)).sort();
    if (removedMembers.length > 0) {
      out.push(`REVOKE ${role} FROM ${removedMembers.map((m) => `USER ${quoteIdent(m, "trino")}`).join(", ")}${scope}`);
    }
    for (const k of sortedKeys(oldGrants)) {
      const o = oldGrants.get(k)!;
      const removed = sortPrivileges([...o.privs].filter((p) => !newGrants.get(k)?.privs.has(p)) as TrinoSqlPrivilege[]);
      if (removed.length > 0) out.push(`REVOKE ${removed.join(", ")} ON TABLE ${tableName(o.grant)} FROM ROLE ${role}`);
    }
  } else {
    // Dropping the role removes its memberships and grants in one step, and only its own.
    out.push(`DROP ROLE ${role}${scope}`);
  }
  return out;
}

/** Catalog queries the Trino provider uses to read a role's live state. */
const trinoReadQueries = {
  /** `SHOW ROLES`: column `Role`. */
  roles(roleCatalog: string | null): string {
    return roleCatalog === null ? "SHOW ROLES" : `SHOW ROLES FROM ${quoteIdent(roleCatalog, "trino")}`;
  },
  /** Users holding the role: column `grantee`. */
  members(role: string, roleCatalog: string | null): string {
    const is = quoteQualified([roleCatalog ?? "system", "information_schema", "role_authorization_descriptors"], "trino");
    return `SELECT grantee FROM ${is} WHERE role_name = ${quoteLiteral(role, "trino")} AND grantee_type = 'USER'`;
  },
  /** Table privileges of the role in one catalog: columns `table_schema`, `table_name`, `privilege_type`. */
  grants(role: string, catalog: string): string {
    const is = quoteQualified([catalog, "information_schema", "table_privileges"], "trino");
    return (
      `SELECT table_schema, table_name, privilege_type FROM ${is} ` +
      `WHERE grantee = ${quoteLiteral(role, "trino")} AND grantee_type = 'ROLE'`
    );
  },
} as const;

// ---------------------------------------------------------------------------------------------
// File mode: rules.json

/** A Java regular expression, as the rule fields take; checked to compile. */
function regexSchema() {
  return zod()
    .string()
    .refine(
      (r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      },
      { message: "not a valid regular expression" },
    );
}

function subjectShape() {
  return { user: regexSchema().optional(), role: regexSchema().optional(), group: regexSchema().optional() };
}

/** A catalog rule: coarse access to a catalog (`all`, `read-only`, `none`; booleans are legacy). */
export function trinoCatalogRuleSchema() {
  const z = zod();
  return z
    .object({
      ...subjectShape(),
      catalog: regexSchema().optional(),
      allow: z.union([z.enum(["all", "read-only", "none"]), z.boolean()]),
    })
    .strict();
}

/** A schema rule: whether matching users own matching schemas. */
export function trinoSchemaRuleSchema() {
  const z = zod();
  return z.object({ ...subjectShape(), catalog: regexSchema().optional(), schema: regexSchema().optional(), owner: z.boolean() }).strict();
}

/** A column constraint inside a table rule. */
export function trinoColumnConstraintSchema() {
  const z = zod();
  return z
    .object({
      name: z.string().min(1),
      allow: z.boolean().optional(),
      mask: z.string().optional(),
      mask_environment: z.object({ user: z.string().optional() }).strict().optional(),
    })
    .strict();
}

/** A table rule: the privileges matching users hold on matching tables. */
export function trinoTableRuleSchema() {
  const z = zod();
  return z
    .object({
      ...subjectShape(),
      catalog: regexSchema().optional(),
      schema: regexSchema().optional(),
      table: regexSchema().optional(),
      privileges: z.array(trinoPrivilegeSchema()),
      columns: z.array(trinoColumnConstraintSchema()).optional(),
      filter: z.string().optional(),
      filter_environment: z.object({ user: z.string().optional() }).strict().optional(),
    })
    .strict();
}

/**
 * The catalog, schema and table sections of a system-level `rules.json` (Trino docs,
 * "File-based access control"). Sections accessplane does not write (functions, procedures,
 * queries, impersonation, session properties...) are refused rather than passed through, so a
 * document that validates here is one accessplane fully understands.
 */
export function trinoRulesDocumentSchema() {
  const z = zod();
  return z
    .object({
      catalogs: z.array(trinoCatalogRuleSchema()).optional(),
      schemas: z.array(trinoSchemaRuleSchema()).optional(),
      tables: z.array(trinoTableRuleSchema()).optional(),
    })
    .strict();
}

/** A `rules.json` document. */
export type TrinoRulesDocument = z.infer<ReturnType<typeof trinoRulesDocumentSchema>>;

/** Users, groups and roles, by name. */
export function trinoPrincipalsSchema() {
  const z = zod();
  return z.object({
    users: z.array(nameSchema()).default([]),
    groups: z.array(nameSchema()).default([]),
    roles: z.array(nameSchema()).default([]),
  });
}

/** What the rules file is generated from: each policy's subjects and its table privileges. */
export function trinoRulesInputSchema() {
  const z = zod();
  return z.object({
    /** Principals with every privilege everywhere (the service account that runs accessplane). */
    admins: trinoPrincipalsSchema().default({ users: [], groups: [], roles: [] }),
    policies: z.array(
      z.object({
        policyKey: nameSchema(),
        users: z.array(nameSchema()).default([]),
        groups: z.array(nameSchema()).default([]),
        grants: z.array(
          z.object({ catalog: nameSchema(), schema: nameSchema(), table: nameSchema(), privileges: z.array(trinoPrivilegeSchema()) }),
        ),
      }),
    ),
    /**
     * What everyone may do on objects that are not data sources (`trinoUnregisteredRules` of
     * `trino.cluster.allowedNonDataSourceOperations`); null denies everything unregistered.
     */
    unregistered: z
      .object({ privileges: z.array(trinoPrivilegeSchema()), schemaOwner: z.boolean() })
      .nullable()
      .default(null),
  });
}

/** Input of `trinoRulesDocument`. */
export type TrinoRulesInput = z.input<ReturnType<typeof trinoRulesInputSchema>>;

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
  const parsed = trinoRulesInputSchema().parse(input);
  const warnings: string[] = [];
  type Table = { catalog: string; schema: string; table: string; subjects: Map<string, Set<TrinoPrivilege>> };
  const tables = new Map<string, Table>();
  for (const p of parsed.policies) {
    for (const g of p.grants) {
      const k = tableKey(g);
      const t = tables.get(k) ?? { catalog: g.catalog, schema: g.schema, table: g.table, subjects: new Map() };
      tables.set(k, t);
      const subjects: [Kind, string][] = [
        ...p.users.map((u): [Kind, string] => ["user", u]),
        ...p.groups.map((gr): [Kind, string] => ["group", gr]),
      ];
      for (const [kind, who] of subjects) {
        const sk = JSON.stringify([kind, who]);
        const set = t.subjects.get(sk) ?? new Set<TrinoPrivilege>();
        for (const priv of g.privileges) set.add(priv);
        t.subjects.set(sk, set);
      }
    }
  }

  const admins = parsed.admins;
  const adminSubjects: { user?: string; group?: string; role?: string }[] = [
    ...(admins.users.length ? [{ user: alternation(admins.users) }] : []),
    ...(admins.groups.length ? [{ group: alternation(admins.groups) }] : []),
    ...(admins.roles.length ? [{ role: alternation(admins.roles) }] : []),
  ];

  const catalogs: z.infer<ReturnType<typeof trinoCatalogRuleSchema>>[] = adminSubjects.map((s) => ({ ...s, allow: "all" }));
  const schemas: z.infer<ReturnType<typeof trinoSchemaRuleSchema>>[] = adminSubjects.map((s) => ({ ...s, owner: true }));
  const rules: z.infer<ReturnType<typeof trinoTableRuleSchema>>[] = adminSubjects.map((s) => ({
    ...s,
    privileges: [...PRIVILEGE_ORDER],
  }));

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
      const privileges = sortPrivileges(privs);
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
        if (!nested) {
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
  const unregistered = parsed.unregistered;
  if (unregistered && (unregistered.privileges.length > 0 || unregistered.schemaOwner)) {
    const writes = unregistered.privileges.some((p) => p !== "SELECT" && p !== "GRANT_SELECT");
    catalogs.push({ allow: writes || unregistered.schemaOwner ? "all" : "read-only" });
    if (unregistered.schemaOwner) schemas.push({ owner: true });
    if (unregistered.privileges.length > 0) rules.push({ privileges: sortPrivileges(unregistered.privileges) });
  }
  // `schemas` is always written: an absent section would make every user own every schema.
  const document = trinoRulesDocumentSchema().parse({ catalogs, schemas, tables: rules });
  return { document, warnings };
}

/** Serialises a rules document the way the provider writes it: stable, two-space JSON, final newline. */
export function renderTrinoRules(document: TrinoRulesDocument): string {
  return `${JSON.stringify(trinoRulesDocumentSchema().parse(document), null, 2)}\n`;
}

export { TRINO_OBJECT_KIND, TRINO_OPERATION_PRIVILEGES, TRINO_UNREGISTERED_PRIVILEGES, trinoReadQueries };
