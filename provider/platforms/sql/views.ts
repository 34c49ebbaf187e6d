/**
 * The one SQL generator for view-based platforms: Redshift, Azure Synapse, and PostgreSQL (the
 * dialect Redshift is tested in). Their differences are the named traits of `VIEW_DIALECTS`
 * (dialect.ts); there is no second copy of any statement for tests.
 *
 * Shape (SPEC.md "Redshift" / "Azure Synapse"), per database (each through its own connection):
 * - a managed schema holding the entitlements store: `memberships(policy_key, user_name)` and
 *   `policy_objects(policy_key, data_source)`. Rows grow as users + objects per policy, never
 *   users x objects; the `entitlements(user_name, data_source)` view joins them. Nothing in the
 *   store is granted to anyone, so users cannot read who is subscribed to what.
 * - one managed view per data source: the source rows, filtered by an entitlement check for the
 *   current user. On postgres/redshift the view reads its source with its owner's rights; on
 *   Synapse through ownership chaining (the managed schema is owned by the sources' owner, see
 *   `createStoreStatements`). Either way users need no grant on the source.
 *   Redshift/PostgreSQL: a user without access gets zero rows. Synapse: a user without access
 *   gets the error `Access denied: you are not subscribed to the data source` (see `deniedCheck`).
 * - SELECT on each managed view goes to PUBLIC once, when the view is created; subscribing or
 *   revoking a user changes entitlement rows only, never a view or a grant.
 *
 * Every statement is idempotent (IF NOT EXISTS, CREATE OR REPLACE, guarded DROP, INSERT ... WHERE
 * NOT EXISTS), so a run interrupted midway and re-run converges. This file writes the DDL of the
 * store and of the views, and the queries that read them back; the entitlement rows are written
 * by view-entitlements.ts.
 */
import { createHash } from "node:crypto";
import {
  type Dialect,
  VIEW_DIALECTS,
  type ViewBasedDialect,
  type ViewDialectTraits,
  quoteIdent,
  quoteLiteral,
  quoteQualified,
} from "./dialect";

/** One of the view-based dialects (Trino is grant-based and lives in `trino.ts`). */
export type ViewDialect = ViewBasedDialect;

/** Fixed names of the store objects inside the managed schema. */
const STORE_OBJECTS = {
  memberships: "memberships",
  policyObjects: "policy_objects",
  entitlements: "entitlements",
} as const;

/** The exact message a Synapse user without access gets (SPEC.md, Azure Synapse). */
const ACCESS_DENIED_MESSAGE = "Access denied: you are not subscribed to the data source";

/** The table (or view) a managed view reads from, three-part named. */
export interface SourceTable {
  database: string;
  schema: string;
  table: string;
}

/** What one managed view needs: where it lives, what it shows, and the data source key it checks. */
export interface ManagedViewSpec {
  managedSchema: string;
  viewName: string;
  dataSource: string;
  source: SourceTable;
}

// Column widths: wide enough for e-mail style user names and dotted data source keys.
const KEY_WIDTH = 512;
const NAME_WIDTH = 512;

/** The traits of a view-based dialect. */
function traits(d: ViewDialect): ViewDialectTraits {
  return VIEW_DIALECTS[d];
}

function q(name: string, d: ViewDialect): string {
  return quoteIdent(name, d);
}

function obj(schema: string, name: string, d: ViewDialect): string {
  return quoteQualified([schema, name], d);
}

// `object-id` guards: OBJECT_ID takes the *quoted* name as a string, so it is quoted twice.
function objectId(d: ViewDialect, schema: string, name: string, kind: "U" | "V"): string {
  return `OBJECT_ID(${quoteLiteral(obj(schema, name, d), d)}, N'${kind}')`;
}

function textType(width: number, d: ViewDialect): string {
  return `${traits(d).textType}(${width})`;
}

/** The user-name expression of the session querying a view. */
function currentUser(d: ViewDialect): string {
  return traits(d).currentUser;
}

function storeTableDdl(d: ViewDialect, schema: string, table: string, cols: [string, number][]): string {
  const columns = cols.map(([c, w]) => `${q(c, d)} ${textType(w, d)} NOT NULL`).join(", ");
  if (!traits(d).enforcedKeys) {
    // Without enforced keys, uniqueness comes from the guarded INSERTs.
    return `IF ${objectId(d, schema, table, "U")} IS NULL CREATE TABLE ${obj(schema, table, d)} (${columns})`;
  }
  const pk = cols.map(([c]) => q(c, d)).join(", ");
  return `CREATE TABLE IF NOT EXISTS ${obj(schema, table, d)} (${columns}, PRIMARY KEY (${pk}))`;
}

function entitlementsSelect(d: ViewDialect, schema: string): string {
  const mb = q("mb", d);
  const po = q("po", d);
  return (
    `SELECT DISTINCT ${mb}.${q("user_name", d)}, ${po}.${q("data_source", d)} ` +
    `FROM ${obj(schema, STORE_OBJECTS.memberships, d)} AS ${mb} ` +
    `INNER JOIN ${obj(schema, STORE_OBJECTS.policyObjects, d)} AS ${po} ` +
    `ON ${po}.${q("policy_key", d)} = ${mb}.${q("policy_key", d)}`
  );
}

/**
 * Statements that create the managed schema and the entitlements store of one database. On Synapse
 * the schema is created `AUTHORIZATION schemaOwner`, and handed to that owner if it exists with
 * another: T-SQL views do not run with their owner's rights but rely on ownership chaining, which
 * skips the permission check on a referenced object only when it has the view's owner (the owner of
 * its schema), so the managed schema must be owned by the sources' owner
 * (https://learn.microsoft.com/sql/t-sql/statements/permissions-grant-deny-revoke-azure-sql-data-warehouse-parallel-data-warehouse#ownership-chaining,
 * https://learn.microsoft.com/sql/t-sql/statements/create-schema-transact-sql).
 */
export function createStoreStatements(d: ViewDialect, managedSchema: string, schemaOwner: string | null = null): string[] {
  const s = managedSchema;
  const tables = [
    storeTableDdl(d, s, STORE_OBJECTS.memberships, [
      ["policy_key", KEY_WIDTH],
      ["user_name", NAME_WIDTH],
    ]),
    storeTableDdl(d, s, STORE_OBJECTS.policyObjects, [
      ["policy_key", KEY_WIDTH],
      ["data_source", KEY_WIDTH],
    ]),
  ];
  const ent = obj(s, STORE_OBJECTS.entitlements, d);
  if (traits(d).ddlStartsBatch) {
    // CREATE SCHEMA and CREATE VIEW must each start a batch, hence EXEC of a quoted literal.
    const owner = schemaOwner === null || !traits(d).ownershipChaining ? "" : ` AUTHORIZATION ${q(schemaOwner, d)}`;
    const createSchema = quoteLiteral(`CREATE SCHEMA ${q(s, d)}${owner}`, d);
    const createView = quoteLiteral(`CREATE VIEW ${ent} AS ${entitlementsSelect(d, s)}`, d);
    const chown =
      schemaOwner === null || !traits(d).ownershipChaining
        ? []
        : [
            `IF EXISTS (SELECT 1 FROM sys.schemas WHERE name = ${quoteLiteral(s, d)} AND USER_NAME(principal_id) <> ${quoteLiteral(schemaOwner, d)}) ` +
              `EXEC(${quoteLiteral(`ALTER AUTHORIZATION ON SCHEMA::${q(s, d)} TO ${q(schemaOwner, d)}`, d)})`,
          ];
    return [
      `IF NOT EXISTS (SELECT 1 FROM sys.schemas WHERE name = ${quoteLiteral(s, d)}) EXEC(${createSchema})`,
      ...chown,
      ...tables,
      `IF ${objectId(d, s, STORE_OBJECTS.entitlements, "V")} IS NULL EXEC(${createView})`,
    ];
  }
  return [
    `CREATE SCHEMA IF NOT EXISTS ${q(s, d)}`,
    ...tables,
    `CREATE OR REPLACE VIEW ${ent} AS ${entitlementsSelect(d, s)}`,
    // Users need USAGE on the schema to reach the managed views; the store itself stays ungranted.
    ...(traits(d).schemaUsageGrant ? [`GRANT USAGE ON SCHEMA ${q(s, d)} TO ${traits(d).publicGrantee}`] : []),
  ];
}

/**
 * Statements that drop the store. The schema is dropped only when `dropSchema` (it was created by
 * accessplane) and only if empty: no CASCADE anywhere, so nothing unmanaged is ever removed.
 */
export function dropStoreStatements(d: ViewDialect, managedSchema: string, dropSchema: boolean): string[] {
  const s = managedSchema;
  if (traits(d).ddlGuards === "object-id") {
    const out = [
      `IF ${objectId(d, s, STORE_OBJECTS.entitlements, "V")} IS NOT NULL DROP VIEW ${obj(s, STORE_OBJECTS.entitlements, d)}`,
      `IF ${objectId(d, s, STORE_OBJECTS.policyObjects, "U")} IS NOT NULL DROP TABLE ${obj(s, STORE_OBJECTS.policyObjects, d)}`,
      `IF ${objectId(d, s, STORE_OBJECTS.memberships, "U")} IS NOT NULL DROP TABLE ${obj(s, STORE_OBJECTS.memberships, d)}`,
    ];
    if (dropSchema) {
      out.push(
        `IF NOT EXISTS (SELECT 1 FROM sys.objects WHERE schema_id = SCHEMA_ID(${quoteLiteral(s, d)})) ` +
          `AND SCHEMA_ID(${quoteLiteral(s, d)}) IS NOT NULL EXEC(${quoteLiteral(`DROP SCHEMA ${q(s, d)}`, d)})`,
      );
    }
    return out;
  }
  const out = [
    `DROP VIEW IF EXISTS ${obj(s, STORE_OBJECTS.entitlements, d)}`,
    `DROP TABLE IF EXISTS ${obj(s, STORE_OBJECTS.policyObjects, d)}`,
    `DROP TABLE IF EXISTS ${obj(s, STORE_OBJECTS.memberships, d)}`,
  ];
  // RESTRICT (the default) fails if other objects remain; the provider then keeps the schema.
  if (dropSchema) out.push(`DROP SCHEMA IF EXISTS ${q(s, d)}`);
  return out;
}

/**
 * The access check of a Synapse view. T-SQL cannot THROW or RAISERROR inside a view or an inline
 * function ("invalid use of a side-effecting operator"), so the check forces a conversion error
 * whose message carries the exact access-denied text: CAST(N'Access denied: ...' AS INT) fails
 * with "Conversion failed when converting the nvarchar value 'Access denied: you are not
 * subscribed to the data source' to data type int". The CASE only evaluates the CAST for users
 * without an entitlement row, and SQL Server does not constant-fold expressions that would error.
 */
function deniedCheck(d: ViewDialect, spec: ManagedViewSpec): string {
  const e = q("e", d);
  return (
    `CASE WHEN EXISTS (SELECT 1 FROM ${obj(spec.managedSchema, STORE_OBJECTS.entitlements, d)} AS ${e} ` +
    `WHERE ${e}.${q("user_name", d)} = ${currentUser(d)} AND ${e}.${q("data_source", d)} = ${quoteLiteral(spec.dataSource, d)}) ` +
    `THEN 1 ELSE CAST(${quoteLiteral(ACCESS_DENIED_MESSAGE, d)} AS INT) END`
  );
}

/** The SELECT a managed view is defined by (shared by create and by drift detection). */
export function managedViewSelect(d: ViewDialect, spec: ManagedViewSpec): string {
  const src = q("src", d);
  const from = `${quoteQualified([spec.source.database, spec.source.schema, spec.source.table], d)} AS ${src}`;
  if (traits(d).deniedAccess === "error") {
    const check = q("access_check", d);
    return (
      `SELECT ${src}.* FROM ${from} CROSS JOIN (SELECT ${deniedCheck(d, spec)} AS ${q("granted", d)}) AS ${check} ` +
      `WHERE ${check}.${q("granted", d)} = 1`
    );
  }
  const e = q("e", d);
  return (
    `SELECT ${src}.* FROM ${from} WHERE EXISTS (SELECT 1 FROM ${obj(spec.managedSchema, STORE_OBJECTS.entitlements, d)} AS ${e} ` +
    `WHERE ${e}.${q("user_name", d)} = ${currentUser(d)} AND ${e}.${q("data_source", d)} = ${quoteLiteral(spec.dataSource, d)})`
  );
}

/**
 * The marker kept in a postgres/redshift managed view's comment: a digest of the generated SELECT
 * and of the definition as the database rendered it right after creation. Both databases store
 * views re-rendered, so the generated text cannot be compared back; a hand edit (CREATE OR REPLACE
 * keeps the comment) changes the rendered definition and so no longer matches the marker.
 */
export function viewMarker(d: ViewDialect, spec: ManagedViewSpec, renderedDefinition: string): string {
  const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 24);
  return `accessplane:${digest(`${d}\n${managedViewSelect(d, spec)}`)}:${digest(renderedDefinition.trim())}`;
}

/** The COMMENT statement that records `viewMarker` on a postgres/redshift managed view. */
export function viewMarkerStatement(d: ViewDialect, spec: ManagedViewSpec, renderedDefinition: string): string {
  const view = obj(spec.managedSchema, spec.viewName, d);
  return `COMMENT ON VIEW ${view} IS ${quoteLiteral(viewMarker(d, spec, renderedDefinition), d)}`;
}

/** The exact `CREATE VIEW` text of a Synapse managed view, as `OBJECT_DEFINITION` returns it. */
export function synapseViewDefinition(spec: ManagedViewSpec): string {
  return `CREATE VIEW ${obj(spec.managedSchema, spec.viewName, "synapse")} AS ${managedViewSelect("synapse", spec)}`;
}

/** Statements that create (or converge) one managed view and its PUBLIC grant. */
export function createViewStatements(d: ViewDialect, spec: ManagedViewSpec): string[] {
  const view = obj(spec.managedSchema, spec.viewName, d);
  const select = managedViewSelect(d, spec);
  const t = traits(d);
  if (!t.createOrReplaceView) {
    // No CREATE OR ALTER VIEW (dedicated SQL pools): drop if present, then create, then grant.
    return [
      ...dropViewStatements(d, spec.managedSchema, spec.viewName),
      `CREATE VIEW ${view} AS ${select}`,
      `GRANT SELECT ON ${view} TO ${t.publicGrantee}`,
    ];
  }
  // Late-binding views survive drops of the source and must schema-qualify every reference,
  // which the generator always does.
  const binding = t.lateBindingViews ? " WITH NO SCHEMA BINDING" : "";
  // With `marker` drift, the provider then records `viewMarkerStatement` (it needs the definition as rendered).
  return [`CREATE OR REPLACE VIEW ${view} AS ${select}${binding}`, `GRANT SELECT ON ${view} TO ${t.publicGrantee}`];
}

/** Statements that drop one managed view (its grants go with it). */
export function dropViewStatements(d: ViewDialect, managedSchema: string, viewName: string): string[] {
  const view = obj(managedSchema, viewName, d);
  if (traits(d).ddlGuards === "object-id") return [`IF ${objectId(d, managedSchema, viewName, "V")} IS NOT NULL DROP VIEW ${view}`];
  return [`DROP VIEW IF EXISTS ${view}`];
}

/** Catalog queries the providers use to read live state back (drift detection). */
const readQueries = {
  /** One row per member of the policy: column `v`. */
  members(d: ViewDialect, managedSchema: string, policyKey: string): string {
    return (
      `SELECT ${q("user_name", d)} AS ${q("v", d)} FROM ${obj(managedSchema, STORE_OBJECTS.memberships, d)} ` +
      `WHERE ${q("policy_key", d)} = ${quoteLiteral(policyKey, d)}`
    );
  },
  /** One row per data source of the policy: column `v`. */
  dataSources(d: ViewDialect, managedSchema: string, policyKey: string): string {
    return (
      `SELECT ${q("data_source", d)} AS ${q("v", d)} FROM ${obj(managedSchema, STORE_OBJECTS.policyObjects, d)} ` +
      `WHERE ${q("policy_key", d)} = ${quoteLiteral(policyKey, d)}`
    );
  },
  /** One row per existing relation of the schema: columns `name` and `kind` (`table` or `view`). */
  relations(d: ViewDialect, managedSchema: string): string {
    if (traits(d).catalog === "sys") {
      return (
        `SELECT o.name AS name, CASE o.type WHEN 'V' THEN 'view' ELSE 'table' END AS kind FROM sys.objects o ` +
        `WHERE o.schema_id = SCHEMA_ID(${quoteLiteral(managedSchema, d)}) AND o.type IN ('U', 'V')`
      );
    }
    return (
      `SELECT table_name AS name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind ` +
      `FROM information_schema.tables WHERE table_schema = ${quoteLiteral(managedSchema, d)}`
    );
  },
  /** One row (column `n`) when the schema exists. */
  schemaExists(d: ViewDialect, managedSchema: string): string {
    if (traits(d).catalog === "sys") return `SELECT 1 AS n FROM sys.schemas WHERE name = ${quoteLiteral(managedSchema, d)}`;
    return `SELECT 1 AS n FROM information_schema.schemata WHERE schema_name = ${quoteLiteral(managedSchema, d)}`;
  },
  /**
   * The live state of a view: columns `v` (its comment with `marker` drift, its CREATE VIEW text
   * with `definition` drift) and `def` (the rendered definition; `marker` drift). No row when it is missing.
   */
  viewState(d: ViewDialect, managedSchema: string, viewName: string): string {
    if (traits(d).viewDrift === "definition") {
      return (
        `SELECT OBJECT_DEFINITION(${objectId(d, managedSchema, viewName, "V")}) AS v, N'' AS def ` +
        `WHERE ${objectId(d, managedSchema, viewName, "V")} IS NOT NULL`
      );
    }
    // relkind 'v' only: a table that happens to carry the view's name is not the managed view.
    return (
      `SELECT COALESCE(d.description, '') AS v, COALESCE(pg_catalog.pg_get_viewdef(c.oid), '') AS def ` +
      `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
      `LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 ` +
      `WHERE n.nspname = ${quoteLiteral(managedSchema, d)} AND c.relname = ${quoteLiteral(viewName, d)} AND c.relkind = 'v'`
    );
  },
  /** One row (column `n`) when PUBLIC may SELECT from the view. */
  publicSelect(d: ViewDialect, managedSchema: string, viewName: string): string {
    if (traits(d).catalog === "sys") {
      return (
        `SELECT 1 AS n FROM sys.database_permissions p WHERE p.major_id = ${objectId(d, managedSchema, viewName, "V")} ` +
        `AND p.grantee_principal_id = DATABASE_PRINCIPAL_ID(N'public') AND p.permission_name = N'SELECT' AND p.state = N'G'`
      );
    }
    return (
      `SELECT 1 AS n FROM information_schema.table_privileges WHERE grantee = 'PUBLIC' AND privilege_type = 'SELECT' ` +
      `AND table_schema = ${quoteLiteral(managedSchema, d)} AND table_name = ${quoteLiteral(viewName, d)}`
    );
  },
  /** Synapse: the owner of the schema (column `owner`); no row when it is missing. */
  schemaOwner(managedSchema: string): string {
    const d: ViewDialect = "synapse";
    return `SELECT USER_NAME(principal_id) AS owner FROM sys.schemas WHERE name = ${quoteLiteral(managedSchema, d)}`;
  },
  /**
   * Synapse: the owner an ownership chain compares for an object (column `owner`): its own owner if
   * ownership was transferred to it, else its schema's owner. No row when the object is missing.
   */
  objectOwner(parts: readonly string[]): string {
    const d: ViewDialect = "synapse";
    return (
      `SELECT USER_NAME(COALESCE(o.principal_id, s.principal_id)) AS owner FROM sys.objects AS o ` +
      `INNER JOIN sys.schemas AS s ON s.schema_id = o.schema_id ` +
      `WHERE o.object_id = OBJECT_ID(${quoteLiteral(quoteQualified(parts, d), d)})`
    );
  },
  /** One row (column `n`) when PUBLIC has USAGE on the schema (postgres and redshift only). */
  publicUsage(d: ViewDialect, managedSchema: string): string {
    return `SELECT 1 AS n WHERE has_schema_privilege('public', ${quoteLiteral(managedSchema, d)}, 'USAGE')`;
  },
} as const;

/**
 * Why a Synapse managed view would deny everyone, if it would: its owner (the managed schema's)
 * differs from the source's, so the ownership chain breaks and every reader needs SELECT on the
 * source itself, which subscription policies never grant.
 */
export function ownershipChainProblem(
  spec: Pick<ManagedViewSpec, "managedSchema" | "source">,
  sourceOwner: string | undefined,
  viewOwner: string | undefined,
): string | undefined {
  const src = quoteQualified([spec.source.database, spec.source.schema, spec.source.table], "synapse");
  if (sourceOwner === undefined) return `source ${src} does not exist or cannot be seen by the login accessplane uses`;
  if (viewOwner === undefined) return `managed schema ${quoteIdent(spec.managedSchema, "synapse")} does not exist`;
  if (sourceOwner.toLowerCase() === viewOwner.toLowerCase()) return undefined;
  return (
    `source ${src} is owned by \`${sourceOwner}\` but managed schema ${quoteIdent(spec.managedSchema, "synapse")} by \`${viewOwner}\`, ` +
    `so the ownership chain from the view to its source breaks and the view would deny every reader`
  );
}

/** The dialect a connection speaks, for callers holding the wider `Dialect` type. */
export function isViewDialect(d: Dialect): d is ViewDialect {
  return Object.prototype.hasOwnProperty.call(VIEW_DIALECTS, d);
}

// Exported by name, never `export const`: tsc compiles a module's own references to an exported
// const as `exports.NAME`, which Pulumi's closure serialisation cannot follow (see closure.ts).
export { STORE_OBJECTS, ACCESS_DENIED_MESSAGE, readQueries };
